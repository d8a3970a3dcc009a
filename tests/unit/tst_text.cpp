// SPDX-License-Identifier: MIT
#include "text.h"

#include <QTest>

#include <clocale>

using namespace runlens;

class TestText : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void lowerFoldsAsciiOnly();
    void caseInsensitiveComparisons();
    void trimTakesTheGivenCharacters();
    void trimEdges();
    void lineColumnOfOffsets();
};

void TestText::lowerFoldsAsciiOnly() {
    QCOMPARE(text::lower(std::string_view("Val/Loss_AZ@[`{")), std::string("val/loss_az@[`{"));
    // UTF-8 bytes stay as they are, whatever the C locale says about single bytes above 0x7F.
    QCOMPARE(text::lower(std::string_view("\xC3\x89T\xC3\x89")), std::string("\xC3\x89t\xC3\x89"));
    const char* before = std::setlocale(LC_CTYPE, nullptr);
    const std::string saved = before ? before : "C";
    std::setlocale(LC_CTYPE, "");
    QCOMPARE(text::lower(std::string_view("\xC0\xDE")), std::string("\xC0\xDE"));
    std::setlocale(LC_CTYPE, saved.c_str());
    QCOMPARE(text::lower('Q'), 'q');
    QCOMPARE(text::lower('7'), '7');
    QCOMPARE(text::lower(std::string_view()), std::string());
}

void TestText::caseInsensitiveComparisons() {
    QVERIFY(text::iequals("Run_ID", "run_id"));
    QVERIFY(!text::iequals("run_id", "run_i"));
    QVERIFY(!text::iequals("run-id", "run_id"));
    QVERIFY(text::iequals("", ""));
    QVERIFY(text::iendsWith("outputs/MATRIX.CSV", ".csv"));
    QVERIFY(text::iendsWith(".csv", ".CSV"));
    QVERIFY(!text::iendsWith("csv", ".csv"));
    QVERIFY(!text::iendsWith("a.csvx", ".csv"));
    QVERIFY(text::istartsWith("Prob_Cat", "prob_"));
    QVERIFY(!text::istartsWith("pro", "prob_"));
    static_assert(text::iequals("ABC", "abc"));
}

void TestText::trimTakesTheGivenCharacters() {
    QCOMPARE(text::trim(" \t 0.5\r"), std::string_view("0.5"));
    // Line feeds are not blanks by default: a quoted field may hold one on purpose.
    QCOMPARE(text::trim("\n0.5\n"), std::string_view("\n0.5\n"));
    QCOMPARE(text::trim("\n0.5\v\f", text::whitespace), std::string_view("0.5"));
    QCOMPARE(text::trim("\"cat\" ", " \""), std::string_view("cat"));
    QCOMPARE(text::trimFront("  a b  "), std::string_view("a b  "));
    QCOMPARE(text::trimBack("  a b  "), std::string_view("  a b"));
    QCOMPARE(text::trimBack(text::trimFront("\r 1 \r", " "), text::blanks), std::string_view("\r 1"));
}

void TestText::trimEdges() {
    QCOMPARE(text::trim(""), std::string_view());
    QCOMPARE(text::trim(" \t\r \t"), std::string_view());
    QCOMPARE(text::trim("x"), std::string_view("x"));
    QCOMPARE(text::trim(" x", ""), std::string_view(" x"));
    // The result is a view into the argument, not a copy.
    const std::string_view padded = "  keep  ";
    QCOMPARE(static_cast<const void*>(text::trim(padded).data()), static_cast<const void*>(padded.data() + 2));
}

void TestText::lineColumnOfOffsets() {
    const std::string_view text = "ab\ncd\n\nx";
    QCOMPARE(text::lineColumn(text, 0), std::string("line 1, column 1"));
    QCOMPARE(text::lineColumn(text, 2), std::string("line 1, column 3"));
    QCOMPARE(text::lineColumn(text, 3), std::string("line 2, column 1"));
    QCOMPARE(text::lineColumn(text, 7), std::string("line 4, column 1"));
    // Past the end: the end of the text.
    QCOMPARE(text::lineColumn(text, 100), std::string("line 4, column 2"));
}

QTEST_GUILESS_MAIN(TestText)
#include "tst_text.moc"
