// SPDX-License-Identifier: MIT
#include "datasetdrift.h"

#include "analysis/columnsample.h"
#include "analysis/driftreport.h"
#include "datasets/fieldnumber.h"
#include "text.h"

#include <fast_float/fast_float.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <filesystem>
#include <set>
#include <thread>

namespace runlens::datasets {

using analysis::CategorySample;
using analysis::ColumnKind;
using analysis::NumericSample;
using nlohmann::json;

namespace {

constexpr std::size_t bytesPerPoint = 40;  // value, weight, merge scratch and pending share per kept point

struct OwnedRecord {
    std::vector<std::string> fields;
    std::int64_t row = 0;
    std::int64_t line = 0;
    std::string problem;
};

struct Plan {
    std::string name;
    ColumnKind kind = ColumnKind::Numeric;
    std::size_t index[2] = {0, 0};  // column index in the reference and the current file
};

struct SideColumn {
    explicit SideColumn(std::size_t maxPoints) : numeric(maxPoints) {}
    NumericSample numeric;
    CategorySample categories;
    std::int64_t invalid = 0;
};

// Where one compared column's values come from in one file and where they go, packed for the per-row loop.
struct Target {
    std::size_t field = 0;
    ColumnKind kind = ColumnKind::Numeric;
    SideColumn* column = nullptr;
    const std::string* name = nullptr;
};

struct Side {
    std::unique_ptr<TableReader> reader;
    std::vector<OwnedRecord> head;
    std::vector<SideColumn> columns;
    std::vector<Target> targets;  // one per column, in plan order
    std::int64_t rows = 0;
    json problems = json::array();
    std::int64_t problemCount = 0;
    std::size_t maxProblems = 50;
    Status status;
    // Predictions: Brier score of the rows with a label and a valid score.
    bool brier = false;
    std::size_t scoreIndex = 0;
    std::size_t labelIndex = 0;
    std::string positive;
    double brierSum = 0;
    double brierCompensation = 0;
    std::int64_t brierRows = 0;
};

// A cell without its padding. Only the end of a cell can hold the CR of a CRLF line end; a leading CR is data.
inline std::string_view trim(std::string_view s) {
    return text::trimBack(text::trimFront(s, " \t"), text::blanks);
}

bool parseNumber(std::string_view s, double& value) {
    if (parsePlainDecimal(s, value))
        return true;
    if (!s.empty() && s.front() == '+')
        s.remove_prefix(1);
    if (s.empty())
        return false;
    const auto [end, ec] = fast_float::from_chars(s.data(), s.data() + s.size(), value);
    return ec == std::errc() && end == s.data() + s.size();
}

std::int64_t codePoints(std::string_view s) {
    std::int64_t n = 0;
    for (char c : s)
        n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
    return n;
}

void addProblem(Side& side, std::int64_t row, std::int64_t line, const std::string* column, std::string message) {
    ++side.problemCount;
    if (side.problems.size() >= side.maxProblems)
        return;
    json p = {{"file", side.reader->path()},
              {"row", row},
              {"line", line},
              {"column", column ? json(*column) : json(nullptr)},
              {"message", std::move(message)}};
    side.problems.push_back(std::move(p));
}

std::string shortValue(std::string_view value) {
    return value.size() > 40 ? std::string(value.substr(0, 37)) + "..." : std::string(value);
}

// A problem found while a run of rows is read column by column, kept until the run ends so problems are listed in
// row order, and within a row in column order, as if the rows had been read one at a time.
struct PendingProblem {
    std::size_t record = 0;  // index in the run
    std::size_t target = 0;  // the target's index; the Brier check comes after every target
    const std::string* column = nullptr;
    std::string message;
};

// Values of one target that the plain-decimal path did not take: missing tokens, other number forms, bad values.
void consumeUnusual(const Target& target, std::size_t targetIndex, std::size_t record, std::string_view raw,
                    std::vector<PendingProblem>& problems) {
    SideColumn& column = *target.column;
    // Missing tokens are empty or start with a letter or a space; numbers never do.
    const char first = raw.empty() ? ' ' : raw.front();
    const bool maybeMissing = !((first >= '0' && first <= '9') || first == '-' || first == '.');
    if (maybeMissing && analysis::isMissingToken(raw)) {
        if (target.kind == ColumnKind::Numeric || target.kind == ColumnKind::Text)
            column.numeric.addMissing();
        else
            column.categories.addMissing();
        return;
    }
    switch (target.kind) {
    case ColumnKind::Numeric: {
        double value = 0;
        if (parseNumber(trim(raw), value)) {
            column.numeric.add(value);
        } else {
            ++column.invalid;
            problems.push_back(
                {record, targetIndex, target.name,
                 "value '" + shortValue(raw) + "' is not a number, and the column is numeric; left out"});
        }
        break;
    }
    case ColumnKind::Text:
        column.numeric.add(static_cast<double>(codePoints(raw)));
        break;
    default:
        column.categories.add(trim(raw));
        break;
    }
}

// Rows that all have the header's field count, `stride` fields apart starting at `fields`. They are read column by
// column: one column's values come one after another, so the branches of its parsing follow that column's habits
// and its sample stays in cache, which is much faster than visiting every column in each row.
void consumeRows(Side& side, const std::string_view* fields, std::size_t stride, std::size_t count,
                 const std::int64_t* rows, const std::int64_t* lines, std::vector<PendingProblem>& problems) {
    problems.clear();
    side.rows += static_cast<std::int64_t>(count);
    for (std::size_t t = 0; t < side.targets.size(); ++t) {
        const Target& target = side.targets[t];
        SideColumn& column = *target.column;
        const std::string_view* value = fields + target.field;
        switch (target.kind) {
        case ColumnKind::Numeric:
            for (std::size_t r = 0; r < count; ++r, value += stride) {
                // The common case first: a plain decimal is neither a missing token nor in need of trimming.
                double number = 0;
                if (parsePlainDecimal(*value, number)) [[likely]]
                    column.numeric.add(number);
                else
                    consumeUnusual(target, t, r, *value, problems);
            }
            break;
        case ColumnKind::Text:
            for (std::size_t r = 0; r < count; ++r, value += stride)
                consumeUnusual(target, t, r, *value, problems);
            break;
        default:
            for (std::size_t r = 0; r < count; ++r, value += stride) {
                const std::string_view raw = *value;
                // A word starting with a letter other than n or N (na, nan, null, none) is never a missing token.
                const char first = raw.empty() ? ' ' : raw.front();
                if (((first | 0x20) >= 'a' && (first | 0x20) <= 'z' && (first | 0x20) != 'n') && raw.back() != ' ' &&
                    raw.back() != '\t' && raw.back() != '\r') [[likely]]
                    column.categories.add(raw);
                else
                    consumeUnusual(target, t, r, raw, problems);
            }
            break;
        }
    }
    if (side.brier) {
        for (std::size_t r = 0; r < count; ++r) {
            const std::string_view* row = fields + r * stride;
            const std::string_view label = trim(row[side.labelIndex]);
            const std::string_view scoreText = trim(row[side.scoreIndex]);
            double score = 0;
            if (analysis::isMissingToken(label) || analysis::isMissingToken(scoreText) ||
                !parseNumber(scoreText, score))
                continue;
            if (!(score >= 0 && score <= 1)) {
                problems.push_back(
                    {r, side.targets.size(), &side.reader->columns()[side.scoreIndex],
                     "score " + shortValue(scoreText) + " is not a probability between 0 and 1; left out of Brier"});
                continue;
            }
            const double y = label == side.positive ? 1.0 : 0.0;
            const double term = (score - y) * (score - y);
            const double t = side.brierSum + term;
            side.brierCompensation +=
                std::fabs(side.brierSum) >= term ? (side.brierSum - t) + term : (term - t) + side.brierSum;
            side.brierSum = t;
            ++side.brierRows;
        }
    }
    if (problems.empty())
        return;
    std::stable_sort(problems.begin(), problems.end(), [](const PendingProblem& a, const PendingProblem& b) {
        return a.record != b.record ? a.record < b.record : a.target < b.target;
    });
    for (auto& problem : problems)
        addProblem(side, rows[problem.record], lines[problem.record], problem.column, std::move(problem.message));
}

// One record that may be broken (a reader's problem) or have the wrong number of fields.
void consume(Side& side, const std::string_view* fields, std::size_t fieldCount, std::int64_t row, std::int64_t line,
             const std::string& problem, std::vector<PendingProblem>& problems) {
    if (!problem.empty()) {
        addProblem(side, row, line, nullptr, problem);
        if (fieldCount == 0)
            return;
    }
    const std::size_t expected = side.reader->columns().size();
    if (fieldCount != expected) {
        addProblem(side, row, line, nullptr,
                   "the row has " + std::to_string(fieldCount) + " fields, the header has " + std::to_string(expected) +
                       "; the row is left out");
        return;
    }
    consumeRows(side, fields, expected, 1, &row, &line, problems);
}

// A block's records: runs of well-formed rows column by column, the others one by one, in file order.
void consumeBlock(Side& side, const TableBlock& block, std::vector<PendingProblem>& problems) {
    const std::size_t expected = side.reader->columns().size();
    const auto wellFormed = [&](std::size_t r) {
        return block.problems[r].empty() && block.fieldCount(r) == expected;
    };
    std::size_t r = 0;
    while (r < block.size()) {
        if (!wellFormed(r)) {
            consume(side, block.fields.data() + block.firstField[r], block.fieldCount(r), block.rows[r], block.lines[r],
                    block.problems[r], problems);
            ++r;
            continue;
        }
        std::size_t end = r + 1;
        while (end < block.size() && wellFormed(end))
            ++end;
        consumeRows(side, block.fields.data() + block.firstField[r], expected, end - r, block.rows.data() + r,
                    block.lines.data() + r, problems);
        r = end;
    }
}

Status readHead(Side& side, std::int64_t rows) {
    TableRecord record;
    while (static_cast<std::int64_t>(side.head.size()) < rows) {
        auto got = side.reader->next(record);
        if (!got)
            return got.error();
        if (!*got)
            break;
        side.head.push_back({std::vector<std::string>(record.fields.begin(), record.fields.end()), record.row,
                             record.line, record.problem});
    }
    return {};
}

void streamSide(Side& side, const std::vector<Plan>& plans, int which) {
    side.targets.clear();
    for (std::size_t c = 0; c < plans.size(); ++c)
        side.targets.push_back({plans[c].index[which], plans[c].kind, &side.columns[c], &plans[c].name});
    std::vector<PendingProblem> problems;
    std::vector<std::string_view> views;
    for (const auto& r : side.head) {
        views.assign(r.fields.begin(), r.fields.end());
        consume(side, views.data(), views.size(), r.row, r.line, r.problem, problems);
    }
    side.head.clear();
    side.head.shrink_to_fit();
    // Blocks small enough that their fields and text stay in a core's cache while each column walks them.
    constexpr std::size_t blockRows = 256;
    TableBlock block;
    while (true) {
        auto got = side.reader->nextBlock(block, blockRows);
        if (!got) {
            side.status = got.error();
            return;
        }
        if (!*got)
            break;
        consumeBlock(side, block, problems);
    }
    for (auto& column : side.columns)
        column.numeric.finish();
}

json sideJson(const Side& side) {
    return {{"path", side.reader->path()}, {"rows", side.rows}};
}

// Runs fn(i) for i in [0, count) on up to `threads` threads.
template <typename Fn> void parallelFor(std::size_t count, int threads, Fn fn) {
    const auto workers = static_cast<std::size_t>(
        std::clamp<int>(threads > 0 ? threads : static_cast<int>(std::thread::hardware_concurrency()), 1, 64));
    std::atomic<std::size_t> nextIndex{0};
    const auto work = [&] {
        for (std::size_t i = nextIndex++; i < count; i = nextIndex++)
            fn(i);
    };
    std::vector<std::thread> pool;
    for (std::size_t w = 1; w < std::min(workers, count); ++w)
        pool.emplace_back(work);
    work();
    for (auto& t : pool)
        t.join();
}

struct Prepared {
    Side sides[2];
    std::vector<Plan> plans;
    json problems = json::array();
    json ignored = json::array();
};

// Opens both files, reads their first rows and decides which columns are compared and as what.
Status prepare(Prepared& p, const std::string& referencePath, const std::string& currentPath,
               const analysis::DriftPolicy& policy, const DatasetDriftOptions& options,
               const std::set<std::string>* onlyColumns) {
    const std::string paths[2] = {referencePath, currentPath};
    for (int s = 0; s < 2; ++s) {
        auto reader = TableReader::open(paths[s], options.table);
        if (!reader)
            return reader.error();
        p.sides[s].reader = std::move(*reader);
        p.sides[s].maxProblems = options.maxProblemsPerFile;
        if (auto status = readHead(p.sides[s], options.typingRows); !status)
            return status;
    }
    const auto& refColumns = p.sides[0].reader->columns();
    const auto& curColumns = p.sides[1].reader->columns();
    for (std::size_t i = 0; i < refColumns.size(); ++i) {
        const auto it = std::find(curColumns.begin(), curColumns.end(), refColumns[i]);
        if (onlyColumns && !onlyColumns->contains(refColumns[i]))
            continue;
        if (it == curColumns.end()) {
            p.problems.push_back({{"file", currentPath},
                                  {"row", nullptr},
                                  {"column", refColumns[i]},
                                  {"message", "column '" + refColumns[i] +
                                                  "' is in the reference but not in this file; it is not compared"}});
            continue;
        }
        Plan plan;
        plan.name = refColumns[i];
        plan.index[0] = i;
        plan.index[1] = static_cast<std::size_t>(it - curColumns.begin());
        p.plans.push_back(plan);
    }
    for (const auto& name : curColumns) {
        if (onlyColumns && !onlyColumns->contains(name))
            continue;
        if (std::find(refColumns.begin(), refColumns.end(), name) == refColumns.end()) {
            p.problems.push_back({{"file", currentPath},
                                  {"row", nullptr},
                                  {"column", name},
                                  {"message", "column '" + name + "' is not in the reference; it is not compared"}});
        }
    }
    // Types from the first rows of both files together, unless the policy says.
    std::vector<Plan> kept;
    for (auto& plan : p.plans) {
        const auto override = policy.columns.find(plan.name);
        if (override != policy.columns.end() && override->second.ignore) {
            p.ignored.push_back(plan.name);
            continue;
        }
        if (override != policy.columns.end() && override->second.kind) {
            plan.kind = *override->second.kind;
        } else {
            std::vector<std::string> sample;
            for (int s = 0; s < 2; ++s) {
                for (const auto& r : p.sides[s].head) {
                    if (r.fields.size() == (s == 0 ? refColumns : curColumns).size())
                        sample.push_back(r.fields[plan.index[s]]);
                }
            }
            plan.kind = analysis::inferColumnKind(sample);
            // A stray word among numbers is a bad value, not a categorical column: typed without the few values
            // that are not numbers (at most 1 %), which are then reported with their row.
            if (plan.kind == ColumnKind::Categorical || plan.kind == ColumnKind::Text) {
                std::vector<std::string> numbers;
                std::size_t present = 0;
                for (const auto& v : sample) {
                    if (analysis::isMissingToken(v))
                        continue;
                    ++present;
                    double value = 0;
                    if (parseNumber(trim(v), value))
                        numbers.push_back(v);
                }
                const std::size_t strays = present - numbers.size();
                if (strays > 0 && strays * 100 <= std::max<std::size_t>(present, 100)) {
                    const auto kind = analysis::inferColumnKind(numbers);
                    if (kind == ColumnKind::Numeric)
                        plan.kind = kind;
                }
            }
        }
        if (plan.kind == ColumnKind::Empty) {
            p.ignored.push_back(plan.name);
            continue;
        }
        // Every value different and not a number: an identifier (customer id, uuid), which says nothing about
        // drift; a policy can still type it.
        if ((plan.kind == ColumnKind::Categorical || plan.kind == ColumnKind::Text) &&
            (override == policy.columns.end() || !override->second.kind)) {
            std::set<std::string_view> distinct;
            std::size_t present = 0;
            for (int s = 0; s < 2; ++s) {
                for (const auto& r : p.sides[s].head) {
                    if (r.fields.size() != (s == 0 ? refColumns : curColumns).size())
                        continue;
                    const std::string_view v = r.fields[plan.index[s]];
                    if (analysis::isMissingToken(v))
                        continue;
                    ++present;
                    distinct.insert(v);
                }
            }
            if (present >= 50 && distinct.size() == present) {
                p.ignored.push_back(plan.name);
                continue;
            }
        }
        kept.push_back(plan);
    }
    p.plans = std::move(kept);
    if (p.plans.empty()) {
        return Error{currentPath,
                     {},
                     "no column to compare: the files share no column with values (reference columns: " +
                         std::to_string(refColumns.size()) + ", current columns: " + std::to_string(curColumns.size()) +
                         ")"};
    }
    std::size_t numericColumns = 0;
    for (const auto& plan : p.plans)
        numericColumns += plan.kind == ColumnKind::Numeric || plan.kind == ColumnKind::Text ? 1 : 0;
    const std::size_t maxPoints = std::clamp<std::size_t>(
        options.memoryLimitBytes / (2 * std::max<std::size_t>(numericColumns, 1) * bytesPerPoint), std::size_t{1} << 10,
        std::size_t{1} << 24);
    for (auto& side : p.sides) {
        side.columns.reserve(p.plans.size());
        for (std::size_t c = 0; c < p.plans.size(); ++c)
            side.columns.emplace_back(maxPoints);
    }
    return {};
}

Status streamBoth(Prepared& p) {
    // One thread per file: parsing is the bulk of the work.
    std::thread current([&p] { streamSide(p.sides[1], p.plans, 1); });
    streamSide(p.sides[0], p.plans, 0);
    current.join();
    for (const auto& side : p.sides) {
        if (!side.status)
            return side.status;
    }
    for (const auto& side : p.sides) {
        if (side.rows == 0)
            return Error{side.reader->path(), {}, "the file has a header but no data rows"};
    }
    return {};
}

json buildDocument(Prepared& p, const analysis::DriftPolicy& policy, const DatasetDriftOptions& options) {
    std::vector<json> columns(p.plans.size());
    parallelFor(p.plans.size(), options.threads, [&](std::size_t c) {
        analysis::ColumnSamples samples;
        samples.name = p.plans[c].name;
        samples.kind = p.plans[c].kind;
        samples.referenceNumeric = &p.sides[0].columns[c].numeric;
        samples.currentNumeric = &p.sides[1].columns[c].numeric;
        samples.referenceCategories = &p.sides[0].columns[c].categories;
        samples.currentCategories = &p.sides[1].columns[c].categories;
        samples.referenceInvalid = p.sides[0].columns[c].invalid;
        samples.currentInvalid = p.sides[1].columns[c].invalid;
        columns[c] = analysis::columnDriftReport(samples, policy, p.sides[0].rows);
    });
    json document = {{"reference", sideJson(p.sides[0])}, {"current", sideJson(p.sides[1])}};
    document["columns"] = columns;
    json problems = p.problems;
    for (auto& side : p.sides) {
        for (auto& problem : side.problems)
            problems.push_back(problem);
        if (side.problemCount > static_cast<std::int64_t>(side.problems.size())) {
            problems.push_back(
                {{"file", side.reader->path()},
                 {"row", nullptr},
                 {"column", nullptr},
                 {"message", std::to_string(side.problemCount - static_cast<std::int64_t>(side.problems.size())) +
                                 " more problems in this file are not listed"}});
        }
    }
    document["problems"] = problems;
    if (!p.ignored.empty())
        document["ignored_columns"] = p.ignored;
    return document;
}

std::optional<std::string> findColumn(const std::vector<std::string>& columns,
                                      std::initializer_list<std::string_view> names) {
    for (const auto name : names) {
        for (const auto& c : columns)
            if (text::iequals(c, name))
                return c;
    }
    return std::nullopt;
}

}  // namespace

Result<json> computeDatasetDrift(const std::string& referencePath, const std::string& currentPath,
                                 const analysis::DriftPolicy& policy, const DatasetDriftOptions& options) {
    Prepared p;
    if (auto status = prepare(p, referencePath, currentPath, policy, options, nullptr); !status)
        return status.error();
    if (auto status = streamBoth(p); !status)
        return status.error();
    json document = buildDocument(p, policy, options);
    analysis::finishDriftDocument(document, policy);
    return document;
}

Result<json> computePredictionDrift(const std::string& referencePath, const std::string& currentPath,
                                    const analysis::DriftPolicy& policy, const PredictionColumns& wanted,
                                    const DatasetDriftOptions& options) {
    // Column names from the reference's header; the current file must have the same.
    std::vector<std::string> columns;
    {
        auto reader = TableReader::open(referencePath, options.table);
        if (!reader)
            return reader.error();
        columns = (*reader)->columns();
    }
    std::string score = wanted.score;
    if (score.empty()) {
        const auto found = findColumn(columns, {"score", "probability", "prob", "y_score", "y_prob", "pred_proba",
                                                "proba", "prediction_score", "positive_probability"});
        if (!found) {
            return Error{referencePath,
                         {},
                         "no score column found (score, probability, prob, y_score, y_prob, pred_proba, proba); "
                         "name it with --score-col"};
        }
        score = *found;
    } else if (std::find(columns.begin(), columns.end(), score) == columns.end()) {
        return Error{referencePath, {}, "has no column '" + score + "'"};
    }
    std::string label = wanted.label;
    if (label.empty()) {
        label = findColumn(columns, {"label", "y_true", "target", "true_label", "actual", "y", "truth"}).value_or("");
    } else if (std::find(columns.begin(), columns.end(), label) == columns.end()) {
        return Error{referencePath, {}, "has no column '" + label + "'"};
    }
    std::set<std::string> only = {score};
    if (!label.empty())
        only.insert(label);

    analysis::DriftPolicy scorePolicy = policy;
    scorePolicy.columns[score].kind = ColumnKind::Numeric;
    Prepared p;
    if (auto status = prepare(p, referencePath, currentPath, scorePolicy, options, &only); !status)
        return status.error();
    const bool haveScore =
        std::any_of(p.plans.begin(), p.plans.end(), [&](const Plan& plan) { return plan.name == score; });
    if (!haveScore)
        return Error{currentPath, {}, "has no score column '" + score + "' to compare with the reference"};
    const bool haveLabels = !label.empty() && std::any_of(p.plans.begin(), p.plans.end(),
                                                          [&](const Plan& plan) { return plan.name == label; });

    std::string positive = wanted.positive;
    if (haveLabels) {
        std::set<std::string> values;
        for (const auto& side : p.sides) {
            const auto& names = side.reader->columns();
            const auto index = static_cast<std::size_t>(std::find(names.begin(), names.end(), label) - names.begin());
            for (const auto& r : side.head) {
                if (index < r.fields.size() && !analysis::isMissingToken(r.fields[index]))
                    values.insert(std::string(trim(r.fields[index])));
            }
        }
        if (positive.empty()) {
            for (const auto candidate : {"1", "1.0", "true", "True", "TRUE", "yes", "pos", "positive"}) {
                if (values.contains(candidate)) {
                    positive = candidate;
                    break;
                }
            }
        }
        if (positive.empty()) {
            return Error{
                referencePath, {}, "cannot tell which label the score is the probability of; name it with --positive"};
        }
        for (int s = 0; s < 2; ++s) {
            auto& side = p.sides[s];
            const auto& names = side.reader->columns();
            side.brier = true;
            side.positive = positive;
            side.scoreIndex = static_cast<std::size_t>(std::find(names.begin(), names.end(), score) - names.begin());
            side.labelIndex = static_cast<std::size_t>(std::find(names.begin(), names.end(), label) - names.begin());
        }
    }
    if (auto status = streamBoth(p); !status)
        return status.error();
    json document = buildDocument(p, policy, options);
    bool brierAlert = false;
    json predictions = {{"score_column", score}, {"label_column", haveLabels ? json(label) : json(nullptr)}};
    if (haveLabels) {
        const auto brierOf = [](const Side& side) {
            return side.brierRows > 0 ? (side.brierSum + side.brierCompensation) / static_cast<double>(side.brierRows)
                                      : std::numeric_limits<double>::quiet_NaN();
        };
        const double reference = brierOf(p.sides[0]);
        const double current = brierOf(p.sides[1]);
        const double degradation = reference > 0 ? (current - reference) / reference
                                                 : (current > 0 ? std::numeric_limits<double>::infinity() : 0.0);
        brierAlert = !std::isnan(degradation) && degradation > policy.brierDegradation;
        predictions["positive_label"] = positive;
        predictions["reference_brier"] = analysis::jsonNumber(reference);
        predictions["current_brier"] = analysis::jsonNumber(current);
        predictions["brier_degradation"] = analysis::jsonNumber(degradation);
        predictions["brier_threshold"] = policy.brierDegradation;
        predictions["brier_alert"] = brierAlert;
        predictions["reference_scored_rows"] = p.sides[0].brierRows;
        predictions["current_scored_rows"] = p.sides[1].brierRows;
    } else {
        predictions["note"] = "no label column: no Brier score";
    }
    document["predictions"] = predictions;
    analysis::finishDriftDocument(document, policy, brierAlert);
    return document;
}

}  // namespace runlens::datasets
