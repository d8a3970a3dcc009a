// SPDX-License-Identifier: MIT
#include "handmadestore.h"

#include "testsupport.h"

namespace fs = std::filesystem;

namespace runlens::test {

std::string runMeta(const std::string& id, const std::string& experiment, int status, const std::string& lifecycle,
                    const std::string& runName) {
    return "artifact_uri: file:///elsewhere/mlruns/" + experiment + "/" + id +
           "/artifacts\nend_time: 1700000009000\nentry_point_name: ''\nexperiment_id: '" + experiment +
           "'\nlifecycle_stage: " + lifecycle + "\nrun_id: " + id + "\nrun_name: " + runName + "\nrun_uuid: " + id +
           "\nsource_name: ''\nsource_type: 4\nsource_version: ''\nstart_time: 1700000000000\nstatus: " +
           std::to_string(status) + "\ntags: []\nuser_id: alice\n";
}

// A FileStore written by hand in MLflow's layout, covering the fields of formats.md section 1.
void writeHandmadeStore(const fs::path& root) {
    writeFile(root / "0/meta.yaml", "artifact_location: file:///elsewhere/mlruns/0\ncreation_time: 1700000000000\n"
                                    "experiment_id: '0'\nlast_update_time: 1700000000001\nlifecycle_stage: active\n"
                                    "name: Default\n");
    writeFile(root / "0/tags/mlflow.note.content", "experiment\nnote");
    const fs::path a = root / "0" / runA;
    writeFile(a / "meta.yaml", runMeta(runA, "0", 3, "active", "''"));
    writeFile(a / "params/alpha", "0.5");
    writeFile(a / "params/multi line", "first\nsecond\n");
    writeFile(a / "params/empty", "");
    writeFile(a / "tags/mlflow.runName", "named-by-tag");
    writeFile(a / "tags/mlflow.source.git.commit", "0123abcd");
    writeFile(a / "tags/note", "");
    // Unsorted steps, a duplicate step, NaN and infinities, CRLF, a nested key.
    writeFile(a / "metrics/train/loss", "1700000000300 0.3 3\r\n1700000000100 0.9 1\r\n1700000000200 nan 2\r\n"
                                        "1700000000250 inf 2\r\n1700000000400 -inf 4\r\n1700000000500 0.25 3\r\n");
    writeFile(a / "metrics/legacy", "1700000000000 7\n");  // pre-1.0: no step
    writeFile(a / "metrics/with dataset", "1700000000000 0.5 0 eval_set abc123\n");
    writeFile(a / "artifacts/eval/confusion.json", R"({"labels": ["a", "b"], "matrix": [[1, 2], [3, 4]]})");
    writeFile(a / "artifacts/model/MLmodel", "artifact_path: model\nflavors: {}\n");
    writeFile(a / "artifacts/plot.png", std::string(10, '\x89'));

    const fs::path b = root / "0" / runB;
    writeFile(b / "meta.yaml", runMeta(runB, "0", 4, "deleted", "child"));
    writeFile(b / "tags/mlflow.parentRunId", runA);

    writeFile(
        root / ".trash/7/meta.yaml",
        "artifact_location: file:///elsewhere/mlruns/7\nexperiment_id: '7'\nlifecycle_stage: deleted\nname: gone\n");
    writeFile(root / ".trash/7" / runC / "meta.yaml", runMeta(runC, "7", 5, "active", "killed-run"));
    writeFile(root / ".trash/7" / runC / "metrics/m", "1700000000000 1.0 0\n");

    const fs::path model = root / "models/my model";
    writeFile(model / "meta.yaml", "creation_timestamp: 1700000000000\ndescription: '- a dash'\n"
                                   "last_updated_timestamp: 1700000000001\nname: my model\n");
    writeFile(model / "tags/team", "vision");
    writeFile(model / "aliases/champion", "2");
    auto version = [&](int n, const std::string& stage, const std::string& run) {
        writeFile(model / ("version-" + std::to_string(n)) / "meta.yaml",
                  "creation_timestamp: 1700000000000\ncurrent_stage: " + stage +
                      "\ndescription: ''\nlast_updated_timestamp: 1700000000000\nname: my model\nrun_id: " + run +
                      "\nrun_link: ''\nsource: runs:/" + run +
                      "/model\nstatus: READY\nstatus_message: ''\n"
                      "storage_location: x\nuser_id: bob\nversion: " +
                      std::to_string(n) + "\n");
    };
    version(1, "Staging", runA);
    version(2, "Production", runA);
    version(3, "Deleted_Internal", runA);
    writeFile(model / "version-1/tags/validated", "yes");
}

}  // namespace runlens::test
