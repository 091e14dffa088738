#pragma once
// A page's content, or in its place one message: what is being computed, or why there is
// nothing to draw (the comparison and overview pages).
#include <QStackedWidget>

class QLabel;

namespace netsurf::widgets {

class MessageStack : public QStackedWidget {
    Q_OBJECT
public:
    explicit MessageStack(QWidget* content, QWidget* parent = nullptr);

    void showMessage(const QString& text);
    void showContent();
    QString message() const; // "" while the content is shown

private:
    QLabel* m_label = nullptr;
    QWidget* m_content = nullptr;
};

} // namespace netsurf::widgets
