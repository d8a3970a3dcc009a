// SPDX-License-Identifier: MIT
#pragma once

#include "figure/figure.h"
#include "latestload.h"

#include <QStringList>
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

// The drift documents listed for a run, as read on a worker thread.
struct LoadedDriftReports {
    QStringList labels;
    std::vector<nlohmann::json> documents;
    bool othersShown = false;  // the run has none of its own; these are the workspace's
    QStringList problems;      // each names the run and the report file
};

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
    // The run whose reports are listed; 0 for none. The list is read from the workspace on a worker thread when
    // this view is (or next becomes) visible; reportsLoaded() says when it is shown.
    void setRun(std::int64_t runId, const QString& label);
    bool isLoading() const { return m_loader.isRunning(); }
    int droppedLoads() const { return m_loader.droppedResults(); }
    // Shows one document directly (a comparison not stored, or an imported report).
    void setDocument(const nlohmann::json& document);
    // Compares two data files off the GUI thread with the chosen policy; the report is stored with the current run
    // when there is one. comparisonFinished() tells how it went.
    void compareDatasets(const QString& reference, const QString& current);

    int reportCount() const;
    QString summaryText() const;
    // The line under the summary: the files compared, and reports that could not be read.
    QString detailsText() const;
    // "Loading..." while a load runs, else empty.
    QString loadingText() const;
    QTableView* columnsTable() const { return m_table; }
    DriftColumnsModel* columnsModel() const { return m_model; }
    const nlohmann::json& document() const { return m_document; }

    std::shared_ptr<const Figure> currentFigure() const override;
    QString exportBaseName() const override;

Q_SIGNALS:
    void reportShown();
    void reportsLoaded();
    void comparisonFinished(bool ok);

protected:
    void showEvent(QShowEvent* event) override;

private:
    void reload();
    void load();
    void applyReports(LoadedDriftReports loaded);
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
    QLabel* m_loading = nullptr;
    QTableView* m_table = nullptr;
    DriftColumnsModel* m_model = nullptr;
    QSortFilterProxyModel* m_proxy = nullptr;
    FigureWidget* m_figure = nullptr;
    std::shared_ptr<const Figure> m_shown;
    QStringList m_problems;  // reports of the run that could not be read
    int m_comparisonGeneration = 0;
    bool m_othersShown = false;  // the run has no report of its own; the workspace's are listed
    bool m_stale = false;        // run or workspace changed while hidden: load on the next show
    LatestLoad<LoadedDriftReports> m_loader{this};
};

}  // namespace runlens::ui
