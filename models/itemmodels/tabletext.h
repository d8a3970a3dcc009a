// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

class QAbstractItemModel;

namespace runlens {

// The model's header and every row (display texts) as tab-separated values, for pasting into a spreadsheet.
// Tabs and line breaks inside a cell become spaces so the grid stays intact.
QString tableAsTsv(const QAbstractItemModel& model);
// The same as a GitHub-flavoured Markdown table; pipes are escaped and line breaks become <br>.
QString tableAsMarkdown(const QAbstractItemModel& model);

}  // namespace runlens
