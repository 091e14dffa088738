#pragma once
// The log panel: every job's messages and warnings (and failures with the engine's message),
// time-stamped, searchable (Find, highlighting every match) and copyable (selection, Copy all).
#include <QWidget>

class QLineEdit;
class QPlainTextEdit;

namespace netsurf::widgets {

class LogPanel : public QWidget {
    Q_OBJECT
public:
    explicit LogPanel(QWidget* parent = nullptr);
    void append(const QString& jobId, const QString& text, bool warning);
    QString text() const;

private:
    void find(bool backwards);
    QPlainTextEdit* m_log = nullptr;
    QLineEdit* m_search = nullptr;
};

} // namespace netsurf::widgets
