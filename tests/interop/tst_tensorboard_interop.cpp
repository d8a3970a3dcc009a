// SPDX-License-Identifier: MIT
// Imports log roots written by tensorboardX and TensorBoard's own writer and checks that RunLens holds exactly the
// points TensorBoard's EventAccumulator reports for them with no sampling (dump by tests/tools/tb_dump.py), after
// TensorBoard's purge of a restarted run. The ctest fixture interop_tensorboard_logs writes both first.
#include "importrunner.h"
#include "tensorboard/tensorboardimporter.h"
#include "testsupport.h"

#include <QTest>

#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <limits>

using namespace runlens;
using json = nlohmann::json;

namespace {

std::filesystem::path interopDir() {
    const QByteArray dir = qgetenv("RUNLENS_INTEROP_DIR");
    return dir.isEmpty() ? test::binaryDir() / "tests" / "interop" / "tensorboard"
                         : std::filesystem::path(dir.toStdString());
}

double number(const json& v) {
    if (v.is_number())
        return v.get<double>();
    const std::string s = v.get<std::string>();
    if (s == "NaN")
        return std::numeric_limits<double>::quiet_NaN();
    return s == "Infinity" ? std::numeric_limits<double>::infinity() : -std::numeric_limits<double>::infinity();
}

bool sameValue(double a, double b) {
    if (std::isnan(a) || std::isnan(b))
        return std::isnan(a) && std::isnan(b);
    return a == b;
}

}  // namespace

class TestTensorBoardInterop : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void everyPointAsEventAccumulatorReportsIt();
};

void TestTensorBoardInterop::initTestCase() {
    const auto dir = interopDir();
    if (std::filesystem::exists(dir / "SKIPPED")) {
        std::ifstream in(dir / "SKIPPED");
        std::string why((std::istreambuf_iterator<char>(in)), {});
        QSKIP(qPrintable(QStringLiteral("interop fixtures skipped: %1").arg(QString::fromStdString(why).trimmed())));
    }
    if (!std::filesystem::exists(dir / "dump.json"))
        QFAIL(qPrintable(QStringLiteral("%1 missing; run the interop_tensorboard_logs fixture (ctest -L interop)")
                             .arg(QString::fromStdString((dir / "dump.json").string()))));
}

void TestTensorBoardInterop::everyPointAsEventAccumulatorReportsIt() {
    std::ifstream in(interopDir() / "dump.json");
    const json dump = json::parse(in);
    test::CapturingSink sink;
    test::RecordingObserver observer;
    importers::TensorBoardImporter importer;
    auto outcome = importer.run(interopDir() / "logs", sink, observer);
    QVERIFY2(outcome.ok(), outcome.ok() ? "" : outcome.error().toString().c_str());
    QVERIFY(observer.warnings.empty());

    const auto& runs = dump.at("runs");
    QCOMPARE(sink.runs.size(), runs.size());
    std::int64_t compared = 0;
    for (const auto& [runName, expected] : runs.items()) {
        const auto* run = sink.findRun(runName);
        QVERIFY2(run, runName.c_str());
        QCOMPARE(run->metrics.size(), expected.at("scalars").size());
        for (const auto& [tag, points] : expected.at("scalars").items()) {
            QVERIFY2(run->metrics.contains(tag), (runName + " " + tag).c_str());
            const auto& got = run->metrics.at(tag);
            QCOMPARE(got.size(), points.size());
            for (std::size_t i = 0; i < got.size(); ++i) {
                const auto& p = points[i];
                QCOMPARE(got[i].step, p[0].get<std::int64_t>());
                QVERIFY(std::abs(got[i].timestampMs - p[1].get<double>() * 1000.0) < 1e-3);
                QVERIFY2(sameValue(got[i].value, number(p[2])), (runName + " " + tag).c_str());
                ++compared;
            }
        }
        for (const auto& [key, value] : expected.at("hparams").items()) {
            QVERIFY2(run->params.contains(key), key.c_str());
            QCOMPARE(run->params.at(key), value.get<std::string>());
        }
    }
    QVERIFY(compared > 700);
    // The restarted run: TensorBoard drops steps 50..99 of the first launch.
    QCOMPARE(sink.findRun("restart")->metrics.at("loss").size(), 120u);
}

QTEST_GUILESS_MAIN(TestTensorBoardInterop)
#include "tst_tensorboard_interop.moc"
