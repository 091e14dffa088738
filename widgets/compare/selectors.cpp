#include "widgets/compare/selectors.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>

namespace netsurf::widgets {

QComboBox* addCombo(QHBoxLayout* row, const QString& label, const QString& tip) {
    auto* l = new QLabel(label);
    auto* c = new QComboBox;
    c->setToolTip(tip);
    // Narrow windows elide the choice (the list shows it whole); wide ones give it room.
    c->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    c->setMinimumContentsLength(6);
    c->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    l->setBuddy(c);
    row->addWidget(l);
    row->addWidget(c);
    row->addSpacing(12);
    return c;
}

void refill(QComboBox* c, const QList<QPair<QString, QVariant>>& items, int fallback) {
    const QVariant previous = c->currentData();
    const QSignalBlocker block(c);
    c->clear();
    for (const auto& [text, data] : items)
        c->addItem(text, data);
    const int keep = previous.isValid() ? c->findData(previous) : -1;
    c->setCurrentIndex(keep >= 0 ? keep : fallback);
}

} // namespace netsurf::widgets
