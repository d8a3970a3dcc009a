// SPDX-License-Identifier: MIT
#pragma once

#include "figure/figure.h"

#include <nlohmann/json.hpp>

namespace runlens::ui {

// One column of a drift document: overlaid histograms (numeric) or side-by-side bars (categorical) of the reference
// and the current data, and for numeric columns the two empirical CDFs with the Kolmogorov-Smirnov gap marked. Reads
// only the document, so imported reports paint the same way (an ECDF is derived from the histogram when the
// document has none).
class DriftColumnFigure : public Figure {
public:
    DriftColumnFigure(nlohmann::json column, QString referenceName, QString currentName);

    QString title() const override;
    QSizeF preferredSize() const override { return {1000, 460}; }
    void paint(QPainter& painter, const QRectF& area, const FigureStyle& style) const override;
    QString csv() const override;

private:
    nlohmann::json m_column;
    QString m_referenceName;
    QString m_currentName;
};

// The whole report: verdict, counts, policy, files, and the table of columns with their status colour.
class DriftSummaryFigure : public Figure {
public:
    explicit DriftSummaryFigure(nlohmann::json document);

    QString title() const override;
    QSizeF preferredSize() const override;
    void paint(QPainter& painter, const QRectF& area, const FigureStyle& style) const override;
    QString csv() const override;

private:
    nlohmann::json m_document;
};

// Colours shared by the drift view and its figures.
QColor driftReferenceColor();
QColor driftCurrentColor();
QColor driftStatusColor(bool drift, double severity);
// One line such as "Drift: 5 of 8 columns (62.5 %) under policy default".
QString driftVerdictText(const nlohmann::json& document);

}  // namespace runlens::ui
