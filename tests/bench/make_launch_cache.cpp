// SPDX-License-Identifier: MIT
// Writes a workspace with many runs for the launch benchmark: runs spread over sources and experiments, each with
// params, tags and a few short metric series, as a sweep would leave them.
#include "cache/cache.h"
#include "cache/cachewriter.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

using namespace runlens;

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: make_launch_cache OUTPUT.runlens [RUNS] [POINTS]\n");
        return 2;
    }
    const std::string path = argv[1];
    const int runs = argc > 2 ? std::atoi(argv[2]) : 10000;
    const int points = argc > 3 ? std::atoi(argv[3]) : 50;
    std::filesystem::remove(path);
    auto cache = Cache::open(path);
    if (!cache) {
        std::fprintf(stderr, "%s\n", cache.error().toString().c_str());
        return 1;
    }
    constexpr int sources = 4;
    constexpr int experimentsPerSource = 5;
    const char* optimizers[] = {"adam", "sgd", "adamw", "lion"};
    const char* keys[] = {"train/loss", "val/loss", "val/accuracy", "lr"};
    unsigned state = 12345;
    auto noise = [&state] {
        state = state * 1103515245u + 12345u;
        return static_cast<double>((state >> 8) & 0xffff) / 65536.0;
    };
    int written = 0;
    for (int s = 0; s < sources; ++s) {
        auto writer = SourceWriter::begin(*cache, "/bench/source" + std::to_string(s) + "/mlruns", "mlflow-filestore");
        if (!writer) {
            std::fprintf(stderr, "%s\n", writer.error().toString().c_str());
            return 1;
        }
        for (int e = 0; e < experimentsPerSource; ++e) {
            ExperimentRecord experiment;
            experiment.externalId = std::to_string(e);
            experiment.name = "sweep-" + std::to_string(s) + "-" + std::to_string(e);
            (*writer)->experiment(experiment);
        }
        const int runsHere = runs / sources + (s < runs % sources ? 1 : 0);
        for (int r = 0; r < runsHere; ++r, ++written) {
            RunRecord run;
            run.externalId = "run" + std::to_string(written);
            run.experimentExternalId = std::to_string(r % experimentsPerSource);
            run.name = "trial-" + std::to_string(written);
            run.status = r % 17 == 0 ? run_status::failed : run_status::finished;
            run.user = r % 3 == 0 ? "alice" : "bob";
            run.startMs = 1700000000000 + static_cast<std::int64_t>(written) * 60000;
            run.endMs = *run.startMs + 600000 + r * 1000;
            run.gitCommit = "0123456789abcdef0123456789abcdef0123" + std::to_string(1000 + r % 9000);
            run.fingerprint = std::to_string(written);
            (*writer)->beginRun(run);
            (*writer)->param("optimizer", optimizers[r % 4]);
            (*writer)->param("lr", std::to_string(0.0001 * (1 + r % 50)));
            (*writer)->param("batch_size", std::to_string(32 << (r % 4)));
            (*writer)->param("seed", std::to_string(r % 5));
            (*writer)->param("model", r % 2 ? "resnet50" : "vit-b16");
            for (int p = 0; p < 5; ++p)
                (*writer)->param("extra/param" + std::to_string(p), std::to_string(p * r));
            (*writer)->tag("mlflow.user", run.user);
            (*writer)->tag("team", "vision");
            for (const char* key : keys) {
                std::vector<MetricPoint> series;
                series.reserve(static_cast<std::size_t>(points));
                for (int i = 0; i < points; ++i)
                    series.push_back(
                        {i, static_cast<double>(*run.startMs + i * 1000), 1.0 / (1.0 + i * 0.1) + 0.05 * noise()});
                (*writer)->metricSeries(key, std::move(series));
            }
            (*writer)->endRun();
        }
        if (Status st = (*writer)->commit("bench" + std::to_string(s)); !st) {
            std::fprintf(stderr, "%s\n", st.error().toString().c_str());
            return 1;
        }
    }
    std::printf("wrote %d runs to %s\n", written, path.c_str());
    return 0;
}
