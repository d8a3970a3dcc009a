// SPDX-License-Identifier: MIT
#pragma once

#include "curves/curvedata.h"
#include "figure/figure.h"

#include <QColor>
#include <QString>
#include <QWidget>

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <utility>
#include <vector>

class QCheckBox;
class QComboBox;
class QGridLayout;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QScrollArea;
class QSlider;
class QTimer;

namespace runlens::ui {

namespace curves {
class CurveChart;
}

// A run as the curve view needs it.
struct CurveRun {
    std::int64_t cacheId = 0;
    QString name;
    std::vector<QString> keys;                        // metric keys the run has
    std::vector<std::pair<QString, QString>> params;  // for "group by"
};

// The same colour for a run in every view and every session.
QColor runColour(std::int64_t cacheId);

// Learning curves of the selected runs: one chart per metric key in a grid (keys picked with a filter), sharing
// one x range. EMA smoothing with the raw curve faint behind, x as step / relative time / wall time, log y,
// robust y range, zoom, hover read-out, runs hidden from the legend, mean and min-max band per param value.
// Series are read from the cache and cut to each chart's pixel columns on worker threads; a stale result is
// dropped.
class CurveView : public QWidget, public FigureSource {
    Q_OBJECT
public:
    explicit CurveView(QWidget* parent = nullptr);
    ~CurveView() override;

    void setWorkspace(const QString& cachePath);
    void setRuns(std::vector<CurveRun> runs);

    void setMetric(const QString& key);  // makes the key's chart the focused one (what Ctrl+E exports)
    QString metric() const;
    void setSmoothing(double weight);  // 0 .. 0.999
    void setKeyFilter(const QString& text);
    void setXMode(curves::XMode mode);
    void setLogY(bool on);
    void setIgnoreOutliers(bool on);
    void setGroupParam(const QString& param);  // empty: no grouping
    void setRunHidden(std::int64_t cacheId, bool hidden);
    void setXRange(double x0, double x1);
    void resetZoom();

    QStringList shownKeys() const;
    curves::CurveChart* chartFor(const QString& key) const;
    std::vector<curves::CurveChart*> charts() const;

    std::shared_ptr<const Figure> currentFigure() const override;
    QString exportBaseName() const override;

Q_SIGNALS:
    void curvesShown();  // after each redraw with fresh data

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void rebuildSidePanel();
    void requestLoad();
    void requestLayout();
    void syncCharts(const QStringList& keys);
    void arrangeGrid();
    void showHint(const QString& text);
    void focusChart(const QString& key);

    QString m_cachePath;
    std::vector<CurveRun> m_runs;
    std::set<std::int64_t> m_hidden;
    std::set<QString> m_uncheckedKeys;
    curves::TrackSet m_tracks;
    // Exact points around a deep zoom, per (key, run): mode, window and track.
    std::map<std::pair<QString, std::int64_t>, curves::DetailWindow> m_details;
    double m_detailsWeight = -1;
    double m_tracksWeight = -1;
    bool m_tracksHaveTime = false;
    std::optional<std::pair<double, double>> m_xZoom;
    std::map<QString, std::pair<double, double>> m_yZoom;
    QString m_focusedKey;
    std::map<QString, curves::CurveChart*> m_charts;
    int m_loadGeneration = 0;
    int m_layoutGeneration = 0;
    int m_gridColumns = 0;
    int m_lastChartWidth = 0;

    QLineEdit* m_keyFilter = nullptr;
    QListWidget* m_keyList = nullptr;
    QListWidget* m_legend = nullptr;
    QSlider* m_smoothing = nullptr;
    QLabel* m_smoothingValue = nullptr;
    QComboBox* m_xMode = nullptr;
    QCheckBox* m_logY = nullptr;
    QCheckBox* m_ignoreOutliers = nullptr;
    QComboBox* m_groupBy = nullptr;
    QPushButton* m_resetZoom = nullptr;
    QLabel* m_hint = nullptr;
    QLabel* m_status = nullptr;
    QScrollArea* m_scroll = nullptr;
    QWidget* m_grid = nullptr;
    QGridLayout* m_gridLayout = nullptr;
    QTimer* m_reloadTimer = nullptr;
};

}  // namespace runlens::ui
