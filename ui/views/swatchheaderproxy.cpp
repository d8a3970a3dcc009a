// SPDX-License-Identifier: MIT
#include "views/swatchheaderproxy.h"

#include <QColor>
#include <QPainter>
#include <QPixmap>

namespace runlens::ui {

QVariant SwatchHeaderProxy::headerData(int section, Qt::Orientation orientation, int role) const {
    const QVariant value = QIdentityProxyModel::headerData(section, orientation, role);
    if (role != Qt::DecorationRole || value.typeId() != QMetaType::QColor)
        return value;
    const QColor colour = value.value<QColor>();
    auto it = m_swatches.find(colour.rgba());
    if (it == m_swatches.end()) {
        QPixmap pixmap(12, 12);
        pixmap.fill(Qt::transparent);
        QPainter painter(&pixmap);
        painter.setRenderHint(QPainter::Antialiasing);
        painter.setPen(Qt::NoPen);
        painter.setBrush(colour);
        painter.drawRoundedRect(QRectF(1, 1, 10, 10), 2, 2);
        painter.end();
        it = m_swatches.insert(colour.rgba(), QIcon(pixmap));
    }
    return *it;
}

}  // namespace runlens::ui
