// SPDX-License-Identifier: MIT
#pragma once

#include "analysis/evaluation.h"
#include "figure/figure.h"

#include <QColor>
#include <QString>

#include <optional>
#include <tuple>
#include <utility>
#include <vector>

namespace runlens::ui {

// One run's evaluation as the views show it.
struct RunEvaluation {
    std::int64_t cacheId = 0;
    QString runName;
    analysis::Evaluation evaluation;
};

// How a confusion-matrix cell is coloured and what rate it shows.
QString normalizationName(analysis::Normalization how);

// Confusion matrices of N runs side by side on one label set (the union) and one colour scale. Cells show the count
// and, when there is room, the rate under the chosen normalisation; a label a run never saw is hatched and shows
// "missing", never 0. Above 30 labels the cells are a heat map without text, and a list of each run's largest
// confusions is painted beside them.
class ConfusionGridFigure final : public Figure {
public:
    ConfusionGridFigure(std::vector<RunEvaluation> runs, analysis::Normalization how);

    QString title() const override;
    QSizeF preferredSize() const override;
    void paint(QPainter& painter, const QRectF& area, const FigureStyle& style) const override;
    QString csv() const override;

    const analysis::AlignedConfusion& aligned() const { return m_aligned; }
    // The text a cell shows ("12\n4.0%", "missing").
    QString cellText(std::size_t run, std::size_t trueIndex, std::size_t predictedIndex) const;
    // The colour scale's top: the largest value shown in any run.
    double scaleMaximum() const { return m_maximum; }
    // Off-diagonal cells by count, largest first (true, predicted, count).
    std::vector<std::tuple<std::size_t, std::size_t, std::int64_t>> topConfusions(std::size_t run,
                                                                                  std::size_t limit) const;
    static constexpr std::size_t heatMapFrom = 31;
    // The (run, true, predicted) cell under a point of the painted area, for hover and clicks.
    std::optional<std::tuple<std::size_t, std::size_t, std::size_t>>
    cellAt(const QRectF& area, const FigureStyle& style, const QPointF& point) const;
    // A cell described in full (run, both labels unabridged, count and rate), for a tooltip.
    QString describe(std::size_t run, std::size_t trueIndex, std::size_t predictedIndex) const;

private:
    struct Layout {
        QRectF body;
        qreal room = 0;
        qreal runTitleHeight = 0;
        qreal gap = 16;
        qreal panelWidth = 0;
        qreal size = 0;
        QRectF matrix(std::size_t run) const;
    };
    Layout layoutFor(const QRectF& area, const FigureStyle& style) const;
    double value(std::size_t run, std::size_t t, std::size_t p) const;
    std::vector<RunEvaluation> m_runs;
    analysis::Normalization m_how;
    analysis::AlignedConfusion m_aligned;
    std::vector<std::vector<double>> m_rates;  // per run, normalised like m_how (counts when None)
    double m_maximum = 0;
};

// B - A on a diverging scale (rates under the chosen normalisation, or counts), the cells that changed most listed
// beside it. cellAt() maps a point of the painted area to a cell, detail() describes a cell in both runs.
class ConfusionDifferenceFigure final : public Figure {
public:
    ConfusionDifferenceFigure(RunEvaluation a, RunEvaluation b, analysis::Normalization how);

    QString title() const override;
    QSizeF preferredSize() const override { return {1000, 640}; }
    void paint(QPainter& painter, const QRectF& area, const FigureStyle& style) const override;
    QString csv() const override;

    std::optional<double> difference(std::size_t t, std::size_t p) const;  // nullopt when a label is missing
    std::vector<std::pair<std::size_t, std::size_t>> mostChanged(std::size_t limit) const;
    std::optional<std::pair<std::size_t, std::size_t>> cellAt(const QRectF& area, const QPointF& point) const;
    QString detail(std::size_t t, std::size_t p) const;
    const std::vector<std::string>& labels() const { return m_grid.aligned().labels; }

private:
    QRectF matrixRect(const QRectF& area) const;
    ConfusionGridFigure m_grid;  // the two runs aligned and normalised alike
    std::vector<RunEvaluation> m_runs;
    analysis::Normalization m_how;
};

// Reliability curves of N runs over the diagonal with Wilson bands, a confidence histogram under them and a table of
// ECE, MCE, Brier and log loss with the best (lowest) of each column marked. classLabel empty: the top label
// (multi-class) or the positive class (binary); else that class one-vs-rest.
class CalibrationFigure final : public Figure {
public:
    CalibrationFigure(std::vector<RunEvaluation> runs, std::string classLabel);

    QString title() const override;
    QSizeF preferredSize() const override { return {1000, 720}; }
    void paint(QPainter& painter, const QRectF& area, const FigureStyle& style) const override;
    QString csv() const override;

    // Rows as the table shows them: run, ECE, MCE, Brier, log loss ("-" when not available).
    std::vector<std::vector<QString>> tableRows() const;
    // For each of the four metric columns, the row index of the best value (nullopt when no run has it).
    std::vector<std::optional<std::size_t>> bestRows() const;
    // The diagram a run is drawn with (nullptr when it has no probabilities for this class).
    const analysis::ReliabilityDiagram* diagram(std::size_t run) const;

private:
    std::vector<RunEvaluation> m_runs;
    std::string m_class;
};

// ROC and precision-recall curves of N runs, AUC and average precision in the legend. classLabel empty: the binary
// runs' curves; else that class one-vs-rest (multi-class runs with probabilities, or a binary run's positive class).
class RankingCurvesFigure final : public Figure {
public:
    explicit RankingCurvesFigure(std::vector<RunEvaluation> runs, std::string classLabel = {});

    QString title() const override;
    QSizeF preferredSize() const override { return {1100, 560}; }
    void paint(QPainter& painter, const QRectF& area, const FigureStyle& style) const override;
    QString csv() const override;
    // The legend entries ("run  AUC 0.912"), one per run.
    std::vector<QString> legend(bool roc) const;

private:
    std::pair<const analysis::RocCurve*, const analysis::PrecisionRecallCurve*> curves(std::size_t run) const;
    std::vector<RunEvaluation> m_runs;
    std::string m_class;
};

// Formats a metric as the views show it: four decimals, "-" for none, "NaN" for NaN.
QString metricText(std::optional<double> value);

}  // namespace runlens::ui
