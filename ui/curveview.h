// SPDX-License-Identifier: MIT
#pragma once

#include <QColor>
#include <QString>
#include <QWidget>

#include <cstdint>
#include <vector>

class QChart;
class QChartView;
class QComboBox;
class QLabel;
class QSlider;

namespace runlens::ui {

// A run as the curve view needs it.
struct CurveRun {
    std::int64_t cacheId = 0;
    QString name;
    std::vector<QString> keys;
};

// The same colour for a run in every view and every session.
QColor runColour(std::int64_t cacheId);

// One metric of the selected runs overlaid, with EMA smoothing (raw curve faint behind the smoothed one).
// Series are read and decimated to the chart's pixel width on a worker thread; a stale result is dropped.
class CurveView : public QWidget {
    Q_OBJECT
public:
    explicit CurveView(QWidget* parent = nullptr);

    void setWorkspace(const QString& cachePath);
    void setRuns(std::vector<CurveRun> runs);
    void setMetric(const QString& key);
    void setSmoothing(double weight);  // 0 .. 0.999
    QString metric() const;
    QChart* chart() const;

Q_SIGNALS:
    void curvesShown();  // after each redraw with fresh data

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    void refreshKeys();
    void reload();

    QString m_cachePath;
    std::vector<CurveRun> m_runs;
    QComboBox* m_key = nullptr;
    QSlider* m_smoothing = nullptr;
    QLabel* m_smoothingValue = nullptr;
    QLabel* m_hint = nullptr;
    QChartView* m_view = nullptr;
    int m_generation = 0;
    int m_lastWidth = 0;
};

}  // namespace runlens::ui
