// SPDX-License-Identifier: MIT
#include "evaluation.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

namespace runlens::analysis {

namespace {

using nlohmann::json;

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

json number(double v) {
    if (std::isnan(v))
        return "NaN";
    if (std::isinf(v))
        return v > 0 ? "Infinity" : "-Infinity";
    return v;
}

json optionalNumber(const std::optional<double>& v) {
    return v ? number(*v) : json(nullptr);
}

std::optional<double> readNumber(const json& j) {
    if (j.is_number())
        return j.get<double>();
    if (j.is_string()) {
        const auto s = j.get<std::string>();
        if (s == "NaN")
            return nan;
        if (s == "Infinity")
            return std::numeric_limits<double>::infinity();
        if (s == "-Infinity")
            return -std::numeric_limits<double>::infinity();
    }
    return std::nullopt;
}

std::vector<double> readNumbers(const json& j) {
    std::vector<double> out;
    if (j.is_array())
        for (const auto& v : j)
            out.push_back(readNumber(v).value_or(nan));
    return out;
}

json numbers(const std::vector<double>& v) {
    json out = json::array();
    for (double d : v)
        out.push_back(number(d));
    return out;
}

json binsJson(const ReliabilityDiagram& d) {
    json out = json::array();
    for (const auto& b : d.bins)
        out.push_back({{"lower", number(b.lower)},
                       {"upper", number(b.upper)},
                       {"count", b.count},
                       {"mean_confidence", number(b.meanConfidence)},
                       {"accuracy", number(b.observed)},
                       {"wilson_low", number(b.wilsonLow)},
                       {"wilson_high", number(b.wilsonHigh)}});
    return out;
}

ReliabilityDiagram binsFromJson(const json& bins, const json* document) {
    ReliabilityDiagram d;
    for (const auto& b : bins) {
        ReliabilityBin bin;
        bin.lower = readNumber(b.value("lower", json())).value_or(nan);
        bin.upper = readNumber(b.value("upper", json())).value_or(nan);
        bin.count = b.value("count", std::int64_t{0});
        bin.meanConfidence = readNumber(b.value("mean_confidence", json())).value_or(nan);
        bin.observed = readNumber(b.value("accuracy", json())).value_or(nan);
        bin.wilsonLow = readNumber(b.value("wilson_low", json())).value_or(nan);
        bin.wilsonHigh = readNumber(b.value("wilson_high", json())).value_or(nan);
        d.total += bin.count;
        d.bins.push_back(bin);
    }
    // The document's top-level ece/mce belong to the main diagram; per-class ones are recomputed from the bins.
    double ece = 0;
    double mce = d.total == 0 ? nan : 0.0;
    for (const auto& b : d.bins) {
        if (b.count == 0)
            continue;
        const double gap = std::fabs(b.observed - b.meanConfidence);
        ece += static_cast<double>(b.count) * gap;
        mce = std::max(mce, gap);
    }
    d.ece = d.total == 0 ? nan : ece / static_cast<double>(d.total);
    d.mce = mce;
    if (document) {
        d.ece = readNumber(document->value("ece", json())).value_or(d.ece);
        d.mce = readNumber(document->value("mce", json())).value_or(d.mce);
    }
    return d;
}

json rocJson(const std::optional<RocCurve>& roc) {
    if (!roc)
        return nullptr;
    return {{"fpr", numbers(roc->fpr)},
            {"tpr", numbers(roc->tpr)},
            {"thresholds", numbers(roc->thresholds)},
            {"auc", number(roc->auc)}};
}

json prJson(const std::optional<PrecisionRecallCurve>& pr) {
    if (!pr)
        return nullptr;
    return {{"precision", numbers(pr->precision)},
            {"recall", numbers(pr->recall)},
            {"thresholds", numbers(pr->thresholds)},
            {"average_precision", number(pr->averagePrecision)}};
}

std::optional<RocCurve> rocFromJson(const json& r) {
    if (!r.is_object())
        return std::nullopt;
    RocCurve roc;
    roc.fpr = readNumbers(r.value("fpr", json()));
    roc.tpr = readNumbers(r.value("tpr", json()));
    roc.thresholds = readNumbers(r.value("thresholds", json()));
    roc.auc = readNumber(r.value("auc", json())).value_or(nan);
    return roc;
}

std::optional<PrecisionRecallCurve> prFromJson(const json& r) {
    if (!r.is_object())
        return std::nullopt;
    PrecisionRecallCurve pr;
    pr.precision = readNumbers(r.value("precision", json()));
    pr.recall = readNumbers(r.value("recall", json()));
    pr.thresholds = readNumbers(r.value("thresholds", json()));
    pr.averagePrecision = readNumber(r.value("average_precision", json())).value_or(nan);
    return pr;
}

json averagedJson(const AveragedMetrics& m) {
    return {{"precision", number(m.precision)}, {"recall", number(m.recall)}, {"f1", number(m.f1)}};
}

}  // namespace

Result<Evaluation> evaluatePredictions(const Predictions& p, const std::string& name,
                                       const EvaluationOptions& options) {
    Evaluation e;
    e.name = name;
    e.sourceKind = "predictions";
    e.path = p.path;
    e.rows = static_cast<std::int64_t>(p.rows());
    e.shape = p.shape == PredictionShape::Labels        ? "labels"
              : p.shape == PredictionShape::BinaryScore ? "binary_score"
                                                        : "class_probabilities";
    const std::size_t k = p.classes.size();
    e.confusion.labels = p.classes;
    e.confusion.counts.assign(k * k, 0);
    std::int64_t* counts = e.confusion.counts.data();
    for (std::size_t r = 0; r < p.truth.size(); ++r)
        ++counts[static_cast<std::size_t>(p.truth[r]) * k + static_cast<std::size_t>(p.predicted[r])];
    e.report = classificationReport(e.confusion);

    // Binary scores: from the score column, or from the positive column of two per-class probabilities.
    std::vector<double> binaryScores;
    std::size_t positive = p.positiveClass;
    if (p.shape == PredictionShape::BinaryScore) {
        binaryScores = p.scores;
    } else if (p.shape == PredictionShape::ClassProbabilities && k == 2) {
        positive = 1;
        binaryScores.resize(p.rows());
        for (std::size_t r = 0; r < p.rows(); ++r)
            binaryScores[r] = p.scores[r * 2 + 1];
    }
    if (!binaryScores.empty()) {
        e.positiveLabel = p.classes[positive];
        std::vector<std::uint8_t> isPositive(p.rows());
        for (std::size_t r = 0; r < p.rows(); ++r)
            isPositive[r] = static_cast<std::size_t>(p.truth[r]) == positive ? 1 : 0;
        auto brier = brierScore(binaryScores, isPositive);
        auto loss = logLoss(binaryScores, isPositive);
        auto diagram = reliabilityDiagram(binaryScores, isPositive, options.bins, options.binning);
        if (!brier || !loss || !diagram)
            return Error{p.path, {}, (!brier ? brier.error() : !loss ? loss.error() : diagram.error()).message};
        e.brier = *brier;
        e.logLoss = *loss;
        e.reliability = std::move(*diagram);
        // Curves need both classes; a file of one class still gets its other numbers.
        const auto positives = std::count(isPositive.begin(), isPositive.end(), std::uint8_t{1});
        if (positives > 0 && static_cast<std::size_t>(positives) < isPositive.size()) {
            auto curves = binaryCurves(std::move(binaryScores), isPositive);
            if (!curves)
                return Error{p.path, curves.error().position, curves.error().message};
            e.roc = std::move(curves->roc);
            e.pr = std::move(curves->pr);
        }
    } else if (p.shape == PredictionShape::ClassProbabilities) {
        auto calibration = multiclassCalibration({p.scores, k}, p.truth, options.bins, options.binning);
        if (!calibration)
            return Error{p.path, calibration.error().position, calibration.error().message};
        e.brier = calibration->brier;
        e.logLoss = calibration->logLoss;
        e.reliability = std::move(calibration->topLabel);
        e.perClassReliability = std::move(calibration->perClass);
        if (p.rows() <= perClassCurvesRowLimit) {
            std::vector<double> column(p.rows());
            std::vector<std::uint8_t> isClass(p.rows());
            for (std::size_t c = 0; c < k; ++c) {
                std::size_t positives = 0;
                for (std::size_t r = 0; r < p.rows(); ++r) {
                    column[r] = p.scores[r * k + c];
                    isClass[r] = static_cast<std::size_t>(p.truth[r]) == c ? 1 : 0;
                    positives += isClass[r];
                }
                std::optional<RocCurve> roc;
                std::optional<PrecisionRecallCurve> pr;
                if (positives > 0 && positives < p.rows()) {
                    auto curves = binaryCurves(column, isClass);
                    if (curves) {
                        roc = std::move(curves->roc);
                        pr = std::move(curves->pr);
                    }
                }
                e.perClassRoc.push_back(std::move(roc));
                e.perClassPr.push_back(std::move(pr));
            }
        }
    }
    return e;
}

Evaluation evaluateConfusion(const ConfusionMatrix& matrix, const std::string& name, const std::string& path,
                             const std::string& shape) {
    Evaluation e;
    e.name = name;
    e.sourceKind = "confusion_artifact";
    e.path = path;
    e.shape = shape;
    e.confusion = matrix;
    e.rows = matrix.total();
    e.report = classificationReport(matrix);
    return e;
}

json evaluationJson(const Evaluation& e) {
    json confusion = json::array();
    const std::size_t k = e.confusion.size();
    for (std::size_t t = 0; t < k; ++t) {
        json row = json::array();
        for (std::size_t p = 0; p < k; ++p)
            row.push_back(e.confusion.at(t, p));
        confusion.push_back(std::move(row));
    }
    json perClass = json::array();
    for (std::size_t i = 0; i < e.report.perClass.size(); ++i) {
        const auto& c = e.report.perClass[i];
        perClass.push_back({{"label", e.confusion.labels[i]},
                            {"precision", number(c.precision)},
                            {"recall", number(c.recall)},
                            {"f1", number(c.f1)},
                            {"support", c.support},
                            {"predicted", c.predicted}});
    }
    json doc = {{"name", e.name},
                {"source", {{"kind", e.sourceKind}, {"path", e.path}, {"rows", e.rows}, {"shape", e.shape}}},
                {"task", e.binary() ? "binary" : "multiclass"},
                {"labels", e.confusion.labels},
                {"confusion", confusion},
                {"total", e.report.total},
                {"accuracy", number(e.report.accuracy)},
                {"balanced_accuracy", number(e.report.balancedAccuracy)},
                {"kappa", number(e.report.cohenKappa)},
                {"mcc", number(e.report.matthews)},
                {"per_class", perClass},
                {"macro", averagedJson(e.report.macro)},
                {"micro", averagedJson(e.report.micro)},
                {"weighted", averagedJson(e.report.weighted)},
                {"brier", optionalNumber(e.brier)},
                {"log_loss", optionalNumber(e.logLoss)},
                {"ece", e.reliability ? number(e.reliability->ece) : json(nullptr)},
                {"mce", e.reliability ? number(e.reliability->mce) : json(nullptr)},
                {"calibration", e.reliability ? json(e.binary() ? "positive_class" : "top_label") : json(nullptr)},
                {"positive_label", e.positiveLabel.empty() ? json(nullptr) : json(e.positiveLabel)},
                {"bins", e.reliability ? binsJson(*e.reliability) : json::array()}};
    if (!e.perClassReliability.empty()) {
        json byClass = json::object();
        for (std::size_t i = 0; i < e.perClassReliability.size() && i < k; ++i)
            byClass[e.confusion.labels[i]] = binsJson(e.perClassReliability[i]);
        doc["per_class_bins"] = std::move(byClass);
    }
    doc["roc"] = rocJson(e.roc);
    doc["pr"] = prJson(e.pr);
    if (!e.perClassRoc.empty()) {
        json byClass = json::object();
        for (std::size_t i = 0; i < e.perClassRoc.size() && i < k; ++i)
            byClass[e.confusion.labels[i]] = {{"roc", rocJson(e.perClassRoc[i])},
                                              {"pr", prJson(i < e.perClassPr.size() ? e.perClassPr[i] : std::nullopt)}};
        doc["per_class_curves"] = std::move(byClass);
    }
    return doc;
}

Result<Evaluation> evaluationFromJson(const json& doc) {
    if (!doc.is_object() || !doc.contains("labels") || !doc.contains("confusion") || !doc["labels"].is_array() ||
        !doc["confusion"].is_array())
        return Error{{}, {}, "not an evaluation document (labels and confusion are required)"};
    Evaluation e;
    e.name = doc.value("name", "");
    if (const auto& s = doc.value("source", json::object()); s.is_object()) {
        e.sourceKind = s.value("kind", "");
        e.path = s.value("path", "");
        e.rows = s.value("rows", std::int64_t{0});
        e.shape = s.value("shape", "");
    }
    for (const auto& l : doc["labels"])
        e.confusion.labels.push_back(l.is_string() ? l.get<std::string>() : l.dump());
    const std::size_t k = e.confusion.labels.size();
    if (doc["confusion"].size() != k)
        return Error{{}, "confusion", "the matrix does not have one row per label"};
    for (const auto& row : doc["confusion"]) {
        if (!row.is_array() || row.size() != k)
            return Error{{}, "confusion", "the matrix does not have one column per label"};
        for (const auto& v : row)
            e.confusion.counts.push_back(v.is_number() ? v.get<std::int64_t>() : 0);
    }
    e.report = classificationReport(e.confusion);
    e.brier = readNumber(doc.value("brier", json()));
    e.logLoss = readNumber(doc.value("log_loss", json()));
    e.positiveLabel = doc.value("positive_label", json()).is_string() ? doc["positive_label"].get<std::string>() : "";
    if (doc.contains("bins") && doc["bins"].is_array() && !doc["bins"].empty())
        e.reliability = binsFromJson(doc["bins"], &doc);
    if (doc.contains("per_class_bins") && doc["per_class_bins"].is_object())
        for (const auto& label : e.confusion.labels)
            e.perClassReliability.push_back(doc["per_class_bins"].contains(label)
                                                ? binsFromJson(doc["per_class_bins"][label], nullptr)
                                                : ReliabilityDiagram{});
    e.roc = rocFromJson(doc.value("roc", json()));
    e.pr = prFromJson(doc.value("pr", json()));
    if (doc.contains("per_class_curves") && doc["per_class_curves"].is_object())
        for (const auto& label : e.confusion.labels) {
            const json c = doc["per_class_curves"].value(label, json::object());
            e.perClassRoc.push_back(rocFromJson(c.value("roc", json())));
            e.perClassPr.push_back(prFromJson(c.value("pr", json())));
        }
    return e;
}

}  // namespace runlens::analysis
