// SPDX-License-Identifier: MIT
#pragma once

#include "figure/figure.h"
#include "latestload.h"
#include "validationfigure.h"

#include <QStringList>
#include <QWidget>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

class QLabel;
class QScrollArea;

namespace runlens::ui {

// The validation grid of the selected runs, as built on a worker thread.
struct LoadedValidation {
    std::optional<ValidationGrid> grid;  // none when no selected run has a validation document
    QStringList problems;                // each names the run and the report file
};

// Imported validation results of the selected runs (Great Expectations, SageMaker Model Monitor, Evidently
// tests, TFDV anomalies) as one table: checks down, runs across in time order, each cell pass/fail with what
// was observed. Painted by ValidationFigure, so File > Export and the PDF report draw the same thing.
class ValidationView : public QWidget, public FigureSource {
    Q_OBJECT
public:
    explicit ValidationView(QWidget* parent = nullptr);
    ~ValidationView() override;

    // The runs whose validation results are compared. Their report files are read from the workspace on a worker
    // thread when this view is (or next becomes) visible; validationLoaded() says when they are shown.
    void setRuns(const std::string& cachePath, std::vector<std::int64_t> runIds);
    bool isLoading() const { return m_loader.isRunning(); }
    int droppedLoads() const { return m_loader.droppedResults(); }

    std::shared_ptr<const Figure> currentFigure() const override;
    QString exportBaseName() const override { return QStringLiteral("validation"); }
    const ValidationFigure* figure() const { return m_figure.get(); }
    // What the view says when there is nothing to show, or why a report could not be read.
    QString message() const;

Q_SIGNALS:
    void validationLoaded();

protected:
    void showEvent(QShowEvent* event) override;

private:
    void load();
    void applyLoaded(LoadedValidation loaded);
    void showFigure(std::shared_ptr<const ValidationFigure> figure);

    std::string m_cachePath;
    std::vector<std::int64_t> m_runIds;
    bool m_stale = false;  // runs changed while hidden: load on the next show
    std::shared_ptr<const ValidationFigure> m_figure;
    FigureWidget* m_canvas = nullptr;
    QScrollArea* m_scroll = nullptr;
    QLabel* m_message = nullptr;
    LatestLoad<LoadedValidation> m_loader{this};
};

}  // namespace runlens::ui
