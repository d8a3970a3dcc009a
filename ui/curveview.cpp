// SPDX-License-Identifier: MIT
#include "curveview.h"

#include "cache/cache.h"
#include "cache/cachereader.h"
#include "curves/curvechart.h"

#include <QCheckBox>
#include <QComboBox>
#include <QEvent>
#include <QFutureWatcher>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPainter>
#include <QPixmap>
#include <QPushButton>
#include <QRegularExpression>
#include <QScrollArea>
#include <QScrollBar>
#include <QSlider>
#include <QSplitter>
#include <QTimer>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <cmath>

namespace runlens::ui {
namespace {

using curves::ChartScene;
using curves::CurveChart;
using curves::KeyTracks;
using curves::LayoutRun;
using curves::LayoutSettings;
using curves::TrackSet;
using curves::XMode;

constexpr int chartMinimumWidth = 420;
constexpr int chartMinimumHeight = 250;

struct RunKeys {
    std::int64_t id = 0;
    std::set<QString> keys;
};

struct LoadResult {
    int generation = 0;
    TrackSet tracks;
    QString error;
};

LoadResult loadTracks(int generation, const QString& cachePath, const std::vector<RunKeys>& runs,
                      const QStringList& keys, double weight, bool needTime) {
    LoadResult result;
    result.generation = generation;
    auto cache = Cache::openExisting(cachePath.toStdString());
    if (!cache) {
        result.error = QString::fromStdString(cache.error().toString());
        return result;
    }
    CacheReader reader(*cache);
    for (const QString& key : keys) {
        auto tracks = std::make_shared<KeyTracks>();
        const std::string keyText = key.toStdString();
        for (const RunKeys& run : runs) {
            if (!run.keys.contains(key))
                continue;
            auto track = curves::loadTrack(reader, run.id, keyText, weight, needTime);
            if (!track) {
                result.error = QString::fromStdString(track.error().toString());
                continue;
            }
            if (*track)
                tracks->push_back(std::move(**track));
        }
        result.tracks[key] = std::move(tracks);
    }
    return result;
}

using Detail = curves::DetailWindow;
using DetailKey = std::pair<QString, std::int64_t>;
using DetailMap = std::map<DetailKey, Detail>;

struct LayoutResult {
    int generation = 0;
    std::map<QString, std::shared_ptr<const ChartScene>> scenes;
    DetailMap newDetails;
};

LayoutResult layoutCharts(int generation, const TrackSet& tracks, const std::vector<LayoutRun>& runs,
                          const LayoutSettings& settings, std::pair<double, double> xRange,
                          const std::map<QString, int>& columns, const QString& cachePath, double weight,
                          const DetailMap& details) {
    LayoutResult result;
    result.generation = generation;
    const auto [x0, x1] = xRange;
    std::optional<Result<Cache>> cache;  // opened only when a zoom needs points
    for (const auto& [key, width] : columns) {
        const auto found = tracks.find(key);
        if (found == tracks.end())
            continue;
        // Zoomed past the finest buckets of a long series: its points in and around the view, read once.
        std::vector<const curves::Track*> exact;
        for (const curves::Track& track : *found->second) {
            if (!curves::needsDetail(track, settings.xMode, x0, x1, width))
                continue;
            const DetailKey id{key, track.runId};
            const auto known = details.find(id);
            if (known != details.end() && known->second.mode == settings.xMode && known->second.from <= x0 &&
                known->second.to >= x1) {
                exact.push_back(known->second.track.get());
                continue;
            }
            if (!cache)
                cache = Cache::openExisting(cachePath.toStdString());
            if (!*cache)
                break;
            CacheReader reader(**cache);
            const auto points = reader.series(track.runId, key.toStdString());
            if (!points)
                continue;
            const double margin = x1 - x0;  // a window three views wide, so small pans reuse it
            Detail detail{settings.xMode, x0 - margin, x1 + margin, nullptr};
            detail.track = std::make_shared<curves::Track>(
                curves::makeDetailTrack(track.runId, *points, weight, settings.xMode, detail.from, detail.to));
            exact.push_back(detail.track.get());
            result.newDetails[id] = std::move(detail);
        }
        result.scenes[key] = std::make_shared<ChartScene>(
            curves::layoutChart(key, *found->second, runs, settings, xRange, width, exact));
    }
    return result;
}

// A tooltip that shows imported text exactly: escaped inside a paragraph, so markup in a name stays text.
QString plainToolTip(const QString& text) {
    return QStringLiteral("<p>%1</p>").arg(text.toHtmlEscaped());
}

QIcon swatch(const QColor& colour) {
    QPixmap pixmap(14, 14);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.fillRect(QRect(1, 4, 12, 6), colour);
    return QIcon(pixmap);
}

}  // namespace

QColor runColour(std::int64_t cacheId) {
    // Golden-ratio hue steps keep neighbouring ids apart; the id alone decides the colour.
    const double hue = std::fmod(0.13 + static_cast<double>(cacheId) * 0.618033988749895, 1.0);
    return QColor::fromHsvF(static_cast<float>(hue), 0.72f, 0.85f);
}

CurveView::CurveView(QWidget* parent) : QWidget(parent) {
    // Side panel: which metrics get a chart, and which runs are drawn.
    m_keyFilter = new QLineEdit;
    m_keyFilter->setObjectName(QStringLiteral("curveKeyFilter"));
    m_keyFilter->setPlaceholderText(tr("Filter metrics"));
    m_keyFilter->setClearButtonEnabled(true);
    m_keyFilter->setToolTip(tr("Show charts for the metric keys containing this text"));
    m_keyList = new QListWidget;
    m_keyList->setObjectName(QStringLiteral("curveKeyList"));
    m_keyList->setToolTip(tr("Untick a metric to hide its chart"));
    m_legend = new QListWidget;
    m_legend->setObjectName(QStringLiteral("curveLegend"));
    m_legend->setToolTip(tr("Click a run to hide or show it in every chart"));
    auto* side = new QWidget;
    auto* sideLayout = new QVBoxLayout(side);
    sideLayout->setContentsMargins(0, 0, 4, 0);
    sideLayout->addWidget(new QLabel(tr("Metrics")));
    sideLayout->addWidget(m_keyFilter);
    sideLayout->addWidget(m_keyList, 2);
    sideLayout->addWidget(new QLabel(tr("Runs")));
    sideLayout->addWidget(m_legend, 3);

    // Controls above the grid.
    m_smoothing = new QSlider(Qt::Horizontal);
    m_smoothing->setObjectName(QStringLiteral("curveSmoothing"));
    m_smoothing->setRange(0, 999);
    m_smoothing->setValue(600);
    m_smoothing->setToolTip(tr("Exponential moving average weight, debiased like TensorBoard's"));
    m_smoothingValue = new QLabel;
    m_smoothingValue->setMinimumWidth(40);
    m_xMode = new QComboBox;
    m_xMode->setObjectName(QStringLiteral("curveXMode"));
    m_xMode->addItem(tr("Step"), static_cast<int>(XMode::step));
    m_xMode->addItem(tr("Relative time"), static_cast<int>(XMode::relativeTime));
    m_xMode->addItem(tr("Wall time"), static_cast<int>(XMode::wallTime));
    m_xMode->setToolTip(tr("What the x axis measures"));
    m_logY = new QCheckBox(tr("Log y"));
    m_logY->setObjectName(QStringLiteral("curveLogY"));
    m_logY->setToolTip(tr("Logarithmic y axis; zero and negative values fall below it"));
    m_ignoreOutliers = new QCheckBox(tr("Ignore outliers"));
    m_ignoreOutliers->setObjectName(QStringLiteral("curveIgnoreOutliers"));
    m_ignoreOutliers->setToolTip(tr("Scale the y axis to the 5% to 95% quantiles of the values shown"));
    m_groupBy = new QComboBox;
    m_groupBy->setObjectName(QStringLiteral("curveGroupBy"));
    m_groupBy->setToolTip(tr("Group runs by a parameter's value: mean line with a min-max band"));
    m_groupBy->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_resetZoom = new QPushButton(tr("Reset Zoom"));
    m_resetZoom->setObjectName(QStringLiteral("curveResetZoom"));
    m_resetZoom->setToolTip(tr("Show every step again (or double-click a chart)"));
    auto* bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Smoothing:")));
    bar->addWidget(m_smoothing, 1);
    bar->addWidget(m_smoothingValue);
    bar->addSpacing(12);
    bar->addWidget(new QLabel(tr("X axis:")));
    bar->addWidget(m_xMode);
    bar->addWidget(m_logY);
    bar->addWidget(m_ignoreOutliers);
    bar->addSpacing(12);
    bar->addWidget(new QLabel(tr("Group by:")));
    bar->addWidget(m_groupBy);
    bar->addWidget(m_resetZoom);

    m_hint = new QLabel(tr("Select one or more runs with metrics to plot their curves."));
    m_hint->setAlignment(Qt::AlignCenter);
    m_hint->setTextFormat(Qt::PlainText);
    m_hint->setWordWrap(true);
    m_status = new QLabel;
    m_status->setTextFormat(Qt::PlainText);
    m_status->setWordWrap(true);
    m_status->hide();
    m_grid = new QWidget;
    m_gridLayout = new QGridLayout(m_grid);
    m_gridLayout->setContentsMargins(0, 0, 0, 0);
    m_gridLayout->setSpacing(6);
    m_scroll = new QScrollArea;
    m_scroll->setWidgetResizable(true);
    m_scroll->setFrameShape(QFrame::NoFrame);
    m_scroll->setWidget(m_grid);
    m_scroll->hide();
    m_scroll->viewport()->installEventFilter(this);

    auto* main = new QWidget;
    auto* mainLayout = new QVBoxLayout(main);
    mainLayout->setContentsMargins(4, 0, 0, 0);
    mainLayout->addLayout(bar);
    mainLayout->addWidget(m_status);
    mainLayout->addWidget(m_hint, 1);  // the hint takes the grid's place, so the controls stay on top
    mainLayout->addWidget(m_scroll, 1);

    auto* splitter = new QSplitter;
    splitter->addWidget(side);
    splitter->addWidget(main);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({220, 900});
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(splitter);

    // Dragging the slider asks for a new EMA over every point; wait until it rests.
    m_reloadTimer = new QTimer(this);
    m_reloadTimer->setSingleShot(true);
    m_reloadTimer->setInterval(120);
    connect(m_reloadTimer, &QTimer::timeout, this, &CurveView::requestLoad);
    connect(m_smoothing, &QSlider::valueChanged, this, [this](int value) {
        m_smoothingValue->setText(QString::number(value / 1000.0, 'f', 3));
        m_reloadTimer->start();
    });
    m_smoothingValue->setText(QString::number(m_smoothing->value() / 1000.0, 'f', 3));
    connect(m_keyFilter, &QLineEdit::textChanged, this, [this](const QString& text) {
        for (int i = 0; i < m_keyList->count(); ++i)
            m_keyList->item(i)->setHidden(!m_keyList->item(i)->text().contains(text, Qt::CaseInsensitive));
        requestLoad();
    });
    connect(m_keyList, &QListWidget::itemChanged, this, [this](QListWidgetItem* item) {
        if (item->checkState() == Qt::Checked)
            m_uncheckedKeys.erase(item->text());
        else
            m_uncheckedKeys.insert(item->text());
        requestLoad();
    });
    connect(m_legend, &QListWidget::itemChanged, this, [this](QListWidgetItem* item) {
        const auto id = item->data(Qt::UserRole).toLongLong();
        if (item->checkState() == Qt::Checked)
            m_hidden.erase(id);
        else
            m_hidden.insert(id);
        requestLayout();
    });
    // A click anywhere on a run's row toggles it, not only on the small check box (which toggles by itself).
    auto pressedState = std::make_shared<std::optional<Qt::CheckState>>();
    connect(m_legend, &QListWidget::itemPressed, this,
            [pressedState](QListWidgetItem* item) { *pressedState = item->checkState(); });
    connect(m_legend, &QListWidget::itemClicked, this, [pressedState](QListWidgetItem* item) {
        if (*pressedState == item->checkState())
            item->setCheckState(item->checkState() == Qt::Checked ? Qt::Unchecked : Qt::Checked);
        pressedState->reset();
    });
    connect(m_xMode, &QComboBox::currentIndexChanged, this, [this] {
        m_xZoom.reset();
        requestLoad();
    });
    connect(m_logY, &QCheckBox::toggled, this, [this] {
        m_yZoom.clear();
        requestLayout();
    });
    connect(m_ignoreOutliers, &QCheckBox::toggled, this, [this] {
        m_yZoom.clear();
        requestLayout();
    });
    connect(m_groupBy, &QComboBox::currentIndexChanged, this, &CurveView::requestLayout);
    connect(m_resetZoom, &QPushButton::clicked, this, &CurveView::resetZoom);
    rebuildSidePanel();
}

CurveView::~CurveView() = default;

void CurveView::setWorkspace(const QString& cachePath) {
    m_cachePath = cachePath;
    setRuns({});
}

void CurveView::setRuns(std::vector<CurveRun> runs) {
    m_runs = std::move(runs);
    m_tracks.clear();
    m_details.clear();
    m_xZoom.reset();
    m_yZoom.clear();
    rebuildSidePanel();
    requestLoad();
}

void CurveView::rebuildSidePanel() {
    std::set<QString> keys;
    std::set<QString> params;
    for (const auto& run : m_runs) {
        keys.insert(run.keys.begin(), run.keys.end());
        for (const auto& [name, value] : run.params)
            params.insert(name);
    }
    {
        const QSignalBlocker blocker(m_keyList);
        m_keyList->clear();
        for (const QString& key : keys) {
            auto* item = new QListWidgetItem(key, m_keyList);
            item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable | Qt::ItemIsSelectable);
            item->setCheckState(m_uncheckedKeys.contains(key) ? Qt::Unchecked : Qt::Checked);
            item->setHidden(!key.contains(m_keyFilter->text(), Qt::CaseInsensitive));
            item->setToolTip(plainToolTip(key));
        }
    }
    {
        const QSignalBlocker blocker(m_legend);
        m_legend->clear();
        for (const auto& run : m_runs) {
            auto* item = new QListWidgetItem(swatch(runColour(run.cacheId)), run.name, m_legend);
            item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable | Qt::ItemIsSelectable);
            item->setData(Qt::UserRole, QVariant::fromValue<qlonglong>(run.cacheId));
            item->setCheckState(m_hidden.contains(run.cacheId) ? Qt::Unchecked : Qt::Checked);
            item->setToolTip(plainToolTip(run.name));
        }
    }
    {
        const QSignalBlocker blocker(m_groupBy);
        const QString current = m_groupBy->currentData().toString();
        m_groupBy->clear();
        m_groupBy->addItem(tr("No grouping"), QString());
        for (const QString& param : params)
            m_groupBy->addItem(param, param);
        m_groupBy->setCurrentIndex(std::max(0, m_groupBy->findData(current)));
    }
    // Keep the chart the user was looking at; otherwise prefer a loss, the usual first look.
    if (!keys.contains(m_focusedKey)) {
        m_focusedKey.clear();
        for (const QString& key : keys) {
            if (key.contains(QStringLiteral("loss"), Qt::CaseInsensitive)) {
                m_focusedKey = key;
                break;
            }
        }
        if (m_focusedKey.isEmpty() && !keys.empty())
            m_focusedKey = *keys.begin();
    }
}

QStringList CurveView::shownKeys() const {
    QStringList keys;
    for (int i = 0; i < m_keyList->count(); ++i) {
        const QListWidgetItem* item = m_keyList->item(i);
        if (!item->isHidden() && item->checkState() == Qt::Checked)
            keys << item->text();
    }
    return keys;
}

curves::CurveChart* CurveView::chartFor(const QString& key) const {
    const auto found = m_charts.find(key);
    return found == m_charts.end() ? nullptr : found->second;
}

std::vector<curves::CurveChart*> CurveView::charts() const {
    std::vector<curves::CurveChart*> out;
    for (const QString& key : shownKeys())
        if (auto* chart = chartFor(key))
            out.push_back(chart);
    return out;
}

void CurveView::setMetric(const QString& key) {
    focusChart(key);
}

QString CurveView::metric() const {
    const QStringList keys = shownKeys();
    if (keys.contains(m_focusedKey))
        return m_focusedKey;
    return keys.isEmpty() ? QString() : keys.front();
}

void CurveView::focusChart(const QString& key) {
    m_focusedKey = key;
    for (const auto& [chartKey, chart] : m_charts)
        chart->setFocusedChart(chartKey == key && m_charts.size() > 1);
}

void CurveView::setSmoothing(double weight) {
    m_smoothing->setValue(static_cast<int>(std::lround(weight * 1000)));
}
void CurveView::setKeyFilter(const QString& text) {
    m_keyFilter->setText(text);
}
void CurveView::setXMode(XMode mode) {
    m_xMode->setCurrentIndex(m_xMode->findData(static_cast<int>(mode)));
}
void CurveView::setLogY(bool on) {
    m_logY->setChecked(on);
}
void CurveView::setIgnoreOutliers(bool on) {
    m_ignoreOutliers->setChecked(on);
}
void CurveView::setGroupParam(const QString& param) {
    m_groupBy->setCurrentIndex(std::max(0, m_groupBy->findData(param)));
}

void CurveView::setRunHidden(std::int64_t cacheId, bool hidden) {
    for (int i = 0; i < m_legend->count(); ++i) {
        QListWidgetItem* item = m_legend->item(i);
        if (item->data(Qt::UserRole).toLongLong() == cacheId)
            item->setCheckState(hidden ? Qt::Unchecked : Qt::Checked);  // itemChanged does the rest
    }
}

void CurveView::setXRange(double x0, double x1) {
    if (!(x1 > x0) || !std::isfinite(x0) || !std::isfinite(x1))
        return;
    m_xZoom = std::pair{x0, x1};
    requestLayout();
}

void CurveView::resetZoom() {
    m_xZoom.reset();
    m_yZoom.clear();
    requestLayout();
}

std::shared_ptr<const Figure> CurveView::currentFigure() const {
    const CurveChart* chart = chartFor(metric());
    if (!chart || !chart->scene())
        return nullptr;
    return chart->exportFigure();
}

QString CurveView::exportBaseName() const {
    QString key = metric();
    key.replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9._-]+")), QStringLiteral("-"));
    return key.isEmpty() ? QStringLiteral("runlens-curves") : QStringLiteral("runlens-") + key;
}

void CurveView::showHint(const QString& text) {
    m_hint->setText(text);
    m_scroll->hide();
    m_hint->show();
}

bool CurveView::eventFilter(QObject* watched, QEvent* event) {
    if (watched == m_scroll->viewport() && event->type() == QEvent::Resize) {
        arrangeGrid();
        // Decimation follows the pixel width; redo it when the charts' width changes noticeably.
        const int width = m_scroll->viewport()->width() / std::max(1, m_gridColumns);
        if (!m_charts.empty() && std::abs(width - m_lastChartWidth) > 40)
            QTimer::singleShot(0, this, &CurveView::requestLayout);  // once the grid has its new geometry
    }
    return QWidget::eventFilter(watched, event);
}

void CurveView::requestLoad() {
    const int generation = ++m_loadGeneration;
    const double weight = m_smoothing->value() / 1000.0;
    const bool needTime = m_xMode->currentData().toInt() != static_cast<int>(XMode::step);
    if (weight != m_tracksWeight || (needTime && !m_tracksHaveTime)) {
        m_tracks.clear();
        m_tracksWeight = weight;
        m_tracksHaveTime = needTime;
    }
    const QStringList keys = shownKeys();
    if (m_runs.empty() || m_cachePath.isEmpty()) {
        syncCharts({});
        showHint(tr("Select one or more runs with metrics to plot their curves."));
        return;
    }
    if (keys.isEmpty()) {
        syncCharts({});
        showHint(m_keyList->count() == 0 ? tr("None of the selected runs has a metric.")
                                         : tr("No ticked metric matches the filter. Change the filter or tick a "
                                              "metric on the left."));
        return;
    }
    syncCharts(keys);
    QStringList missing;
    for (const QString& key : keys)
        if (!m_tracks.contains(key))
            missing << key;
    if (missing.isEmpty()) {
        requestLayout();
        return;
    }
    std::vector<RunKeys> runs;
    for (const auto& run : m_runs)
        runs.push_back({run.cacheId, std::set<QString>(run.keys.begin(), run.keys.end())});
    auto* watcher = new QFutureWatcher<LoadResult>(this);
    connect(watcher, &QFutureWatcher<LoadResult>::finished, this, [this, watcher] {
        watcher->deleteLater();
        LoadResult result = watcher->result();
        if (result.generation != m_loadGeneration)
            return;  // the runs, keys or smoothing changed meanwhile; a newer load is on its way
        for (auto& [key, tracks] : result.tracks)
            m_tracks[key] = std::move(tracks);
        m_status->setText(result.error.isEmpty() ? QString()
                                                 : tr("Some curves could not be read: %1").arg(result.error));
        m_status->setVisible(!result.error.isEmpty());
        requestLayout();
    });
    watcher->setFuture(QtConcurrent::run(loadTracks, generation, m_cachePath, runs, missing, weight, needTime));
}

void CurveView::syncCharts(const QStringList& keys) {
    // Charts of keys no longer shown go; new keys get a chart that says it is loading.
    for (auto it = m_charts.begin(); it != m_charts.end();) {
        if (!keys.contains(it->first)) {
            delete it->second;
            it = m_charts.erase(it);
        } else {
            ++it;
        }
    }
    for (const QString& key : keys) {
        if (m_charts.contains(key))
            continue;
        auto* chart = new CurveChart(key, m_grid);
        chart->setMinimumSize(chartMinimumWidth / 2, chartMinimumHeight);
        connect(chart, &CurveChart::xZoomRequested, this, &CurveView::setXRange);
        connect(chart, &CurveChart::yZoomRequested, this, [this](const QString& chartKey, double y0, double y1) {
            if (y1 > y0 && std::isfinite(y0) && std::isfinite(y1)) {
                m_yZoom[chartKey] = {y0, y1};
                requestLayout();
            }
        });
        connect(chart, &CurveChart::resetRequested, this, &CurveView::resetZoom);
        connect(chart, &CurveChart::activated, this, &CurveView::focusChart);
        m_charts[key] = chart;
    }
    m_gridColumns = 0;  // force re-placing
    arrangeGrid();
    focusChart(m_focusedKey);
}

void CurveView::arrangeGrid() {
    const QStringList keys = shownKeys();
    const int available = std::max(m_scroll->viewport()->width(), chartMinimumWidth);
    const int keyCount = std::max<int>(1, static_cast<int>(keys.size()));
    const int widest = std::clamp(available / chartMinimumWidth, 1, keyCount);
    // As few rows as the widest grid needs, then as few columns as fill them (4 charts: 2 x 2, not 3 + 1).
    const int rowsNeeded = (keyCount + widest - 1) / widest;
    const int columns = (keyCount + rowsNeeded - 1) / rowsNeeded;
    if (columns == m_gridColumns && m_gridLayout->count() == static_cast<int>(m_charts.size()))
        return;
    m_gridColumns = columns;
    while (m_gridLayout->count() > 0)
        delete m_gridLayout->takeAt(0);
    int index = 0;
    for (const QString& key : keys) {
        if (CurveChart* chart = chartFor(key)) {
            m_gridLayout->addWidget(chart, index / columns, index % columns);
            ++index;
        }
    }
    // Used rows and columns share the space evenly; ones left from a larger grid take none.
    const int rows = (index + columns - 1) / columns;
    for (int c = 0; c < m_gridLayout->columnCount(); ++c)
        m_gridLayout->setColumnStretch(c, c < columns ? 1 : 0);
    for (int r = 0; r < m_gridLayout->rowCount(); ++r)
        m_gridLayout->setRowStretch(r, r < rows ? 1 : 0);
}

void CurveView::requestLayout() {
    const int generation = ++m_layoutGeneration;
    const QStringList keys = shownKeys();
    if (m_runs.empty() || keys.isEmpty())
        return;

    std::vector<LayoutRun> runs;
    const QString groupParam = m_groupBy->currentData().toString();
    for (const auto& run : m_runs) {
        LayoutRun layoutRun{run.cacheId, run.name, runColour(run.cacheId), {}, m_hidden.contains(run.cacheId)};
        for (const auto& [name, value] : run.params)
            if (name == groupParam)
                layoutRun.groupValue = value;
        runs.push_back(std::move(layoutRun));
    }
    LayoutSettings settings;
    settings.xMode = static_cast<XMode>(m_xMode->currentData().toInt());
    settings.logY = m_logY->isChecked();
    settings.ignoreOutliers = m_ignoreOutliers->isChecked();
    settings.groupParam = groupParam;
    settings.yZoom = m_yZoom;
    TrackSet tracks;
    for (const QString& key : keys)
        if (const auto found = m_tracks.find(key); found != m_tracks.end())
            tracks[key] = found->second;
    const auto xRange = m_xZoom ? *m_xZoom : curves::fullXRange(tracks, runs, settings.xMode);

    m_scroll->show();
    m_hint->hide();
    if (QLayout* parentLayout = m_scroll->parentWidget()->layout())
        parentLayout->activate();  // give the grid its real width now, so decimation uses it
    arrangeGrid();
    m_gridLayout->activate();
    std::map<QString, int> columns;
    const int fallbackWidth = std::max(200, (m_scroll->viewport()->width() - 8) / std::max(1, m_gridColumns) - 80);
    for (const QString& key : keys) {
        if (const CurveChart* chart = chartFor(key)) {
            columns[key] =
                chart->width() > 150 ? chart->plotColumns() : static_cast<int>(fallbackWidth * devicePixelRatioF());
        }
    }
    m_lastChartWidth = m_scroll->viewport()->width() / std::max(1, m_gridColumns);
    const bool complete = static_cast<int>(tracks.size()) == keys.size();

    auto* watcher = new QFutureWatcher<LayoutResult>(this);
    connect(watcher, &QFutureWatcher<LayoutResult>::finished, this, [this, watcher, complete] {
        watcher->deleteLater();
        const LayoutResult result = watcher->result();
        if (result.generation != m_layoutGeneration)
            return;  // a newer request is on its way
        for (const auto& [key, scene] : result.scenes)
            if (CurveChart* chart = chartFor(key))
                chart->setScene(scene);
        if (m_detailsWeight == m_tracksWeight)
            for (const auto& [id, detail] : result.newDetails)
                m_details[id] = detail;
        if (complete)
            Q_EMIT curvesShown();
    });
    if (m_detailsWeight != m_tracksWeight) {  // exact points smoothed with another weight are stale
        m_details.clear();
        m_detailsWeight = m_tracksWeight;
    }
    watcher->setFuture(QtConcurrent::run(layoutCharts, generation, tracks, runs, settings, xRange, columns, m_cachePath,
                                         m_tracksWeight, m_details));
}

}  // namespace runlens::ui
