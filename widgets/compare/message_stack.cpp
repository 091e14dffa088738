#include "widgets/compare/message_stack.h"

#include <QLabel>

namespace netsurf::widgets {

MessageStack::MessageStack(QWidget* content, QWidget* parent)
    : QStackedWidget(parent), m_label(new QLabel(this)), m_content(content) {
    m_label->setAlignment(Qt::AlignCenter);
    m_label->setWordWrap(true);
    m_label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_label->setStyleSheet(QStringLiteral("color: #444; font-size: 12pt;"));
    addWidget(m_label);
    addWidget(m_content);
}

void MessageStack::showMessage(const QString& text) {
    m_label->setText(text);
    setCurrentWidget(m_label);
}

void MessageStack::showContent() {
    setCurrentWidget(m_content);
}

QString MessageStack::message() const {
    return currentWidget() == m_label ? m_label->text() : QString();
}

} // namespace netsurf::widgets
