// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>

namespace runlens::analysis {

// Special functions behind the drift p-values, in double precision. Each names the scipy function it matches;
// tst_drift checks them against values scipy computed.

// Standard normal CDF, scipy.special.ndtr.
double normalCdf(double z);
// Standard normal survival function 1 - ndtr(z), without cancellation in the upper tail.
double normalSf(double z);

// Regularised lower and upper incomplete gamma functions P(a, x) and Q(a, x) = 1 - P(a, x), scipy.special.gammainc
// and gammaincc; a > 0, x >= 0, else NaN.
double regularizedGammaP(double a, double x);
double regularizedGammaQ(double a, double x);

// Chi-square survival function, scipy.stats.chi2.sf(x, dof); dof > 0.
double chiSquareSf(double x, double dof);

// Survival function of the limiting Kolmogorov distribution, scipy.special.kolmogorov: P(sqrt(n) D_n > x), n -> inf.
double kolmogorovSf(double x);

// One-sided one-sample Smirnov survival P(D_n+ > x), scipy.special.smirnov(n, x).
double smirnovSf(std::int64_t n, double x);

// Two-sided one-sample Kolmogorov-Smirnov survival P(D_n >= x) for finite n, scipy.stats.kstwo.sf(x, n): the
// Simard-L'Ecuyer choice between Durbin's matrix, Pomeranz's recursion, Pelz-Good and the Smirnov tail, as scipy makes
// it.
double kolmogorovNSf(std::int64_t n, double x);

// Exact two-sided two-sample p-value P(D_{n1,n2} >= h / lcm(n1, n2)), scipy's _attempt_exact_2kssamp. NaN when the
// computation fails (scipy then falls back to the asymptotic distribution).
double ksTwoSampleExactSf(std::int64_t n1, std::int64_t n2, std::int64_t h);

}  // namespace runlens::analysis
