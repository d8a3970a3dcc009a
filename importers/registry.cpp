// SPDX-License-Identifier: MIT
#include "registry.h"

#include "clearml/clearmlimporter.h"
#include "comet/cometimporter.h"
#include "common/paths.h"
#include "dvc/dvcimporter.h"
#include "generic/genericmetricsimporter.h"
#include "kubeflow/kubeflowimporter.h"
#include "lightning/lightningcsvimporter.h"
#include "mlflow/mlflowfilestore.h"
#include "mlflow/mlflowsqlstore.h"
#include "reports/reportsimporter.h"
#include "tensorboard/tensorboardimporter.h"
#include "wandb/wandbimporter.h"

#include <system_error>

namespace runlens::importers {

const std::vector<std::unique_ptr<Importer>>& allImporters() {
    static const auto importers = [] {
        std::vector<std::unique_ptr<Importer>> list;
        list.push_back(std::make_unique<MlflowSqlStoreImporter>());
        list.push_back(std::make_unique<MlflowFileStoreImporter>());
        list.push_back(std::make_unique<WandbImporter>());
        list.push_back(std::make_unique<TensorBoardImporter>());
        list.push_back(std::make_unique<LightningCsvImporter>());
        list.push_back(std::make_unique<CometImporter>());
        list.push_back(std::make_unique<ClearmlImporter>());
        list.push_back(std::make_unique<DvcImporter>());
        list.push_back(std::make_unique<KubeflowImporter>());
        list.push_back(std::make_unique<GenericMetricsImporter>());
        list.push_back(std::make_unique<ReportsImporter>());
        return list;
    }();
    return importers;
}

const Importer* importerForFormat(std::string_view formatId) {
    for (const auto& importer : allImporters()) {
        if (importer->formatId() == formatId)
            return importer.get();
    }
    return nullptr;
}

Result<const Importer*> detect(const std::filesystem::path& path) {
    std::error_code ec;
    const auto status = std::filesystem::status(path, ec);
    const std::string shown = displayPath(path);
    if (ec || !std::filesystem::exists(status))
        return Error{shown, {}, "no such file or directory"};
    if (std::filesystem::is_directory(status)) {
        std::filesystem::directory_iterator it(path, ec);
        if (ec)
            return Error{shown, {}, "cannot read directory: " + ec.message()};
        if (it == std::filesystem::directory_iterator())
            return Error{shown, {}, "the directory is empty; expected a tracker store such as an MLflow mlruns folder"};
    }
    const Importer* best = nullptr;
    int bestScore = 0;
    for (const auto& importer : allImporters()) {
        const int score = importer->sniff(path);
        if (score > bestScore) {
            best = importer.get();
            bestScore = score;
        }
    }
    if (!best) {
        std::string known;
        for (const auto& importer : allImporters())
            known += (known.empty() ? "" : ", ") + std::string(importer->displayName());
        return Error{shown, {}, "not a recognised tracker store (looked for: " + known + ")"};
    }
    return best;
}

}  // namespace runlens::importers
