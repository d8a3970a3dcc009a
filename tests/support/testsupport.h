// SPDX-License-Identifier: MIT
#pragma once

#include "cache/cache.h"
#include "importsink.h"
#include "records.h"

#include <QString>
#include <QTemporaryDir>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace runlens::test {

// The shared corpus of real tracker output: RUNLENS_CORPUS, else ../shared/corpus beside the checkout.
std::filesystem::path corpusDir();
// True when the corpus is present. In CI (CI=true) a missing corpus is a failure, elsewhere a skip.
bool corpusAvailable(QString* why);
// The source tree and the build tree, from the environment ctest sets.
std::filesystem::path sourceDir();
std::filesystem::path binaryDir();
std::filesystem::path dataDir();  // tests/data

// An ImportSink that keeps everything in memory, for importer tests.
class CapturingSink final : public ImportSink {
public:
    struct Run {
        RunRecord record;
        std::map<std::string, std::string> params;
        std::map<std::string, std::string> tags;
        std::map<std::string, std::vector<MetricPoint>> metrics;
        std::vector<ArtifactRecord> artifacts;
        std::vector<DatasetInputRecord> inputs;
    };

    std::vector<ExperimentRecord> experiments;
    std::vector<Run> runs;
    std::vector<LoggedModelRecord> loggedModels;
    std::vector<RegisteredModelRecord> models;
    int endRunCalls = 0;

    const Run* findRun(std::string_view externalId) const;
    std::int64_t pointCount() const;

    void experiment(const ExperimentRecord& e) override { experiments.push_back(e); }
    bool runUnchanged(std::string_view, std::string_view) override { return false; }
    void beginRun(const RunRecord& r) override { runs.push_back({r, {}, {}, {}, {}, {}}); }
    void param(std::string_view k, std::string_view v) override { runs.back().params[std::string(k)] = v; }
    void tag(std::string_view k, std::string_view v) override { runs.back().tags[std::string(k)] = v; }
    void metricSeries(std::string_view k, std::vector<MetricPoint> p) override {
        runs.back().metrics[std::string(k)] = std::move(p);
    }
    void artifact(const ArtifactRecord& a) override { runs.back().artifacts.push_back(a); }
    void datasetInput(const DatasetInputRecord& in) override { runs.back().inputs.push_back(in); }
    void endRun() override { ++endRunCalls; }
    void loggedModel(const LoggedModelRecord& m) override { loggedModels.push_back(m); }
    void registeredModel(const RegisteredModelRecord& m) override { models.push_back(m); }
};

// An observer that records warnings and can cancel after a number of progress calls.
class RecordingObserver final : public ImportObserver {
public:
    std::vector<Error> warnings;
    int progressCalls = 0;
    int cancelAfter = -1;  // cancel on this progress call (0-based); -1 never
    bool progress(std::string_view, std::int64_t, std::int64_t) override {
        return cancelAfter < 0 || progressCalls++ < cancelAfter;
    }
    void warning(const Error& w) override { warnings.push_back(w); }
};

// Every row of every table of the cache as text, so a test can prove that a failed import changed nothing.
std::string cacheSnapshot(Cache& cache);

// Copies a directory tree (symlinks as links), for tests that must modify a source.
void copyTree(const std::filesystem::path& from, const std::filesystem::path& to);
// Writes text to a file, creating parent folders.
void writeFile(const std::filesystem::path& path, std::string_view text);

}  // namespace runlens::test

// Skips (or fails in CI) a test function when the corpus is absent.
#define RUNLENS_REQUIRE_CORPUS()                                                                                       \
    do {                                                                                                               \
        QString why_;                                                                                                  \
        if (!runlens::test::corpusAvailable(&why_)) {                                                                  \
            if (qEnvironmentVariable("CI") == QLatin1String("true"))                                                   \
                QFAIL(qPrintable(why_));                                                                               \
            QSKIP(qPrintable(why_));                                                                                   \
        }                                                                                                              \
    } while (false)
