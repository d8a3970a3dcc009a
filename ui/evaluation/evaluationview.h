// SPDX-License-Identifier: MIT
#pragma once

#include "evaluation/evaluationfigures.h"
#include "figure/figure.h"
#include "latestload.h"

#include <QString>
#include <QWidget>

#include <cstdint>
#include <memory>
#include <vector>

class QComboBox;
class QLabel;
class QScrollArea;
class QSlider;
class QTabWidget;

namespace runlens::ui {

// The evaluations of the selected runs as read on a worker thread, one entry per run in the order asked for.
struct LoadedEvaluations {
    std::vector<std::vector<RunEvaluation>> runs;
    QStringList runNames;
    QStringList problems;  // each names its run and file
};

// The Evaluation tab: the selected runs' confusion matrices side by side, the difference of two of them, their
// calibration and their ROC/PR curves. Each page paints a Figure, so what is shown is what the Export button (and
// anything asking this FigureSource) writes as PNG, SVG, PDF or CSV.
class EvaluationView : public QWidget, public FigureSource {
    Q_OBJECT
public:
    explicit EvaluationView(QWidget* parent = nullptr);
    ~EvaluationView() override;

    void setWorkspace(const QString& cachePath);
    // Cache ids and display names of the selected runs. Their evaluations are read from the workspace on a worker
    // thread when this view is (or next becomes) visible; evaluationsLoaded() says when they are shown.
    void setRuns(const std::vector<std::pair<std::int64_t, QString>>& runs);
    bool isLoading() const { return m_loader.isRunning(); }
    int droppedLoads() const { return m_loader.droppedResults(); }
    // "Loading..." while a load runs, else empty.
    QString loadingText() const;

    // The evaluation names the runs have (a predictions file, a logged matrix...) and the one shown.
    QStringList evaluationNames() const;
    void setEvaluationName(const QString& name);
    void setNormalization(analysis::Normalization how);
    void setCalibrationClass(const QString& label);  // empty: top label / positive class
    void setDifferenceRuns(int a, int b);            // indices into the shown runs
    void showPage(int page);                         // 0 matrices, 1 difference, 2 calibration, 3 ROC/PR
    // Clicks a cell of the difference view, as a user would; the detail line then describes it.
    void clickDifferenceCell(std::size_t trueIndex, std::size_t predictedIndex);
    QString differenceDetail() const;
    QString problemsText() const;

    const std::vector<RunEvaluation>& shownRuns() const { return m_shown; }
    std::shared_ptr<const ConfusionGridFigure> matrices() const { return m_matrices; }
    std::shared_ptr<const ConfusionDifferenceFigure> difference() const { return m_difference; }
    std::shared_ptr<const CalibrationFigure> calibration() const { return m_calibration; }
    std::shared_ptr<const RankingCurvesFigure> rankingCurves() const { return m_curves; }

    std::shared_ptr<const Figure> currentFigure() const override;
    QString exportBaseName() const override;

Q_SIGNALS:
    void evaluationsLoaded();

protected:
    void showEvent(QShowEvent* event) override;

private:
    void load();
    void loadWhenShown();
    void applyLoaded(LoadedEvaluations loaded);
    void setPlaceholders(const QString& text);
    void choose();
    void rebuild();

    QString m_cachePath;
    std::vector<std::pair<std::int64_t, QString>> m_runIds;
    // Every evaluation of every selected run, and the ones shown (one per run, by the chosen name).
    std::vector<std::vector<RunEvaluation>> m_all;
    QStringList m_allNames;  // the runs m_all was read for
    std::vector<RunEvaluation> m_shown;
    QStringList m_problems;

    QComboBox* m_name = nullptr;
    QComboBox* m_normalization = nullptr;
    QComboBox* m_class = nullptr;
    QComboBox* m_runA = nullptr;
    QComboBox* m_runB = nullptr;
    QSlider* m_zoom = nullptr;
    QLabel* m_status = nullptr;
    QLabel* m_loading = nullptr;
    QLabel* m_detail = nullptr;
    QTabWidget* m_pages = nullptr;
    QScrollArea* m_matrixScroll = nullptr;
    FigureWidget* m_matrixWidget = nullptr;
    FigureWidget* m_differenceWidget = nullptr;
    FigureWidget* m_calibrationWidget = nullptr;
    FigureWidget* m_curvesWidget = nullptr;

    std::shared_ptr<ConfusionGridFigure> m_matrices;
    std::shared_ptr<ConfusionDifferenceFigure> m_difference;
    std::shared_ptr<CalibrationFigure> m_calibration;
    std::shared_ptr<RankingCurvesFigure> m_curves;
    bool m_updating = false;
    bool m_stale = false;  // runs or workspace changed while hidden: load on the next show
    LatestLoad<LoadedEvaluations> m_loader{this};
};

}  // namespace runlens::ui
