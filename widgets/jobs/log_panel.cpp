#include "widgets/jobs/log_panel.h"

#include <QApplication>
#include <QClipboard>
#include <QDateTime>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTextBlock>
#include <QVBoxLayout>

namespace netsurf::widgets {

LogPanel::LogPanel(QWidget* parent) : QWidget(parent) {
    m_log = new QPlainTextEdit(this);
    m_log->setReadOnly(true);
    m_log->setMaximumBlockCount(100000);
    m_log->setFont(QFont(QStringLiteral("monospace")));
    m_search = new QLineEdit(this);
    m_search->setPlaceholderText(tr("Search the log (Enter: next, Shift+Enter: previous)"));
    m_search->setClearButtonEnabled(true);
    auto* copy = new QPushButton(tr("Copy all"), this);
    auto* top = new QHBoxLayout;
    top->addWidget(m_search, 1);
    top->addWidget(copy);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(top);
    layout->addWidget(m_log);
    connect(m_search, &QLineEdit::returnPressed, this,
            [this] { find(QApplication::keyboardModifiers() & Qt::ShiftModifier); });
    connect(m_search, &QLineEdit::textChanged, this, [this] { find(false); });
    connect(copy, &QPushButton::clicked, this,
            [this] { QApplication::clipboard()->setText(m_log->toPlainText()); });
}

void LogPanel::append(const QString& jobId, const QString& text, bool warning) {
    const QString time = QDateTime::currentDateTime().toString(QStringLiteral("HH:mm:ss"));
    m_log->appendPlainText(QStringLiteral("%1 %2 %3: %4")
                               .arg(time, warning ? tr("warning") : tr("note   "), jobId, text));
}

QString LogPanel::text() const {
    return m_log->toPlainText();
}

void LogPanel::find(bool backwards) {
    const QString needle = m_search->text();
    QList<QTextEdit::ExtraSelection> marks;
    if (!needle.isEmpty()) {
        QTextCursor c(m_log->document());
        while (!(c = m_log->document()->find(needle, c)).isNull()) {
            QTextEdit::ExtraSelection s;
            s.cursor = c;
            s.format.setBackground(QColor(255, 230, 120));
            marks.push_back(s);
        }
        m_log->find(needle, backwards ? QTextDocument::FindBackward : QTextDocument::FindFlags());
    }
    m_log->setExtraSelections(marks);
}

} // namespace netsurf::widgets
