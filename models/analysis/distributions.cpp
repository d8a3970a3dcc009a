// SPDX-License-Identifier: MIT
#include "distributions.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <numeric>
#include <tuple>
#include <vector>

namespace runlens::analysis {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
constexpr double epsilon = std::numeric_limits<double>::epsilon();
constexpr double pi = std::numbers::pi;

double clipProbability(double p) {
    return std::clamp(p, 0.0, 1.0);
}

// exp(a log x - x) / Gamma(a), the factor shared by the series and the continued fraction; in logs so that large a
// and x do not overflow before they cancel.
double gammaPrefactor(double a, double x) {
    return std::exp(a * std::log(x) - x - std::lgamma(a));
}

// P(a, x) by its power series; converges quickly for x < a + 1.
double gammaPSeries(double a, double x) {
    double term = 1.0 / a;
    double sum = term;
    for (int n = 1; n < 100000; ++n) {
        term *= x / (a + n);
        sum += term;
        if (std::fabs(term) < std::fabs(sum) * epsilon)
            break;
    }
    return sum * gammaPrefactor(a, x);
}

// Q(a, x) by its continued fraction 1/(x+1-a- 1(1-a)/(x+3-a- 2(2-a)/(x+5-a- ...))), evaluated with the modified
// Lentz method; converges quickly for x >= a + 1.
double gammaQContinuedFraction(double a, double x) {
    constexpr double tiny = 1e-300;
    double b = x + 1.0 - a;
    double c = 1.0 / tiny;
    double d = 1.0 / b;
    double f = d;
    for (int i = 1; i < 100000; ++i) {
        const double an = -i * (i - a);
        b += 2.0;
        d = an * d + b;
        if (std::fabs(d) < tiny)
            d = tiny;
        c = b + an / c;
        if (std::fabs(c) < tiny)
            c = tiny;
        d = 1.0 / d;
        const double delta = d * c;
        f *= delta;
        if (std::fabs(delta - 1.0) < epsilon)
            break;
    }
    return f * gammaPrefactor(a, x);
}

// log(n! / n^n) by Stirling's series with n log n removed up front (scipy's _log_nfactorial_div_n_pow_n).
double logFactorialOverPower(double n) {
    // B_{2j} / (2j (2j - 1)) for j = 8..1, highest power first.
    static constexpr double stirling[] = {
        -2.955065359477124183e-2, 6.4102564102564102564e-3, -1.9175269175269175269e-3, 8.4175084175084175084e-4,
        -5.952380952380952381e-4, 7.9365079365079365079e-4, -2.7777777777777777778e-3, 8.3333333333333333333e-2};
    const double rn = 1.0 / n;
    double poly = 0;
    for (double c : stirling)
        poly = poly * (rn / n) + c;
    return std::log(n) / 2 - n + std::log(2 * pi) / 2 + rn * poly;
}

constexpr int scaleExponent = 128;
const double bigScale = std::ldexp(1.0, scaleExponent);
const double smallScale = std::ldexp(1.0, -scaleExponent);

using Matrix = std::vector<double>;  // row-major square

Matrix multiply(const Matrix& a, const Matrix& b, int m) {
    Matrix c(a.size(), 0.0);
    for (int i = 0; i < m; ++i) {
        for (int k = 0; k < m; ++k) {
            const double aik = a[static_cast<std::size_t>(i * m + k)];
            if (aik == 0)
                continue;
            for (int j = 0; j < m; ++j)
                c[static_cast<std::size_t>(i * m + j)] += aik * b[static_cast<std::size_t>(k * m + j)];
        }
    }
    return c;
}

// P(D_n <= d) by Durbin's matrix with the Marsaglia-Tsang-Wang scaling: the k-th diagonal entry of H^n times n!/n^n.
double kolmogorovDurbinCdf(std::int64_t n, double d) {
    if (d >= 1.0)
        return 1.0;
    const double nd = static_cast<double>(n) * d;
    if (nd <= 0.5)
        return 0.0;
    const int k = static_cast<int>(std::ceil(nd));
    const double h = k - nd;
    const int m = 2 * k - 1;
    const auto at = [m](int r, int c) {
        return static_cast<std::size_t>(r * m + c);
    };

    std::vector<double> v(static_cast<std::size_t>(m));
    std::vector<double> w(static_cast<std::size_t>(m));
    double factorial = 1.0;  // 1/j!, may underflow harmlessly
    for (int j = 1; j <= m; ++j) {
        w[static_cast<std::size_t>(j - 1)] = factorial;
        factorial /= j;
        v[static_cast<std::size_t>(j - 1)] = (1.0 - std::pow(h, j)) * factorial;
    }
    const double tt = std::pow(std::max(2 * h - 1.0, 0.0), m) - 2 * std::pow(h, m);
    v[static_cast<std::size_t>(m - 1)] = (1.0 + tt) * factorial;

    Matrix hm(static_cast<std::size_t>(m * m), 0.0);
    for (int i = 1; i < m; ++i) {
        for (int r = i - 1; r < m; ++r)
            hm[at(r, i)] = w[static_cast<std::size_t>(r - (i - 1))];
    }
    for (int r = 0; r < m; ++r)
        hm[at(r, 0)] = v[static_cast<std::size_t>(r)];
    for (int c = 0; c < m; ++c)
        hm[at(m - 1, c)] = v[static_cast<std::size_t>(m - 1 - c)];

    Matrix power(static_cast<std::size_t>(m * m), 0.0);
    for (int i = 0; i < m; ++i)
        power[at(i, i)] = 1.0;
    int exponent = 0;
    int hExponent = 0;
    for (std::int64_t rest = n; rest > 0; rest /= 2) {
        if (rest % 2) {
            power = multiply(power, hm, m);
            exponent += hExponent;
        }
        hm = multiply(hm, hm, m);
        hExponent *= 2;
        if (std::fabs(hm[at(k - 1, k - 1)]) > bigScale) {
            for (double& x : hm)
                x /= bigScale;
            hExponent += scaleExponent;
        }
    }
    double p = power[at(k - 1, k - 1)];
    const auto nd64 = static_cast<double>(n);
    for (std::int64_t i = 1; i <= n; ++i) {
        p = static_cast<double>(i) * p / nd64;
        if (std::fabs(p) < smallScale) {
            p *= bigScale;
            exponent -= scaleExponent;
        }
    }
    return clipProbability(std::ldexp(p, exponent));
}

// Python's slice bounds [start, stop) clamped to a sequence of length size.
std::pair<std::int64_t, std::int64_t> sliceBounds(std::int64_t start, std::int64_t stop, std::int64_t size) {
    const auto fix = [size](std::int64_t i) {
        return std::clamp(i < 0 ? i + size : i, std::int64_t{0}, size);
    };
    const std::int64_t a = fix(start);
    return {a, std::max(a, fix(stop))};
}

// P(D_n <= x) by Pomeranz's recursion, row by row with only the non-zero window of each row kept.
double kolmogorovPomeranzCdf(std::int64_t n, double x) {
    const double t = static_cast<double>(n) * x;
    const auto ll = static_cast<std::int64_t>(std::floor(t));
    const double f = t - static_cast<double>(ll);
    const double g = std::min(f, 1.0 - f);
    const std::int64_t ceilf = f > 0 ? 1 : 0;
    const std::int64_t roundf = f > 0.5 ? 1 : 0;
    const std::int64_t npwrs = 2 * (ll + 1);
    const auto size = static_cast<std::size_t>(npwrs);
    // (g/n)^m/m!, (2g/n)^m/m!, ((1-2g)/n)^m/m!: Poisson probabilities without their normalising factor.
    std::vector<double> gpower(size), twogpower(size), onem2gpower(size);
    gpower[0] = twogpower[0] = onem2gpower[0] = 1.0;
    const double nd = static_cast<double>(n);
    for (std::size_t m = 1; m < size; ++m) {
        gpower[m] = gpower[m - 1] * (g / nd) / static_cast<double>(m);
        twogpower[m] = twogpower[m - 1] * (2 * g / nd) / static_cast<double>(m);
        onem2gpower[m] = onem2gpower[m - 1] * ((1 - 2 * g) / nd) / static_cast<double>(m);
    }
    const auto bounds = [&](std::int64_t i) {
        std::int64_t j1 = 0;
        std::int64_t j2 = 0;
        if (i == 0) {
            j1 = -ll - ceilf - 1;
            j2 = ll + ceilf - 1;
        } else {
            const std::int64_t half = (i + 1) / 2;
            if ((i + 1) % 2 == 0) {
                if (half == n + 1) {
                    j1 = n - ll - ceilf - 1;
                    j2 = n + ll + ceilf - 1;
                } else {
                    j1 = half - 1 - ll - roundf - 1;
                    j2 = half + ll - 1 + ceilf - 1;
                }
            } else {
                j1 = half - 1 - ll - 1;
                j2 = half + ll + roundf - 1;
            }
        }
        return std::pair{std::max<std::int64_t>(j1 + 2, 0), std::min(j2, n)};
    };

    std::vector<double> v0(size, 0.0);
    std::vector<double> v1(size, 0.0);
    v1[0] = 1;
    std::int64_t v0s = 0;
    std::int64_t v1s = 0;
    int exponent = 0;
    auto [j1, j2] = bounds(0);
    std::vector<double> conv;
    for (std::int64_t i = 1; i < 2 * n + 2; ++i) {
        const std::int64_t k1 = j1;
        std::swap(v0, v1);
        std::swap(v0s, v1s);
        std::fill(v1.begin(), v1.end(), 0.0);
        std::tie(j1, j2) = bounds(i);
        const auto& pwrs = (i == 1 || i == 2 * n + 1) ? gpower : (i % 2 ? twogpower : onem2gpower);
        const std::int64_t ln2 = j2 - k1 + 1;
        if (ln2 <= 0)
            continue;
        const auto [a0, a1] = sliceBounds(k1 - v0s, k1 - v0s + ln2, npwrs);
        const auto [b0, b1] = sliceBounds(0, ln2, npwrs);
        const std::int64_t la = a1 - a0;
        const std::int64_t lb = b1 - b0;
        if (la == 0 || lb == 0)
            return nan;
        conv.assign(static_cast<std::size_t>(la + lb - 1), 0.0);
        for (std::int64_t p = 0; p < la; ++p) {
            const double ap = v0[static_cast<std::size_t>(a0 + p)];
            for (std::int64_t q = 0; q < lb; ++q)
                conv[static_cast<std::size_t>(p + q)] += ap * pwrs[static_cast<std::size_t>(b0 + q)];
        }
        const std::int64_t start = j1 - k1;
        const std::int64_t length = j2 - j1 + 1;
        const auto [c0, c1] = sliceBounds(start, start + length, static_cast<std::int64_t>(conv.size()));
        if (c1 - c0 > npwrs)
            return nan;
        std::copy(conv.begin() + c0, conv.begin() + c1, v1.begin());
        const double largest = *std::max_element(v1.begin(), v1.end());
        if (largest > 0 && largest < smallScale) {
            for (double& x1 : v1)
                x1 *= bigScale;
            exponent -= scaleExponent;
        }
        v1s = v0s + j1 - k1;
    }
    const std::int64_t last = n - v1s;
    if (last < 0 || last >= npwrs)
        return nan;
    double answer = v1[static_cast<std::size_t>(last)];
    for (std::int64_t m = 1; m <= n; ++m) {
        if (std::fabs(answer) > bigScale) {
            answer *= smallScale;
            exponent += scaleExponent;
        }
        answer *= static_cast<double>(m);
    }
    return clipProbability(std::ldexp(answer, exponent));
}

// P(D_n <= x) by the Pelz-Good expansion of the Li-Chien/Korolyuk series, for small x and large n.
double kolmogorovPelzGoodCdf(std::int64_t n, double x) {
    if (x <= 0.0)
        return 0.0;
    if (x >= 1.0)
        return 1.0;
    const double nd = static_cast<double>(n);
    const double z = std::sqrt(nd) * x;
    const double z2 = z * z;
    const double z3 = z2 * z;
    const double z4 = z2 * z2;
    const double z6 = z4 * z2;
    const double pi2 = pi * pi;
    const double pi4 = pi2 * pi2;
    const double pi6 = pi4 * pi2;
    const double qlog = -pi2 / 8 / z2;
    if (qlog < -708)
        return 0.0;
    double q = std::exp(qlog);

    const double k1a = -z2;
    const double k1b = pi2 / 4;
    const double k2a = 6 * z6 + 2 * z4;
    const double k2b = (2 * z4 - 5 * z2) * pi2 / 4;
    const double k2c = pi4 * (1 - 2 * z2) / 16;
    const double k3d = pi6 * (5 - 30 * z2) / 64;
    const double k3c = pi4 * (-60 * z2 + 212 * z4) / 16;
    const double k3b = pi2 * (135 * z4 - 96 * z6) / 4;
    const double k3a = -30 * z6 - 90 * std::pow(z, 8);

    double k[4] = {0, 0, 0, 0};
    // Horner scheme over the odd integers m = 2j - 1 of sum c_m q^(m^2).
    const auto maxk = static_cast<int>(std::ceil(16 * z / pi));
    for (int j = maxk; j > 0; --j) {
        const double m = 2.0 * j - 1;
        const double m2 = m * m;
        const double m4 = m2 * m2;
        const double m6 = m4 * m2;
        const double qpower = std::pow(q, 8.0 * j);
        const double coeffs[4] = {1.0, k1a + k1b * m2, k2a + k2b * m2 + k2c * m4, k3a + k3b * m2 + k3c * m4 + k3d * m6};
        for (int i = 0; i < 4; ++i)
            k[i] = k[i] * qpower + coeffs[i];
    }
    const double sqrt2pi = std::sqrt(2 * pi);
    const double divisors[4] = {z, 6 * z4, 72 * std::pow(z, 7), 6480 * std::pow(z, 10)};
    for (int i = 0; i < 4; ++i)
        k[i] = k[i] * q * sqrt2pi / divisors[i];

    // The remaining sums over all integers j: K2 gets (pi j)^2 q^(j^2), K3 (3 pi^2 j^2 z^2 - pi^4 j^4) q^(j^2).
    q = std::exp(-pi2 / 2 / z2);
    double k2extra = 0;
    double k3extra = 0;
    const double sqrt3z = std::sqrt(3.0) * z;
    for (int j = maxk; j > 0; --j) {
        const double j2 = static_cast<double>(j) * j;
        const double qp = std::pow(q, j2);
        k2extra += j2 * qp;
        const double jpi = pi * j;
        k3extra += (sqrt3z + jpi) * (sqrt3z - jpi) * j2 * qp;
    }
    k[2] += k2extra * pi2 * sqrt2pi / (-36 * z3);
    k[3] += k3extra * pi2 * sqrt2pi / (216 * z6);
    double sum = 0;
    for (int i = 0; i < 4; ++i)
        sum += k[i] / std::pow(nd, i / 2.0);
    return sum;
}

}  // namespace

double normalCdf(double z) {
    if (std::isnan(z))
        return nan;
    const double x = z * std::numbers::sqrt2 / 2;
    const double ax = std::fabs(x);
    // erf near zero, erfc in the tails, so neither tail loses digits to 1 - small.
    if (ax < std::numbers::sqrt2 / 2)
        return 0.5 + 0.5 * std::erf(x);
    const double y = 0.5 * std::erfc(ax);
    return x > 0 ? 1.0 - y : y;
}

double normalSf(double z) {
    return normalCdf(-z);
}

double regularizedGammaP(double a, double x) {
    if (!(a > 0) || !(x >= 0))
        return nan;
    if (x == 0)
        return 0.0;
    if (std::isinf(x))
        return 1.0;
    if (x < a + 1)
        return clipProbability(gammaPSeries(a, x));
    return clipProbability(1.0 - gammaQContinuedFraction(a, x));
}

double regularizedGammaQ(double a, double x) {
    if (!(a > 0) || !(x >= 0))
        return nan;
    if (x == 0)
        return 1.0;
    if (std::isinf(x))
        return 0.0;
    if (x < a + 1)
        return clipProbability(1.0 - gammaPSeries(a, x));
    return clipProbability(gammaQContinuedFraction(a, x));
}

double chiSquareSf(double x, double dof) {
    if (!(dof > 0) || std::isnan(x))
        return nan;
    if (x <= 0)
        return 1.0;
    return regularizedGammaQ(dof / 2, x / 2);
}

double kolmogorovSf(double x) {
    if (std::isnan(x))
        return nan;
    // Below pi / sqrt(8 * 746) every term of the theta series underflows: the CDF is 0.
    if (x <= pi / std::sqrt(8.0 * 746.0))
        return 1.0;
    if (x <= 0.82) {
        // CDF = sqrt(2 pi)/x * sum_k u^((2k-1)^2) with u = exp(-pi^2 / (8 x^2)); four terms reach double precision.
        const double w = std::sqrt(2 * pi) / x;
        const double logU8 = -pi * pi / (x * x);
        const double u = std::exp(logU8 / 8);
        double cdf = 0;
        if (u == 0) {
            cdf = std::exp(logU8 / 8 + std::log(w));
        } else {
            const double u8 = std::exp(logU8);
            // 1 + u^8 + u^24 + u^48 = 1 + u^8 (1 + u^16 (1 + u^24))
            const double series = 1 + u8 * (1 + u8 * u8 * (1 + u8 * u8 * u8));
            cdf = w * u * series;
        }
        return clipProbability(1 - cdf);
    }
    // SF = 2 sum_k (-1)^(k-1) v^(k^2) with v = exp(-2 x^2) = 2v (1 - v^3 (1 - v^5 (1 - v^7))).
    const double v = std::exp(-2 * x * x);
    const double v3 = v * v * v;
    const double sf = 2 * v * (1 - v3 * (1 - v3 * v * v * (1 - v3 * v3 * v)));
    return clipProbability(sf);
}

double smirnovSf(std::int64_t n, double x) {
    if (!(n > 0 && x >= 0.0 && x <= 1.0))
        return nan;
    if (n == 1)
        return 1 - x;
    if (x == 0.0)
        return 1.0;
    if (x == 1.0)
        return 0.0;
    const auto nl = static_cast<long double>(n);
    const long double nx = nl * static_cast<long double>(x);
    const auto nxFloor = static_cast<std::int64_t>(std::floor(nx));
    const long double alpha = nx - static_cast<long double>(nxFloor);
    if (nxFloor == 0 || (nxFloor == 1 && alpha == 0)) {
        const long double cdf = static_cast<long double>(x) * std::pow(1.0L + x, static_cast<long double>(n - 1));
        return clipProbability(static_cast<double>(1.0L - cdf));
    }
    constexpr double minLog = -7.451332191019412076235e2;  // log of the smallest subnormal
    if (-2.0 * static_cast<double>(n) * x * x < minLog)
        return 0.0;
    if (nxFloor >= n - 1)
        return clipProbability(static_cast<double>(std::pow(1.0L - x, static_cast<long double>(n))));
    if (n > 1000000) {
        // scipy approximates here rather than summing a million terms: p ~ exp(-(6nx+1)^2 / (18n)).
        const double nd = static_cast<double>(n);
        const double logp = -std::pow(6.0 * nd * x + 1, 2) / 18.0 / nd;
        return clipProbability(logp < -std::numbers::ln2 ? std::exp(logp) : 1 - (-std::expm1(logp)));
    }
    // Birnbaum-Tingey: SF = x sum_{v=0}^{floor(n(1-x))} C(n,v) (1-x-v/n)^(n-v) (x+v/n)^(v-1), all terms positive and
    // unimodal in v. Summing outward from the largest term and stopping once the rest cannot matter touches a few
    // thousand terms instead of n; each term in logs with extended precision, so neither overflow nor cancellation.
    const long double xl = x;
    const std::int64_t lastTerm = n - nxFloor - 1;
    const auto logTermAt = [&](std::int64_t v, long double logBinomial) {
        const auto vl = static_cast<long double>(v);
        const long double base1 = (nl - vl) / nl - xl;
        const long double base2 = vl / nl + xl;
        return logBinomial + (nl - vl) * std::log(base1) + (vl - 1) * std::log(base2);
    };
    const auto logBinomialAt = [&](std::int64_t v) {
        const auto vl = static_cast<long double>(v);
        return std::lgamma(nl + 1) - std::lgamma(vl + 1) - std::lgamma(nl - vl + 1);
    };
    std::int64_t low = 0;
    std::int64_t high = lastTerm;
    while (high - low > 2) {
        const std::int64_t m1 = low + (high - low) / 3;
        const std::int64_t m2 = high - (high - low) / 3;
        if (logTermAt(m1, logBinomialAt(m1)) < logTermAt(m2, logBinomialAt(m2)))
            low = m1 + 1;
        else
            high = m2 - 1;
    }
    std::int64_t peak = low;
    for (std::int64_t v = low + 1; v <= high; ++v) {
        if (logTermAt(v, logBinomialAt(v)) > logTermAt(peak, logBinomialAt(peak)))
            peak = v;
    }
    const long double peakLogBinomial = logBinomialAt(peak);
    long double sum = std::exp(logTermAt(peak, peakLogBinomial));
    // Upward: C(n, v+1) = C(n, v) (n - v) / (v + 1).
    long double logBinomial = peakLogBinomial;
    for (std::int64_t v = peak + 1; v <= lastTerm; ++v) {
        const auto previous = static_cast<long double>(v - 1);
        logBinomial += std::log((nl - previous) / (previous + 1));
        const long double term = std::exp(logTermAt(v, logBinomial));
        sum += term;
        if (static_cast<long double>(lastTerm - v) * term < epsilon * sum * 0.25L)
            break;
    }
    // Downward: C(n, v-1) = C(n, v) v / (n - v + 1).
    logBinomial = peakLogBinomial;
    for (std::int64_t v = peak - 1; v >= 0; --v) {
        const auto next = static_cast<long double>(v + 1);
        logBinomial += std::log(next / (nl - next + 1));
        const long double term = std::exp(logTermAt(v, logBinomial));
        sum += term;
        if (static_cast<long double>(v) * term < epsilon * sum * 0.25L)
            break;
    }
    return clipProbability(static_cast<double>(xl * sum));
}

double kolmogorovNSf(std::int64_t n, double x) {
    if (n <= 0 || std::isnan(x))
        return nan;
    if (x >= 1.0)
        return 0.0;
    if (x <= 0.0)
        return 1.0;
    const double nd = static_cast<double>(n);
    const double t = nd * x;
    if (t <= 1.0) {
        // Ruben-Gambino: P(D_n <= x) = n!/n^n (2t - 1)^n for 1/(2n) <= x <= 1/n.
        if (t <= 0.5)
            return 1.0;
        double cdf = 1.0;
        if (n <= 140) {
            for (std::int64_t i = 1; i <= n; ++i)
                cdf *= static_cast<double>(i) * (1.0 / nd) * (2 * t - 1);
        } else {
            cdf = std::exp(logFactorialOverPower(nd) + nd * std::log(2 * t - 1));
        }
        return clipProbability(1.0 - cdf);
    }
    if (t >= nd - 1)
        return clipProbability(2 * std::pow(1.0 - x, nd));
    if (x >= 0.5)
        return clipProbability(2 * smirnovSf(n, x));

    const double nxSquared = t * x;
    if (n <= 140) {
        if (nxSquared <= 0.754693)
            return clipProbability(1.0 - kolmogorovDurbinCdf(n, x));
        if (nxSquared <= 4)
            return clipProbability(1.0 - kolmogorovPomeranzCdf(n, x));
        return clipProbability(2 * smirnovSf(n, x));
    }
    if (nxSquared >= 370.0)
        return 0.0;
    if (nxSquared >= 2.2)
        return clipProbability(2 * smirnovSf(n, x));
    double cdf = 1.0;
    if (nxSquared < 18.0) {
        cdf = (n <= 100000 && nd * std::pow(x, 1.5) <= 1.4) ? kolmogorovDurbinCdf(n, x) : kolmogorovPelzGoodCdf(n, x);
    }
    return clipProbability(1.0 - cdf);
}

namespace {

// P(D_{n,n} >= h/n) = 2 (A0 - A0 A1 + A0 A1 A2 - ...), nested Horner-like to avoid the alternating sum's cancellation.
double ksEqualSizesSf(std::int64_t n, std::int64_t h) {
    double p = 0.0;
    for (std::int64_t k = n / h; k >= 0; --k) {
        double p1 = 1.0;
        for (std::int64_t j = 0; j < h; ++j)
            p1 = static_cast<double>(n - k * h - j) * p1 / static_cast<double>(n + k * h + j + 1);
        p = p1 * (1.0 - p);
    }
    return 2 * p;
}

// Share of lattice paths from (0,0) to (m,n) that leave the band |x/m - y/n| < h/lcm (Hodges' inside method,
// recursing on 1 - p as Viehmann proposes so small p-values keep their digits). One sliding column is kept.
double ksInsideMethodSf(std::int64_t m, std::int64_t n, std::int64_t g, std::int64_t h) {
    if (m < n)
        std::swap(m, n);
    const std::int64_t mg = m / g;
    const std::int64_t ng = n / g;
    const double hd = static_cast<double>(h);
    const double mgd = static_cast<double>(mg);
    std::int64_t minj = 0;
    std::int64_t maxj = std::min(static_cast<std::int64_t>(std::ceil(hd / mgd)), n + 1);
    std::int64_t curlen = maxj - minj;
    const std::int64_t lenA = std::min(2 * maxj + 2, n + 1);
    std::vector<double> a(static_cast<std::size_t>(lenA), 1.0);
    std::fill(a.begin(), a.begin() + std::min(maxj, lenA), 0.0);
    for (std::int64_t i = 1; i <= m; ++i) {
        const std::int64_t lastminj = minj;
        const std::int64_t lastlen = curlen;
        minj =
            std::max(static_cast<std::int64_t>(std::floor(static_cast<double>(ng * i - h) / mgd)) + 1, std::int64_t{0});
        minj = std::min(minj, n);
        maxj = std::min(static_cast<std::int64_t>(std::ceil(static_cast<double>(ng * i + h) / mgd)), n + 1);
        if (maxj <= minj)
            return 1.0;
        double val = minj == 0 ? 0.0 : 1.0;
        const double id = static_cast<double>(i);
        for (std::int64_t jj = 0; jj < maxj - minj; ++jj) {
            const std::int64_t j = jj + minj;
            const std::int64_t from = jj + minj - lastminj;
            if (from < 0 || from >= lenA || jj >= lenA)
                return nan;
            val =
                (a[static_cast<std::size_t>(from)] * id + val * static_cast<double>(j)) / (id + static_cast<double>(j));
            a[static_cast<std::size_t>(jj)] = val;
        }
        curlen = maxj - minj;
        if (lastlen > curlen) {
            const std::int64_t begin = std::min(maxj - minj, lenA);
            const std::int64_t end = std::min(maxj - minj + (lastlen - curlen), lenA);
            std::fill(a.begin() + begin, a.begin() + end, 1.0);
        }
    }
    return a[static_cast<std::size_t>(maxj - minj - 1)];
}

}  // namespace

double ksTwoSampleExactSf(std::int64_t n1, std::int64_t n2, std::int64_t h) {
    if (n1 <= 0 || n2 <= 0 || h < 0)
        return nan;
    if (h == 0)
        return 1.0;
    const double p = n1 == n2 ? ksEqualSizesSf(n1, h) : ksInsideMethodSf(n1, n2, std::gcd(n1, n2), h);
    if (!(p >= 0 && p <= 1))
        return nan;
    return p;
}

}  // namespace runlens::analysis
