// SPDX-License-Identifier: MIT
#pragma once

#include "testsupport.h"

#include <filesystem>
#include <string>

namespace runlens::test {

// A small MLflow FileStore for the compare views: experiment "sweep" with runs whose params and metrics differ.
inline std::string compareRunId(int n) {
    return std::string(31, 'd') + std::to_string(n);
}

inline void writeCompareRun(const std::filesystem::path& root, int n, const std::string& lr, double finalLoss,
                            double finalAcc) {
    const std::string id = compareRunId(n);
    const auto dir = root / "1" / id;
    writeFile(dir / "meta.yaml", "artifact_uri: file:///elsewhere/" + id +
                                     "/artifacts\nend_time: 1700000060000\nexperiment_id: '1'\n"
                                     "lifecycle_stage: active\nrun_id: " +
                                     id + "\nrun_name: run-" + std::to_string(n) + "\nrun_uuid: " + id +
                                     "\nsource_type: 4\nstart_time: " + std::to_string(1700000000000 + n * 1000) +
                                     "\nstatus: 3\ntags: []\nuser_id: alice\n");
    writeFile(dir / "params/lr", lr);
    writeFile(dir / "params/batch", "64");
    writeFile(dir / "params/optim", "adam");
    writeFile(dir / "metrics/val/loss", "1700000000000 2.0 0\n1700000001000 " + std::to_string(finalLoss * 1.5) +
                                            " 5\n1700000002000 " + std::to_string(finalLoss) + " 10\n");
    writeFile(dir / "metrics/val/accuracy", "1700000000000 0.1 0\n1700000002000 " + std::to_string(finalAcc) + " 10\n");
}

inline void writeCompareStore(const std::filesystem::path& root) {
    writeFile(root / "1/meta.yaml", "artifact_location: file:///elsewhere/1\ncreation_time: 1700000000000\n"
                                    "experiment_id: '1'\nlast_update_time: 1700000000001\nlifecycle_stage: active\n"
                                    "name: sweep\n");
    writeCompareRun(root, 1, "0.01", 0.40, 0.80);
    writeCompareRun(root, 2, "0.1", 0.30, 0.85);
    writeCompareRun(root, 3, "0.01", 0.50, 0.70);
}

}  // namespace runlens::test
