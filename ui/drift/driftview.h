// SPDX-License-Identifier: MIT
#pragma once

#include "figure/figure.h"

#include <QWidget>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <memory>
#include <vector>

class QComboBox;
class QLabel;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;

namespace runlens {
class DriftColumnsModel;
}

namespace runlens::ui {

// The Drift tab: the drift reports stored with the selected run (computed by `runlens drift --run`, the demo, or
// the Compare button; imported reports normalised to the same document), one at a time. A summary line with the
// verdict, the columns sorted by severity with their status colour, and the selected column's distributions and
// ECDFs, exported through the shared figure code.
class DriftView : public QWidget, public FigureSource {
    Q_OBJECT
public:
    explicit DriftView(QWidget* parent = nullptr);
    ~DriftView() override;

    void setWorkspace(const QString& cachePath);
    // The run whose reports are listed; 0 for none. Reloads from the workspace.
    void setRun(std::int64_t runId, const QString& label);
    // Shows one document directly (a comparison not stored, or an imported report).
    void setDocument(const nlohmann::json& document);
    // Compares two data files off the GUI thread with the chosen policy; the report is stored with the current run
    // when there is one. comparisonFinished() tells how it went.
    void compareDatasets(const QString& reference, const QString& current);

    int reportCount() const;
    QString summaryText() const;
    QTableView* columnsTable() const { return m_table; }
    DriftColumnsModel* columnsModel() const { return m_model; }
    const nlohmann::json& document() const { return m_document; }

    std::shared_ptr<const Figure> currentFigure() const override;
    QString exportBaseName() const override;

Q_SIGNALS:
    void reportShown();
    void comparisonFinished(bool ok);

private:
    void reload();
    void showReport(int index);
    void showSelectedColumn();
    void chooseDatasets();

    QString m_cachePath;
    std::int64_t m_runId = 0;
    QString m_runLabel;
    std::vector<nlohmann::json> m_reports;
    nlohmann::json m_document;
    QComboBox* m_reportChoice = nullptr;
    QComboBox* m_policy = nullptr;
    QPushButton* m_compare = nullptr;
    QLabel* m_summary = nullptr;
    QLabel* m_details = nullptr;
    QTableView* m_table = nullptr;
    DriftColumnsModel* m_model = nullptr;
    QSortFilterProxyModel* m_proxy = nullptr;
    FigureWidget* m_figure = nullptr;
    std::shared_ptr<const Figure> m_shown;
    int m_generation = 0;
    bool m_othersShown = false;  // the run has no report of its own; the workspace's are listed
};

}  // namespace runlens::ui
