// SPDX-License-Identifier: MIT
#pragma once

#include "figure/figure.h"
#include "itemmodels/paramdiffmodel.h"

#include <QWidget>

class QCheckBox;
class QLabel;
class QStackedWidget;
class QTableView;

namespace runlens::ui {

// The "Params" tab: the selected runs' parameters side by side, with an "only differences" toggle, differing
// cells highlighted, and copy as TSV or Markdown.
class ParamDiffView : public QWidget, public FigureSource {
    Q_OBJECT
public:
    explicit ParamDiffView(QWidget* parent = nullptr);

    void setRuns(std::vector<ParamDiffRun> runs);
    void setOnlyDifferences(bool only);
    ParamDiffModel* model() const { return m_model; }
    QTableView* table() const { return m_table; }
    QCheckBox* onlyDifferencesToggle() const { return m_onlyDifferences; }

    QString tsv() const;
    QString markdown() const;
    void copyTsv() const;
    void copyMarkdown() const;

    std::shared_ptr<const Figure> currentFigure() const override;
    QString exportBaseName() const override { return QStringLiteral("runlens-params"); }

private:
    void updateState();

    ParamDiffModel* m_model = nullptr;
    QTableView* m_table = nullptr;
    QCheckBox* m_onlyDifferences = nullptr;
    QLabel* m_summary = nullptr;
    QLabel* m_empty = nullptr;
    QStackedWidget* m_stack = nullptr;
};

}  // namespace runlens::ui
