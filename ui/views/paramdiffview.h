// SPDX-License-Identifier: MIT
#pragma once

#include "itemmodels/paramdiffmodel.h"
#include "views/tabletab.h"

class QCheckBox;
class QLabel;

namespace runlens::ui {

// The "Params" tab: the selected runs' parameters side by side, with an "only differences" toggle, differing
// cells highlighted, and copy as TSV or Markdown.
class ParamDiffView : public TableTab {
    Q_OBJECT
public:
    explicit ParamDiffView(QWidget* parent = nullptr);

    void setRuns(std::vector<ParamDiffRun> runs);
    void setOnlyDifferences(bool only);
    ParamDiffModel* model() const { return m_model; }
    QCheckBox* onlyDifferencesToggle() const { return m_onlyDifferences; }

    QString exportBaseName() const override { return QStringLiteral("runlens-params"); }

protected:
    QString figureTitle() const override;

private:
    void updateState();

    ParamDiffModel* m_model = nullptr;
    QCheckBox* m_onlyDifferences = nullptr;
    QLabel* m_summary = nullptr;
};

}  // namespace runlens::ui
