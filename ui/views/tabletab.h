// SPDX-License-Identifier: MIT
#pragma once

#include "figure/figure.h"

#include <QList>
#include <QWidget>

class QAbstractItemModel;
class QAction;
class QBoxLayout;
class QLabel;
class QStackedWidget;
class QTableView;

namespace runlens::ui {

// What the Params and Metrics tabs share: a table of one model (run colours as header swatches, long values
// elided), a plain-text label shown in its place while the model has no rows, copying the table as TSV or Markdown,
// and exporting it as a TableFigure.
class TableTab : public QWidget, public FigureSource {
    Q_OBJECT
public:
    QTableView* table() const { return m_table; }

    QString tsv() const;
    QString markdown() const;
    void copyTsv() const;
    void copyMarkdown() const;

    // Null while the model has no rows.
    std::shared_ptr<const Figure> currentFigure() const override;

protected:
    explicit TableTab(QWidget* parent = nullptr);

    // The model the table shows, copies and exports; call once, from the constructor.
    void setTableModel(QAbstractItemModel* model);
    // The exported figure's title.
    virtual QString figureTitle() const = 0;

    // "Copy TSV" and "Copy Markdown" buttons appended to bar.
    void addCopyButtons(QBoxLayout* bar);
    // "Copy as TSV" and "Copy as Markdown", for the table's context menu.
    QList<QAction*> copyActions();
    // bar above the table, or above the empty label while there are no rows.
    void setUpLayout(QBoxLayout* bar);
    QLabel* emptyLabel() const { return m_empty; }
    void showTable(bool shown);

private:
    QAbstractItemModel* m_model = nullptr;
    QTableView* m_table = nullptr;
    QLabel* m_empty = nullptr;
    QStackedWidget* m_stack = nullptr;
};

}  // namespace runlens::ui
