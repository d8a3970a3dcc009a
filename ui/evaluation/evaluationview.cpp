// SPDX-License-Identifier: MIT
#include "evaluationview.h"

#include "cache/cache.h"
#include "cache/cachereader.h"
#include "evaluation/runevaluations.h"

#include <QComboBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QHelpEvent>
#include <QLabel>
#include <QMouseEvent>
#include <QPushButton>
#include <QScrollArea>
#include <QSlider>
#include <QTabWidget>
#include <QToolTip>
#include <QVBoxLayout>

#include <atomic>
#include <map>

namespace runlens::ui {

namespace {

QString text(const std::string& s) {
    return QString::fromStdString(s);
}

// A FigureWidget that reports clicks and asks what to show as a tooltip, in its own coordinates.
class ClickableFigureWidget final : public FigureWidget {
public:
    std::function<void(const QPointF&)> onClick;
    std::function<QString(const QPointF&)> tooltipAt;

protected:
    void mousePressEvent(QMouseEvent* event) override {
        if (onClick && event->button() == Qt::LeftButton)
            onClick(event->position());
        FigureWidget::mousePressEvent(event);
    }
    bool event(QEvent* event) override {
        if (event->type() == QEvent::ToolTip && tooltipAt) {
            auto* help = static_cast<QHelpEvent*>(event);
            const QString tip = tooltipAt(help->pos());
            if (tip.isEmpty())
                QToolTip::hideText();
            else  // imported labels are data: escaped, shown as plain text
                QToolTip::showText(
                    help->globalPos(),
                    QStringLiteral("<p style='white-space:pre'>") + tip.toHtmlEscaped() + QStringLiteral("</p>"), this);
            return true;
        }
        return FigureWidget::event(event);
    }
};

QString emptyText() {
    return EvaluationView::tr("Select runs with evaluations: a predictions file (runlens eval --predictions FILE --run "
                              "RUN) or a logged confusion matrix.");
}

// Every selected run's evaluations, read with a connection of this thread's own (this runs on a worker). Predictions
// files among a run's artifacts are parsed and evaluated here, which is what makes it slow for big files.
LoadedEvaluations readEvaluations(const std::string& cachePath,
                                  const std::vector<std::pair<std::int64_t, QString>>& runs,
                                  const std::atomic_bool& cancelled) {
    LoadedEvaluations out;
    auto cache = Cache::openReadOnly(cachePath);
    if (!cache) {
        out.problems << text(cache.error().toString());
        return out;
    }
    CacheReader reader(*cache);
    for (const auto& [id, name] : runs) {
        if (cancelled)
            break;  // superseded by a newer selection: nobody will look at the rest
        out.runNames << name;
        auto& evaluations = out.runs.emplace_back();
        auto found = reader.findRuns(std::to_string(id));
        if (!found) {
            out.problems << name + QStringLiteral(": ") + text(found.error().toString());
            continue;
        }
        const RunRow* row = nullptr;
        for (const auto& r : *found)
            if (r.id == id)
                row = &r;
        if (!row)
            continue;  // gone since it was selected (a re-sync removed it)
        auto loaded = loadRunEvaluations(*cache, *row);
        if (!loaded) {
            out.problems << name + QStringLiteral(": ") + text(loaded.error().toString());
            continue;
        }
        for (const auto& p : loaded->problems)
            out.problems << name + QStringLiteral(": ") + text(p.toString());
        for (auto& e : loaded->evaluations)
            evaluations.push_back({id, name, std::move(e)});
    }
    return out;
}

}  // namespace

EvaluationView::EvaluationView(QWidget* parent) : QWidget(parent) {
    m_name = new QComboBox;
    m_name->setToolTip(tr("Which evaluation of each run to compare (a predictions file or a logged matrix)"));
    m_name->setMinimumContentsLength(20);
    m_normalization = new QComboBox;
    m_normalization->addItem(tr("Counts"), static_cast<int>(analysis::Normalization::None));
    m_normalization->addItem(tr("By true label"), static_cast<int>(analysis::Normalization::TrueRow));
    m_normalization->addItem(tr("By predicted label"), static_cast<int>(analysis::Normalization::PredictedColumn));
    m_normalization->addItem(tr("Overall"), static_cast<int>(analysis::Normalization::All));
    m_normalization->setCurrentIndex(1);
    m_normalization->setToolTip(tr("What the colours and rates of the confusion matrices show"));
    m_class = new QComboBox;
    m_class->setToolTip(tr("Calibration and ROC/PR of the top label (binary: the positive class), or of one class "
                           "against the rest"));
    m_class->setMinimumContentsLength(14);
    m_runA = new QComboBox;
    m_runB = new QComboBox;
    m_runA->setMinimumContentsLength(14);
    m_runB->setMinimumContentsLength(14);
    m_runA->setToolTip(tr("Run A of the difference B - A"));
    m_runB->setToolTip(tr("Run B of the difference B - A"));
    m_zoom = new QSlider(Qt::Horizontal);
    m_zoom->setRange(100, 600);
    m_zoom->setValue(100);
    m_zoom->setToolTip(tr("Zoom the confusion matrices"));
    m_zoom->setMaximumWidth(120);
    auto* exportButton = new QPushButton(tr("Export..."));
    exportButton->setToolTip(tr("Save the current view as PNG, SVG, PDF or CSV"));
    m_loading = new QLabel;
    m_loading->setTextFormat(Qt::PlainText);
    m_loading->hide();

    auto* controls = new QHBoxLayout;
    controls->addWidget(new QLabel(tr("Evaluation")));
    controls->addWidget(m_name);
    controls->addWidget(new QLabel(tr("Normalise")));
    controls->addWidget(m_normalization);
    controls->addWidget(new QLabel(tr("Class")));
    controls->addWidget(m_class);
    controls->addWidget(new QLabel(tr("A")));
    controls->addWidget(m_runA);
    controls->addWidget(new QLabel(tr("B")));
    controls->addWidget(m_runB);
    controls->addWidget(new QLabel(tr("Zoom")));
    controls->addWidget(m_zoom);
    controls->addStretch();
    controls->addWidget(exportButton);

    m_status = new QLabel;
    m_status->setTextFormat(Qt::PlainText);
    m_status->setWordWrap(true);
    m_detail = new QLabel(tr("Click a cell for both runs' counts and rates."));
    m_detail->setTextFormat(Qt::PlainText);
    m_detail->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* matrixWidget = new ClickableFigureWidget;
    matrixWidget->tooltipAt = [this, matrixWidget](const QPointF& at) {
        if (!m_matrices)
            return QString();
        const auto cell =
            m_matrices->cellAt(QRectF(matrixWidget->rect()), FigureStyle::forScreen(matrixWidget->palette()), at);
        return cell ? m_matrices->describe(std::get<0>(*cell), std::get<1>(*cell), std::get<2>(*cell)) : QString();
    };
    m_matrixWidget = matrixWidget;
    m_matrixScroll = new QScrollArea;
    m_matrixScroll->setWidget(m_matrixWidget);
    m_matrixScroll->setWidgetResizable(true);
    auto* clickable = new ClickableFigureWidget;
    m_differenceWidget = clickable;
    auto* differencePage = new QWidget;
    auto* differenceLayout = new QVBoxLayout(differencePage);
    differenceLayout->setContentsMargins(0, 0, 0, 0);
    differenceLayout->addWidget(m_differenceWidget, 1);
    differenceLayout->addWidget(m_detail);
    m_calibrationWidget = new FigureWidget;
    m_curvesWidget = new FigureWidget;
    setPlaceholders(emptyText());
    m_pages = new QTabWidget;
    m_pages->setDocumentMode(true);
    m_pages->addTab(m_matrixScroll, tr("Matrices"));
    m_pages->addTab(differencePage, tr("Difference"));
    m_pages->addTab(m_calibrationWidget, tr("Calibration"));
    m_pages->addTab(m_curvesWidget, tr("ROC / PR"));
    m_pages->setCornerWidget(m_loading, Qt::TopRightCorner);  // beside the page tabs, where there is room

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(controls);
    layout->addWidget(m_status);
    layout->addWidget(m_pages, 1);

    clickable->onClick = [this](const QPointF& at) {
        if (!m_difference)
            return;
        if (auto cell = m_difference->cellAt(QRectF(m_differenceWidget->rect()), at))
            m_detail->setText(m_difference->detail(cell->first, cell->second));
    };
    auto refresh = [this] {
        if (!m_updating)
            rebuild();
    };
    connect(m_name, &QComboBox::currentIndexChanged, this, [this] {
        if (!m_updating)
            choose();
    });
    connect(m_normalization, &QComboBox::currentIndexChanged, this, refresh);
    connect(m_class, &QComboBox::currentIndexChanged, this, refresh);
    connect(m_runA, &QComboBox::currentIndexChanged, this, refresh);
    connect(m_runB, &QComboBox::currentIndexChanged, this, refresh);
    connect(m_zoom, &QSlider::valueChanged, this, [this](int percent) {
        // Zoomed in, the matrices get a fixed size larger than the view and the scroll area pans over them.
        m_matrixScroll->setWidgetResizable(percent == 100);
        if (percent != 100 && m_matrices) {
            const QSizeF size = m_matrices->preferredSize() * (percent / 100.0);
            m_matrixWidget->resize(size.toSize());
        }
    });
    connect(exportButton, &QPushButton::clicked, this, [this] {
        if (auto figure = currentFigure())
            exportFigureWithDialog(this, *figure, exportBaseName());
    });
}

EvaluationView::~EvaluationView() = default;

void EvaluationView::setWorkspace(const QString& cachePath) {
    m_cachePath = cachePath;
    loadWhenShown();
}

void EvaluationView::setRuns(const std::vector<std::pair<std::int64_t, QString>>& runs) {
    m_runIds = runs;
    loadWhenShown();
}

// Selecting runs for the Curves tab should not parse their predictions files: the work waits until this tab shows.
void EvaluationView::loadWhenShown() {
    m_loader.cancel();  // whatever is on its way is for runs no longer selected
    m_loading->hide();
    m_stale = true;
    if (isVisible())
        load();
}

void EvaluationView::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    if (m_stale)
        load();
}

void EvaluationView::setPlaceholders(const QString& placeholder) {
    for (FigureWidget* w : {m_matrixWidget, m_differenceWidget, m_calibrationWidget, m_curvesWidget})
        w->setPlaceholder(placeholder);
}

void EvaluationView::load() {
    m_stale = false;
    if (m_cachePath.isEmpty() || m_runIds.empty()) {
        m_loader.cancel();
        applyLoaded({});
        return;
    }
    // The figures of the previous selection stay until the new ones are ready (no flashing on a quick click); the
    // bar says what is coming, and an empty page says it is loading rather than what to select.
    m_loading->setText(m_runIds.size() == 1 ? tr("Loading the evaluations of %1...").arg(m_runIds.front().second)
                                            : tr("Loading the evaluations of %1 runs...").arg(m_runIds.size()));
    m_loading->show();
    setPlaceholders(tr("Loading evaluations..."));
    m_loader.start([path = m_cachePath.toStdString(), runs = m_runIds](
                       const std::atomic_bool& cancelled) { return readEvaluations(path, runs, cancelled); },
                   [this](LoadedEvaluations loaded) { applyLoaded(std::move(loaded)); });
}

void EvaluationView::applyLoaded(LoadedEvaluations loaded) {
    m_loading->hide();
    setPlaceholders(emptyText());
    m_all = std::move(loaded.runs);
    m_allNames = std::move(loaded.runNames);
    m_problems = std::move(loaded.problems);
    // The evaluation names on offer, most widely shared first; a predictions file beats a matrix on a tie, since it
    // also has calibration and curves.
    std::map<QString, std::pair<int, int>> score;  // name -> (runs having it, has probabilities)
    QStringList order;
    for (const auto& run : m_all)
        for (const auto& e : run) {
            const QString name = text(e.evaluation.name);
            if (!score.count(name))
                order << name;
            score[name].first += 1;
            score[name].second = std::max(score[name].second, e.evaluation.reliability ? 1 : 0);
        }
    std::stable_sort(order.begin(), order.end(),
                     [&](const QString& a, const QString& b) { return score[a] > score[b]; });
    const QString previous = m_name->currentText();
    m_updating = true;
    m_name->clear();
    m_name->addItems(order);
    if (order.contains(previous))
        m_name->setCurrentText(previous);
    m_updating = false;
    choose();
    Q_EMIT evaluationsLoaded();
}

void EvaluationView::choose() {
    const std::string name = m_name->currentText().toStdString();
    m_shown.clear();
    QStringList without;
    for (std::size_t r = 0; r < m_all.size(); ++r) {
        bool found = false;
        for (const auto& e : m_all[r])
            if (e.evaluation.name == name) {
                m_shown.push_back(e);
                found = true;
                break;
            }
        if (!found && r < static_cast<std::size_t>(m_allNames.size()))
            without << m_allNames[static_cast<qsizetype>(r)];
    }
    m_updating = true;
    const int a = m_runA->currentIndex();
    const int b = m_runB->currentIndex();
    m_runA->clear();
    m_runB->clear();
    for (const auto& r : m_shown) {
        m_runA->addItem(r.runName);
        m_runB->addItem(r.runName);
    }
    const int n = static_cast<int>(m_shown.size());
    m_runA->setCurrentIndex(a >= 0 && a < n ? a : 0);
    m_runB->setCurrentIndex(b >= 0 && b < n && b != m_runA->currentIndex() ? b : std::min(1, n - 1));
    // Classes for the calibration selector: the union of labels that have per-class bins.
    const QString previousClass = m_class->currentData().toString();
    m_class->clear();
    m_class->addItem(tr("Top label / positive class"), QString());
    QStringList labels;
    for (const auto& r : m_shown) {
        const auto& e = r.evaluation;
        if (!e.perClassReliability.empty())
            for (const auto& l : e.confusion.labels)
                if (!labels.contains(text(l)))
                    labels << text(l);
    }
    for (const auto& l : labels)
        m_class->addItem(l, l);
    const int keep = m_class->findData(previousClass);
    m_class->setCurrentIndex(keep >= 0 ? keep : 0);
    m_updating = false;

    QStringList status;
    if (!without.isEmpty() && !m_shown.empty())
        status << tr("Not shown (no evaluation named \"%1\"): %2")
                      .arg(m_name->currentText(), without.join(QStringLiteral(", ")));
    if (!m_problems.isEmpty())
        status << tr("Problems: %1").arg(m_problems.join(QStringLiteral("; ")));
    m_status->setText(status.join(QLatin1Char('\n')));
    m_status->setVisible(!status.isEmpty());
    rebuild();
}

void EvaluationView::rebuild() {
    if (m_shown.empty()) {
        m_matrices.reset();
        m_difference.reset();
        m_calibration.reset();
        m_curves.reset();
    } else {
        const auto how = static_cast<analysis::Normalization>(m_normalization->currentData().toInt());
        m_matrices = std::make_shared<ConfusionGridFigure>(m_shown, how);
        const auto a = static_cast<std::size_t>(std::max(0, m_runA->currentIndex()));
        const auto b = static_cast<std::size_t>(std::max(0, m_runB->currentIndex()));
        m_difference = std::make_shared<ConfusionDifferenceFigure>(m_shown[std::min(a, m_shown.size() - 1)],
                                                                   m_shown[std::min(b, m_shown.size() - 1)], how);
        m_calibration = std::make_shared<CalibrationFigure>(m_shown, m_class->currentData().toString().toStdString());
        m_curves = std::make_shared<RankingCurvesFigure>(m_shown, m_class->currentData().toString().toStdString());
    }
    m_matrixWidget->setFigure(m_matrices);
    m_differenceWidget->setFigure(m_difference);
    m_calibrationWidget->setFigure(m_calibration);
    m_curvesWidget->setFigure(m_curves);
    if (m_matrices)
        m_matrixWidget->setMinimumSize((m_matrices->preferredSize() * 0.6).toSize());
    m_detail->setText(tr("Click a cell for both runs' counts and rates."));
}

QStringList EvaluationView::evaluationNames() const {
    QStringList names;
    for (int i = 0; i < m_name->count(); ++i)
        names << m_name->itemText(i);
    return names;
}

void EvaluationView::setEvaluationName(const QString& name) {
    m_name->setCurrentText(name);
}

void EvaluationView::setNormalization(analysis::Normalization how) {
    m_normalization->setCurrentIndex(m_normalization->findData(static_cast<int>(how)));
}

void EvaluationView::setCalibrationClass(const QString& label) {
    m_class->setCurrentIndex(std::max(0, m_class->findData(label)));
}

void EvaluationView::setDifferenceRuns(int a, int b) {
    m_updating = true;
    m_runA->setCurrentIndex(a);
    m_updating = false;
    m_runB->setCurrentIndex(b);
    rebuild();
}

void EvaluationView::showPage(int page) {
    m_pages->setCurrentIndex(page);
}

void EvaluationView::clickDifferenceCell(std::size_t trueIndex, std::size_t predictedIndex) {
    if (m_difference)
        m_detail->setText(m_difference->detail(trueIndex, predictedIndex));
}

QString EvaluationView::differenceDetail() const {
    return m_detail->text();
}

QString EvaluationView::loadingText() const {
    return m_loading->isVisibleTo(this) ? m_loading->text() : QString();
}

QString EvaluationView::problemsText() const {
    return m_problems.join(QLatin1Char('\n'));
}

std::shared_ptr<const Figure> EvaluationView::currentFigure() const {
    switch (m_pages->currentIndex()) {
    case 0:
        return m_matrices;
    case 1:
        return m_difference;
    case 2:
        return m_calibration;
    default:
        return m_curves;
    }
}

QString EvaluationView::exportBaseName() const {
    static const char* const names[] = {"confusion-matrices", "confusion-difference", "calibration", "roc-pr"};
    return QString::fromLatin1(names[std::clamp(m_pages->currentIndex(), 0, 3)]);
}

}  // namespace runlens::ui
