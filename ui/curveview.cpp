// SPDX-License-Identifier: MIT
#include "curveview.h"

#include "analysis/decimation.h"
#include "analysis/smoothing.h"
#include "cache/cache.h"
#include "cache/cachereader.h"

#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QLabel>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QSlider>
#include <QVBoxLayout>
#include <QValueAxis>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <cmath>
#include <set>

namespace runlens::ui {
namespace {

struct DrawnRun {
    std::int64_t cacheId = 0;
    QString name;
    QList<QPointF> raw;
    QList<QPointF> smooth;
};

struct CurveResult {
    int generation = 0;
    std::vector<DrawnRun> runs;
    double xMin = 0;
    double xMax = 1;
    double yMin = 0;
    double yMax = 1;
    QString error;
};

// An envelope as a polyline: each column drawn as a vertical stroke from low to high, joined to the next.
QList<QPointF> envelopePolyline(const analysis::Envelope& e) {
    QList<QPointF> out;
    out.reserve(static_cast<qsizetype>(e.x.size() * 2));
    for (std::size_t i = 0; i < e.x.size(); ++i) {
        out.append(QPointF(e.x[i], e.low[i]));
        if (e.high[i] != e.low[i])
            out.append(QPointF(e.x[i], e.high[i]));
    }
    return out;
}

CurveResult loadCurves(int generation, const QString& cachePath, const std::vector<CurveRun>& runs, const QString& key,
                       double smoothing, int columns) {
    CurveResult result;
    result.generation = generation;
    auto cache = Cache::openExisting(cachePath.toStdString());
    if (!cache) {
        result.error = QString::fromStdString(cache.error().toString());
        return result;
    }
    CacheReader reader(*cache);
    struct Loaded {
        const CurveRun* run;
        std::vector<MetricPoint> points;
    };
    std::vector<Loaded> loaded;
    double xMin = HUGE_VAL;
    double xMax = -HUGE_VAL;
    for (const CurveRun& run : runs) {
        auto points = reader.series(run.cacheId, key.toStdString());
        if (!points || points->empty())
            continue;
        xMin = std::min(xMin, static_cast<double>(points->front().step));
        xMax = std::max(xMax, static_cast<double>(points->back().step));
        loaded.push_back({&run, std::move(*points)});
    }
    if (loaded.empty())
        return result;
    if (xMax <= xMin)
        xMax = xMin + 1;
    double yMin = HUGE_VAL;
    double yMax = -HUGE_VAL;
    for (auto& l : loaded) {
        DrawnRun drawn{l.run->cacheId, l.run->name, {}, {}};
        const auto raw = analysis::decimatePoints(l.points, xMin, xMax, columns);
        drawn.raw = envelopePolyline(raw);
        for (std::size_t i = 0; i < raw.x.size(); ++i) {
            if (std::isfinite(raw.low[i]))
                yMin = std::min(yMin, raw.low[i]);
            if (std::isfinite(raw.high[i]))
                yMax = std::max(yMax, raw.high[i]);
        }
        if (smoothing > 0) {
            std::vector<double> values(l.points.size());
            std::transform(l.points.begin(), l.points.end(), values.begin(),
                           [](const MetricPoint& p) { return p.value; });
            const auto smoothed = analysis::emaSmooth(values, smoothing);
            for (std::size_t i = 0; i < l.points.size(); ++i)
                l.points[i].value = smoothed[i];
            drawn.smooth = envelopePolyline(analysis::decimatePoints(l.points, xMin, xMax, columns));
        }
        result.runs.push_back(std::move(drawn));
    }
    if (!(yMin <= yMax)) {
        yMin = 0;
        yMax = 1;
    } else if (yMin == yMax) {
        yMin -= 0.5;
        yMax += 0.5;
    }
    const double pad = (yMax - yMin) * 0.04;
    result.xMin = xMin;
    result.xMax = xMax;
    result.yMin = yMin - pad;
    result.yMax = yMax + pad;
    return result;
}

}  // namespace

QColor runColour(std::int64_t cacheId) {
    // Golden-ratio hue steps keep neighbouring ids apart; the id alone decides the colour.
    const double hue = std::fmod(0.13 + static_cast<double>(cacheId) * 0.618033988749895, 1.0);
    return QColor::fromHsvF(static_cast<float>(hue), 0.72f, 0.85f);
}

CurveView::CurveView(QWidget* parent) : QWidget(parent) {
    m_key = new QComboBox;
    m_key->setMinimumContentsLength(24);
    m_key->setToolTip(tr("Metric to plot"));
    m_smoothing = new QSlider(Qt::Horizontal);
    m_smoothing->setRange(0, 999);
    m_smoothing->setValue(600);
    m_smoothing->setToolTip(tr("Exponential moving average weight, debiased like TensorBoard's"));
    m_smoothingValue = new QLabel;
    m_smoothingValue->setMinimumWidth(40);
    auto* bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Metric:")));
    bar->addWidget(m_key, 1);
    bar->addSpacing(16);
    bar->addWidget(new QLabel(tr("Smoothing:")));
    bar->addWidget(m_smoothing, 1);
    bar->addWidget(m_smoothingValue);

    auto* chart = new QChart;
    chart->legend()->setAlignment(Qt::AlignRight);
    chart->setMargins(QMargins(4, 4, 4, 4));
    m_view = new QChartView(chart);
    m_view->setRenderHint(QPainter::Antialiasing);
    m_hint = new QLabel(tr("Select one or more runs with metrics to plot their curves."));
    m_hint->setAlignment(Qt::AlignCenter);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(bar);
    layout->addWidget(m_hint, 1);  // the hint takes the chart's place, so the controls stay on top
    layout->addWidget(m_view, 1);
    m_view->hide();

    connect(m_key, &QComboBox::currentTextChanged, this, &CurveView::reload);
    connect(m_smoothing, &QSlider::valueChanged, this, [this](int value) {
        m_smoothingValue->setText(QString::number(value / 1000.0, 'f', 3));
        reload();
    });
    m_smoothingValue->setText(QString::number(m_smoothing->value() / 1000.0, 'f', 3));
}

QChart* CurveView::chart() const {
    return m_view->chart();
}
QString CurveView::metric() const {
    return m_key->currentText();
}

void CurveView::setWorkspace(const QString& cachePath) {
    m_cachePath = cachePath;
    setRuns({});
}

void CurveView::setRuns(std::vector<CurveRun> runs) {
    m_runs = std::move(runs);
    refreshKeys();
    reload();
}

void CurveView::setMetric(const QString& key) {
    m_key->setCurrentText(key);
}
void CurveView::setSmoothing(double weight) {
    m_smoothing->setValue(static_cast<int>(std::lround(weight * 1000)));
}

void CurveView::refreshKeys() {
    std::set<QString> keys;
    for (const auto& run : m_runs)
        keys.insert(run.keys.begin(), run.keys.end());
    const QString current = m_key->currentText();
    const QSignalBlocker blocker(m_key);
    m_key->clear();
    for (const QString& key : keys)
        m_key->addItem(key);
    // Keep the metric the user was looking at; otherwise prefer a loss, the usual first look.
    int index = m_key->findText(current);
    if (index < 0) {
        for (int i = 0; i < m_key->count() && index < 0; ++i) {
            if (m_key->itemText(i).contains(QStringLiteral("loss"), Qt::CaseInsensitive))
                index = i;
        }
    }
    m_key->setCurrentIndex(std::max(index, 0));
}

void CurveView::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    // Decimation depends on the pixel width; redo it when the width changes noticeably.
    if (std::abs(m_view->width() - m_lastWidth) > 40)
        reload();
}

void CurveView::reload() {
    const int generation = ++m_generation;
    const QString key = m_key->currentText();
    if (m_runs.empty() || key.isEmpty() || m_cachePath.isEmpty()) {
        m_view->chart()->removeAllSeries();
        m_view->hide();
        m_hint->show();
        return;
    }
    m_lastWidth = m_view->width();
    const int columns = std::max(100, static_cast<int>(m_view->width() * m_view->devicePixelRatioF()));
    auto* watcher = new QFutureWatcher<CurveResult>(this);
    connect(watcher, &QFutureWatcher<CurveResult>::finished, this, [this, watcher] {
        watcher->deleteLater();
        const CurveResult result = watcher->result();
        if (result.generation != m_generation)
            return;  // a newer request is on its way
        QChart* chart = m_view->chart();
        chart->removeAllSeries();
        for (QAbstractAxis* axis : chart->axes())
            chart->removeAxis(axis);
        if (result.runs.empty()) {
            m_hint->setText(result.error.isEmpty() ? tr("None of the selected runs has this metric.") : result.error);
            m_view->hide();
            m_hint->show();
            return;
        }
        auto* xAxis = new QValueAxis;
        xAxis->setTitleText(tr("step"));
        xAxis->setRange(result.xMin, result.xMax);
        xAxis->setLabelFormat(QStringLiteral("%g"));
        xAxis->applyNiceNumbers();  // round step ticks (0, 50, 100) instead of fractions of the range
        auto* yAxis = new QValueAxis;
        yAxis->setRange(result.yMin, result.yMax);
        yAxis->setLabelFormat(QStringLiteral("%.4g"));
        chart->addAxis(xAxis, Qt::AlignBottom);
        chart->addAxis(yAxis, Qt::AlignLeft);
        for (const DrawnRun& run : result.runs) {
            const QColor colour = runColour(run.cacheId);
            const bool smoothed = !run.smooth.isEmpty();
            auto* raw = new QLineSeries;
            raw->setName(run.name);
            QColor faint = colour;
            faint.setAlphaF(smoothed ? 0.25f : 1.0f);
            raw->setPen(QPen(faint, 1.2));
            raw->replace(run.raw);  // fed whole: appending to a live series is quadratic
            chart->addSeries(raw);
            raw->attachAxis(xAxis);
            raw->attachAxis(yAxis);
            if (smoothed) {
                auto* smooth = new QLineSeries;
                smooth->setName(run.name);
                smooth->setPen(QPen(colour, 1.8));
                smooth->replace(run.smooth);
                chart->addSeries(smooth);
                smooth->attachAxis(xAxis);
                smooth->attachAxis(yAxis);
                // One legend entry per run: the smoothed curve's.
                for (auto* marker : chart->legend()->markers(raw))
                    marker->setVisible(false);
            }
        }
        chart->setTitle(m_key->currentText());
        m_hint->hide();
        m_view->show();
        Q_EMIT curvesShown();
    });
    watcher->setFuture(
        QtConcurrent::run(loadCurves, generation, m_cachePath, m_runs, key, m_smoothing->value() / 1000.0, columns));
}

}  // namespace runlens::ui
