#pragma once
// The main window's pages in tab order; the first is the default page.
#include <QList>
#include <QStringList>

class QWidget;

namespace netsurf::widgets {

class Page;

QList<Page*> createPages(QWidget* parent);
QStringList pageNames(); // the pages' pageName()s in tab order, with their views as NAME/VIEW

} // namespace netsurf::widgets
