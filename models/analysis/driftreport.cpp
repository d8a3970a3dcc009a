// SPDX-License-Identifier: MIT
#include "driftreport.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

namespace runlens::analysis {

using nlohmann::json;

namespace {

constexpr int histogramBins = 30;
constexpr int ecdfPoints = 200;
constexpr std::size_t maxCategoriesShown = 100;
constexpr double severityCap = 1000;

json summaryJson(const NumericSummary& s, std::int64_t invalid) {
    json quantiles = json::object();
    for (std::size_t k = 0; k < summaryQuantiles.size(); ++k) {
        char key[16];
        std::snprintf(key, sizeof key, "%.2f", summaryQuantiles[k]);
        quantiles[key] = jsonNumber(s.quantiles[k]);
    }
    return {{"count", s.count},           {"missing", s.missing},     {"missing_share", jsonNumber(s.missingShare)},
            {"invalid", invalid},         {"min", jsonNumber(s.min)}, {"max", jsonNumber(s.max)},
            {"mean", jsonNumber(s.mean)}, {"std", jsonNumber(s.std)}, {"quantiles", quantiles}};
}

// Share of the sample at or below x.
double cdfAt(const NumericSample& s, double x) {
    const auto values = s.values();
    const auto weights = s.weights();
    const auto end = std::upper_bound(values.begin(), values.end(), x);
    std::int64_t below = 0;
    for (auto it = values.begin(); it != end; ++it)
        below += weights[static_cast<std::size_t>(it - values.begin())];
    return s.count() > 0 ? static_cast<double>(below) / static_cast<double>(s.count()) : 0.0;
}

std::vector<double> cdfOnGrid(const NumericSample& s, const std::vector<double>& grid) {
    std::vector<double> out;
    out.reserve(grid.size());
    const auto values = s.values();
    const auto weights = s.weights();
    std::size_t i = 0;
    std::int64_t below = 0;
    for (double x : grid) {
        while (i < values.size() && values[i] <= x)
            below += weights[i++];
        out.push_back(s.count() > 0 ? static_cast<double>(below) / static_cast<double>(s.count()) : 0.0);
    }
    return out;
}

std::vector<std::int64_t> countsOnEqualBins(const NumericSample& s, double low, double width, int bins) {
    std::vector<std::int64_t> counts(static_cast<std::size_t>(bins), 0);
    const auto values = s.values();
    const auto weights = s.weights();
    for (std::size_t i = 0; i < values.size(); ++i) {
        int b = width > 0 ? static_cast<int>((values[i] - low) / width) : 0;
        b = std::clamp(b, 0, bins - 1);
        counts[static_cast<std::size_t>(b)] += weights[i];
    }
    return counts;
}

struct RuleOutcome {
    DriftRule rule;
    double statistic = 0;
    std::optional<double> pValue;
    bool drift = false;
    double severity = 0;
};

double severityOf(const DriftRule& rule, double statistic, std::optional<double> pValue) {
    if (isPValueTest(rule.test)) {
        const double p = pValue.value_or(1.0);
        if (std::isnan(p))
            return 0;
        if (p <= 0)
            return severityCap;
        return std::min(std::log(p) / std::log(rule.threshold), severityCap);
    }
    if (std::isnan(statistic))
        return 0;
    if (rule.threshold <= 0)
        return statistic > 0 ? severityCap : 0;
    return std::min(statistic / rule.threshold, severityCap);
}

// The statistic and p-value a rule reads, from what was computed for the column; nullopt when the test does not
// apply to the column's type.
struct Computed {
    std::optional<double> psi, jensenShannon, wasserstein;
    std::optional<std::pair<double, double>> ks, chiSquare, zTest;  // statistic, p-value
};

std::optional<RuleOutcome> evaluate(const DriftRule& rule, const Computed& c) {
    RuleOutcome o;
    o.rule = rule;
    const auto distance = [&](const std::optional<double>& v) -> std::optional<RuleOutcome> {
        if (!v)
            return std::nullopt;
        o.statistic = *v;
        o.drift = rule.fires(*v);
        return o;
    };
    const auto pTest = [&](const std::optional<std::pair<double, double>>& v) -> std::optional<RuleOutcome> {
        if (!v)
            return std::nullopt;
        o.statistic = v->first;
        o.pValue = v->second;
        o.drift = rule.fires(v->second);
        return o;
    };
    std::optional<RuleOutcome> result;
    switch (rule.test) {
    case DriftTest::Psi:
        result = distance(c.psi);
        break;
    case DriftTest::JensenShannon:
        result = distance(c.jensenShannon);
        break;
    case DriftTest::Wasserstein:
        result = distance(c.wasserstein);
        break;
    case DriftTest::Ks:
        result = pTest(c.ks);
        break;
    case DriftTest::ChiSquare:
        result = pTest(c.chiSquare);
        break;
    case DriftTest::ZTest:
        result = pTest(c.zTest);
        break;
    }
    if (result)
        result->severity = severityOf(rule, result->statistic, result->pValue);
    return result;
}

json numericPart(const NumericDrift& d, const NumericSample& ref, const NumericSample& cur, Computed& c, json& column,
                 std::int64_t refInvalid, std::int64_t curInvalid) {
    c.psi = d.psi;
    c.jensenShannon = d.jensenShannon;
    c.wasserstein = d.wassersteinNormed;
    c.ks = std::pair{d.ks.statistic, d.ks.pValue};
    json statistics = {{"psi", jsonNumber(d.psi)},
                       {"ks_statistic", jsonNumber(d.ks.statistic)},
                       {"ks_p_value", jsonNumber(d.ks.pValue)},
                       {"ks_exact_p_value", d.ks.exact},
                       {"ks_location", jsonNumber(d.ks.location)},
                       {"jensen_shannon", jsonNumber(d.jensenShannon)},
                       {"wasserstein", jsonNumber(d.wasserstein)},
                       {"wasserstein_normed", jsonNumber(d.wassersteinNormed)},
                       {"exact", d.exact}};
    json edges = json::array();
    for (double e : d.binEdges)
        edges.push_back(jsonNumber(e));
    statistics["psi_bins"] = {{"edges", edges}, {"reference", d.referenceShares}, {"current", d.currentShares}};
    column["reference_summary"] = summaryJson(d.reference, refInvalid);
    column["current_summary"] = summaryJson(d.current, curInvalid);

    const double low = std::min(ref.min(), cur.min());
    const double high = std::max(ref.max(), cur.max());
    const int bins = high > low ? histogramBins : 1;
    const double width = (high - low) / bins;
    json histogramEdges = json::array();
    for (int b = 0; b <= bins; ++b)
        histogramEdges.push_back(jsonNumber(b == bins ? high : low + width * b));
    column["histogram"] = {{"edges", histogramEdges},
                           {"reference", countsOnEqualBins(ref, low, width, bins)},
                           {"current", countsOnEqualBins(cur, low, width, bins)}};
    std::vector<double> grid;
    for (int k = 0; k < ecdfPoints; ++k)
        grid.push_back(high > low ? low + (high - low) * k / (ecdfPoints - 1) : low);
    json gridJson = json::array();
    for (double g : grid)
        gridJson.push_back(jsonNumber(g));
    column["ecdf"] = {{"values", gridJson},
                      {"reference", cdfOnGrid(ref, grid)},
                      {"current", cdfOnGrid(cur, grid)},
                      {"ks_location", jsonNumber(d.ks.location)},
                      {"ks_reference", jsonNumber(cdfAt(ref, d.ks.location))},
                      {"ks_current", jsonNumber(cdfAt(cur, d.ks.location))}};
    return statistics;
}

json categoriesJson(const CategoricalDrift& d) {
    // The most frequent categories (both sides together); the rest summed as one.
    std::vector<const CategoryCount*> order;
    for (const auto& c : d.categories)
        order.push_back(&c);
    std::stable_sort(order.begin(), order.end(), [](const CategoryCount* a, const CategoryCount* b) {
        return a->reference + a->current > b->reference + b->current;
    });
    json names = json::array();
    json ref = json::array();
    json cur = json::array();
    std::int64_t otherRef = 0;
    std::int64_t otherCur = 0;
    for (std::size_t i = 0; i < order.size(); ++i) {
        if (i + 1 < maxCategoriesShown || order.size() == maxCategoriesShown) {
            names.push_back(order[i]->value);
            ref.push_back(order[i]->reference);
            cur.push_back(order[i]->current);
        } else {
            otherRef += order[i]->reference;
            otherCur += order[i]->current;
        }
    }
    if (order.size() > maxCategoriesShown) {
        names.push_back("(" + std::to_string(order.size() - maxCategoriesShown + 1) + " more)");
        ref.push_back(otherRef);
        cur.push_back(otherCur);
    }
    return {{"names", names}, {"reference", ref}, {"current", cur}};
}

json categorySummary(std::int64_t count, std::int64_t missing, std::size_t distinct, std::int64_t invalid) {
    const std::int64_t all = count + missing;
    return {{"count", count},
            {"missing", missing},
            {"missing_share", jsonNumber(all > 0 ? static_cast<double>(missing) / static_cast<double>(all) : 0.0)},
            {"invalid", invalid},
            {"distinct", distinct}};
}

}  // namespace

json jsonNumber(double value) {
    if (std::isnan(value))
        return "NaN";
    if (std::isinf(value))
        return value > 0 ? "Infinity" : "-Infinity";
    return value;
}

json columnDriftReport(const ColumnSamples& samples, const DriftPolicy& policy, std::int64_t referenceRows) {
    json column = {{"column", samples.name}, {"type", std::string(columnKindName(samples.kind))}};
    Computed computed;
    json statistics = json::object();
    std::string error;
    if (samples.kind == ColumnKind::Numeric || samples.kind == ColumnKind::Text) {
        NumericDriftOptions options;
        options.psiBins = policy.psiBins;
        const auto d = numericDrift(*samples.referenceNumeric, *samples.currentNumeric, options);
        if (d) {
            statistics = numericPart(*d, *samples.referenceNumeric, *samples.currentNumeric, computed, column,
                                     samples.referenceInvalid, samples.currentInvalid);
            if (samples.kind == ColumnKind::Text)
                statistics["compared"] = "length";
        } else {
            error = d.error().message;
        }
    } else {
        const auto d = categoricalDrift(*samples.referenceCategories, *samples.currentCategories);
        if (d) {
            computed.psi = d->psi;
            computed.jensenShannon = d->jensenShannon;
            computed.chiSquare = std::pair{d->chiSquare, d->chiSquarePValue};
            json added = d->newCategories;
            json vanished = d->vanishedCategories;
            statistics = {{"psi", jsonNumber(d->psi)},
                          {"jensen_shannon", jsonNumber(d->jensenShannon)},
                          {"chi_square", jsonNumber(d->chiSquare)},
                          {"chi_square_dof", d->degreesOfFreedom},
                          {"chi_square_p_value", jsonNumber(d->chiSquarePValue)},
                          {"new_categories", added},
                          {"vanished_categories", vanished},
                          {"categories_capped",
                           samples.referenceCategories->overflowed() || samples.currentCategories->overflowed()}};
            if (samples.kind == ColumnKind::Binary) {
                const auto z = binaryDrift(*samples.referenceCategories, *samples.currentCategories);
                if (z) {
                    computed.zTest = std::pair{z->z, z->pValue};
                    statistics["z"] = jsonNumber(z->z);
                    statistics["z_p_value"] = jsonNumber(z->pValue);
                    statistics["success_value"] = z->successValue;
                    statistics["reference_share"] =
                        jsonNumber(static_cast<double>(z->referenceSuccesses) / static_cast<double>(z->referenceCount));
                    statistics["current_share"] =
                        jsonNumber(static_cast<double>(z->currentSuccesses) / static_cast<double>(z->currentCount));
                } else {
                    // More than two values after all: compared as a categorical column.
                    column["type"] = "categorical";
                    statistics["note"] = z.error().message + "; compared as categorical";
                }
            }
            column["reference_summary"] =
                categorySummary(d->referenceCount, d->referenceMissing, samples.referenceCategories->counts().size(),
                                samples.referenceInvalid);
            column["current_summary"] = categorySummary(
                d->currentCount, d->currentMissing, samples.currentCategories->counts().size(), samples.currentInvalid);
            column["categories"] = categoriesJson(*d);
        } else {
            error = d.error().message;
        }
    }

    const auto kindForRules = columnKindFromName(column["type"].get<std::string>()).value_or(samples.kind);
    const auto rules = policy.rulesFor(samples.name, kindForRules, referenceRows);
    std::vector<RuleOutcome> outcomes;
    json rulesJson = json::array();
    json notes = json::array();
    for (const auto& rule : rules) {
        const auto outcome = evaluate(rule, computed);
        if (!outcome) {
            if (error.empty()) {
                notes.push_back("the policy's " + std::string(driftTestName(rule.test)) + " test does not apply to a " +
                                column["type"].get<std::string>() + " column");
            }
            continue;
        }
        outcomes.push_back(*outcome);
        rulesJson.push_back({{"test", std::string(driftTestName(rule.test))},
                             {"statistic", jsonNumber(outcome->statistic)},
                             {"p_value", outcome->pValue ? jsonNumber(*outcome->pValue) : json(nullptr)},
                             {"threshold", rule.threshold},
                             {"drift", outcome->drift},
                             {"severity", jsonNumber(outcome->severity)}});
    }
    // The column's headline test: the most severe rule that fired, else the most severe of all.
    const RuleOutcome* headline = nullptr;
    for (const auto& o : outcomes) {
        if (!headline || (o.drift && !headline->drift) ||
            (o.drift == headline->drift && o.severity > headline->severity))
            headline = &o;
    }
    if (headline) {
        column["test"] = std::string(driftTestName(headline->rule.test));
        column["statistic"] = jsonNumber(headline->statistic);
        column["p_value"] = headline->pValue ? jsonNumber(*headline->pValue) : json(nullptr);
        column["threshold"] = headline->rule.threshold;
        column["drift"] = headline->drift;
        column["severity"] = jsonNumber(headline->severity);
    } else {
        column["test"] = rules.empty() ? "none" : std::string(driftTestName(rules.front().test));
        column["statistic"] = nullptr;
        column["p_value"] = nullptr;
        column["threshold"] = rules.empty() ? json(nullptr) : json(rules.front().threshold);
        column["drift"] = false;
        column["severity"] = 0;
    }
    column["rules"] = rulesJson;
    column["statistics"] = statistics;
    if (!error.empty())
        notes.push_back(error);
    if (!notes.empty())
        column["notes"] = notes;
    return column;
}

double driftSeverity(const json& column) {
    const auto number = [](const json& v) -> std::optional<double> {
        if (v.is_number())
            return v.get<double>();
        if (v.is_string()) {
            const auto s = v.get<std::string>();
            if (s == "Infinity")
                return std::numeric_limits<double>::infinity();
            if (s == "-Infinity")
                return -std::numeric_limits<double>::infinity();
        }
        return std::nullopt;
    };
    if (const auto it = column.find("severity"); it != column.end()) {
        if (const auto v = number(*it))
            return *v;
    }
    const auto threshold = column.contains("threshold") ? number(column["threshold"]) : std::nullopt;
    const auto p = column.contains("p_value") ? number(column["p_value"]) : std::nullopt;
    const auto statistic = column.contains("statistic") ? number(column["statistic"]) : std::nullopt;
    const double thresholdValue = threshold.value_or(0.0);
    if (thresholdValue > 0 && thresholdValue < 1 && p) {
        const double pValue = p.value_or(1.0);
        return pValue <= 0 ? severityCap : std::min(std::log(pValue) / std::log(thresholdValue), severityCap);
    }
    if (thresholdValue > 0 && statistic)
        return std::min(statistic.value_or(0.0) / thresholdValue, severityCap);
    return column.value("drift", false) ? 1.0 : 0.0;
}

void finishDriftDocument(json& document, const DriftPolicy& policy, bool extraDrift) {
    auto& columns = document["columns"];
    std::stable_sort(columns.begin(), columns.end(), [](const json& a, const json& b) {
        const bool da = a.value("drift", false);
        const bool db = b.value("drift", false);
        if (da != db)
            return da;
        return driftSeverity(a) > driftSeverity(b);
    });
    std::int64_t drifted = 0;
    for (const auto& c : columns)
        drifted += c.value("drift", false) ? 1 : 0;
    const auto total = static_cast<std::int64_t>(columns.size());
    const double share = total > 0 ? static_cast<double>(drifted) / static_cast<double>(total) : 0.0;
    const bool datasetDrift = drifted > 0 && share >= policy.datasetDriftShare;
    document["verdict"] = datasetDrift || extraDrift ? "drift" : "no_drift";
    document["policy"] = policy.name;
    document["columns_drifted"] = drifted;
    document["columns_total"] = total;
    document["share_drifted"] = share;
    document["dataset_drift_share"] = policy.datasetDriftShare;
}

}  // namespace runlens::analysis
