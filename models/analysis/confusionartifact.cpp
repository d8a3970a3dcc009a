// SPDX-License-Identifier: MIT
#include "confusionartifact.h"

#include "analysis/jsonlabel.h"
#include "text.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>

namespace runlens::analysis {

namespace {

using nlohmann::json;

using text::lower;

// Cells of a logged matrix may be quoted; the quotes go with the padding.
std::string_view trim(std::string_view s) {
    return text::trim(s, " \t\r\"");
}

// A whole, non-negative count (JSON numbers like 12.0 included).
std::optional<std::int64_t> countOf(const json& v) {
    if (v.is_number_unsigned())
        return static_cast<std::int64_t>(v.get<std::uint64_t>());
    if (v.is_number_integer()) {
        const auto i = v.get<std::int64_t>();
        return i >= 0 ? std::optional(i) : std::nullopt;
    }
    if (v.is_number_float()) {
        const double d = v.get<double>();
        if (d >= 0 && d == std::trunc(d) && d < 9e15)
            return static_cast<std::int64_t>(d);
    }
    return std::nullopt;
}

std::optional<std::int64_t> countOf(std::string_view text) {
    text = trim(text);
    std::int64_t i = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), i);
    if (ec == std::errc() && ptr == text.data() + text.size() && i >= 0)
        return i;
    double d = 0;
    auto [p2, e2] = std::from_chars(text.data(), text.data() + text.size(), d);
    if (e2 == std::errc() && p2 == text.data() + text.size() && d >= 0 && d == std::trunc(d) && d < 9e15)
        return static_cast<std::int64_t>(d);
    return std::nullopt;
}

// Counts (true, predicted) pairs in first-seen label order, with per-pair counts.
class PairCounter {
public:
    std::size_t index(const std::string& label) {
        auto it = std::find(m_labels.begin(), m_labels.end(), label);
        if (it != m_labels.end())
            return static_cast<std::size_t>(it - m_labels.begin());
        m_labels.push_back(label);
        return m_labels.size() - 1;
    }
    void add(const std::string& t, const std::string& p, std::int64_t count) {
        const std::size_t ti = index(t);
        m_pairs.push_back({ti, index(p), count});
    }
    ConfusionMatrix result() const {
        ConfusionMatrix m;
        m.labels = m_labels;
        const std::size_t n = m_labels.size();
        m.counts.assign(n * n, 0);
        for (const auto& [t, p, c] : m_pairs)
            m.counts[t * n + p] += c;
        return m;
    }
    std::size_t pairs() const { return m_pairs.size(); }

private:
    struct Pair {
        std::size_t t;
        std::size_t p;
        std::int64_t c;
    };
    std::vector<std::string> m_labels;
    std::vector<Pair> m_pairs;
};

constexpr std::array labelKeys{"labels", "headers", "classes", "class_names", "display_labels", "label_names"};
constexpr std::array matrixKeys{"matrix", "confusion_matrix", "values", "counts", "cm", "confusion"};
constexpr std::array actualNames{"actual", "y_true", "true", "label", "target", "true_label", "ground_truth", "truth"};
constexpr std::array predictedNames{"predicted",       "y_pred",           "pred",       "prediction",
                                    "predicted_label", "prediction_label", "predictions"};
constexpr std::array countNames{"npredictions", "count", "counts", "n", "value"};

template <std::size_t N>
std::optional<std::size_t> findName(const std::vector<std::string>& names, const std::array<const char*, N>& wanted) {
    for (const char* w : wanted)
        for (std::size_t i = 0; i < names.size(); ++i)
            if (lower(names[i]) == w)
                return i;
    return std::nullopt;
}

Result<LoggedConfusion> fromNestedList(const json& matrix, const json* labels, const std::string& name,
                                       const std::string& shape) {
    const std::size_t n = matrix.size();
    ConfusionMatrix m;
    m.counts.reserve(n * n);
    for (std::size_t r = 0; r < n; ++r) {
        const json& row = matrix[r];
        if (!row.is_array() || row.size() != n)
            return Error{name, "matrix row " + std::to_string(r + 1),
                         "has " + std::to_string(row.is_array() ? row.size() : 0) + " cells; a " + std::to_string(n) +
                             "-row confusion matrix needs " + std::to_string(n)};
        for (std::size_t c = 0; c < n; ++c) {
            auto count = countOf(row[c]);
            if (!count)
                return Error{name, "matrix row " + std::to_string(r + 1) + ", column " + std::to_string(c + 1),
                             "'" + row[c].dump() + "' is not a whole, non-negative count"};
            m.counts.push_back(*count);
        }
    }
    if (labels) {
        if (labels->size() != n)
            return Error{name,
                         {},
                         std::to_string(labels->size()) + " labels for a " + std::to_string(n) + "x" +
                             std::to_string(n) + " matrix"};
        for (const auto& l : *labels) {
            auto text = jsonLabelText(l);
            if (!text)
                return Error{name, "labels", "a label is not a string or number"};
            m.labels.push_back(*text);
        }
    } else {
        for (std::size_t i = 0; i < n; ++i)
            m.labels.push_back(std::to_string(i));
    }
    return LoggedConfusion{std::move(m), shape};
}

bool isNestedMatrix(const json& j) {
    return j.is_array() && !j.empty() && std::all_of(j.begin(), j.end(), [](const json& r) {
               return r.is_array() && !r.empty() &&
                      std::all_of(r.begin(), r.end(), [](const json& v) { return v.is_number(); });
           });
}

// columns + data tables: W&B's confusion-matrix table (Actual, Predicted, nPredictions) or per-sample tables.
Result<std::optional<LoggedConfusion>> fromTable(const json& columns, const json& data, const std::string& name,
                                                 const std::string& shape) {
    std::vector<std::string> names;
    for (const auto& c : columns)
        names.push_back(jsonLabelText(c).value_or(""));
    const auto actual = findName(names, actualNames);
    const auto predicted = findName(names, predictedNames);
    if (!actual || !predicted)
        return std::optional<LoggedConfusion>();
    const auto count = findName(names, countNames);
    PairCounter counter;
    for (std::size_t r = 0; r < data.size(); ++r) {
        const json& row = data[r];
        const std::string where = "data row " + std::to_string(r + 1);
        if (!row.is_array() || row.size() != names.size())
            return Error{name, where, "has another number of cells than the table has columns"};
        auto t = jsonLabelText(row[*actual]);
        auto p = jsonLabelText(row[*predicted]);
        if (!t || !p)
            return Error{name, where, "a label is not a string or number"};
        std::int64_t n = 1;
        if (count) {
            auto c = countOf(row[*count]);
            if (!c)
                return Error{name, where + ", column '" + names[*count] + "'",
                             "'" + row[*count].dump() + "' is not a whole, non-negative count"};
            n = *c;
        }
        counter.add(*t, *p, n);
    }
    if (counter.pairs() == 0)
        return Error{name, {}, "the table has no rows"};
    return std::optional(LoggedConfusion{counter.result(), count ? shape : shape + "-samples"});
}

// A list of records {actual, predicted} (DVC's sklearn confusion plots, tables written as records).
Result<std::optional<LoggedConfusion>> fromRecords(const json& records, const std::string& name) {
    std::vector<std::string> names;
    for (const auto& [key, value] : records.front().items())
        names.push_back(key);
    const auto actual = findName(names, actualNames);
    const auto predicted = findName(names, predictedNames);
    if (!actual || !predicted)
        return std::optional<LoggedConfusion>();
    PairCounter counter;
    for (std::size_t r = 0; r < records.size(); ++r) {
        const json& row = records[r];
        const auto t =
            row.is_object() && row.contains(names[*actual]) ? jsonLabelText(row[names[*actual]]) : std::nullopt;
        const auto p =
            row.is_object() && row.contains(names[*predicted]) ? jsonLabelText(row[names[*predicted]]) : std::nullopt;
        if (!t || !p)
            return Error{name, "record " + std::to_string(r + 1),
                         "needs '" + names[*actual] + "' and '" + names[*predicted] + "' labels"};
        counter.add(*t, *p, 1);
    }
    return std::optional(LoggedConfusion{counter.result(), "records"});
}

Result<std::optional<LoggedConfusion>> fromJson(const json& j, const std::string& name) {
    if (isNestedMatrix(j)) {
        auto m = fromNestedList(j, nullptr, name, "nested-list");
        if (!m)
            return m.error();
        return std::optional(std::move(*m));
    }
    if (j.is_array() && !j.empty() && j.front().is_object())
        return fromRecords(j, name);
    if (!j.is_object())
        return std::optional<LoggedConfusion>();
    for (const char* mk : matrixKeys) {
        auto it = j.find(mk);
        if (it == j.end())
            continue;
        if (it->is_object())  // {"confusion_matrix": {"labels": ..., "matrix": ...}}
            return fromJson(*it, name);
        if (!isNestedMatrix(*it))
            continue;
        const json* labels = nullptr;
        for (const char* lk : labelKeys)
            if (auto l = j.find(lk); l != j.end() && l->is_array()) {
                labels = &*l;
                break;
            }
        auto m = fromNestedList(*it, labels, name, labels ? "labels+matrix" : "matrix");
        if (!m)
            return m.error();
        return std::optional(std::move(*m));
    }
    // A Plotly heatmap, as ClearML's report_confusion_matrix stores it: z holds the matrix as given (rows = true
    // labels), y the row labels when there are any.
    if (j.contains("data") && j["data"].is_array() && j["data"].size() == 1 && j["data"][0].is_object() &&
        j["data"][0].value("type", "") == "heatmap" && isNestedMatrix(j["data"][0].value("z", json()))) {
        const json& trace = j["data"][0];
        const json& z = trace["z"];
        const json* labels =
            trace.contains("y") && trace["y"].is_array() && trace["y"].size() == z.size() ? &trace["y"] : nullptr;
        auto m = fromNestedList(z, labels, name, "plotly-heatmap");
        if (!m)
            return m.error();
        return std::optional(std::move(*m));
    }
    if (j.contains("columns") && j.contains("data") && j["columns"].is_array() && j["data"].is_array()) {
        const bool wandb = j.value("_type", "") == "table";
        return fromTable(j["columns"], j["data"], name, wandb ? "wandb-table" : "split-table");
    }
    return std::optional<LoggedConfusion>();
}

std::vector<std::string_view> splitLine(std::string_view line) {
    std::vector<std::string_view> fields;
    const char delimiter = line.find('\t') != std::string_view::npos ? '\t' : ',';
    std::size_t start = 0;
    while (true) {
        const std::size_t end = line.find(delimiter, start);
        fields.push_back(trim(line.substr(start, end == std::string_view::npos ? end : end - start)));
        if (end == std::string_view::npos)
            return fields;
        start = end + 1;
    }
}

// Triples (true, predicted, count) from CSV lines; a header row is skipped when its third field is no count.
Result<PairCounter> triples(std::string_view csv, const std::string& name, bool& headed) {
    PairCounter counter;
    std::size_t lineNumber = 0;
    std::size_t start = 0;
    headed = false;
    while (start < csv.size()) {
        const std::size_t end = csv.find('\n', start);
        const std::string_view line = csv.substr(start, end == std::string_view::npos ? end : end - start);
        start = end == std::string_view::npos ? csv.size() : end + 1;
        ++lineNumber;
        if (trim(line).empty())
            continue;
        const auto fields = splitLine(line);
        if (fields.size() != 3)
            return Error{name, "line " + std::to_string(lineNumber),
                         "expected 3 fields (target, predicted, count), found " + std::to_string(fields.size())};
        auto count = countOf(fields[2]);
        if (!count) {
            if (lineNumber == 1) {
                headed = true;
                continue;
            }
            return Error{name, "line " + std::to_string(lineNumber) + ", column 3",
                         "'" + std::string(fields[2]) + "' is not a whole, non-negative count"};
        }
        counter.add(std::string(fields[0]), std::string(fields[1]), *count);
    }
    return counter;
}

}  // namespace

Result<std::optional<LoggedConfusion>> readConfusionArtifact(std::string_view text, const std::string& name) {
    std::size_t first = 0;
    while (first < text.size() &&
           (text[first] == ' ' || text[first] == '\n' || text[first] == '\r' || text[first] == '\t'))
        ++first;
    if (first == text.size())
        return std::optional<LoggedConfusion>();
    if (text[first] == '{' || text[first] == '[') {
        json j = json::parse(text.begin(), text.end(), nullptr, false);
        if (j.is_discarded())
            return std::optional<LoggedConfusion>();  // not JSON after all: not ours to judge
        return fromJson(j, name);
    }
    // CSV: only a headed true/predicted/count file is recognised without Kubeflow's metadata.
    const std::size_t eol = text.find('\n');
    const auto header = splitLine(text.substr(0, eol));
    std::vector<std::string> names(header.begin(), header.end());
    if (names.size() != 3 || !findName(names, actualNames) || !findName(names, predictedNames) ||
        !findName(names, countNames))
        return std::optional<LoggedConfusion>();
    bool headed = false;
    auto counter = triples(text, name, headed);
    if (!counter)
        return counter.error();
    if (counter->pairs() == 0)
        return Error{name, {}, "the confusion-matrix CSV has no rows"};
    return std::optional(LoggedConfusion{counter->result(), "csv-triples"});
}

Result<LoggedConfusion> kubeflowConfusion(std::string_view csv, const std::vector<std::string>& labels,
                                          const std::string& name) {
    bool headed = false;
    auto counter = triples(csv, name, headed);
    if (!counter)
        return counter.error();
    ConfusionMatrix seen = counter->result();
    if (seen.labels.empty())
        return Error{name, {}, "the confusion-matrix CSV has no rows"};
    if (labels.empty())
        return LoggedConfusion{std::move(seen), "kubeflow-csv"};
    ConfusionMatrix m;
    m.labels = labels;
    const std::size_t n = labels.size();
    m.counts.assign(n * n, 0);
    std::vector<std::size_t> to(seen.labels.size());
    for (std::size_t i = 0; i < seen.labels.size(); ++i) {
        auto it = std::find(labels.begin(), labels.end(), seen.labels[i]);
        if (it == labels.end())
            return Error{name, {}, "label '" + seen.labels[i] + "' is not in the metadata's labels"};
        to[i] = static_cast<std::size_t>(it - labels.begin());
    }
    for (std::size_t t = 0; t < seen.labels.size(); ++t)
        for (std::size_t p = 0; p < seen.labels.size(); ++p)
            m.counts[to[t] * n + to[p]] += seen.at(t, p);
    return LoggedConfusion{std::move(m), "kubeflow-csv"};
}

std::optional<LoggedConfusion> mlflowBinaryConfusion(std::optional<double> trueNegatives,
                                                     std::optional<double> falsePositives,
                                                     std::optional<double> falseNegatives,
                                                     std::optional<double> truePositives) {
    const std::array values{trueNegatives, falsePositives, falseNegatives, truePositives};
    ConfusionMatrix m;
    m.labels = {"0", "1"};
    for (const auto& v : values) {
        if (!v || !(*v >= 0) || *v != std::trunc(*v) || *v > 9e15)
            return std::nullopt;
        m.counts.push_back(static_cast<std::int64_t>(*v));
    }
    return LoggedConfusion{std::move(m), "mlflow-metrics"};
}

}  // namespace runlens::analysis
