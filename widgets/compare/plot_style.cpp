#include "widgets/compare/plot_style.h"

#include <QLabel>
#include <QToolTip>
#include <cmath>
#include <map>

#include "widgets/export/export_dialog.h"

namespace netsurf::widgets {

namespace {

const char* kOwner = "netsurfOwner";
const char* kInteraction = "netsurfInteraction";

// Colour-blind-safe where it matters: the oracle black, random grey, the gradient family in the
// Okabe–Ito colours; the rarer methods in distinct Tableau colours.
const std::map<std::string, QColor>& methodColors() {
    static const std::map<std::string, QColor> c{
        {"oracle", QColor(0, 0, 0)},
        {"random", QColor(136, 136, 136)},
        {"qpolargrad", QColor(0, 114, 178)},
        {"qpolar", QColor(86, 180, 233)},
        {"taylor", QColor(213, 94, 0)},
        {"weight_abs_value", QColor(0, 158, 115)},
        {"bitwise_msb", QColor(204, 121, 167)},
        {"bitwise_lsb", QColor(140, 86, 75)},
        {"grad", QColor(230, 159, 0)},
        {"grad_norm", QColor(188, 189, 34)},
        {"graddelta", QColor(148, 103, 189)},
        {"fisher", QColor(23, 190, 207)},
        {"hessian", QColor(214, 39, 40)},
        {"hessiandelta", QColor(127, 127, 60)},
    };
    return c;
}

// Tooltip and legend toggling of one plot.
class PlotInteraction : public QObject {
public:
    explicit PlotInteraction(QCustomPlot* plot) : QObject(plot), m_plot(plot) {
        setObjectName(kInteraction);
        plot->setMouseTracking(true);
        connect(plot, &QCustomPlot::legendClick, this,
                [](QCPLegend*, QCPAbstractLegendItem* item, QMouseEvent*) { toggleSeries(item); });
        connect(plot, &QCustomPlot::mouseMove, this, [this](QMouseEvent* e) {
            const QString text = hoverTextAt(m_plot, e->position());
            if (text.isEmpty())
                QToolTip::hideText();
            else
                QToolTip::showText(m_plot->mapToGlobal(e->position().toPoint()), text, m_plot);
        });
    }
    HoverText text;

private:
    QCustomPlot* m_plot;
};

QString defaultHoverText(QCPAbstractPlottable* p, int index) {
    QCPPlottableInterface1D* d = p->interface1D();
    if (!d) return p->name();
    return QStringLiteral("%1\n%2: %3\n%4: %5")
        .arg(p->name(), p->keyAxis()->label())
        .arg(d->dataMainKey(index), 0, 'g', 4)
        .arg(p->valueAxis()->label())
        .arg(d->dataMainValue(index), 0, 'g', 4);
}

PlotInteraction* interactionOf(QCustomPlot* plot) {
    return static_cast<PlotInteraction*>(plot->findChild<QObject*>(kInteraction));
}

} // namespace

QColor qualitativeColor(int i) {
    // Okabe–Ito (colour-blind safe), then grey, brown and purple for more than eight series.
    static const QColor colors[] = {{0, 114, 178},   {213, 94, 0},  {0, 158, 115},
                                    {204, 121, 167}, {230, 159, 0}, {86, 180, 233},
                                    {0, 0, 0},       {120, 120, 120}, {153, 102, 51},
                                    {148, 52, 110}};
    return colors[std::size_t(i) % std::size(colors)];
}

QColor methodColor(const std::string& method) {
    const auto it = methodColors().find(method);
    if (it != methodColors().end()) return it->second;
    return QColor::fromHsv(int(std::hash<std::string>{}(method) % 360), 200, 170);
}

QPen rankerPen(const std::string& method, const std::string& order) {
    QPen pen(methodColor(method), 1.8);
    if (order == "global") pen.setStyle(Qt::DashLine);
    return pen;
}

QCPScatterStyle rankerScatter(const std::string& method, const std::string& order) {
    const QColor c = methodColor(method);
    if (order == "global")
        return QCPScatterStyle(QCPScatterStyle::ssSquare, QPen(c, 1.5), Qt::white, 6);
    return QCPScatterStyle(QCPScatterStyle::ssDisc, QPen(c, 1.5), c, 6);
}

void preparePlot(QCustomPlot* plot, const QString& title) {
    QFont font = plot->font();
    font.setPointSizeF(9.5);
    QFont labelFont = font;
    labelFont.setPointSizeF(10);
    for (QCPAxis* a : plot->axisRect()->axes()) {
        a->setTickLabelFont(font);
        a->setLabelFont(labelFont);
    }
    // A title row over the whole width, then the axis rect with the legend column beside it (a
    // title in the axis rect's column would widen that column and squeeze the legend).
    QCPLayoutGrid* main = plot->plotLayout();
    QCPAxisRect* rect = plot->axisRect();
    main->take(rect);
    main->simplify();
    QFont titleFont = font;
    titleFont.setPointSizeF(11);
    titleFont.setBold(true);
    main->addElement(0, 0, new QCPTextElement(plot, title, titleFont));
    auto* body = new QCPLayoutGrid;
    main->addElement(1, 0, body);
    body->addElement(0, 0, rect);
    auto* side = new QCPLayoutGrid;
    body->addElement(0, 1, side);
    side->addElement(0, 0, plot->legend);
    side->addElement(1, 0, new QCPLayoutElement(plot)); // pushes the legend to the top
    side->setRowStretchFactor(0, 0.001);
    body->setColumnStretchFactor(1, 0.001);
    plot->legend->setVisible(true);
    plot->legend->setFont(font);
    plot->legend->setBorderPen(QPen(QColor(200, 200, 200)));
    plot->legend->setIconSize(28, 12);
    plot->legend->setRowSpacing(0);
    plot->setMinimumSize(260, 180);
    new PlotInteraction(plot);
}

void setPlotTitle(QCustomPlot* plot, const QString& title) {
    if (auto* t = qobject_cast<QCPTextElement*>(plot->plotLayout()->element(0, 0))) {
        t->setText(title);
        plot->replot(QCustomPlot::rpQueuedReplot); // callers set the title after drawing
    }
}

void resetPlot(QCustomPlot* plot) {
    plot->clearPlottables();
    plot->clearItems();
    for (QCPAxis* a : plot->axisRect()->axes())
        a->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
}

void setLogAxis(QCPAxis* axis) {
    axis->setScaleType(QCPAxis::stLogarithmic);
    QSharedPointer<QCPAxisTickerLog> t(new QCPAxisTickerLog);
    t->setSubTickCount(8);
    axis->setTicker(t);
    axis->setNumberFormat("eb");
    axis->setNumberPrecision(0);
}

void setLinearAxis(QCPAxis* axis) {
    axis->setScaleType(QCPAxis::stLinear);
    axis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
    axis->setNumberFormat("gb");
    axis->setNumberPrecision(4);
}

void setPercentAxis(QCPAxis* axis) {
    setLinearAxis(axis);
    // Ticks at round percentages: a fixed ticker on the fraction with percent labels.
    class PercentTicker : public QCPAxisTicker {
    protected:
        QString getTickLabel(double tick, const QLocale&, QChar, int) override {
            return QString::number(tick * 100, 'g', 3);
        }
    };
    axis->setTicker(QSharedPointer<QCPAxisTicker>(new PercentTicker));
}

void setOwner(QObject* companion, QCPAbstractPlottable* owner) {
    companion->setProperty(kOwner, QVariant::fromValue(static_cast<QObject*>(owner)));
}

QCPAbstractPlottable* ownerOf(const QObject* companion) {
    return qobject_cast<QCPAbstractPlottable*>(companion->property(kOwner).value<QObject*>());
}

void setHoverText(QCustomPlot* plot, HoverText text) {
    if (PlotInteraction* i = interactionOf(plot)) i->text = std::move(text);
}

QString hoverTextAt(QCustomPlot* plot, const QPointF& pos) {
    QCPAbstractPlottable* best = nullptr;
    int bestIndex = -1;
    double bestDistance = 10; // pixels
    for (int i = 0; i < plot->plottableCount(); ++i) {
        QCPAbstractPlottable* p = plot->plottable(i);
        if (!p->realVisibility() || p->selectable() == QCP::stNone) continue;
        QVariant details;
        const double d = p->selectTest(pos, false, &details);
        const QCPDataSelection sel = details.value<QCPDataSelection>();
        if (d < 0 || d >= bestDistance || sel.isEmpty()) continue;
        best = p;
        bestIndex = sel.dataRange(0).begin();
        bestDistance = d;
    }
    if (!best) return {};
    PlotInteraction* i = interactionOf(plot);
    return i && i->text ? i->text(best, bestIndex) : defaultHoverText(best, bestIndex);
}

void toggleSeries(QCPAbstractLegendItem* item) {
    auto* pli = qobject_cast<QCPPlottableLegendItem*>(item);
    if (!pli) return;
    QCPAbstractPlottable* p = pli->plottable();
    const bool visible = !p->visible();
    p->setVisible(visible);
    QCustomPlot* plot = p->parentPlot();
    for (int i = 0; i < plot->plottableCount(); ++i)
        if (ownerOf(plot->plottable(i)) == p) plot->plottable(i)->setVisible(visible);
    for (int i = 0; i < plot->itemCount(); ++i)
        if (ownerOf(plot->item(i)) == p) plot->item(i)->setVisible(visible);
    pli->setTextColor(visible ? Qt::black : QColor(170, 170, 170));
    plot->replot(QCustomPlot::rpQueuedReplot);
}

QCPGraph* addCurve(QCustomPlot* plot, const QString& name, const QPen& pen,
                   const QCPScatterStyle& scatter, const QVector<double>& x,
                   const QVector<double>& y, const QVector<double>& low,
                   const QVector<double>& high) {
    QVector<double> lo(y.size()), hi(y.size());
    for (int i = 0; i < y.size(); ++i) {
        lo[i] = std::isnan(low.value(i, NAN)) ? y[i] : low[i];
        hi[i] = std::isnan(high.value(i, NAN)) ? y[i] : high[i];
    }
    QCPGraph* lower = plot->addGraph();
    QCPGraph* upper = plot->addGraph();
    lower->setData(x, lo, true);
    upper->setData(x, hi, true);
    lower->setPen(Qt::NoPen);
    upper->setPen(Qt::NoPen);
    QColor fill = pen.color();
    fill.setAlpha(45);
    upper->setBrush(fill);
    upper->setChannelFillGraph(lower);
    QCPGraph* g = plot->addGraph();
    g->setName(name);
    g->setData(x, y, true);
    g->setPen(pen);
    g->setScatterStyle(scatter);
    lower->setName(QObject::tr("%1 (95 % CI low)").arg(name)); // the CSV's series names
    upper->setName(QObject::tr("%1 (95 % CI high)").arg(name));
    lower->setProperty("role", "ci_low"); // as the results page's bands
    upper->setProperty("role", "ci_high");
    for (QCPGraph* band : {lower, upper}) {
        band->removeFromLegend();
        band->setSelectable(QCP::stNone);
        setOwner(band, g);
    }
    return g;
}

PlotPanel::PlotPanel(const QString& title, QWidget* parent)
    : QStackedWidget(parent), m_title(title), m_plot(new QCustomPlot(this)),
      m_message(new QLabel(this)) {
    preparePlot(m_plot, title);
    installExportMenu(m_plot);
    m_message->setAlignment(Qt::AlignCenter);
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->setMargin(24);
    m_message->setStyleSheet(QStringLiteral("color: #555; font-size: 11pt;"));
    addWidget(m_plot);
    addWidget(m_message);
}

void PlotPanel::showMessage(const QString& text) {
    m_text = text;
    m_message->setText(
        QStringLiteral("<b>%1</b><br><br>%2").arg(m_title.toHtmlEscaped(), text.toHtmlEscaped()));
    setCurrentIndex(1);
}

void PlotPanel::showPlot() {
    setCurrentIndex(0);
}

QString PlotPanel::message() const {
    return showsMessage() ? m_text : QString();
}

} // namespace netsurf::widgets
