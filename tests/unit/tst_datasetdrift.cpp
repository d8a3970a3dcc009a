// SPDX-License-Identifier: MIT
// Dataset reading, bounded-memory column samples, drift policies and the dataset drift document.
#include "analysis/columnsample.h"
#include "analysis/drift.h"
#include "analysis/driftpolicy.h"
#include "analysis/driftreport.h"
#include "datasets/datasetdrift.h"
#include "datasets/fieldnumber.h"
#include "datasets/tablereader.h"
#include "testsupport.h"

#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <cstring>
#include <fstream>
#include <map>
#include <random>
#include <span>

using namespace runlens;
using namespace runlens::analysis;
using namespace runlens::datasets;
using nlohmann::json;

namespace {

std::vector<std::vector<std::string>> readAll(const std::string& path, std::vector<std::string>* columns = nullptr,
                                              std::vector<std::int64_t>* lines = nullptr,
                                              const TableOptions& options = {}) {
    auto reader = TableReader::open(path, options);
    if (!reader)
        return {{"ERROR " + reader.error().toString()}};
    if (columns)
        *columns = (*reader)->columns();
    std::vector<std::vector<std::string>> rows;
    TableRecord record;
    while (true) {
        auto got = (*reader)->next(record);
        if (!got || !*got)
            break;
        rows.emplace_back(record.fields.begin(), record.fields.end());
        if (lines)
            lines->push_back(record.line);
    }
    return rows;
}

// Every record read through next() and through nextBlock() with blocks of maxRecords, as text, for comparing the two.
struct ReadRecords {
    std::vector<std::string> records;
    std::size_t largestBlock = 0;
};

ReadRecords readRecords(const std::string& path, std::size_t maxRecords) {
    ReadRecords out;
    auto reader = TableReader::open(path);
    if (!reader) {
        out.records.push_back("ERROR " + reader.error().toString());
        return out;
    }
    const auto describe = [](std::int64_t row, std::int64_t line, const std::string& problem, const auto& fields) {
        std::string text = std::to_string(row) + "@" + std::to_string(line) + " [" + problem + "]";
        for (const auto& field : fields)
            text += "|" + std::string(field);
        return text;
    };
    if (maxRecords == 0) {
        TableRecord record;
        while (true) {
            auto got = (*reader)->next(record);
            if (!got || !*got)
                break;
            out.records.push_back(describe(record.row, record.line, record.problem, record.fields));
        }
        return out;
    }
    TableBlock block;
    while (true) {
        auto got = (*reader)->nextBlock(block, maxRecords);
        if (!got || !*got)
            break;
        out.largestBlock = std::max(out.largestBlock, block.size());
        // Checked after the whole block is read: every record's fields must still be valid.
        for (std::size_t r = 0; r < block.size(); ++r) {
            const std::span<const std::string_view> fields(block.fields.data() + block.firstField[r],
                                                           block.fieldCount(r));
            out.records.push_back(describe(block.rows[r], block.lines[r], block.problems[r], fields));
        }
    }
    return out;
}

const json* findColumn(const json& doc, const std::string& name) {
    for (const auto& c : doc["columns"])
        if (c["column"] == name)
            return &c;
    return nullptr;
}

bool anyProblemContains(const json& doc, const std::string& text, const std::string& file = {}) {
    for (const auto& p : doc["problems"]) {
        if (p["message"].get<std::string>().find(text) != std::string::npos &&
            (file.empty() || p["file"].get<std::string>() == file))
            return true;
    }
    return false;
}

}  // namespace

class TestDatasetDrift : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }
    void readsQuotedCsv();
    void detectsHeaderAndDelimiter_data();
    void detectsHeaderAndDelimiter();
    void readsJsonLines();
    void recordLongerThanTheBuffer();
    void plainRecordsSplitLikeTheGeneralPath();
    void blocksHoldTheRecordsNextGives();
    void unclosedQuoteIsReported();
    void emptyFileIsAnError();
    void sampleMergesEqualValuesExactly();
    void categoriesOfEveryLengthAreCountedApart();
    void sampleBoundsMemoryAndStaysClose();
    void weightedStatisticsEqualRawOnes();
    void policyPresets();
    void policyFileYamlAndJson();
    void examplePolicyFileLoads();
    void policyFileErrors_data();
    void policyFileErrors();
    void mismatchedColumnsAreReportedAndCommonOnesCompared();
    void nonNumericValueIsReportedWithRowAndColumn();
    void problemsAreListedInRowThenColumnOrder();
    void headerOnlyFileIsAnError();
    void fileLargerThanTheMemoryLimitStreams();
    void policyOverridesTypeAndIgnores();
    void predictionScoreDriftAndBrier();
    void identifierColumnsAreNotCompared();
    void numbersParseAsStrtodDoes();
    void plainDecimalsMatchStrtodBitForBit();
    void plainDecimalsRefuseNeighbouringBytes();

private:
    std::string file(const char* name, std::string_view text) {
        const auto path = std::filesystem::path(m_dir.path().toStdString()) / name;
        test::writeFile(path, text);
        return path.string();
    }
    QTemporaryDir m_dir;
};

void TestDatasetDrift::readsQuotedCsv() {
    const auto path = file("quoted.csv", "\xEF\xBB\xBFname,note,value\r\n"
                                         "a,\"x, y\",1\r\n"
                                         "\r\n"
                                         "b,\"two\nlines\",2\r\n"
                                         "c,\"say \"\"hi\"\"\",\r\n"
                                         "d,,NA");
    std::vector<std::string> columns;
    std::vector<std::int64_t> lines;
    const auto rows = readAll(path, &columns, &lines);
    QCOMPARE(columns, (std::vector<std::string>{"name", "note", "value"}));
    QCOMPARE(rows.size(), std::size_t{4});
    QVERIFY(rows[0] == (std::vector<std::string>{"a", "x, y", "1"}));
    QVERIFY(rows[1] == (std::vector<std::string>{"b", "two\nlines", "2"}));
    QVERIFY(rows[2] == (std::vector<std::string>{"c", "say \"hi\"", ""}));
    QVERIFY(rows[3] == (std::vector<std::string>{"d", "", "NA"}));
    // Lines of the file where each record starts (a blank line and a quoted line break in between).
    QCOMPARE(lines, (std::vector<std::int64_t>{2, 4, 6, 7}));
}

void TestDatasetDrift::detectsHeaderAndDelimiter_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("firstColumn");
    QTest::addColumn<int>("rows");
    QTest::addRow("tsv with header") << QStringLiteral("a\tb\n1\t2\n3\t4\n") << QStringLiteral("a") << 2;
    QTest::addRow("semicolons") << QStringLiteral("a;b\n1,5;2\n") << QStringLiteral("a") << 1;
    QTest::addRow("numbers first: no header") << QStringLiteral("1,2\n3,4\n") << QStringLiteral("column_1") << 2;
    QTest::addRow("duplicate and empty names") << QStringLiteral(",x,x\n1,2,3\n") << QStringLiteral("column_1") << 1;
}

void TestDatasetDrift::detectsHeaderAndDelimiter() {
    QFETCH(QString, text);
    QFETCH(QString, firstColumn);
    QFETCH(int, rows);
    const auto path = file("detect.txt", text.toStdString());
    std::vector<std::string> columns;
    const auto read = readAll(path, &columns);
    QCOMPARE(QString::fromStdString(columns.front()), firstColumn);
    QCOMPARE(static_cast<int>(read.size()), rows);
    if (columns.size() == 3)
        QVERIFY(columns[2] == std::string("x_2"));
}

void TestDatasetDrift::readsJsonLines() {
    const auto path = file("rows.jsonl", "{\"a\": 1.5, \"b\": \"x\", \"c\": true}\n"
                                         "{\"b\": \"y\", \"a\": null}\n"
                                         "not json\n"
                                         "{\"a\": 2, \"b\": \"z\", \"c\": false, \"extra\": 1}\n");
    auto reader = TableReader::open(path);
    QVERIFY(reader.ok());
    QCOMPARE((*reader)->format(), TableFormat::JsonLines);
    QCOMPARE((*reader)->columns(), (std::vector<std::string>{"a", "b", "c"}));
    TableRecord r;
    QVERIFY(*(*reader)->next(r));
    QVERIFY(r.fields[0] == std::string_view("1.5"));
    QVERIFY(r.fields[2] == std::string_view("true"));
    QCOMPARE(r.line, std::int64_t{1});
    QVERIFY(*(*reader)->next(r));
    QCOMPARE(r.fields[0], std::string_view(""));  // null is missing
    QVERIFY(r.fields[1] == std::string_view("y"));
    QVERIFY(*(*reader)->next(r));
    QVERIFY(r.fields.empty());
    QVERIFY(r.problem.find("not valid JSON") != std::string::npos);
    QCOMPARE(r.line, std::int64_t{3});
    QVERIFY(*(*reader)->next(r));
    QVERIFY(r.fields[1] == std::string_view("z"));
    QVERIFY(r.problem.find("'extra'") != std::string::npos);
    QVERIFY(!*(*reader)->next(r));
}

void TestDatasetDrift::recordLongerThanTheBuffer() {
    const std::string big(3 << 20, 'q');
    const auto path = file("long.csv", "a,b\n1,\"" + big + "\"\n2,short\n");
    const auto rows = readAll(path);
    QCOMPARE(rows.size(), std::size_t{2});
    QCOMPARE(rows[0][1].size(), big.size());
    QVERIFY(rows[1][1] == std::string("short"));
}

void TestDatasetDrift::plainRecordsSplitLikeTheGeneralPath() {
    // Plain records are split sixteen bytes at a time; quotes and stray carriage returns take the general path.
    // Both must give the same fields and lines.
    std::string wide;
    std::vector<std::string> wideFields;
    for (int i = 0; i < 37; ++i) {
        wideFields.push_back(i % 5 == 0 ? "" : std::to_string(i * 1234567));
        wide += (i ? "," : "") + wideFields.back();
    }
    const auto path = file("plain.csv", "a,b,c\n"
                                        "1,ab\"c,\n"        // a quote inside a field is text
                                        "2,x,y\r3,p,q\r\n"  // a lone carriage return ends a record
                                        "4,,\r\n" +
                                            wide + "\n" + wide + "\n5,last,row");
    std::vector<std::int64_t> lines;
    const auto rows = readAll(path, nullptr, &lines);
    QCOMPARE(rows.size(), std::size_t{7});
    QVERIFY(rows[0] == (std::vector<std::string>{"1", "ab\"c", ""}));
    QVERIFY(rows[1] == (std::vector<std::string>{"2", "x", "y"}));
    QVERIFY(rows[2] == (std::vector<std::string>{"3", "p", "q"}));
    QVERIFY(rows[3] == (std::vector<std::string>{"4", "", ""}));
    QVERIFY(rows[4] == wideFields);
    QVERIFY(rows[5] == wideFields);
    QVERIFY(rows[6] == (std::vector<std::string>{"5", "last", "row"}));
    QCOMPARE(lines, (std::vector<std::int64_t>{2, 3, 4, 5, 6, 7, 8}));

    // A quote or a lone carriage return far into a long line (found sixteen bytes at a time) sends it to the general
    // path as well.
    const auto widePath = file("plainwide.csv", "a,b\n" + wide + ",\"q,r\"\n" + wide + "\r" + wide + "\n");
    std::vector<std::int64_t> wideLines;
    const auto wideRows = readAll(widePath, nullptr, &wideLines);
    QCOMPARE(wideRows.size(), std::size_t{3});
    auto quoted = wideFields;
    quoted.push_back("q,r");
    QVERIFY(wideRows[0] == quoted);
    QVERIFY(wideRows[1] == wideFields);
    QVERIFY(wideRows[2] == wideFields);
    QCOMPARE(wideLines, (std::vector<std::int64_t>{2, 3, 4}));

    // Plain records across many buffer refills, with no newline at the end of the file.
    std::string many = "k,v\n";
    for (int i = 0; i < 200000; ++i)
        many += std::to_string(i) + ",value_" + std::to_string(i % 7) + (i + 1 < 200000 ? "\n" : "");
    const auto manyRows = readAll(file("many.csv", many));
    QCOMPARE(manyRows.size(), std::size_t{200000});
    bool allRight = true;
    for (std::size_t i = 0; i < manyRows.size(); ++i)
        allRight =
            allRight && manyRows[i] == std::vector<std::string>{std::to_string(i), "value_" + std::to_string(i % 7)};
    QVERIFY(allRight);
}

void TestDatasetDrift::blocksHoldTheRecordsNextGives() {
    // Blocks of records read column by column must hold exactly the records next() gives, each still valid when the
    // block is complete: quoted fields with line breaks and doubled quotes, CRLF and lone CR, blank lines, a broken
    // last record, no header, JSON Lines, a record longer than the buffer and many buffer refills.
    std::string many = "k,v,w\n";
    for (int i = 0; i < 120000; ++i)
        many += std::to_string(i) +
                (i % 1000 == 0 ? ",\"quo\"\"ted\nvalue\"," : ",plain_" + std::to_string(i % 7) + ",") +
                (i % 3000 == 0 ? "\n" : "") + std::to_string(i % 11) + (i % 2 ? "\r\n" : "\n");
    const std::vector<std::pair<const char*, std::string>> files = {
        {"b-plain.csv", "a,b,c\n1,ab\"c,\n2,x,y\r3,p,q\r\n\n\n4,,\r\n5,\"x,\ny\",z\n6,last,row"},
        {"b-unclosed.csv", "a,b\n1,x\n2,\"never closed\n3,y\n"},
        {"b-noheader.csv", "1,2\n3,4\n5,6\n"},
        {"b-lines.jsonl", "{\"a\": 1, \"b\": \"x\"}\nnot json\n\n{\"a\": 2}\n{\"b\": \"y\", \"c\": 3}\n"},
        {"b-long.csv", "a,b\n1,\"" + std::string(3 << 20, 'q') + "\"\n2,short\n3,end\n"},
        {"b-many.csv", many},
    };
    for (const auto& [name, text] : files) {
        const auto path = file(name, text);
        const auto expected = readRecords(path, 0);
        QVERIFY2(expected.records.size() >= 2, name);
        for (const std::size_t maxRecords : {std::size_t{1}, std::size_t{3}, std::size_t{256}}) {
            const auto blocks = readRecords(path, maxRecords);
            QVERIFY2(blocks.records == expected.records,
                     (std::string(name) + " in blocks of " + std::to_string(maxRecords)).c_str());
            QVERIFY(blocks.largestBlock <= maxRecords);
        }
    }
    // Blocks are filled from the buffer: a large file comes in full blocks, not one record at a time.
    QCOMPARE(readRecords(file("b-many2.csv", many), 256).largestBlock, std::size_t{256});
}

void TestDatasetDrift::unclosedQuoteIsReported() {
    const auto path = file("unclosed.csv", "a,b\n1,x\n2,\"never closed\n3,y\n");
    auto reader = TableReader::open(path);
    QVERIFY(reader.ok());
    TableRecord r;
    QVERIFY(*(*reader)->next(r));
    QVERIFY(r.problem.empty());
    QVERIFY(*(*reader)->next(r));
    QCOMPARE(r.line, std::int64_t{3});
    QVERIFY2(r.problem.find("opened on line 3 is not closed") != std::string::npos, r.problem.c_str());
    QVERIFY(!*(*reader)->next(r));
}

void TestDatasetDrift::emptyFileIsAnError() {
    const auto path = file("empty.csv", "\n\n");
    auto reader = TableReader::open(path);
    QVERIFY(!reader.ok());
    QCOMPARE(reader.error().file, path);
    QVERIFY(reader.error().message.find("empty") != std::string::npos);
    auto result = computeDatasetDrift(path, path, DriftPolicy::defaults());
    QVERIFY(!result.ok());
    QVERIFY(result.error().toString().starts_with(path));
}

void TestDatasetDrift::categoriesOfEveryLengthAreCountedApart() {
    // Values of 0 to 40 bytes that differ only in their last byte, interleaved so that they share the recent-value
    // slots; each must keep its own count, also in a copy of the sample.
    runlens::analysis::CategorySample sample;
    std::map<std::string, std::int64_t> expected;
    for (int round = 0; round < 3; ++round) {
        for (std::size_t length = 0; length <= 40; ++length) {
            for (char last : {'a', 'b', 'c'}) {
                std::string value(length, 'x');
                if (length > 0)
                    value.back() = last;
                for (int k = 0; k <= round + (last - 'a'); ++k) {
                    sample.add(value);
                    ++expected[value];
                }
            }
        }
    }
    const runlens::analysis::CategorySample copy = sample;
    for (const runlens::analysis::CategorySample* s : {&std::as_const(sample), &copy}) {
        std::map<std::string, std::int64_t> counted(s->counts().begin(), s->counts().end());
        QVERIFY(counted == expected);
    }
    runlens::analysis::CategorySample copied = sample;
    copied.add("xa");
    QCOMPARE(copied.counts().at("xa"), expected["xa"] + 1);
    QCOMPARE(sample.counts().at("xa"), expected["xa"]);

    // Short values are compared as words read in overlapping pieces: values differing in any one byte, and values
    // that are prefixes of each other, stay apart.
    runlens::analysis::CategorySample positions;
    std::map<std::string, std::int64_t> wanted;
    for (int round = 0; round < 2; ++round) {
        for (std::size_t length = 1; length <= 17; ++length) {
            for (std::size_t at = 0; at < length; ++at) {
                std::string value(length, 'x');
                value[at] = 'y';
                for (std::size_t k = 0; k <= at % 3; ++k) {
                    positions.add(value);
                    ++wanted[value];
                }
                positions.add(std::string(length, 'x'));
                ++wanted[std::string(length, 'x')];
            }
        }
    }
    QVERIFY((std::map<std::string, std::int64_t>(positions.counts().begin(), positions.counts().end()) == wanted));
}

void TestDatasetDrift::sampleMergesEqualValuesExactly() {
    NumericSample s(1024);
    for (int i = 0; i < 200000; ++i)
        s.add(static_cast<double>(i % 7));
    s.addMissing(3);
    s.finish();
    QVERIFY(s.exact());
    QCOMPARE(s.values().size(), std::size_t{7});
    QCOMPARE(s.count(), std::int64_t{200000});
    QCOMPARE(s.missing(), std::int64_t{3});
    QCOMPARE(s.weights()[0], std::int64_t{200000 / 7 + 1});
}

void TestDatasetDrift::sampleBoundsMemoryAndStaysClose() {
    std::mt19937_64 rng(7);
    std::normal_distribution<double> normal(0, 1);
    std::vector<double> a(300000), b(300000);
    for (auto& v : a)
        v = normal(rng);
    for (auto& v : b)
        v = normal(rng) * 1.1 + 0.05;
    NumericSample sa(4096), sb(4096);
    for (double v : a)
        sa.add(v);
    for (double v : b)
        sb.add(v);
    sa.finish();
    sb.finish();
    QVERIFY(!sa.exact());
    QVERIFY(sa.values().size() <= 4096);
    QVERIFY(sa.memoryBytes() < 300000);  // the raw values alone would take 2.4 MB
    const auto exact = numericDrift(a, b);
    const auto summarised = numericDrift(sa, sb);
    QVERIFY(exact.ok() && summarised.ok());
    QVERIFY(!summarised->exact);
    // Streamed moments are exact; the CDF-based statistics are close.
    QVERIFY(std::fabs(summarised->reference.mean - exact->reference.mean) < 1e-12);
    QVERIFY(std::fabs(summarised->reference.std - exact->reference.std) < 1e-12);
    QCOMPARE(summarised->reference.min, exact->reference.min);
    QVERIFY2(std::fabs(summarised->ks.statistic - exact->ks.statistic) < 2e-3,
             qPrintable(QString::number(summarised->ks.statistic - exact->ks.statistic)));
    QVERIFY(std::fabs(summarised->wasserstein - exact->wasserstein) < 2e-3);
    QVERIFY(std::fabs(summarised->psi - exact->psi) < 2e-3);
    QVERIFY(std::fabs(summarised->reference.quantiles[2] - exact->reference.quantiles[2]) < 1e-2);
}

void TestDatasetDrift::weightedStatisticsEqualRawOnes() {
    // Ties on purpose: the weighted path must give the same numbers as the raw sorted one.
    std::vector<double> a = {1, 1, 2, 3, 3, 3, 7, 9, 9, 10};
    std::vector<double> b = {0, 1, 3, 3, 4, 4, 8, 9, 11, 12, 12};
    const auto raw = ksTwoSampleSorted(a, b, KsMethod::Exact);
    const std::vector<double> av = {1, 2, 3, 7, 9, 10};
    const std::vector<std::int64_t> aw = {2, 1, 3, 1, 2, 1};
    const std::vector<double> bv = {0, 1, 3, 4, 8, 9, 11, 12};
    const std::vector<std::int64_t> bw = {1, 1, 2, 2, 1, 1, 1, 2};
    const auto weighted = ksTwoSampleWeighted(av, aw, bv, bw, KsMethod::Exact);
    QCOMPARE(weighted.statistic, raw.statistic);
    QCOMPARE(weighted.pValue, raw.pValue);
    for (double q : {0.0, 0.1, 0.25, 0.5, 0.9, 1.0}) {
        std::vector<double> sorted = a;
        const double position = (static_cast<double>(sorted.size()) - 1) * q;
        const double lo = sorted[static_cast<std::size_t>(std::floor(position))];
        const double hi = sorted[std::min(sorted.size() - 1, static_cast<std::size_t>(std::floor(position)) + 1)];
        const double t = position - std::floor(position);
        QCOMPARE(weightedQuantile(av, aw, 10, q), t >= 0.5 ? hi - (hi - lo) * (1 - t) : lo + (hi - lo) * t);
    }
}

void TestDatasetDrift::policyPresets() {
    const auto d = DriftPolicy::defaults();
    auto rules = d.rulesFor("x", ColumnKind::Numeric, 100);
    QCOMPARE(rules.size(), std::size_t{2});
    QCOMPARE(rules[0].test, DriftTest::Psi);
    QCOMPARE(rules[0].threshold, 0.25);
    QVERIFY(!rules[0].fires(0.25) && rules[0].fires(0.2501));
    QCOMPARE(rules[1].test, DriftTest::Ks);
    QVERIFY(rules[1].fires(0.0099) && !rules[1].fires(0.01));
    QCOMPARE(d.brierDegradation, 0.15);
    QCOMPARE(d.datasetDriftShare, 0.0);

    const auto e = DriftPolicy::evidently();
    QCOMPARE(e.datasetDriftShare, 0.5);
    QCOMPARE(e.rulesFor("x", ColumnKind::Numeric, 1000).front().test, DriftTest::Ks);
    QCOMPARE(e.rulesFor("x", ColumnKind::Categorical, 1000).front().test, DriftTest::ChiSquare);
    QCOMPARE(e.rulesFor("x", ColumnKind::Binary, 1000).front().test, DriftTest::ZTest);
    QCOMPARE(e.rulesFor("x", ColumnKind::Numeric, 1001).front().test, DriftTest::Wasserstein);
    QCOMPARE(e.rulesFor("x", ColumnKind::Categorical, 1001).front().test, DriftTest::JensenShannon);
    QCOMPARE(e.rulesFor("x", ColumnKind::Numeric, 1001).front().threshold, 0.1);
    QVERIFY(e.rulesFor("x", ColumnKind::Numeric, 5000).front().fires(0.1));  // Evidently drifts at >= threshold
    QCOMPARE(e.rulesFor("x", ColumnKind::Numeric, 10).front().threshold, 0.05);
}

void TestDatasetDrift::policyFileYamlAndJson() {
    const auto yaml = file("policy.yaml", "base: evidently\n"
                                          "dataset_drift_share: 0.3\n"
                                          "brier_degradation: 0.2\n"
                                          "rules:\n"
                                          "  numeric: [{test: psi, threshold: 0.1}]\n"
                                          "columns:\n"
                                          "  age: {test: ks, threshold: 0.001}\n"
                                          "  id: {ignore: true}\n"
                                          "  zip: {type: categorical}\n");
    auto p = loadDriftPolicy(yaml);
    QVERIFY2(p.ok(), p.ok() ? "" : p.error().toString().c_str());
    QCOMPARE(p->name, yaml);
    QCOMPARE(p->datasetDriftShare, 0.3);
    QCOMPARE(p->brierDegradation, 0.2);
    QCOMPARE(p->rulesFor("income", ColumnKind::Numeric, 10).front().test, DriftTest::Psi);
    QCOMPARE(p->rulesFor("age", ColumnKind::Numeric, 10).front().threshold, 0.001);
    QCOMPARE(p->rulesFor("city", ColumnKind::Categorical, 10).front().test, DriftTest::ChiSquare);  // from the base
    QVERIFY(p->columns.at("id").ignore);
    QCOMPARE(*p->columns.at("zip").kind, ColumnKind::Categorical);

    const auto jsonFile =
        file("policy.json", R"({"rules": {"categorical": [{"test": "jensen_shannon", "threshold": 0.2}]},
        "columns": {"score": {"rules": [{"test": "wasserstein", "threshold": 0.05, "inclusive": true}]}}})");
    auto j = loadDriftPolicy(jsonFile);
    QVERIFY2(j.ok(), j.ok() ? "" : j.error().toString().c_str());
    QCOMPARE(j->rulesFor("c", ColumnKind::Categorical, 10).front().threshold, 0.2);
    QVERIFY(j->rulesFor("score", ColumnKind::Numeric, 10).front().inclusive);
    QCOMPARE(j->rulesFor("n", ColumnKind::Numeric, 10).size(), std::size_t{2});  // default preset
}

void TestDatasetDrift::examplePolicyFileLoads() {
    // The example the README points to must stay valid.
    const auto path = test::sourceDir() / "resources" / "policies" / "drift-policy-example.yaml";
    auto p = loadDriftPolicy(path.string());
    QVERIFY2(p.ok(), p.ok() ? "" : p.error().toString().c_str());
    QCOMPARE(p->datasetDriftShare, 0.3);
    QCOMPARE(p->brierDegradation, 0.10);
    QVERIFY(p->columns.at("customer_id").ignore);
    QCOMPARE(*p->columns.at("zip_code").kind, ColumnKind::Categorical);
    QCOMPARE(p->rulesFor("income", ColumnKind::Numeric, 10).front().test, DriftTest::Wasserstein);
    QCOMPARE(p->rulesFor("x", ColumnKind::Numeric, 10).size(), std::size_t{2});
    QVERIFY(p->rulesFor("c", ColumnKind::Categorical, 10).front().inclusive);
}

void TestDatasetDrift::policyFileErrors_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("message");
    QTest::addRow("unknown key") << QStringLiteral("base: default\nthreshold: 3\n")
                                 << QStringLiteral("line 2: unknown key 'threshold'");
    QTest::addRow("unknown test") << QStringLiteral("rules:\n  numeric:\n    - {test: t_test, threshold: 0.1}\n")
                                  << QStringLiteral("line 3: unknown test 't_test'");
    QTest::addRow("p-value threshold") << QStringLiteral("columns:\n  a: {test: ks, threshold: 5}\n")
                                       << QStringLiteral("between 0 and 1");
    QTest::addRow("not a number") << QStringLiteral("psi_bins: many\n") << QStringLiteral("must be a number");
    QTest::addRow("bad base") << QStringLiteral("base: sagemaker\n") << QStringLiteral("'base' is");
    QTest::addRow("broken yaml") << QStringLiteral("columns: {a: [\n") << QStringLiteral("line ");
    QTest::addRow("not a map") << QStringLiteral("- 1\n") << QStringLiteral("is a YAML or JSON map");
}

void TestDatasetDrift::policyFileErrors() {
    QFETCH(QString, text);
    QFETCH(QString, message);
    const auto path = file("bad-policy.yaml", text.toStdString());
    auto p = loadDriftPolicy(path);
    QVERIFY(!p.ok());
    const auto shown = QString::fromStdString(p.error().toString());
    QVERIFY2(shown.startsWith(QString::fromStdString(path)), qPrintable(shown));
    QVERIFY2(shown.contains(message), qPrintable(shown));
    QVERIFY(!loadDriftPolicy(path + ".missing").ok());
}

void TestDatasetDrift::mismatchedColumnsAreReportedAndCommonOnesCompared() {
    const auto ref = file("mis-ref.csv", "a,b,only_ref\n1,x,5\n2,y,6\n3,x,7\n4,y,8\n");
    const auto cur = file("mis-cur.csv", "b,a,only_cur\nx,1.5,u\ny,2.5,v\nx,3.5,w\nx,9,z\n");
    auto doc = computeDatasetDrift(ref, cur, DriftPolicy::defaults());
    QVERIFY2(doc.ok(), doc.ok() ? "" : doc.error().toString().c_str());
    QCOMPARE((*doc)["columns_total"].get<int>(), 2);
    QVERIFY(findColumn(*doc, "a") && findColumn(*doc, "b"));
    QVERIFY((*findColumn(*doc, "a"))["type"] == "numeric");
    QVERIFY((*findColumn(*doc, "b"))["type"] == "binary");
    QVERIFY(anyProblemContains(*doc, "column 'only_ref' is in the reference but not in this file", cur));
    QVERIFY(anyProblemContains(*doc, "column 'only_cur' is not in the reference", cur));
    for (const char* key : {"verdict", "policy", "columns_drifted", "columns_total", "share_drifted", "reference",
                            "current", "columns", "problems"})
        QVERIFY2(doc->contains(key), key);
    for (const auto& c : (*doc)["columns"]) {
        for (const char* key : {"column", "type", "test", "statistic", "p_value", "threshold", "drift", "statistics",
                                "reference_summary", "current_summary"})
            QVERIFY2(c.contains(key), key);
    }
    QVERIFY(findColumn(*doc, "a")->contains("histogram"));
    QVERIFY(findColumn(*doc, "a")->contains("ecdf"));
    QVERIFY(findColumn(*doc, "b")->contains("categories"));
}

void TestDatasetDrift::nonNumericValueIsReportedWithRowAndColumn() {
    std::string ref = "x,y\n";
    std::string cur = "x,y\n";
    for (int i = 0; i < 50; ++i) {
        ref += std::to_string(i * 0.5) + "," + std::to_string(i % 3) + "\n";
        cur += (i == 41 ? std::string("oops") : std::to_string(i * 0.5 + 1)) + "," + std::to_string(i % 3) + "\n";
    }
    const auto refPath = file("nn-ref.csv", ref);
    const auto curPath = file("nn-cur.csv", cur);
    auto doc = computeDatasetDrift(refPath, curPath, DriftPolicy::defaults());
    QVERIFY(doc.ok());
    const json* problem = nullptr;
    for (const auto& p : (*doc)["problems"])
        if (p["message"].get<std::string>().find("'oops' is not a number") != std::string::npos)
            problem = &p;
    QVERIFY(problem);
    QVERIFY((*problem)["file"] == curPath);
    QCOMPARE((*problem)["row"].get<int>(), 42);
    QCOMPARE((*problem)["line"].get<int>(), 43);
    QVERIFY((*problem)["column"] == "x");
    const auto& x = *findColumn(*doc, "x");
    QCOMPARE(x["current_summary"]["invalid"].get<int>(), 1);
    QCOMPARE(x["current_summary"]["count"].get<int>(), 49);
}

void TestDatasetDrift::problemsAreListedInRowThenColumnOrder() {
    // Rows past the typing rows are read column by column; their problems must still be listed row by row, and in
    // a row column by column, so a capped list keeps the first ones in the file.
    std::string ref = "x,y,z\n";
    std::string cur = "x,y,z\n";
    for (int i = 1; i <= 3000; ++i) {
        ref += std::to_string(i) + "," + std::to_string(i % 17) + ".5," + (i % 2 ? "red" : "blue") + "\n";
        if (i == 2400)
            cur += "1,bad-y-2400,red\n";
        else if (i == 2600)
            cur += "1,2\n";
        else if (i == 2500)
            cur += "bad-x-2500,bad-y-2500,red\n";
        else
            cur += std::to_string(i) + "," + std::to_string(i % 13) + ".25," + (i % 3 ? "red" : "blue") + "\n";
    }
    const auto refPath = file("order-ref.csv", ref);
    const auto curPath = file("order-cur.csv", cur);
    auto doc = computeDatasetDrift(refPath, curPath, DriftPolicy::defaults());
    QVERIFY(doc.ok());
    std::vector<std::string> listed;
    for (const auto& p : (*doc)["problems"])
        listed.push_back(std::to_string(p["row"].get<int>()) + " " +
                         (p["column"].is_null() ? std::string("-") : p["column"].get<std::string>()));
    QCOMPARE(listed, (std::vector<std::string>{"2400 y", "2500 x", "2500 y", "2600 -"}));
    QCOMPARE((*doc)["current"]["rows"].get<int>(), 2999);

    DatasetDriftOptions capped;
    capped.maxProblemsPerFile = 3;
    auto cappedDoc = computeDatasetDrift(refPath, curPath, DriftPolicy::defaults(), capped);
    QVERIFY(cappedDoc.ok());
    const auto& problems = (*cappedDoc)["problems"];
    QCOMPARE(problems.size(), std::size_t{4});
    QCOMPARE(problems[1]["row"].get<int>(), 2500);
    QVERIFY(problems[1]["column"] == "x");
    QVERIFY(problems[2]["column"] == "y");
    QVERIFY(problems[3]["message"].get<std::string>().starts_with("1 more problems"));
}

void TestDatasetDrift::headerOnlyFileIsAnError() {
    const auto ref = file("h-ref.csv", "a,b\n1,2\n");
    const auto cur = file("h-cur.csv", "a,b\n");
    auto doc = computeDatasetDrift(ref, cur, DriftPolicy::defaults());
    QVERIFY(!doc.ok());
    QCOMPARE(doc.error().file, cur);
    QVERIFY(doc.error().message.find("no data rows") != std::string::npos);
}

void TestDatasetDrift::fileLargerThanTheMemoryLimitStreams() {
    // 200,000 rows of 3 numeric columns (about 6 MB of text, 9.6 MB as doubles for both files) under a 1 MB limit.
    std::mt19937_64 rng(3);
    std::normal_distribution<double> normal(0, 1);
    const auto write = [&](const char* name, double shift) {
        const auto path = std::filesystem::path(m_dir.path().toStdString()) / name;
        std::ofstream out(path);
        out << "u,v,w\n";
        char line[96];
        for (int i = 0; i < 200000; ++i) {
            std::snprintf(line, sizeof line, "%.9f,%.9f,%.9f\n", normal(rng) + shift, normal(rng), normal(rng) * 2);
            out << line;
        }
        return path.string();
    };
    const auto ref = write("big-ref.csv", 0);
    const auto cur = write("big-cur.csv", 0.5);
    DatasetDriftOptions small;
    small.memoryLimitBytes = 1 << 20;
    DatasetDriftOptions large;
    large.memoryLimitBytes = std::size_t{1} << 30;
    auto bounded = computeDatasetDrift(ref, cur, DriftPolicy::defaults(), small);
    auto whole = computeDatasetDrift(ref, cur, DriftPolicy::defaults(), large);
    QVERIFY(bounded.ok() && whole.ok());
    QCOMPARE((*bounded)["reference"]["rows"].get<int>(), 200000);
    QVERIFY((*bounded)["verdict"] == "drift");
    QVERIFY((*findColumn(*bounded, "u"))["drift"] == true);
    QVERIFY((*findColumn(*bounded, "v"))["drift"] == false);
    QVERIFY((*findColumn(*bounded, "u"))["statistics"]["exact"] == false);
    QVERIFY((*findColumn(*whole, "u"))["statistics"]["exact"] == true);
    for (const char* column : {"u", "v", "w"}) {
        const auto& a = (*findColumn(*bounded, column))["statistics"];
        const auto& b = (*findColumn(*whole, column))["statistics"];
        QVERIFY(std::fabs(a["ks_statistic"].get<double>() - b["ks_statistic"].get<double>()) < 2e-3);
        QVERIFY(std::fabs(a["psi"].get<double>() - b["psi"].get<double>()) < 2e-3);
    }
}

void TestDatasetDrift::policyOverridesTypeAndIgnores() {
    const auto ref = file("o-ref.csv", "zip,id,n\n75001,1,0.5\n69001,2,0.7\n75001,3,0.1\n13001,4,0.9\n");
    const auto cur = file("o-cur.csv", "zip,id,n\n75001,5,0.4\n75001,6,0.8\n69001,7,0.2\n13001,8,0.3\n");
    auto policy = parseDriftPolicy("columns:\n  zip: {type: categorical}\n  id: {ignore: true}\n", "p.yaml");
    QVERIFY(policy.ok());
    auto doc = computeDatasetDrift(ref, cur, *policy);
    QVERIFY(doc.ok());
    QCOMPARE((*doc)["columns_total"].get<int>(), 2);
    QVERIFY((*findColumn(*doc, "zip"))["type"] == "categorical");
    QVERIFY((*doc)["ignored_columns"] == json::array({"id"}));
    QVERIFY((*doc)["policy"] == "p.yaml");
}

void TestDatasetDrift::predictionScoreDriftAndBrier() {
    std::string ref = "id,label,score\n";
    std::string cur = "id,label,score\n";
    std::mt19937_64 rng(11);
    std::uniform_real_distribution<double> uniform(0, 1);
    double refBrier = 0;
    double curBrier = 0;
    for (int i = 0; i < 400; ++i) {
        const int y = uniform(rng) < 0.4 ? 1 : 0;
        const double good = std::clamp(y * 0.7 + 0.15 + (uniform(rng) - 0.5) * 0.2, 0.0, 1.0);
        const double bad = std::clamp(0.5 + (uniform(rng) - 0.5) * 0.6, 0.0, 1.0);
        char line[64];
        std::snprintf(line, sizeof line, "%d,%d,%.17g\n", i, y, good);
        ref += line;
        std::snprintf(line, sizeof line, "%d,%d,%.17g\n", i, y, bad);
        cur += line;
        refBrier += (good - y) * (good - y);
        curBrier += (bad - y) * (bad - y);
    }
    refBrier /= 400;
    curBrier /= 400;
    const auto refPath = file("p-ref.csv", ref);
    const auto curPath = file("p-cur.csv", cur);
    auto doc = computePredictionDrift(refPath, curPath, DriftPolicy::defaults(), {});
    QVERIFY2(doc.ok(), doc.ok() ? "" : doc.error().toString().c_str());
    const auto& p = (*doc)["predictions"];
    QVERIFY(p["score_column"] == "score");
    QVERIFY(p["label_column"] == "label");
    QVERIFY(p["positive_label"] == "1");
    QVERIFY(std::fabs(p["reference_brier"].get<double>() - refBrier) < 1e-12);
    QVERIFY(std::fabs(p["current_brier"].get<double>() - curBrier) < 1e-12);
    QVERIFY(p["brier_alert"].get<bool>());
    QVERIFY((*doc)["verdict"] == "drift");
    QVERIFY(findColumn(*doc, "score"));
    QVERIFY(!findColumn(*doc, "id"));

    // Same file on both sides: no drift, no alert.
    auto same = computePredictionDrift(refPath, refPath, DriftPolicy::defaults(), {});
    QVERIFY(same.ok());
    QVERIFY((*same)["verdict"] == "no_drift");
    QCOMPARE((*same)["predictions"]["brier_degradation"].get<double>(), 0.0);

    auto missing = computePredictionDrift(refPath, curPath, DriftPolicy::defaults(), {"nope", "", ""});
    QVERIFY(!missing.ok());
    QVERIFY(missing.error().message.find("'nope'") != std::string::npos);
}

void TestDatasetDrift::identifierColumnsAreNotCompared() {
    std::string ref = "customer,v\n";
    std::string cur = "customer,v\n";
    for (int i = 0; i < 60; ++i) {
        ref += "c-" + std::to_string(i) + "," + std::to_string(i % 9) + ".5\n";
        cur += "c-" + std::to_string(i + 100) + "," + std::to_string(i % 9) + ".5\n";
    }
    auto doc = computeDatasetDrift(file("id-ref.csv", ref), file("id-cur.csv", cur), DriftPolicy::defaults());
    QVERIFY(doc.ok());
    QVERIFY((*doc)["ignored_columns"] == json::array({"customer"}));
    QCOMPARE((*doc)["columns_total"].get<int>(), 1);
}

void TestDatasetDrift::numbersParseAsStrtodDoes() {
    // The fast decimal path and the general parser must agree with strtod to the last bit.
    const std::vector<std::string> texts = {"0.1",
                                            "-12.3456",
                                            "1e-3",
                                            "123456789012345678",
                                            "7",
                                            "+2.50",
                                            "-0.0001",
                                            "3.14159265358979",
                                            "999999999999999.9"};
    std::string ref = "x\n";
    for (const auto& t : texts)
        ref += t + "\n";
    const auto path = file("numbers.csv", ref);
    auto doc = computeDatasetDrift(path, path, DriftPolicy::defaults());
    QVERIFY(doc.ok());
    const auto& column = *findColumn(*doc, "x");
    QCOMPARE(column["type"].get<std::string>(), std::string("numeric"));
    std::vector<double> expected;
    for (const auto& t : texts)
        expected.push_back(std::strtod(t.c_str(), nullptr));
    QCOMPARE(column["reference_summary"]["min"].get<double>(), *std::min_element(expected.begin(), expected.end()));
    QCOMPARE(column["reference_summary"]["max"].get<double>(), *std::max_element(expected.begin(), expected.end()));
    std::sort(expected.begin(), expected.end());
    QCOMPARE(column["reference_summary"]["quantiles"]["0.50"].get<double>(), expected[4]);
}

void TestDatasetDrift::plainDecimalsMatchStrtodBitForBit() {
    // Whatever the fast path accepts it must read as strtod does, sign of zero included; what it refuses (exponents,
    // spaces, a second dot or sign, sixteen digits and more) is left to the general parser.
    QString mismatch;
    const auto check = [&mismatch](const std::string& text) {
        double value = 0;
        if (!runlens::datasets::parsePlainDecimal(text, value))
            return false;
        char* end = nullptr;
        const double expected = std::strtod(text.c_str(), &end);
        if (end != text.c_str() + text.size() || std::memcmp(&value, &expected, sizeof value) != 0) {
            mismatch = QStringLiteral("'%1': %2, strtod %3")
                           .arg(QString::fromStdString(text))
                           .arg(value, 0, 'g', 17)
                           .arg(expected, 0, 'g', 17);
        }
        return true;
    };
    for (const char* text : {"0", "-0", "-0.0", "+0.", "7", "1.", ".5", "-.5", "+2.50", "-12.3456", "0.1",
                             "999999999999999", "99999999999999.9", ".000000000000001", "-123456789012345"})
        QVERIFY2(check(text), text);
    for (const char* text : {"", "-", "+", ".", "-.", "1e3", " 1", "1 ", "1.2.3", "--1", "+-1", "1-", "0x10", "nan",
                             "inf", "1,5", "1234567890123456", "0.1234567890123456", "12345678901234567890"})
        QVERIFY2(!check(text), text);
    QVERIFY2(mismatch.isEmpty(), qPrintable(mismatch));
    // Random decimals of every length and dot position.
    std::mt19937_64 rng(5);
    std::uniform_int_distribution<int> digit(0, 9);
    std::uniform_int_distribution<int> length(1, 16);
    int accepted = 0;
    for (int i = 0; i < 200000; ++i) {
        std::string text = rng() % 2 ? "-" : (rng() % 4 == 0 ? "+" : "");
        const int n = length(rng);
        const int dotAt = static_cast<int>(rng() % static_cast<unsigned>(n + 2)) - 1;
        for (int k = 0; k < n; ++k) {
            if (k == dotAt)
                text += '.';
            text += static_cast<char>('0' + digit(rng));
        }
        accepted += check(text) ? 1 : 0;
    }
    QVERIFY2(mismatch.isEmpty(), qPrintable(mismatch));
    QVERIFY(accepted > 150000);
}

void TestDatasetDrift::plainDecimalsRefuseNeighbouringBytes() {
    // Every byte that is not a digit is refused in every position, also the bytes next to '0' and '9' and those whose
    // low or high nibble looks like a digit's.
    for (const char bad : {'/', ':', '.', '-', ' ', 'a', 'y', '?', '\x80', '\xB0', '\xB9', '\x00'}) {
        for (std::size_t length : {4u, 5u, 7u, 8u, 9u, 12u, 15u}) {
            for (std::size_t at = 0; at < length; ++at) {
                std::string text(length, '7');
                text[at] = bad;
                double value = 0;
                QVERIFY2(!runlens::datasets::parsePlainDecimal(text, value) || bad == '.' || (bad == '-' && at == 0),
                         qPrintable(QString::fromLatin1(text.c_str())));
            }
        }
    }
    // Every digit in every position reads to its place value.
    for (std::size_t length : {4u, 8u, 12u, 15u}) {
        for (std::size_t at = 0; at < length; ++at) {
            for (char d = '0'; d <= '9'; ++d) {
                std::string text(length, '0');
                text[at] = d;
                double value = -1;
                QVERIFY(runlens::datasets::parsePlainDecimal(text, value));
                QCOMPARE(value, std::strtod(text.c_str(), nullptr));
            }
        }
    }
}

QTEST_GUILESS_MAIN(TestDatasetDrift)
#include "tst_datasetdrift.moc"
