// SPDX-License-Identifier: MIT
#pragma once

#include "figure/figure.h"
#include "validationfigure.h"

#include <QWidget>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

class QLabel;
class QScrollArea;

namespace runlens::ui {

// Imported validation results of the selected runs (Great Expectations, SageMaker Model Monitor, Evidently
// tests, TFDV anomalies) as one table: checks down, runs across in time order, each cell pass/fail with what
// was observed. Painted by ValidationFigure, so File > Export and the PDF report draw the same thing.
class ValidationView : public QWidget, public FigureSource {
    Q_OBJECT
public:
    explicit ValidationView(QWidget* parent = nullptr);

    // Reads the runs' report documents from the workspace file (the documents are small; read on this thread).
    void setRuns(const std::string& cachePath, std::vector<std::int64_t> runIds);

    std::shared_ptr<const Figure> currentFigure() const override;
    QString exportBaseName() const override { return QStringLiteral("validation"); }
    const ValidationFigure* figure() const { return m_figure.get(); }
    // What the view says when there is nothing to show, or why a report could not be read.
    QString message() const;

private:
    void showFigure(std::shared_ptr<const ValidationFigure> figure);

    std::shared_ptr<const ValidationFigure> m_figure;
    FigureWidget* m_canvas = nullptr;
    QScrollArea* m_scroll = nullptr;
    QLabel* m_message = nullptr;
};

}  // namespace runlens::ui
