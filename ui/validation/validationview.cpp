// SPDX-License-Identifier: MIT
#include "validationview.h"

#include "cache/cache.h"
#include "cache/cachereader.h"
#include "reports/reportloader.h"

#include <QAction>
#include <QLabel>
#include <QScrollArea>
#include <QVBoxLayout>

#include <unordered_set>

namespace runlens::ui {
namespace {

QString placeholderText() {
    return QObject::tr("Select imported validation runs in the table to compare their checks over time: Great "
                       "Expectations results, SageMaker Model Monitor constraints or violations, Evidently test "
                       "suites, TFDV anomalies.");
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

void ValidationView::setRuns(const std::string& cachePath, std::vector<std::int64_t> runIds) {
    if (cachePath.empty() || runIds.empty()) {
        m_message->setText(placeholderText());
        showFigure(nullptr);
        return;
    }
    auto cache = Cache::openExisting(cachePath);
    if (!cache) {
        m_message->setText(QString::fromStdString(cache.error().toString()));
        showFigure(nullptr);
        return;
    }
    CacheReader reader(*cache);
    std::vector<RunRow> rows;
    QStringList problems;
    // Only the selected runs are read, so a click stays cheap in a large workspace.
    for (const std::int64_t id : std::unordered_set<std::int64_t>(runIds.begin(), runIds.end())) {
        auto found = reader.findRuns(std::to_string(id));
        if (!found) {
            problems << QString::fromStdString(found.error().toString());
            continue;
        }
        for (auto& row : found.value())
            if (row.id == id)
                rows.push_back(std::move(row));
    }
    std::vector<ValidationRun> runs;
    for (const auto& row : rows) {
        if (reports::reportTypeOf(row).empty())
            continue;
        auto loaded = reports::loadRunReports(reader, row);
        if (!loaded) {
            problems << QString::fromStdString(loaded.error().toString());
            continue;
        }
        if (loaded->validation.empty())
            continue;
        const std::string& name = row.run.name.empty() ? row.run.externalId : row.run.name;
        runs.push_back({row.id, QString::fromStdString(name), row.run.startMs, std::move(loaded->validation)});
    }
    if (runs.empty()) {
        m_message->setText(problems.isEmpty() ? placeholderText() : problems.join(QLatin1Char('\n')));
        showFigure(nullptr);
        return;
    }
    m_message->setText(problems.join(QLatin1Char('\n')));
    showFigure(std::make_shared<ValidationFigure>(buildValidationGrid(std::move(runs))));
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
