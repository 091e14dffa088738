#pragma once
// The labelled combo boxes of the comparison and overview pages' toolbars.
#include <QList>
#include <QPair>
#include <QString>
#include <QVariant>

class QComboBox;
class QHBoxLayout;

namespace netsurf::widgets {

// A label (with its mnemonic) and a combo box, appended to `row`.
QComboBox* addCombo(QHBoxLayout* row, const QString& label, const QString& tip);
// Refills a combo without emitting signals, keeping the previous choice (by item data) when it
// is still offered, else selecting `fallback`.
void refill(QComboBox* combo, const QList<QPair<QString, QVariant>>& items, int fallback);

} // namespace netsurf::widgets
