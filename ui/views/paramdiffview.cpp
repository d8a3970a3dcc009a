// SPDX-License-Identifier: MIT
#include "views/paramdiffview.h"

#include "itemmodels/tabletext.h"
#include "views/swatchheaderproxy.h"
#include "views/tablefigure.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSettings>
#include <QStackedWidget>
#include <QTableView>
#include <QVBoxLayout>

namespace runlens::ui {

ParamDiffView::ParamDiffView(QWidget* parent) : QWidget(parent) {
    m_model = new ParamDiffModel(this);

    m_onlyDifferences = new QCheckBox(tr("Only differences"));
    m_onlyDifferences->setToolTip(tr("Hide parameters that every selected run has with the same value"));
    m_onlyDifferences->setChecked(QSettings().value(QStringLiteral("params/onlyDifferences"), false).toBool());
    m_model->setOnlyDifferences(m_onlyDifferences->isChecked());
    connect(m_onlyDifferences, &QCheckBox::toggled, this, &ParamDiffView::setOnlyDifferences);

    auto* copyTsvButton = new QPushButton(tr("Copy TSV"));
    copyTsvButton->setToolTip(tr("Copy the table as tab-separated values, for a spreadsheet"));
    connect(copyTsvButton, &QPushButton::clicked, this, &ParamDiffView::copyTsv);
    auto* copyMarkdownButton = new QPushButton(tr("Copy Markdown"));
    copyMarkdownButton->setToolTip(tr("Copy the table as a Markdown table, for an issue or a report"));
    connect(copyMarkdownButton, &QPushButton::clicked, this, &ParamDiffView::copyMarkdown);

    m_summary = new QLabel;
    m_summary->setTextFormat(Qt::PlainText);

    auto* bar = new QHBoxLayout;
    bar->addWidget(m_onlyDifferences);
    bar->addWidget(m_summary, 1);
    bar->addWidget(copyTsvButton);
    bar->addWidget(copyMarkdownButton);

    m_table = new QTableView;
    auto* swatches = new SwatchHeaderProxy(this);
    swatches->setSourceModel(m_model);
    m_table->setModel(swatches);
    m_table->setWordWrap(false);
    m_table->setTextElideMode(Qt::ElideMiddle);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 8);
    m_table->horizontalHeader()->setMaximumSectionSize(320);  // long values are elided; the tooltip has them whole
    m_table->horizontalHeader()->setTextElideMode(Qt::ElideMiddle);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setContextMenuPolicy(Qt::ActionsContextMenu);
    auto* tsvAction = new QAction(tr("Copy as TSV"), m_table);
    connect(tsvAction, &QAction::triggered, this, &ParamDiffView::copyTsv);
    auto* markdownAction = new QAction(tr("Copy as Markdown"), m_table);
    connect(markdownAction, &QAction::triggered, this, &ParamDiffView::copyMarkdown);
    auto* toggleAction = new QAction(tr("Only Differences"), m_table);
    toggleAction->setCheckable(true);
    connect(m_onlyDifferences, &QCheckBox::toggled, toggleAction, &QAction::setChecked);
    connect(toggleAction, &QAction::toggled, m_onlyDifferences, &QCheckBox::setChecked);
    toggleAction->setChecked(m_onlyDifferences->isChecked());
    m_table->addActions({tsvAction, markdownAction, toggleAction});

    m_empty = new QLabel;
    m_empty->setTextFormat(Qt::PlainText);
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setWordWrap(true);

    m_stack = new QStackedWidget;
    m_stack->addWidget(m_empty);
    m_stack->addWidget(m_table);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(bar);
    layout->addWidget(m_stack, 1);
    updateState();
}

void ParamDiffView::setRuns(std::vector<ParamDiffRun> runs) {
    m_model->setRuns(std::move(runs));
    m_table->resizeColumnsToContents();
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
        m_empty->setText(tr("Select runs in the table above (Ctrl+click or Shift+click for several) to compare "
                            "their parameters."));
    } else if (keys == 0) {
        m_empty->setText(tr("The selected runs have no parameters."));
    } else if (m_model->rowCount() == 0) {
        m_empty->setText(tr("All %1 parameters are the same in every selected run. Turn off \"Only differences\" "
                            "to see them.")
                             .arg(keys));
    }
    m_stack->setCurrentIndex(m_model->rowCount() > 0 ? 1 : 0);
    m_summary->setText(runs == 0 ? QString()
                                 : tr("%1 of %2 parameters differ across %3 runs").arg(differing).arg(keys).arg(runs));
}

QString ParamDiffView::tsv() const {
    return tableAsTsv(*m_model);
}

QString ParamDiffView::markdown() const {
    return tableAsMarkdown(*m_model);
}

void ParamDiffView::copyTsv() const {
    QApplication::clipboard()->setText(tsv());
}

void ParamDiffView::copyMarkdown() const {
    QApplication::clipboard()->setText(markdown());
}

std::shared_ptr<const Figure> ParamDiffView::currentFigure() const {
    if (m_model->rowCount() == 0)
        return nullptr;
    return TableFigure::fromModel(m_onlyDifferences->isChecked() ? tr("Parameters that differ") : tr("Parameters"),
                                  *m_model);
}

}  // namespace runlens::ui
