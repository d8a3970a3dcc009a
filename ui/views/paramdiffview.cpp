// SPDX-License-Identifier: MIT
#include "views/paramdiffview.h"

#include <QAction>
#include <QCheckBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSettings>
#include <QTableView>

namespace runlens::ui {

ParamDiffView::ParamDiffView(QWidget* parent) : TableTab(parent) {
    m_model = new ParamDiffModel(this);
    setTableModel(m_model);

    m_onlyDifferences = new QCheckBox(tr("Only differences"));
    m_onlyDifferences->setToolTip(tr("Hide parameters that every selected run has with the same value"));
    m_onlyDifferences->setChecked(QSettings().value(QStringLiteral("params/onlyDifferences"), false).toBool());
    m_model->setOnlyDifferences(m_onlyDifferences->isChecked());
    connect(m_onlyDifferences, &QCheckBox::toggled, this, &ParamDiffView::setOnlyDifferences);

    m_summary = new QLabel;
    m_summary->setTextFormat(Qt::PlainText);

    auto* bar = new QHBoxLayout;
    bar->addWidget(m_onlyDifferences);
    bar->addWidget(m_summary, 1);
    addCopyButtons(bar);

    table()->setSelectionMode(QAbstractItemView::ExtendedSelection);
    auto* toggleAction = new QAction(tr("Only Differences"), table());
    toggleAction->setCheckable(true);
    connect(m_onlyDifferences, &QCheckBox::toggled, toggleAction, &QAction::setChecked);
    connect(toggleAction, &QAction::toggled, m_onlyDifferences, &QCheckBox::setChecked);
    toggleAction->setChecked(m_onlyDifferences->isChecked());
    table()->addActions(copyActions() << toggleAction);

    setUpLayout(bar);
    updateState();
}

void ParamDiffView::setRuns(std::vector<ParamDiffRun> runs) {
    m_model->setRuns(std::move(runs));
    table()->resizeColumnsToContents();
    updateState();
}

void ParamDiffView::setOnlyDifferences(bool only) {
    m_onlyDifferences->setChecked(only);
    m_model->setOnlyDifferences(only);
    QSettings().setValue(QStringLiteral("params/onlyDifferences"), only);
    updateState();
}

void ParamDiffView::updateState() {
    const int runs = m_model->runCount();
    const int keys = m_model->keyCount();
    const int differing = m_model->differingKeyCount();
    if (runs == 0) {
        emptyLabel()->setText(tr("Select runs in the table above (Ctrl+click or Shift+click for several) to compare "
                                 "their parameters."));
    } else if (keys == 0) {
        emptyLabel()->setText(tr("The selected runs have no parameters."));
    } else if (m_model->rowCount() == 0) {
        emptyLabel()->setText(tr("All %1 parameters are the same in every selected run. Turn off \"Only differences\" "
                                 "to see them.")
                                  .arg(keys));
    }
    showTable(m_model->rowCount() > 0);
    m_summary->setText(runs == 0 ? QString()
                                 : tr("%1 of %2 parameters differ across %3 runs").arg(differing).arg(keys).arg(runs));
}

QString ParamDiffView::figureTitle() const {
    return m_onlyDifferences->isChecked() ? tr("Parameters that differ") : tr("Parameters");
}

}  // namespace runlens::ui
