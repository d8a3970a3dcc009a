// SPDX-License-Identifier: MIT
#include "predictions.h"

#include "analysis/jsonlabel.h"
#include "text.h"

#include <fast_float/fast_float.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <memory>
#include <unordered_map>

namespace runlens::analysis {

namespace {

using nlohmann::json;

using text::lower;
using text::trim;

constexpr std::array labelNames{"label",        "y_true", "true", "true_label", "target", "actual",
                                "ground_truth", "truth",  "y",    "gt",         "class",  "labels"};
constexpr std::array predictedNames{"prediction", "predicted",       "y_pred",
                                    "pred",       "predicted_label", "prediction_label",
                                    "pred_label", "predictions",     "predicted_class"};
constexpr std::array scoreNames{"probability",
                                "prob",
                                "proba",
                                "score",
                                "y_score",
                                "y_prob",
                                "y_proba",
                                "positive_probability",
                                "prob_positive",
                                "p",
                                "prediction_probability"};
constexpr std::array arrayNames{"probabilities", "probs",       "probas",
                                "y_proba",       "y_probs",     "scores",
                                "proba",         "probability", "prediction_probabilities"};
constexpr std::array classPrefixes{"prob_", "proba_", "probability_", "p_", "score_", "prob:", "probability:"};
constexpr std::array classSuffixes{"_prob", "_proba", "_probability", "_score"};

template <std::size_t N> bool isOneOf(std::string_view name, const std::array<const char*, N>& names) {
    const std::string l = lower(name);
    return std::any_of(names.begin(), names.end(), [&](const char* n) { return l == n; });
}

// The class a per-class column is named after ("prob_cat" -> "cat"), or nothing.
std::optional<std::string> classOfColumn(std::string_view name) {
    const std::string l = lower(name);
    for (const char* prefix : classPrefixes) {
        const std::string_view p(prefix);
        if (l.size() > p.size() && l.starts_with(p))
            return std::string(name.substr(p.size()));
    }
    for (const char* suffix : classSuffixes) {
        const std::string_view s(suffix);
        if (l.size() > s.size() && l.ends_with(s))
            return std::string(name.substr(0, name.size() - s.size()));
    }
    return std::nullopt;
}

bool isInteger(std::string_view s) {
    if (s.empty())
        return false;
    std::size_t i = s.front() == '-' ? 1 : 0;
    if (i == s.size() || s.size() - i > 18)
        return false;
    for (; i < s.size(); ++i)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

std::int64_t toInteger(std::string_view s) {
    std::int64_t v = 0;
    std::from_chars(s.data(), s.data() + s.size(), v);
    return v;
}

// Integers sort by value (class 2 before class 10, as predict_proba orders them), anything else by byte order.
void sortClasses(std::vector<std::string>& classes) {
    const bool numeric = std::all_of(classes.begin(), classes.end(), [](const auto& c) { return isInteger(c); });
    if (numeric)
        std::sort(classes.begin(), classes.end(),
                  [](const auto& a, const auto& b) { return toInteger(a) < toInteger(b); });
    else
        std::sort(classes.begin(), classes.end());
}

std::string formatNumber(double v) {
    char buffer[64];
    auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, v);
    return ec == std::errc() ? std::string(buffer, end) : std::string("nan");
}

// Labels interned in order of first sight; a few labels are compared linearly, which beats hashing.
class Interner {
public:
    std::int32_t index(std::string_view label) {
        if (m_labels.size() <= 8) {
            for (std::size_t i = 0; i < m_labels.size(); ++i)
                if (m_labels[i] == label)
                    return static_cast<std::int32_t>(i);
        } else if (auto it = m_map.find(std::string(label)); it != m_map.end()) {
            return it->second;
        }
        const auto id = static_cast<std::int32_t>(m_labels.size());
        m_labels.emplace_back(label);
        if (m_labels.size() > 8) {
            if (m_map.empty())
                for (std::size_t i = 0; i < m_labels.size(); ++i)
                    m_map.emplace(m_labels[i], static_cast<std::int32_t>(i));
            else
                m_map.emplace(m_labels.back(), id);
        }
        return id;
    }
    const std::vector<std::string>& labels() const { return m_labels; }

private:
    std::vector<std::string> m_labels;
    std::unordered_map<std::string, std::int32_t> m_map;
};

// Where each value of a row goes, resolved once from the header (CSV) or the first object (JSON Lines).
struct Layout {
    std::string label;
    std::string predicted;
    std::vector<std::string> scoreColumns;   // named columns, file order
    std::vector<std::string> columnClasses;  // per score column: its class (per-class layout)
    std::string arrayField;                  // JSON Lines: one array of probabilities per row
    PredictionShape shape = PredictionShape::Labels;
};

class Builder {
public:
    Builder(std::string name, const PredictionColumns& options) : m_name(std::move(name)), m_options(options) {}

    Error error(std::size_t row, std::string_view column, std::string message, std::size_t line = 0) const {
        std::string position = "row " + std::to_string(row);
        if (line != 0 && line != row)
            position += " (line " + std::to_string(line) + ")";
        if (!column.empty())
            position += ", column '" + std::string(column) + "'";
        return Error{m_name, position, std::move(message)};
    }

    // Picks the columns from the names a file offers. Errors name the columns that are there.
    Status resolve(const std::vector<std::string>& names, const std::vector<std::string>& arrayFields) {
        auto has = [&](const std::string& n) {
            return std::find(names.begin(), names.end(), n) != names.end();
        };
        auto listed = [&] {
            std::string all;
            for (const auto& n : names)
                all += (all.empty() ? "" : ", ") + n;
            return all.empty() ? std::string("none") : all;
        };
        auto missing = [&](const std::string& what, const std::string& column) {
            return Error{m_name, "header, column '" + column + "'",
                         "missing " + what + " column '" + column + "' (columns: " + listed() + ")"};
        };
        Layout& l = m_layout;
        if (!m_options.label.empty()) {
            if (!has(m_options.label))
                return missing("label", m_options.label);
            l.label = m_options.label;
        } else {
            for (const auto& n : names)
                if (isOneOf(n, labelNames)) {
                    l.label = n;
                    break;
                }
            if (l.label.empty())
                return Error{m_name, "header",
                             "no true-label column (looked for label, y_true, target, actual...; columns: " + listed() +
                                 "); name it with --label-col"};
        }
        if (!m_options.predicted.empty()) {
            if (!has(m_options.predicted))
                return missing("prediction", m_options.predicted);
            l.predicted = m_options.predicted;
        } else {
            for (const auto& n : names)
                if (n != l.label && isOneOf(n, predictedNames)) {
                    l.predicted = n;
                    break;
                }
        }
        if (!m_options.scores.empty()) {
            if (m_options.scores.size() == 1 && !has(m_options.scores[0]) &&
                std::find(arrayFields.begin(), arrayFields.end(), m_options.scores[0]) != arrayFields.end()) {
                l.arrayField = m_options.scores[0];
                l.shape = PredictionShape::ClassProbabilities;
                return {};
            }
            for (const auto& s : m_options.scores)
                if (!has(s))
                    return missing("score", s);
            l.scoreColumns = m_options.scores;
            if (l.scoreColumns.size() == 1) {
                l.shape = PredictionShape::BinaryScore;
            } else {
                l.shape = PredictionShape::ClassProbabilities;
                for (const auto& s : l.scoreColumns)
                    l.columnClasses.push_back(classOfColumn(s).value_or(s));
            }
            return {};
        }
        for (const auto& n : names) {
            if (n == l.label || n == l.predicted)
                continue;
            if (auto cls = classOfColumn(n); cls && !isOneOf(n, scoreNames)) {
                l.scoreColumns.push_back(n);
                l.columnClasses.push_back(*cls);
            }
        }
        if (l.scoreColumns.size() >= 2) {
            l.shape = PredictionShape::ClassProbabilities;
            return {};
        }
        l.scoreColumns.clear();
        l.columnClasses.clear();
        for (const auto& n : names)
            if (n != l.label && n != l.predicted && isOneOf(n, scoreNames)) {
                l.scoreColumns = {n};
                l.shape = PredictionShape::BinaryScore;
                return {};
            }
        for (const auto& a : arrayFields)
            if (isOneOf(a, arrayNames)) {
                l.arrayField = a;
                l.shape = PredictionShape::ClassProbabilities;
                return {};
            }
        if (l.predicted.empty())
            return Error{m_name, "header",
                         "no prediction or probability column (looked for prediction, y_pred, probability, score, "
                         "prob_<class>...; columns: " +
                             listed() + "); name them with --score-cols"};
        return {};
    }

    const Layout& layout() const { return m_layout; }

    // The per-class layout's classes are known from the header: fix the output order now, so rows are written
    // straight into place.
    void prepareColumns() {
        if (m_layout.shape != PredictionShape::ClassProbabilities || m_layout.columnClasses.empty())
            return;
        m_classes = m_layout.columnClasses;
        sortClasses(m_classes);
        m_slot.resize(m_classes.size());
        for (std::size_t c = 0; c < m_layout.columnClasses.size(); ++c)
            m_slot[c] = static_cast<std::size_t>(
                std::find(m_classes.begin(), m_classes.end(), m_layout.columnClasses[c]) - m_classes.begin());
    }

    Status checkProbability(double p, std::size_t row, std::string_view column, std::size_t line) const {
        if (std::isnan(p))
            return error(row, column, "probability is NaN", line);
        if (p < 0.0 || p > 1.0)
            return error(row, column, "probability " + formatNumber(p) + " is outside [0, 1]", line);
        return {};
    }

    Result<double> parseProbability(std::string_view text, std::size_t row, std::string_view column,
                                    std::size_t line) const {
        text = trim(text);
        double v = 0;
        const char* first = text.data();
        const char* last = first + text.size();
        if (first != last && *first == '+')
            ++first;
        auto [ptr, ec] = fast_float::from_chars(first, last, v);
        if (text.empty() || ec != std::errc() || ptr != last)
            return error(row, column, "'" + std::string(text) + "' is not a number", line);
        if (auto s = checkProbability(v, row, column, line); !s)
            return s.error();
        return v;
    }

    // One row: the label texts and the already checked scores.
    Status addRow(std::string_view label, std::optional<std::string_view> predicted, std::size_t row,
                  std::size_t line) {
        label = trim(label);
        if (label.empty())
            return error(row, m_layout.label, "the true label is empty", line);
        m_truthRaw.push_back(m_interner.index(label));
        if (predicted) {
            const std::string_view p = trim(*predicted);
            if (p.empty())
                return error(row, m_layout.predicted, "the predicted label is empty", line);
            m_predictedRaw.push_back(m_interner.index(p));
        }
        ++m_rows;
        return {};
    }

    // Per-class scores of one row, in column order; written into sorted-class slots.
    void addClassScores(const double* values) {
        const std::size_t k = m_slot.size();
        const std::size_t at = m_scores.size();
        m_scores.resize(at + k);
        for (std::size_t c = 0; c < k; ++c)
            m_scores[at + m_slot[c]] = values[c];
    }
    void addScore(double v) { m_scores.push_back(v); }
    void addArrayScores(const std::vector<double>& values) {
        m_scores.insert(m_scores.end(), values.begin(), values.end());
    }
    std::size_t rows() const { return m_rows; }
    std::size_t arrayWidth = 0;
    std::vector<std::size_t> labelRows;  // the row where each interned label was first seen, for errors

    void noteFirstSight(std::size_t row) {
        while (labelRows.size() < m_interner.labels().size())
            labelRows.push_back(row);
    }

    Result<Predictions> finish(std::string format) {
        if (m_rows == 0)
            return Error{m_name, {}, "the file has a header but no rows of predictions"};
        Predictions out;
        out.path = m_name;
        out.format = std::move(format);
        out.shape = m_layout.shape;
        out.labelColumn = m_layout.label;
        out.predictedColumn = m_layout.predicted;
        out.scoreColumns = m_layout.arrayField.empty() ? m_layout.scoreColumns : std::vector{m_layout.arrayField};
        const auto& seen = m_interner.labels();

        if (m_layout.shape == PredictionShape::ClassProbabilities && !m_layout.columnClasses.empty()) {
            // Every label must have its column: the classes were interned first, so a later id is a stranger.
            out.classes = m_classes;
            for (std::size_t i = m_classes.size(); i < seen.size(); ++i) {
                const bool truthLabel =
                    std::find(m_truthRaw.begin(), m_truthRaw.end(), static_cast<std::int32_t>(i)) != m_truthRaw.end();
                return error(labelRows[i], truthLabel ? m_layout.label : m_layout.predicted,
                             "label '" + seen[i] +
                                 "' has no probability column (columns are for: " + joined(m_classes) + ")");
            }
            out.truth = std::move(m_truthRaw);
            out.predicted = std::move(m_predictedRaw);
            out.scores = std::move(m_scores);
        } else if (m_layout.shape == PredictionShape::ClassProbabilities) {
            // An array per row: its columns are the sorted labels, as predict_proba orders its classes_.
            out.classes = seen;
            sortClasses(out.classes);
            if (out.classes.size() != arrayWidth)
                return Error{m_name, "column '" + m_layout.arrayField + "'",
                             std::to_string(arrayWidth) + " probabilities per row but " +
                                 std::to_string(out.classes.size()) + " labels (" + joined(out.classes) +
                                 "); name the classes with --score-cols"};
            remap(out, seen);
            out.scores = std::move(m_scores);
        } else {
            out.classes = seen;
            if (m_layout.shape == PredictionShape::BinaryScore) {
                if (auto s = binaryClasses(out.classes); !s)
                    return s.error();
            }
            sortClasses(out.classes);
            remap(out, seen);
            out.scores = std::move(m_scores);
        }
        if (m_layout.shape == PredictionShape::BinaryScore) {
            const std::string positive = m_positive;
            out.positiveClass = static_cast<std::size_t>(std::find(out.classes.begin(), out.classes.end(), positive) -
                                                         out.classes.begin());
            if (out.predicted.empty()) {
                const auto pos = static_cast<std::int32_t>(out.positiveClass);
                const auto neg = static_cast<std::int32_t>(1 - out.positiveClass);
                out.predicted.resize(out.scores.size());
                for (std::size_t r = 0; r < out.scores.size(); ++r)
                    out.predicted[r] = out.scores[r] >= m_options.threshold ? pos : neg;
            }
        } else if (m_layout.shape == PredictionShape::ClassProbabilities && out.predicted.empty()) {
            const std::size_t k = out.classes.size();
            out.predicted.resize(out.truth.size());
            for (std::size_t r = 0; r < out.truth.size(); ++r) {
                const double* row = out.scores.data() + r * k;
                out.predicted[r] = static_cast<std::int32_t>(std::max_element(row, row + k) - row);
            }
        }
        return out;
    }

private:
    static std::string joined(const std::vector<std::string>& v) {
        std::string all;
        for (const auto& s : v)
            all += (all.empty() ? "" : ", ") + s;
        return all;
    }

    void remap(Predictions& out, const std::vector<std::string>& seen) {
        std::vector<std::int32_t> to(seen.size());
        for (std::size_t i = 0; i < seen.size(); ++i)
            to[i] = static_cast<std::int32_t>(std::find(out.classes.begin(), out.classes.end(), seen[i]) -
                                              out.classes.begin());
        out.truth = std::move(m_truthRaw);
        for (auto& t : out.truth)
            t = to[static_cast<std::size_t>(t)];
        out.predicted = std::move(m_predictedRaw);
        for (auto& p : out.predicted)
            p = to[static_cast<std::size_t>(p)];
    }

    // A single score column is the probability of one of exactly two classes.
    Status binaryClasses(std::vector<std::string>& classes) {
        auto lowered = [&] {
            std::vector<std::string> l;
            for (const auto& c : classes)
                l.push_back(lower(c));
            return l;
        }();
        if (classes.size() > 2)
            return Error{m_name, "column '" + m_layout.label + "'",
                         "a single score column '" + m_layout.scoreColumns.front() +
                             "' needs two classes, but the labels are " + joined(classes) +
                             "; give one probability column per class"};
        const std::array<std::pair<const char*, const char*>, 4> pairs{
            {{"0", "1"}, {"false", "true"}, {"no", "yes"}, {"negative", "positive"}}};
        if (!m_options.positiveLabel.empty()) {
            m_positive = m_options.positiveLabel;
            if (std::find(classes.begin(), classes.end(), m_positive) == classes.end())
                classes.push_back(m_positive);
            if (classes.size() > 2)
                return Error{m_name, "column '" + m_layout.label + "'",
                             "positive label '" + m_positive + "' is not one of the labels " + joined(classes)};
        } else {
            for (const auto& [neg, pos] : pairs) {
                const bool fits = std::all_of(lowered.begin(), lowered.end(),
                                              [&](const std::string& s) { return s == neg || s == pos; });
                if (!fits)
                    continue;
                // Keep the spelling the file uses; add the class a file without examples of it lacks.
                const bool upper = !classes.empty() && classes.front() != lowered.front();
                auto spelled = [&](const char* word) {
                    std::string w(word);
                    if (upper)
                        for (char& ch : w)
                            ch = static_cast<char>(ch >= 'a' && ch <= 'z' ? ch - 'a' + 'A' : ch);
                    return w;
                };
                for (const char* word : {neg, pos})
                    if (std::find(lowered.begin(), lowered.end(), std::string(word)) == lowered.end())
                        classes.push_back(spelled(word));
                lowered.clear();
                for (const auto& c : classes)
                    lowered.push_back(lower(c));
                m_positive = classes[static_cast<std::size_t>(
                    std::find(lowered.begin(), lowered.end(), std::string(pos)) - lowered.begin())];
                return {};
            }
            if (classes.size() < 2)
                return Error{m_name, "column '" + m_layout.label + "'",
                             "every true label is '" + classes.front() +
                                 "'; with a single score column name the positive class with --positive"};
            std::vector<std::string> sorted = classes;
            sortClasses(sorted);
            m_positive = sorted.back();  // scikit-learn's convention: the greater label is the positive one
        }
        return {};
    }

    std::string m_name;
    PredictionColumns m_options;
    Layout m_layout;
    Interner m_interner;
    std::vector<std::string> m_classes;
    std::vector<std::size_t> m_slot;
    std::vector<std::int32_t> m_truthRaw;
    std::vector<std::int32_t> m_predictedRaw;
    std::vector<double> m_scores;
    std::size_t m_rows = 0;
    std::string m_positive;

public:
    // Per-class layout: interning the classes first makes their ids the sorted slots; a label that is not a class
    // gets a later id, which finish() reports.
    void seedClasses() {
        for (const auto& c : m_classes)
            m_interner.index(c);
        noteFirstSight(0);
    }
};

// Splits one CSV record into fields; quoted fields are unquoted into `storage`.
bool splitCsv(std::string_view line, char delimiter, std::vector<std::string_view>& fields,
              std::vector<std::string>& storage) {
    fields.clear();
    if (line.find('"') == std::string_view::npos) {
        std::size_t start = 0;
        while (true) {
            const std::size_t end = line.find(delimiter, start);
            if (end == std::string_view::npos) {
                fields.push_back(line.substr(start));
                return true;
            }
            fields.push_back(line.substr(start, end - start));
            start = end + 1;
        }
    }
    storage.clear();
    std::string field;
    bool quoted = false;
    std::vector<std::size_t> ends;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (quoted) {
            if (c == '"') {
                if (i + 1 < line.size() && line[i + 1] == '"') {
                    field += '"';
                    ++i;
                } else {
                    quoted = false;
                }
            } else {
                field += c;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == delimiter) {
            storage.push_back(std::move(field));
            field.clear();
        } else {
            field += c;
        }
    }
    if (quoted)
        return false;
    storage.push_back(std::move(field));
    for (const auto& s : storage)
        fields.emplace_back(s);
    return true;
}

// Feeds complete lines (without the newline) to a callback; a quoted field spanning lines joins them.
class LineReader {
public:
    virtual ~LineReader() = default;
    // Returns false at the end. `line` stays valid until the next call.
    virtual bool next(std::string_view& line) = 0;
};

class TextLines final : public LineReader {
public:
    explicit TextLines(std::string_view text) : m_text(text) {}
    bool next(std::string_view& line) override {
        if (m_pos >= m_text.size())
            return false;
        const std::size_t end = m_text.find('\n', m_pos);
        const std::size_t stop = end == std::string_view::npos ? m_text.size() : end;
        line = m_text.substr(m_pos, stop - m_pos);
        m_pos = stop + 1;
        return true;
    }

private:
    std::string_view m_text;
    std::size_t m_pos = 0;
};

class FileLines final : public LineReader {
public:
    explicit FileLines(std::FILE* file) : m_file(file) { m_buffer.reserve(chunk * 2); }
    bool next(std::string_view& line) override {
        while (true) {
            const std::size_t end = m_buffer.find('\n', m_pos);
            if (end != std::string::npos) {
                line = std::string_view(m_buffer).substr(m_pos, end - m_pos);
                m_pos = end + 1;
                return true;
            }
            if (m_eof) {
                if (m_pos >= m_buffer.size())
                    return false;
                line = std::string_view(m_buffer).substr(m_pos);
                m_pos = m_buffer.size();
                return true;
            }
            m_buffer.erase(0, m_pos);
            m_pos = 0;
            const std::size_t have = m_buffer.size();
            m_buffer.resize(have + chunk);
            const std::size_t got = std::fread(m_buffer.data() + have, 1, chunk, m_file);
            m_buffer.resize(have + got);
            if (got < chunk)
                m_eof = true;
        }
    }
    bool failed() const { return std::ferror(m_file) != 0; }

private:
    static constexpr std::size_t chunk = 1 << 20;
    std::FILE* m_file;
    std::string m_buffer;
    std::size_t m_pos = 0;
    bool m_eof = false;
};

std::string_view stripBom(std::string_view s) {
    return s.starts_with("\xEF\xBB\xBF") ? s.substr(3) : s;
}

Result<Predictions> readCsv(LineReader& lines, std::string_view firstLine, const std::string& name,
                            const PredictionColumns& options) {
    Builder builder(name, options);
    const char delimiter =
        firstLine.find('\t') != std::string_view::npos && firstLine.find(',') == std::string_view::npos ? '\t' : ',';
    std::vector<std::string_view> fields;
    std::vector<std::string> storage;
    if (!splitCsv(firstLine, delimiter, fields, storage))
        return Error{name, "line 1", "unterminated quote in the header"};
    std::vector<std::string> header;
    for (auto f : fields)
        header.emplace_back(trim(f));
    if (auto s = builder.resolve(header, {}); !s)
        return s.error();
    const Layout& layout = builder.layout();
    builder.prepareColumns();
    builder.seedClasses();
    auto column = [&](const std::string& n) {
        return static_cast<std::size_t>(std::find(header.begin(), header.end(), n) - header.begin());
    };
    const std::size_t labelAt = column(layout.label);
    const std::size_t predictedAt = layout.predicted.empty() ? header.size() : column(layout.predicted);
    std::vector<std::size_t> scoreAt;
    for (const auto& s : layout.scoreColumns)
        scoreAt.push_back(column(s));
    std::vector<double> values(scoreAt.size());

    std::size_t line = 1;
    std::size_t row = 0;
    std::string joinedLine;
    std::string_view text;
    while (lines.next(text)) {
        ++line;
        const std::size_t firstLineOfRow = line;
        if (trim(text).empty())
            continue;
        ++row;
        if (!splitCsv(text, delimiter, fields, storage)) {
            // A quoted field holding a newline: join lines until the quote closes.
            joinedLine.assign(text);
            bool closed = false;
            while (!closed && lines.next(text)) {
                ++line;
                joinedLine += '\n';
                joinedLine += text;
                closed = splitCsv(joinedLine, delimiter, fields, storage);
            }
            if (!closed)
                return builder.error(row, {}, "unterminated quote", firstLineOfRow);
        }
        if (fields.size() != header.size())
            return builder.error(
                row, {}, std::to_string(fields.size()) + " fields, but the header has " + std::to_string(header.size()),
                firstLineOfRow);
        for (std::size_t c = 0; c < scoreAt.size(); ++c) {
            auto v = builder.parseProbability(fields[scoreAt[c]], row, header[scoreAt[c]], firstLineOfRow);
            if (!v)
                return v.error();
            values[c] = *v;
        }
        std::optional<std::string_view> predicted;
        if (predictedAt < header.size())
            predicted = fields[predictedAt];
        if (auto s = builder.addRow(fields[labelAt], predicted, row, firstLineOfRow); !s)
            return s.error();
        builder.noteFirstSight(row);
        if (layout.shape == PredictionShape::ClassProbabilities)
            builder.addClassScores(values.data());
        else if (layout.shape == PredictionShape::BinaryScore)
            builder.addScore(values[0]);
    }
    return builder.finish("csv");
}

Result<Predictions> readJsonLines(LineReader& lines, std::string_view firstLine, const std::string& name,
                                  const PredictionColumns& options) {
    Builder builder(name, options);
    std::size_t line = 0;
    bool resolved = false;
    std::vector<double> values;
    std::string_view text = firstLine;
    bool haveLine = true;
    for (; haveLine; haveLine = lines.next(text)) {
        ++line;
        if (trim(text).empty())
            continue;
        json object = json::parse(text.begin(), text.end(), nullptr, false);
        if (object.is_discarded() || !object.is_object())
            return builder.error(line, {}, "not a JSON object");
        if (!resolved) {
            std::vector<std::string> names;
            std::vector<std::string> arrays;
            for (const auto& [key, value] : object.items())
                (value.is_array() ? arrays : names).push_back(key);
            if (auto s = builder.resolve(names, arrays); !s) {
                // The first object's fields play the header's part; say which line that is.
                Error e = s.error();
                e.position = "line " + std::to_string(line) + e.position.substr(std::string_view("header").size());
                return e;
            }
            builder.prepareColumns();
            builder.seedClasses();
            resolved = true;
        }
        const Layout& layout = builder.layout();
        auto field = [&](const std::string& key) -> Result<const json*> {
            auto it = object.find(key);
            if (it == object.end() || it->is_null())
                return builder.error(line, key, "missing field '" + key + "'");
            return &*it;
        };
        auto probability = [&](const json& v, const std::string& key) -> Result<double> {
            if (v.is_string())
                return builder.parseProbability(v.get<std::string>(), line, key, 0);
            if (!v.is_number())
                return builder.error(line, key, "'" + v.dump() + "' is not a number");
            const double p = v.get<double>();
            if (auto s = builder.checkProbability(p, line, key, 0); !s)
                return s.error();
            return p;
        };
        values.clear();
        if (!layout.arrayField.empty()) {
            auto array = field(layout.arrayField);
            if (!array)
                return array.error();
            if (!(*array)->is_array())
                return builder.error(line, layout.arrayField, "not an array of probabilities");
            if (builder.arrayWidth == 0)
                builder.arrayWidth = (*array)->size();
            if ((*array)->size() != builder.arrayWidth || builder.arrayWidth < 2)
                return builder.error(line, layout.arrayField,
                                     std::to_string((*array)->size()) + " probabilities, but the first row has " +
                                         std::to_string(builder.arrayWidth));
            for (const auto& v : **array) {
                auto p = probability(v, layout.arrayField);
                if (!p)
                    return p.error();
                values.push_back(*p);
            }
        } else {
            for (const auto& key : layout.scoreColumns) {
                auto v = field(key);
                if (!v)
                    return v.error();
                auto p = probability(**v, key);
                if (!p)
                    return p.error();
                values.push_back(*p);
            }
        }
        auto truth = field(layout.label);
        if (!truth)
            return truth.error();
        auto truthText = jsonLabelText(**truth);
        if (!truthText)
            return builder.error(line, layout.label, "the true label is not a string or number");
        std::optional<std::string> predictedText;
        if (!layout.predicted.empty()) {
            auto predicted = field(layout.predicted);
            if (!predicted)
                return predicted.error();
            predictedText = jsonLabelText(**predicted);
            if (!predictedText)
                return builder.error(line, layout.predicted, "the predicted label is not a string or number");
        }
        std::optional<std::string_view> predictedView;
        if (predictedText)
            predictedView = *predictedText;
        if (auto s = builder.addRow(*truthText, predictedView, line, 0); !s)
            return s.error();
        builder.noteFirstSight(line);
        if (!layout.arrayField.empty())
            builder.addArrayScores(values);
        else if (layout.shape == PredictionShape::ClassProbabilities)
            builder.addClassScores(values.data());
        else if (layout.shape == PredictionShape::BinaryScore)
            builder.addScore(values[0]);
    }
    if (!resolved)
        return Error{name, {}, "the file is empty"};
    return builder.finish("jsonl");
}

Result<Predictions> readFrom(LineReader& lines, const std::string& name, const PredictionColumns& options) {
    std::string_view first;
    std::size_t skipped = 0;
    while (lines.next(first)) {
        if (skipped == 0)
            first = stripBom(first);
        ++skipped;
        if (!trim(first).empty())
            break;
        first = {};
    }
    if (trim(first).empty())
        return Error{name, {}, "the file is empty"};
    if (skipped != 1 && trim(first).front() != '{')
        return Error{name, "line 1", "the header row is blank"};
    // The first line is copied: the reader may reuse its buffer for the next one.
    const std::string header(first);
    if (trim(header).front() == '{')
        return readJsonLines(lines, header, name, options);
    return readCsv(lines, header, name, options);
}

}  // namespace

Result<Predictions> readPredictions(const std::string& path, const PredictionColumns& columns) {
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
    if (!file)
        return Error{path, {}, "cannot open the file for reading"};
    FileLines lines(file.get());
    auto result = readFrom(lines, path, columns);
    if (lines.failed())
        return Error{path, {}, "read error"};
    return result;
}

Result<Predictions> readPredictionsText(std::string_view text, const std::string& name,
                                        const PredictionColumns& columns) {
    TextLines lines(text);
    return readFrom(lines, name, columns);
}

}  // namespace runlens::analysis
