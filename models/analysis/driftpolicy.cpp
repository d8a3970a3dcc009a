// SPDX-License-Identifier: MIT
#include "driftpolicy.h"

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

namespace runlens::analysis {

namespace {

constexpr std::pair<DriftTest, std::string_view> testNames[] = {
    {DriftTest::Psi, "psi"},
    {DriftTest::Ks, "ks"},
    {DriftTest::ChiSquare, "chi_square"},
    {DriftTest::JensenShannon, "jensen_shannon"},
    {DriftTest::Wasserstein, "wasserstein"},
    {DriftTest::ZTest, "z_test"},
};

constexpr std::pair<ColumnKind, std::string_view> kindNames[] = {
    {ColumnKind::Numeric, "numeric"}, {ColumnKind::Categorical, "categorical"},
    {ColumnKind::Binary, "binary"},   {ColumnKind::Text, "text"},
    {ColumnKind::Empty, "empty"},
};

std::vector<DriftRule> defaultRules(ColumnKind kind) {
    switch (kind) {
    case ColumnKind::Categorical:
        return {{DriftTest::Psi, 0.25, false}, {DriftTest::ChiSquare, 0.01, false}};
    case ColumnKind::Binary:
        return {{DriftTest::Psi, 0.25, false}, {DriftTest::ZTest, 0.01, false}};
    default:
        return {{DriftTest::Psi, 0.25, false}, {DriftTest::Ks, 0.01, false}};
    }
}

std::vector<DriftRule> evidentlyRules(ColumnKind kind, bool smallReference) {
    if (smallReference) {
        switch (kind) {
        case ColumnKind::Categorical:
            return {{DriftTest::ChiSquare, 0.05, false}};
        case ColumnKind::Binary:
            return {{DriftTest::ZTest, 0.05, false}};
        default:
            return {{DriftTest::Ks, 0.05, false}};
        }
    }
    switch (kind) {
    case ColumnKind::Categorical:
    case ColumnKind::Binary:
        return {{DriftTest::JensenShannon, 0.1, true}};
    default:
        return {{DriftTest::Wasserstein, 0.1, true}};
    }
}

// A policy file error naming the file and the line of the offending node.
Error policyError(const std::string& file, const YAML::Node& node, const std::string& message) {
    const auto mark = node.Mark();
    return Error{file, mark.line >= 0 ? "line " + std::to_string(mark.line + 1) : std::string(), message};
}

Result<double> numberAt(const std::string& file, const YAML::Node& node, const std::string& key) {
    if (!node.IsScalar())
        return policyError(file, node, "'" + key + "' must be a number");
    std::istringstream in(node.Scalar());
    double value = 0;
    in >> value;
    if (in.fail() || !in.eof() || !std::isfinite(value))
        return policyError(file, node, "'" + key + "' must be a number, not '" + node.Scalar() + "'");
    return value;
}

Result<DriftRule> parseRule(const std::string& file, const YAML::Node& node) {
    if (!node.IsMap())
        return policyError(file, node, "a rule is a map like {test: psi, threshold: 0.25}");
    DriftRule rule;
    bool haveTest = false;
    bool haveThreshold = false;
    for (const auto& item : node) {
        const auto key = item.first.as<std::string>();
        if (key == "test") {
            const auto test = driftTestFromName(item.second.Scalar());
            if (!test) {
                return policyError(file, item.second,
                                   "unknown test '" + item.second.Scalar() +
                                       "' (known: psi, ks, chi_square, jensen_shannon, wasserstein, z_test)");
            }
            rule.test = *test;
            haveTest = true;
        } else if (key == "threshold") {
            auto value = numberAt(file, item.second, key);
            if (!value)
                return value.error();
            rule.threshold = *value;
            haveThreshold = true;
        } else if (key == "inclusive") {
            rule.inclusive = item.second.as<bool>(false);
        } else if (key != "type" && key != "ignore" && key != "rules") {
            return policyError(file, item.first, "unknown key '" + key + "' in a rule (test, threshold, inclusive)");
        }
    }
    if (!haveTest)
        return policyError(file, node, "a rule needs 'test'");
    if (!haveThreshold)
        return policyError(file, node, "a rule needs 'threshold'");
    if (isPValueTest(rule.test) && (rule.threshold <= 0 || rule.threshold >= 1))
        return policyError(file, node, "a p-value threshold must lie between 0 and 1");
    return rule;
}

Result<std::vector<DriftRule>> parseRules(const std::string& file, const YAML::Node& node) {
    std::vector<DriftRule> rules;
    if (node.IsMap()) {
        auto rule = parseRule(file, node);
        if (!rule)
            return rule.error();
        rules.push_back(*rule);
        return rules;
    }
    if (!node.IsSequence() || node.size() == 0)
        return policyError(file, node, "rules are a list of {test, threshold} maps");
    for (const auto& item : node) {
        auto rule = parseRule(file, item);
        if (!rule)
            return rule.error();
        rules.push_back(*rule);
    }
    return rules;
}

}  // namespace

std::string_view driftTestName(DriftTest test) {
    for (const auto& [t, name] : testNames)
        if (t == test)
            return name;
    return "unknown";
}

std::optional<DriftTest> driftTestFromName(std::string_view name) {
    for (const auto& [t, n] : testNames)
        if (n == name)
            return t;
    return std::nullopt;
}

bool isPValueTest(DriftTest test) {
    return test == DriftTest::Ks || test == DriftTest::ChiSquare || test == DriftTest::ZTest;
}

std::string_view columnKindName(ColumnKind kind) {
    for (const auto& [k, name] : kindNames)
        if (k == kind)
            return name;
    return "empty";
}

std::optional<ColumnKind> columnKindFromName(std::string_view name) {
    for (const auto& [k, n] : kindNames)
        if (n == name && k != ColumnKind::Empty)
            return k;
    return std::nullopt;
}

bool DriftRule::fires(double value) const {
    if (std::isnan(value))
        return false;
    if (isPValueTest(test))
        return value < threshold;
    return inclusive ? value >= threshold : value > threshold;
}

DriftPolicy DriftPolicy::defaults() {
    return {};
}

DriftPolicy DriftPolicy::evidently() {
    DriftPolicy p;
    p.name = "evidently";
    p.preset = Preset::Evidently;
    p.datasetDriftShare = 0.5;
    return p;
}

std::vector<DriftRule> DriftPolicy::rulesFor(std::string_view column, ColumnKind kind,
                                             std::int64_t referenceRows) const {
    if (const auto it = columns.find(std::string(column)); it != columns.end() && !it->second.rules.empty())
        return it->second.rules;
    if (const auto it = rules.find(kind); it != rules.end())
        return it->second;
    return preset == Preset::Evidently ? evidentlyRules(kind, referenceRows <= smallReferenceRows) : defaultRules(kind);
}

Result<DriftPolicy> parseDriftPolicy(const std::string& text, const std::string& file) {
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::Exception& e) {
        return Error{file, e.mark.line >= 0 ? "line " + std::to_string(e.mark.line + 1) : std::string(), e.msg};
    }
    if (!root.IsMap())
        return Error{file, {}, "a drift policy is a YAML or JSON map (see README, Drift policies)"};
    DriftPolicy policy;
    if (const auto base = root["base"]) {
        if (base.Scalar() == "evidently")
            policy = DriftPolicy::evidently();
        else if (base.Scalar() != "default")
            return policyError(file, base, "'base' is 'default' or 'evidently', not '" + base.Scalar() + "'");
    }
    policy.name = file;
    try {
        for (const auto& item : root) {
            const auto key = item.first.as<std::string>();
            const auto& value = item.second;
            if (key == "base") {
                continue;
            } else if (key == "dataset_drift_share" || key == "brier_degradation" || key == "psi_bins" ||
                       key == "small_reference_rows") {
                auto number = numberAt(file, value, key);
                if (!number)
                    return number.error();
                if (*number < 0)
                    return policyError(file, value, "'" + key + "' cannot be negative");
                if (key == "dataset_drift_share") {
                    if (*number > 1)
                        return policyError(file, value, "'dataset_drift_share' is a share between 0 and 1");
                    policy.datasetDriftShare = *number;
                } else if (key == "brier_degradation") {
                    policy.brierDegradation = *number;
                } else if (key == "psi_bins") {
                    if (*number < 2 || *number > 1000 || *number != std::floor(*number))
                        return policyError(file, value, "'psi_bins' is a whole number from 2 to 1000");
                    policy.psiBins = static_cast<int>(*number);
                } else {
                    policy.smallReferenceRows = static_cast<std::int64_t>(*number);
                }
            } else if (key == "rules") {
                if (!value.IsMap())
                    return policyError(file, value, "'rules' maps a column type to its rules");
                for (const auto& kindItem : value) {
                    const auto kindName = kindItem.first.as<std::string>();
                    const auto kind = columnKindFromName(kindName);
                    if (!kind) {
                        return policyError(file, kindItem.first,
                                           "unknown column type '" + kindName +
                                               "' (numeric, categorical, binary, text)");
                    }
                    auto rules = parseRules(file, kindItem.second);
                    if (!rules)
                        return rules.error();
                    policy.rules[*kind] = *rules;
                }
            } else if (key == "columns") {
                if (!value.IsMap())
                    return policyError(file, value, "'columns' maps a column name to its settings");
                for (const auto& columnItem : value) {
                    const auto name = columnItem.first.as<std::string>();
                    const auto& settings = columnItem.second;
                    if (!settings.IsMap())
                        return policyError(file, settings, "settings of column '" + name + "' must be a map");
                    ColumnOverride override;
                    for (const auto& s : settings) {
                        const auto settingKey = s.first.as<std::string>();
                        if (settingKey == "type") {
                            override.kind = columnKindFromName(s.second.Scalar());
                            if (!override.kind) {
                                return policyError(file, s.second,
                                                   "unknown column type '" + s.second.Scalar() +
                                                       "' (numeric, categorical, binary, text)");
                            }
                        } else if (settingKey == "ignore") {
                            override.ignore = s.second.as<bool>();
                        } else if (settingKey == "rules") {
                            auto rules = parseRules(file, s.second);
                            if (!rules)
                                return rules.error();
                            override.rules = *rules;
                        } else if (settingKey != "test" && settingKey != "threshold" && settingKey != "inclusive") {
                            return policyError(file, s.first,
                                               "unknown setting '" + settingKey + "' for column '" + name +
                                                   "' (type, ignore, test, threshold, inclusive, rules)");
                        }
                    }
                    if (settings["test"] || settings["threshold"]) {
                        auto rule = parseRule(file, settings);
                        if (!rule)
                            return rule.error();
                        override.rules.push_back(*rule);
                    }
                    policy.columns[name] = override;
                }
            } else {
                return policyError(file, item.first,
                                   "unknown key '" + key +
                                       "' (base, dataset_drift_share, brier_degradation, psi_bins, "
                                       "small_reference_rows, rules, columns)");
            }
        }
    } catch (const YAML::Exception& e) {
        return Error{file, e.mark.line >= 0 ? "line " + std::to_string(e.mark.line + 1) : std::string(), e.msg};
    }
    return policy;
}

Result<DriftPolicy> loadDriftPolicy(const std::string& nameOrPath) {
    if (nameOrPath.empty() || nameOrPath == "default")
        return DriftPolicy::defaults();
    if (nameOrPath == "evidently")
        return DriftPolicy::evidently();
    std::ifstream in(nameOrPath, std::ios::binary);
    if (!in)
        return Error{nameOrPath, {}, "cannot open the drift policy (give 'default', 'evidently' or a YAML/JSON file)"};
    std::ostringstream text;
    text << in.rdbuf();
    return parseDriftPolicy(text.str(), nameOrPath);
}

}  // namespace runlens::analysis
