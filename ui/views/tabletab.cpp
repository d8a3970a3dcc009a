// SPDX-License-Identifier: MIT
#include "views/tabletab.h"

#include "itemmodels/tabletext.h"
#include "views/swatchheaderproxy.h"
#include "views/tablefigure.h"

#include <QAction>
#include <QApplication>
#include <QBoxLayout>
#include <QClipboard>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QStackedWidget>
#include <QTableView>

namespace runlens::ui {

TableTab::TableTab(QWidget* parent) : QWidget(parent) {
    m_table = new QTableView;
    m_table->setWordWrap(false);
    m_table->setTextElideMode(Qt::ElideMiddle);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 8);
    m_table->horizontalHeader()->setMaximumSectionSize(320);  // long values are elided; the tooltip has them whole
    m_table->horizontalHeader()->setTextElideMode(Qt::ElideMiddle);
    m_table->setContextMenuPolicy(Qt::ActionsContextMenu);

    m_empty = new QLabel;
    m_empty->setTextFormat(Qt::PlainText);
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setWordWrap(true);

    m_stack = new QStackedWidget;
    m_stack->addWidget(m_empty);
    m_stack->addWidget(m_table);
}

void TableTab::setTableModel(QAbstractItemModel* model) {
    m_model = model;
    auto* swatches = new SwatchHeaderProxy(this);
    swatches->setSourceModel(model);
    m_table->setModel(swatches);
}

void TableTab::addCopyButtons(QBoxLayout* bar) {
    auto* copyTsvButton = new QPushButton(tr("Copy TSV"));
    copyTsvButton->setToolTip(tr("Copy the table as tab-separated values, for a spreadsheet"));
    connect(copyTsvButton, &QPushButton::clicked, this, &TableTab::copyTsv);
    auto* copyMarkdownButton = new QPushButton(tr("Copy Markdown"));
    copyMarkdownButton->setToolTip(tr("Copy the table as a Markdown table, for an issue or a report"));
    connect(copyMarkdownButton, &QPushButton::clicked, this, &TableTab::copyMarkdown);
    bar->addWidget(copyTsvButton);
    bar->addWidget(copyMarkdownButton);
}

QList<QAction*> TableTab::copyActions() {
    auto* tsvAction = new QAction(tr("Copy as TSV"), m_table);
    connect(tsvAction, &QAction::triggered, this, &TableTab::copyTsv);
    auto* markdownAction = new QAction(tr("Copy as Markdown"), m_table);
    connect(markdownAction, &QAction::triggered, this, &TableTab::copyMarkdown);
    return {tsvAction, markdownAction};
}

void TableTab::setUpLayout(QBoxLayout* bar) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(bar);
    layout->addWidget(m_stack, 1);
}

void TableTab::showTable(bool shown) {
    m_stack->setCurrentIndex(shown ? 1 : 0);
}

QString TableTab::tsv() const {
    return tableAsTsv(*m_model);
}

QString TableTab::markdown() const {
    return tableAsMarkdown(*m_model);
}

void TableTab::copyTsv() const {
    QApplication::clipboard()->setText(tsv());
}

void TableTab::copyMarkdown() const {
    QApplication::clipboard()->setText(markdown());
}

std::shared_ptr<const Figure> TableTab::currentFigure() const {
    if (m_model->rowCount() == 0)
        return nullptr;
    return TableFigure::fromModel(figureTitle(), *m_model);
}

}  // namespace runlens::ui
