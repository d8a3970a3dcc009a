// SPDX-License-Identifier: MIT
#include "validationview.h"

#include "cache/cache.h"
#include "cache/cachereader.h"
#include "reports/reportloader.h"

#include <QAction>
#include <QLabel>
#include <QScrollArea>
#include <QVBoxLayout>

#include <atomic>
#include <unordered_set>

namespace runlens::ui {
namespace {

QString placeholderText() {
    return QObject::tr("Select imported validation runs in the table to compare their checks over time: Great "
                       "Expectations results, SageMaker Model Monitor constraints or violations, Evidently test "
                       "suites, TFDV anomalies.");
}

QString runName(const RunRow& row) {
    return QString::fromStdString(row.run.name.empty() ? row.run.externalId : row.run.name);
}

// The selected runs' validation documents lined up, read with a connection of this thread's own (this runs on a
// worker). Only the selected runs are read, so a click stays cheap in a large workspace.
LoadedValidation readValidation(const std::string& cachePath, const std::vector<std::int64_t>& runIds,
                                const std::atomic_bool& cancelled) {
    LoadedValidation out;
    auto cache = Cache::openReadOnly(cachePath);
    if (!cache) {
        out.problems << QString::fromStdString(cache.error().toString());
        return out;
    }
    CacheReader reader(*cache);
    std::vector<RunRow> rows;
    for (const std::int64_t id : std::unordered_set<std::int64_t>(runIds.begin(), runIds.end())) {
        if (cancelled)
            return out;
        auto found = reader.findRuns(std::to_string(id));
        if (!found) {
            out.problems << QString::fromStdString(found.error().toString());
            continue;
        }
        for (auto& row : found.value())
            if (row.id == id)
                rows.push_back(std::move(row));
    }
    std::vector<ValidationRun> runs;
    for (const auto& row : rows) {
        if (cancelled)
            return out;
        if (reports::reportTypeOf(row).empty())
            continue;
        auto loaded = reports::loadRunReports(reader, row);
        if (!loaded) {
            // The error names the report file and the bad value's JSON path or line.
            out.problems << runName(row) + QStringLiteral(": ") + QString::fromStdString(loaded.error().toString());
            continue;
        }
        if (loaded->validation.empty())
            continue;
        runs.push_back({row.id, runName(row), row.run.startMs, std::move(loaded->validation)});
    }
    if (!runs.empty())
        out.grid = buildValidationGrid(std::move(runs));
    return out;
}

}  // namespace

ValidationView::ValidationView(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_message = new QLabel(placeholderText());
    m_message->setTextFormat(Qt::PlainText);  // file names and messages come from imported data
    m_message->setWordWrap(true);
    m_message->setAlignment(Qt::AlignCenter);
    m_message->setMargin(16);
    m_canvas = new FigureWidget;
    auto* exportAction = new QAction(tr("Export Figure..."), m_canvas);
    connect(exportAction, &QAction::triggered, this, [this] {
        if (m_figure)
            exportFigureWithDialog(this, *m_figure, exportBaseName());
    });
    m_canvas->addAction(exportAction);
    m_canvas->setContextMenuPolicy(Qt::ActionsContextMenu);
    m_scroll = new QScrollArea;
    m_scroll->setWidget(m_canvas);
    m_scroll->setWidgetResizable(false);
    m_scroll->hide();
    layout->addWidget(m_message);
    layout->addWidget(m_scroll);
}

ValidationView::~ValidationView() = default;

// Selecting runs for another tab should not read report files: the work waits until this tab shows.
void ValidationView::setRuns(const std::string& cachePath, std::vector<std::int64_t> runIds) {
    m_loader.cancel();  // whatever is on its way is for runs no longer selected
    m_cachePath = cachePath;
    m_runIds = std::move(runIds);
    m_stale = true;
    if (isVisible())
        load();
}

void ValidationView::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    if (m_stale)
        load();
}

void ValidationView::load() {
    m_stale = false;
    if (m_cachePath.empty() || m_runIds.empty()) {
        m_loader.cancel();
        applyLoaded({});
        return;
    }
    // The grid shown stays until the new one is ready (no flashing on a quick click); the message says what is
    // coming.
    m_message->setText(m_runIds.size() == 1 ? tr("Loading the validation results...")
                                            : tr("Loading the validation results of %1 runs...").arg(m_runIds.size()));
    m_message->show();
    m_loader.start([path = m_cachePath,
                    ids = m_runIds](const std::atomic_bool& cancelled) { return readValidation(path, ids, cancelled); },
                   [this](LoadedValidation loaded) { applyLoaded(std::move(loaded)); });
}

void ValidationView::applyLoaded(LoadedValidation loaded) {
    if (!loaded.grid) {
        m_message->setText(loaded.problems.isEmpty() ? placeholderText() : loaded.problems.join(QLatin1Char('\n')));
        showFigure(nullptr);
    } else {
        m_message->setText(loaded.problems.join(QLatin1Char('\n')));
        showFigure(std::make_shared<ValidationFigure>(std::move(*loaded.grid)));
    }
    Q_EMIT validationLoaded();
}

void ValidationView::showFigure(std::shared_ptr<const ValidationFigure> figure) {
    m_figure = std::move(figure);
    m_canvas->setFigure(m_figure);
    if (m_figure)
        m_canvas->setFixedSize(m_figure->preferredSize().toSize());
    m_scroll->setVisible(m_figure != nullptr);
    m_message->setVisible(!m_figure || !m_message->text().isEmpty());
}

std::shared_ptr<const Figure> ValidationView::currentFigure() const {
    return m_figure;
}

QString ValidationView::message() const {
    return m_message->text();
}

}  // namespace runlens::ui
