// SPDX-License-Identifier: MIT
#pragma once

#include <QHash>
#include <QIcon>
#include <QIdentityProxyModel>

namespace runlens::ui {

// Shows a header's DecorationRole colour (a run's colour) as a small swatch: header views draw icons, not colours.
// Everything else passes through unchanged, so row and column numbers are those of the source model.
class SwatchHeaderProxy : public QIdentityProxyModel {
    Q_OBJECT
public:
    using QIdentityProxyModel::QIdentityProxyModel;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    mutable QHash<QRgb, QIcon> m_swatches;  // one icon per colour, not one per paint
};

}  // namespace runlens::ui
