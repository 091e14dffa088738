#pragma once
// A page of the main window's centre (results, compare, overview, run, …). Pages only show and
// ask: their data comes from app_core (files of the workspace, the JobController's signals); they
// never run engine work on the GUI thread.
#include <QList>
#include <QString>
#include <QStringList>
#include <QWidget>

#include "engine/jobs/model_jobs.h"

class QCustomPlot;

namespace netsurf::app {
class JobController;
}

namespace netsurf::widgets {

class Page : public QWidget {
    Q_OBJECT
public:
    using QWidget::QWidget;

    virtual QString pageName() const = 0; // for --page and QSettings: "results", "compare", …
    virtual QString title() const = 0;    // the tab / menu text
    // The model selected in the workspace tree (its workspace inside). Pages load what they
    // show from the files and follow the controller's live events for it.
    virtual void showModel(const ModelSelector& model) = 0;
    // Live events of runs (set once by the main window; may be null in tests).
    virtual void setController(app::JobController* controller) { m_controller = controller; }
    // True once the page has drawn the data of the model it shows (--screenshot waits for it).
    virtual bool ready() const = 0;
    // The plots of the page, for "export all figures of this page".
    virtual QList<QCustomPlot*> plots() const { return {}; }
    // Views inside the page (its tabs) for --page NAME/VIEW; the first is shown by default.
    virtual QStringList views() const { return {}; }
    virtual bool showView(const QString& view) { return view.isEmpty(); }

signals:
    void readyChanged();
    void statusMessage(const QString& text);

protected:
    app::JobController* m_controller = nullptr;
};

} // namespace netsurf::widgets
