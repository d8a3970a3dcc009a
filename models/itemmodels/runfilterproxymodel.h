// SPDX-License-Identifier: MIT
#pragma once

#include "error.h"
#include "query/runfilter.h"

#include <QSortFilterProxyModel>

#include <optional>

namespace runlens {

class RunTableModel;

// Filters a RunTableModel by plain text (name, experiment, status, user, run id) or, when the text reads as one,
// by a RunFilter expression such as `metrics.val/loss < 0.3 and params.optim == "adam"`.
class RunFilterProxyModel : public QSortFilterProxyModel {
    Q_OBJECT
public:
    explicit RunFilterProxyModel(QObject* parent = nullptr);

    // A bad expression returns its error (position and reason) and leaves the previous filter in place.
    std::optional<Error> setFilterText(const QString& text);
    bool isExpression() const { return m_isExpression; }
    static bool looksLikeExpression(const QString& text);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    RunFilter m_filter;
    QString m_words;
    bool m_isExpression = false;
};

}  // namespace runlens
