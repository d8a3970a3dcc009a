// SPDX-License-Identifier: MIT
#include "tabletext.h"

#include <QAbstractItemModel>
#include <QStringList>

namespace runlens {
namespace {

QString tsvCell(QString text) {
    text.replace(QLatin1Char('\t'), QLatin1Char(' '));
    text.replace(QLatin1String("\r\n"), QLatin1String(" "));
    text.replace(QLatin1Char('\n'), QLatin1Char(' '));
    text.replace(QLatin1Char('\r'), QLatin1Char(' '));
    return text;
}

QString markdownCell(QString text) {
    text.replace(QLatin1Char('\\'), QLatin1String("\\\\"));
    text.replace(QLatin1Char('|'), QLatin1String("\\|"));
    text.replace(QLatin1String("\r\n"), QLatin1String("<br>"));
    text.replace(QLatin1Char('\n'), QLatin1String("<br>"));
    text.replace(QLatin1Char('\r'), QLatin1String("<br>"));
    return text;
}

template <typename Cell> QStringList header(const QAbstractItemModel& model, Cell cell) {
    QStringList out;
    for (int c = 0; c < model.columnCount(); ++c)
        out << cell(model.headerData(c, Qt::Horizontal).toString());
    return out;
}

template <typename Cell> QStringList row(const QAbstractItemModel& model, int r, Cell cell) {
    QStringList out;
    for (int c = 0; c < model.columnCount(); ++c)
        out << cell(model.index(r, c).data().toString());
    return out;
}

}  // namespace

QString tableAsTsv(const QAbstractItemModel& model) {
    QString out = header(model, tsvCell).join(QLatin1Char('\t')) + QLatin1Char('\n');
    for (int r = 0; r < model.rowCount(); ++r)
        out += row(model, r, tsvCell).join(QLatin1Char('\t')) + QLatin1Char('\n');
    return out;
}

QString tableAsMarkdown(const QAbstractItemModel& model) {
    auto line = [](const QStringList& cells) -> QString {
        return QStringLiteral("| ") + cells.join(QStringLiteral(" | ")) + QStringLiteral(" |\n");
    };
    QString out = line(header(model, markdownCell));
    QStringList rule;
    for (int c = 0; c < model.columnCount(); ++c)
        rule << QStringLiteral("---");
    out += line(rule);
    for (int r = 0; r < model.rowCount(); ++r)
        out += line(row(model, r, markdownCell));
    return out;
}

}  // namespace runlens
