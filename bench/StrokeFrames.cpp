#include "StrokeFrames.h"

#include "ui/CompareView.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QMouseEvent>
#include <QPaintEvent>

#include <algorithm>
#include <cmath>

namespace clearcut::bench {

namespace {

constexpr double kPi = 3.14159265358979323846;

// Counts the view's paint events and the area they cover.
class PaintCounter final : public QObject
{
public:
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (event->type() == QEvent::Paint) {
            const QRect r = static_cast<QPaintEvent *>(event)->rect();
            ++paints;
            area += double(r.width()) * r.height();
        }
        return QObject::eventFilter(watched, event);
    }

    int paints = 0;
    double area = 0.0;
};

void send(QWidget &widget, QEvent::Type type, const QPointF &pos, Qt::MouseButton button,
          Qt::MouseButtons buttons)
{
    QMouseEvent event(type, pos, widget.mapToGlobal(pos), button, buttons, Qt::NoModifier);
    QCoreApplication::sendEvent(&widget, &event);
    QCoreApplication::processEvents();
}

} // namespace

void summarise(std::vector<double> timesMs, FrameStats &stats)
{
    if (timesMs.empty())
        return;
    std::sort(timesMs.begin(), timesMs.end());
    const std::size_t n = timesMs.size();
    stats.medianMs = n % 2 ? timesMs[n / 2] : (timesMs[n / 2 - 1] + timesMs[n / 2]) / 2.0;
    const auto p95 = std::size_t(std::ceil(0.95 * double(n)));
    stats.p95Ms = timesMs[std::clamp<std::size_t>(p95, 1, n) - 1];
    stats.worstMs = timesMs.back();
}

FrameStats measureStrokeFrames(ui::CompareView &view, int strokes, std::mt19937 &rng,
                               int movesPerStroke, const std::function<void()> &afterEachStroke)
{
    FrameStats stats;
    const QRectF visible = view.imageRect() & QRectF(view.rect());
    // A margin so that the curve turns before the edge rather than running along it.
    const double margin = std::min({40.0, visible.width() / 4.0, visible.height() / 4.0});
    const QRectF area = visible.adjusted(margin, margin, -margin, -margin);
    const bool split = view.hasResult() && view.mode() == ui::CompareView::Mode::Split;
    const double dividerX =
        view.imageRect().left() + view.dividerPosition() * view.imageRect().width();

    std::uniform_real_distribution<double> unit(0.0, 1.0);
    std::normal_distribution<double> turn(0.0, 0.06);
    PaintCounter counter;
    view.installEventFilter(&counter);
    std::vector<double> times;
    times.reserve(std::size_t(strokes) * std::size_t(movesPerStroke));
    QElapsedTimer timer;

    for (int s = 0; s < strokes; ++s) {
        QPointF at;
        do {
            at = QPointF(area.left() + unit(rng) * area.width(),
                         area.top() + unit(rng) * area.height());
        } while (split && std::abs(at.x() - dividerX) < 40.0);
        double heading = unit(rng) * 2.0 * kPi;
        double bend = 0.0;
        const double step = 6.0 + 12.0 * unit(rng); // widget pixels per move: a brisk hand

        send(view, QEvent::MouseButtonPress, at, Qt::LeftButton, Qt::LeftButton);
        for (int m = 0; m < movesPerStroke; ++m) {
            bend = std::clamp(bend + turn(rng), -0.25, 0.25);
            heading += bend;
            QPointF next = at + step * QPointF(std::cos(heading), std::sin(heading));
            // Bounce off the area's edges so that the whole stroke stays on the image.
            if (next.x() < area.left() || next.x() > area.right()) {
                heading = kPi - heading;
                next.setX(std::clamp(next.x(), area.left(), area.right()));
            }
            if (next.y() < area.top() || next.y() > area.bottom()) {
                heading = -heading;
                next.setY(std::clamp(next.y(), area.top(), area.bottom()));
            }
            at = next;
            const int paintsBefore = counter.paints;
            timer.start();
            send(view, QEvent::MouseMove, at, Qt::NoButton, Qt::LeftButton);
            times.push_back(double(timer.nsecsElapsed()) / 1e6);
            stats.repaints += counter.paints - paintsBefore;
        }
        send(view, QEvent::MouseButtonRelease, at, Qt::LeftButton, Qt::NoButton);
        if (afterEachStroke)
            afterEachStroke();
    }
    view.removeEventFilter(&counter);

    stats.strokes = strokes;
    stats.frames = int(times.size());
    const double viewArea = double(view.width()) * view.height();
    if (counter.paints > 0 && viewArea > 0.0)
        stats.meanPaintedShare = counter.area / counter.paints / viewArea;
    summarise(std::move(times), stats);
    return stats;
}

} // namespace clearcut::bench
