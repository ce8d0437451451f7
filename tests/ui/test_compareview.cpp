// CompareView: what the before/after view shows, pixel by pixel, and how it answers the mouse.

#include "ui/CompareView.h"
#include "ui/ImageConvert.h"

#include <QApplication>
#include <QMouseEvent>
#include <QPaintEvent>
#include <QScreen>
#include <QSignalSpy>
#include <QTest>
#include <QWheelEvent>

#include <opencv2/core.hpp>

#include <cmath>

#include <memory>
#include <set>

using clearcut::ui::CompareView;

namespace {

const QSize kViewSize(400, 300);

QImage filled(const QSize &size, const QColor &color, QImage::Format format = QImage::Format_RGB32)
{
    QImage image(size, format);
    image.fill(color);
    return image;
}

QImage red(const QSize &size = QSize(800, 600))
{
    return filled(size, Qt::red);
}

QImage blue(const QSize &size = QSize(800, 600))
{
    return filled(size, Qt::blue);
}

bool isRed(QRgb c)
{
    return qRed(c) > 200 && qGreen(c) < 60 && qBlue(c) < 60;
}

bool isBlue(QRgb c)
{
    return qBlue(c) > 200 && qRed(c) < 60 && qGreen(c) < 60;
}

bool isReddish(QRgb c)
{
    return qRed(c) > 128 && qGreen(c) < 100 && qBlue(c) < 100;
}

bool isBluish(QRgb c)
{
    return qBlue(c) > 128 && qRed(c) < 100 && qGreen(c) < 100;
}

QImage rendered(CompareView &view)
{
    return view.grab().toImage().convertToFormat(QImage::Format_ARGB32);
}

int count(const QImage &image, bool (*predicate)(QRgb))
{
    int n = 0;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x)
            n += predicate(image.pixel(x, y)) ? 1 : 0;
    return n;
}

std::unique_ptr<CompareView> shownView(const QSize &size = kViewSize)
{
    auto view = std::make_unique<CompareView>();
    view->resize(size);
    view->show();
    if (!QTest::qWaitForWindowExposed(view.get()))
        qWarning("CompareView window not exposed");
    return view;
}

// QTest::mouseMove does not carry held buttons for widgets, so drags are sent by hand.
void sendMouse(QWidget &widget, QEvent::Type type, const QPointF &pos, Qt::MouseButton button,
               Qt::MouseButtons buttons)
{
    QMouseEvent event(type, pos, widget.mapToGlobal(pos), button, buttons, Qt::NoModifier);
    QApplication::sendEvent(&widget, &event);
}

void drag(QWidget &widget, const QPointF &from, const QPointF &to)
{
    sendMouse(widget, QEvent::MouseButtonPress, from, Qt::LeftButton, Qt::LeftButton);
    const int steps = 5;
    for (int i = 1; i <= steps; ++i)
        sendMouse(widget, QEvent::MouseMove, from + (to - from) * (double(i) / steps), Qt::NoButton,
                  Qt::LeftButton);
    sendMouse(widget, QEvent::MouseButtonRelease, to, Qt::LeftButton, Qt::NoButton);
}

QPointF widgetPointOf(const CompareView &view, const QPointF &photoPoint)
{
    return view.imageRect().topLeft() + photoPoint * view.zoom();
}

QPointF photoPointAt(const CompareView &view, const QPointF &widgetPoint)
{
    return (widgetPoint - view.imageRect().topLeft()) / view.zoom();
}

// A brush stroke through photo points, sent as a hand paints it: a press, moves with the button
// held (the events processed after each, so each move's repaint happens), a release.
void paintStroke(CompareView &view, const std::vector<QPointF> &photoPoints)
{
    sendMouse(view, QEvent::MouseButtonPress, view.toWidget(photoPoints.front()), Qt::LeftButton,
              Qt::LeftButton);
    QCoreApplication::processEvents();
    for (std::size_t i = 1; i < photoPoints.size(); ++i) {
        sendMouse(view, QEvent::MouseMove, view.toWidget(photoPoints[i]), Qt::NoButton,
                  Qt::LeftButton);
        QCoreApplication::processEvents();
    }
    sendMouse(view, QEvent::MouseButtonRelease, view.toWidget(photoPoints.back()), Qt::LeftButton,
              Qt::NoButton);
}

// A straight stroke in `steps` moves.
std::vector<QPointF> line(const QPointF &from, const QPointF &to, int steps = 8)
{
    std::vector<QPointF> points;
    for (int i = 0; i <= steps; ++i)
        points.push_back(from + (to - from) * (double(i) / steps));
    return points;
}

clearcut::Stroke brushOf(clearcut::Stroke::Mode mode, double radius)
{
    clearcut::Stroke brush;
    brush.mode = mode;
    brush.radius = radius;
    return brush;
}

bool isGreen(QRgb c)
{
    return qGreen(c) > 200 && qRed(c) < 60 && qBlue(c) < 60 && qAlpha(c) == 255;
}

// The paint events a widget receives: their rectangles.
class PaintRects final : public QObject
{
public:
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (event->type() == QEvent::Paint)
            rects.push_back(static_cast<QPaintEvent *>(event)->rect());
        return QObject::eventFilter(watched, event);
    }
    std::vector<QRect> rects;
};

} // namespace

class TestCompareView : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void displayImagesComeInTheViewsFormatsWithTheSameColours();
    void splitShowsOriginalLeftOfTheDividerAndResultRight();
    void draggingTheDividerMovesItAndThePixelsFollow();
    void aPressAwayFromTheDividerDoesNotMoveIt();
    void aTransparentResultShowsACheckerboardNotTheOriginal();
    void originalOnlyAndResultOnlyShowOneSide();
    void flashingShowsTheOriginalAndKeepsTheDivider();
    void aBrushDragIsAStrokeInPhotoPixelsAtAnyZoom();
    void aLowResolutionResultCoversTheSameArea();
    void zoomToFitAfterActualSizeFitsTheWidget();
    void zoomByKeepsTheAnchoredPointUnderTheAnchor();
    void theWheelZoomsAroundTheCursor();
    void theDividerIsUnchangedByZoomNewResultsAndResize();
    void aNewPhotoClearsTheResultAndFits();
    void resizingKeepsFitOnlyWhenFitted();
    void draggingAZoomedInImagePansIt();
    void doubleClickTogglesFitAndActualSize();
    void clearShowsThePlaceholder();
    void theCropFrameDimsWhatTheCropLeavesOutOnTheResultSideOnly();
    void aStrokeIsPreviewedByPaintingTheBrushLayersIntoTheResult();
    void thePreviewShowsWhenZoomedOutToAHalfSizeCopy();
    void withoutBrushLayersThePreviewIsATranslucentStroke();
    void eachMoveOfTheBrushRepaintsOnlyASmallRectangle();
    void aNewResultOrACancelledStrokeRemovesThePreview();
};

void TestCompareView::splitShowsOriginalLeftOfTheDividerAndResultRight()
{
    auto view = shownView();
    view->setOriginal(red(), QSize(1600, 1200));
    view->setResult(blue());
    QVERIFY(view->hasResult());
    QCOMPARE(view->mode(), CompareView::Mode::Split);
    QCOMPARE(view->dividerPosition(), 0.5);
    QCOMPARE(view->imageRect(), QRectF(0, 0, 400, 300));

    const QImage image = rendered(*view);
    for (int y : {80, 200, 280}) {
        for (int x : {20, 100, 170})
            QVERIFY2(isRed(image.pixel(x, y)), qPrintable(QString("%1,%2").arg(x).arg(y)));
        for (int x : {230, 300, 380})
            QVERIFY2(isBlue(image.pixel(x, y)), qPrintable(QString("%1,%2").arg(x).arg(y)));
    }
}

void TestCompareView::draggingTheDividerMovesItAndThePixelsFollow()
{
    auto view = shownView();
    view->setOriginal(red(), {});
    view->setResult(blue());
    QSignalSpy moved(view.get(), &CompareView::dividerMoved);

    // Grab the line below the handle and drag it to a quarter of the image's width.
    drag(*view, QPointF(200, 250), QPointF(100, 250));

    QVERIFY(qAbs(view->dividerPosition() - 0.25) <= 0.02);
    QVERIFY(!moved.isEmpty());
    QVERIFY(qAbs(moved.last().at(0).toDouble() - 0.25) <= 0.02);

    const QImage image = rendered(*view);
    QVERIFY(isRed(image.pixel(80, 220)));   // 20% of the image
    QVERIFY(isBlue(image.pixel(120, 220))); // 30%
    QVERIFY(isBlue(image.pixel(190, 220))); // where the divider used to be

    // The round handle in the middle is a grip too.
    drag(*view, QPointF(100, 150), QPointF(300, 150));
    QVERIFY(qAbs(view->dividerPosition() - 0.75) <= 0.02);
}

void TestCompareView::aPressAwayFromTheDividerDoesNotMoveIt()
{
    auto view = shownView();
    view->setOriginal(red(), {});
    view->setResult(blue());
    QSignalSpy moved(view.get(), &CompareView::dividerMoved);

    QTest::mouseClick(view.get(), Qt::LeftButton, {}, QPoint(60, 200));
    drag(*view, QPointF(60, 200), QPointF(120, 220));

    QCOMPARE(view->dividerPosition(), 0.5);
    QVERIFY(moved.isEmpty());
    QCOMPARE(view->imageRect(), QRectF(0, 0, 400, 300)); // a fitted image does not pan either
}

void TestCompareView::aTransparentResultShowsACheckerboardNotTheOriginal()
{
    auto view = shownView();
    view->setOriginal(red(), {});
    view->setResult(filled(QSize(800, 600), Qt::transparent, QImage::Format_ARGB32_Premultiplied));

    const QImage image = rendered(*view);
    std::set<QRgb> greys;
    for (int y = 60; y < 290; ++y) {
        for (int x = 225; x < 395; ++x) {
            const QRgb c = image.pixel(x, y);
            QVERIFY2(!isReddish(c), qPrintable(QString("%1,%2").arg(x).arg(y)));
            if (qRed(c) == qGreen(c) && qGreen(c) == qBlue(c))
                greys.insert(c);
        }
    }
    QVERIFY2(greys.size() >= 2, "expected two checkerboard greys");
    QVERIFY(isRed(image.pixel(100, 200))); // the original is still on the left

    // A non-premultiplied RGBA result with alpha is handled the same way.
    QImage half(QSize(800, 600), QImage::Format_RGBA8888);
    half.fill(Qt::transparent);
    view->setResult(half);
    QVERIFY(!isReddish(rendered(*view).pixel(300, 200)));
}

void TestCompareView::originalOnlyAndResultOnlyShowOneSide()
{
    auto view = shownView();
    view->setOriginal(red(), {});
    view->setResult(blue());

    view->setMode(CompareView::Mode::OriginalOnly);
    QImage image = rendered(*view);
    QCOMPARE(count(image, isBluish), 0);
    for (const QPoint p : {QPoint(20, 280), QPoint(200, 150), QPoint(380, 280)})
        QVERIFY(isRed(image.pixel(p)));

    view->setMode(CompareView::Mode::ResultOnly);
    image = rendered(*view);
    QCOMPARE(count(image, isReddish), 0);
    for (const QPoint p : {QPoint(20, 280), QPoint(200, 150), QPoint(380, 280)})
        QVERIFY(isBlue(image.pixel(p)));

    view->setMode(CompareView::Mode::Split);
    image = rendered(*view);
    QVERIFY(isRed(image.pixel(100, 200)));
    QVERIFY(isBlue(image.pixel(300, 200)));
}

void TestCompareView::flashingShowsTheOriginalAndKeepsTheDivider()
{
    auto view = shownView();
    view->setOriginal(red(), {});
    view->setResult(blue());
    view->setDividerPosition(0.3);
    view->setFlashOriginal(true);
    QImage image = rendered(*view);
    QCOMPARE(count(image, isBluish), 0);
    QVERIFY(isRed(image.pixel(300, 200)));
    view->setFlashOriginal(false);
    QCOMPARE(view->mode(), CompareView::Mode::Split);
    QCOMPARE(view->dividerPosition(), 0.3);
    image = rendered(*view);
    QVERIFY(isBlue(image.pixel(300, 200)));
}

void TestCompareView::aBrushDragIsAStrokeInPhotoPixelsAtAnyZoom()
{
    auto view = shownView();
    // A 400x300 display copy of a 1600x1200 photo.
    view->setOriginal(red(), QSize(1600, 1200));
    view->setResult(blue());
    view->setMode(CompareView::Mode::ResultOnly);
    clearcut::Stroke brush;
    brush.mode = clearcut::Stroke::Mode::Restore;
    brush.radius = 25;
    view->setBrush(brush);
    std::vector<clearcut::Stroke> painted;
    connect(view.get(), &CompareView::strokePainted, this,
            [&](const clearcut::Stroke &stroke) { painted.push_back(stroke); });
    for (const double zoom : {view->zoom(), 1.0, 3.0}) {
        view->setZoom(zoom, QPointF(view->width() / 2.0, view->height() / 2.0));
        const QPointF from = view->toWidget({800, 600}), to = view->toWidget({830, 610});
        QTest::mousePress(view.get(), Qt::LeftButton, {}, from.toPoint());
        QTest::mouseMove(view.get(), ((from + to) / 2).toPoint());
        QTest::mouseMove(view.get(), to.toPoint());
        QTest::mouseRelease(view.get(), Qt::LeftButton, {}, to.toPoint());
        QVERIFY(!painted.empty());
        const clearcut::Stroke &stroke = painted.back();
        QCOMPARE(stroke.mode, clearcut::Stroke::Mode::Restore);
        QCOMPARE(stroke.radius, 25.0);
        QVERIFY(stroke.points.size() >= 2);
        // Within one screen pixel of where the mouse was, in photo pixels.
        const double tolerance = 1.0 / zoom + 1e-9;
        QVERIFY(std::abs(stroke.points.front().x - 800) <= tolerance);
        QVERIFY(std::abs(stroke.points.front().y - 600) <= tolerance);
        QVERIFY(std::abs(stroke.points.back().x - 830) <= tolerance);
        QVERIFY(std::abs(stroke.points.back().y - 610) <= tolerance);
    }
    QCOMPARE(painted.size(), size_t(3));
    // Without a brush a drag pans again and paints nothing.
    view->setBrush(std::nullopt);
    QTest::mousePress(view.get(), Qt::LeftButton, {}, QPoint(100, 100));
    QTest::mouseMove(view.get(), QPoint(150, 120));
    QTest::mouseRelease(view.get(), Qt::LeftButton, {}, QPoint(150, 120));
    QCOMPARE(painted.size(), size_t(3));
}

void TestCompareView::aLowResolutionResultCoversTheSameArea()
{
    auto view = shownView();
    view->setOriginal(red(), {});
    view->setResult(blue(QSize(400, 300))); // a quick half-resolution preview

    QImage image = rendered(*view);
    for (const QPoint p : {QPoint(230, 200), QPoint(399, 200), QPoint(399, 299), QPoint(300, 299)})
        QVERIFY2(isBlue(image.pixel(p)), qPrintable(QString("%1,%2").arg(p.x()).arg(p.y())));
    QVERIFY(isRed(image.pixel(170, 200)));

    // Also when zoomed in and panned to the bottom-right corner.
    view->zoomBy(3.0, QPointF(399, 299));
    image = rendered(*view);
    QVERIFY(isBlue(image.pixel(399, 299)));
    QCOMPARE(count(image, isReddish), 0);
}

void TestCompareView::zoomToFitAfterActualSizeFitsTheWidget()
{
    auto view = shownView();
    view->setOriginal(red(QSize(400, 250)), QSize(800, 500));
    QCOMPARE(view->zoom(), 0.5);
    QSignalSpy zoomed(view.get(), &CompareView::zoomChanged);

    view->zoomToActualSize();
    QCOMPARE(view->zoom(), 1.0);
    QCOMPARE(view->imageRect().size(), QSizeF(800, 500));
    QVERIFY(!view->isFitted());

    view->zoomToFit();
    QVERIFY(view->isFitted());
    QCOMPARE(view->zoom(), 0.5);
    QCOMPARE(zoomed.count(), 2);
    QCOMPARE(zoomed.last().at(0).toDouble(), 0.5);

    const QRectF r = view->imageRect();
    const QRectF widget(QPointF(0, 0), QSizeF(kViewSize));
    QVERIFY(widget.adjusted(-0.5, -0.5, 0.5, 0.5).contains(r));
    int touching = 0;
    touching += qAbs(r.left() - widget.left()) < 0.5;
    touching += qAbs(r.right() - widget.right()) < 0.5;
    touching += qAbs(r.top() - widget.top()) < 0.5;
    touching += qAbs(r.bottom() - widget.bottom()) < 0.5;
    QVERIFY(touching >= 2);
    QCOMPARE(r.center(), widget.center()); // and it is centred
}

void TestCompareView::zoomByKeepsTheAnchoredPointUnderTheAnchor()
{
    auto view = shownView();
    view->setOriginal(red(QSize(400, 250)), QSize(800, 500));

    for (const auto &[factor, anchor] :
         {std::pair{2.0, QPointF(100, 100)}, std::pair{1.5, QPointF(310, 220)},
          std::pair{0.8, QPointF(250, 60)}}) {
        const QPointF photo = photoPointAt(*view, anchor);
        const double before = view->zoom();
        view->zoomBy(factor, anchor);
        QVERIFY(qAbs(view->zoom() - before * factor) < 1e-9);
        const QPointF after = widgetPointOf(*view, photo);
        QVERIFY2(qAbs(after.x() - anchor.x()) <= 1.0 && qAbs(after.y() - anchor.y()) <= 1.0,
                 qPrintable(QString("%1,%2").arg(after.x()).arg(after.y())));
    }

    // Zoom is clamped: it neither collapses nor runs away.
    view->zoomBy(1e-6, QPointF(200, 150));
    QVERIFY(view->zoom() > 0.0 && view->zoom() <= 0.5);
    view->zoomBy(1e6, QPointF(200, 150));
    QVERIFY(view->zoom() <= 16.0);
}

void TestCompareView::theWheelZoomsAroundTheCursor()
{
    auto view = shownView();
    view->setOriginal(red(QSize(400, 250)), QSize(800, 500));
    // From 100%, so that the image overflows the widget and no axis gets re-centred.
    view->zoomToActualSize();
    QSignalSpy zoomed(view.get(), &CompareView::zoomChanged);
    const QPointF cursor(120, 90);
    const QPointF photo = photoPointAt(*view, cursor);

    for (int i = 0; i < 3; ++i) {
        QWheelEvent wheel(cursor, view->mapToGlobal(cursor), QPoint(), QPoint(0, 120), Qt::NoButton,
                          Qt::NoModifier, Qt::NoScrollPhase, false);
        QApplication::sendEvent(view.get(), &wheel);
    }
    QCOMPARE(zoomed.count(), 3);
    QVERIFY(view->zoom() > 1.5);
    const QPointF after = widgetPointOf(*view, photo);
    QVERIFY(qAbs(after.x() - cursor.x()) <= 1.0 && qAbs(after.y() - cursor.y()) <= 1.0);
}

void TestCompareView::theDividerIsUnchangedByZoomNewResultsAndResize()
{
    auto view = shownView();
    view->setOriginal(red(), {});
    view->setResult(blue());
    view->setDividerPosition(0.3);

    view->zoomBy(2.5, QPointF(50, 60));
    QCOMPARE(view->dividerPosition(), 0.3);
    view->zoomToActualSize();
    QCOMPARE(view->dividerPosition(), 0.3);
    const double zoom = view->zoom();
    const QRectF rect = view->imageRect();
    view->setResult(blue(QSize(200, 150)));
    QCOMPARE(view->dividerPosition(), 0.3);
    QCOMPARE(view->zoom(), zoom); // a new result keeps zoom and pan
    QCOMPARE(view->imageRect(), rect);
    view->zoomToFit();
    view->resize(500, 300);
    QCOMPARE(view->dividerPosition(), 0.3);

    const QImage image = rendered(*view);
    const QRectF r = view->imageRect();
    QVERIFY(isRed(image.pixel(QPointF(r.left() + 0.25 * r.width(), 250).toPoint())));
    QVERIFY(isBlue(image.pixel(QPointF(r.left() + 0.35 * r.width(), 250).toPoint())));
}

void TestCompareView::aNewPhotoClearsTheResultAndFits()
{
    auto view = shownView();
    view->setOriginal(red(), {});
    view->setResult(blue());
    view->setDividerPosition(0.6);
    view->zoomBy(3.0, QPointF(10, 10));

    view->setOriginal(red(QSize(300, 300)), {});
    QVERIFY(!view->hasResult());
    QVERIFY(view->isFitted());
    QCOMPARE(view->zoom(), 1.0);
    QCOMPARE(view->dividerPosition(), 0.6);
    // Until its result arrives, the new photo is shown whole.
    const QImage image = rendered(*view);
    QCOMPARE(count(image, isBluish), 0);
    QVERIFY(isRed(image.pixel(240, 150)));
}

void TestCompareView::resizingKeepsFitOnlyWhenFitted()
{
    auto view = shownView();
    view->setOriginal(red(QSize(400, 250)), QSize(800, 500));
    view->resize(600, 300);
    QTRY_COMPARE(view->zoom(), 0.6);
    QVERIFY(view->isFitted());

    view->zoomBy(2.0, QPointF(300, 150));
    const double zoom = view->zoom();
    view->resize(700, 400);
    QTRY_COMPARE(view->size(), QSize(700, 400));
    QCOMPARE(view->zoom(), zoom);
    QVERIFY(!view->isFitted());
}

void TestCompareView::draggingAZoomedInImagePansIt()
{
    auto view = shownView();
    view->setOriginal(red(QSize(400, 250)), QSize(800, 500));
    view->setResult(blue(QSize(400, 250)));
    view->zoomToActualSize();
    const QRectF before = view->imageRect();
    QCOMPARE(before.topLeft(), QPointF(-200, -100));

    drag(*view, QPointF(300, 200), QPointF(250, 180));
    QCOMPARE(view->imageRect().topLeft(), before.topLeft() + QPointF(-50, -20));
    QCOMPARE(view->dividerPosition(), 0.5);

    // Panning stops at the image's edges.
    drag(*view, QPointF(10, 10), QPointF(390, 290));
    QCOMPARE(view->imageRect().topLeft(), QPointF(0, 0));
}

void TestCompareView::doubleClickTogglesFitAndActualSize()
{
    auto view = shownView();
    view->setOriginal(red(QSize(400, 250)), QSize(800, 500));
    view->setResult(blue(QSize(400, 250)));
    const QPointF point(100, 120);
    const QPointF photo = photoPointAt(*view, point);

    QTest::mouseDClick(view.get(), Qt::LeftButton, {}, point.toPoint());
    QCOMPARE(view->zoom(), 1.0);
    const QPointF after = widgetPointOf(*view, photo);
    QVERIFY(qAbs(after.x() - point.x()) <= 1.0 && qAbs(after.y() - point.y()) <= 1.0);

    QTest::mouseDClick(view.get(), Qt::LeftButton, {}, point.toPoint());
    QVERIFY(view->isFitted());
    QCOMPARE(view->zoom(), 0.5);
    QCOMPARE(view->dividerPosition(), 0.5);
}

void TestCompareView::clearShowsThePlaceholder()
{
    auto view = shownView();
    view->setPlaceholderText(QStringLiteral("Drop photos here"));
    view->setOriginal(red(), {});
    view->setResult(blue());
    view->clear();
    QVERIFY(!view->hasOriginal());
    QVERIFY(!view->hasResult());
    QVERIFY(view->imageRect().isEmpty());

    const QImage image = rendered(*view);
    QCOMPARE(count(image, isReddish), 0);
    QCOMPARE(count(image, isBluish), 0);
    // Something (the text) is drawn on the window colour.
    const QRgb window = view->palette().color(QPalette::Window).rgb();
    int inked = 0;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x)
            inked += image.pixel(x, y) != window ? 1 : 0;
    QVERIFY(inked > 100);
}

// What PhotoSession hands the view is made on a pool thread in the formats the view blends, so
// taking it costs the UI thread no conversion; the colours are those of the BGR(A) pixels.
void TestCompareView::displayImagesComeInTheViewsFormatsWithTheSameColours()
{
    cv::Mat bgr(3, 5, CV_8UC3, cv::Scalar(10, 20, 30)); // B, G, R
    bgr.at<cv::Vec3b>(1, 2) = cv::Vec3b(255, 0, 128);
    const QImage opaque = clearcut::ui::toDisplayImage(bgr);
    QCOMPARE(opaque.format(), QImage::Format_RGB32);
    QCOMPARE(opaque.size(), QSize(5, 3));
    QCOMPARE(opaque.pixelColor(0, 0), QColor(30, 20, 10));
    QCOMPARE(opaque.pixelColor(2, 1), QColor(128, 0, 255));
    QCOMPARE(opaque.convertToFormat(QImage::Format_RGB32), opaque); // nothing left to convert

    cv::Mat bgra(2, 2, CV_8UC4, cv::Scalar(0, 0, 255, 255)); // opaque red
    bgra.at<cv::Vec4b>(0, 1) = cv::Vec4b(255, 0, 0, 0);      // transparent
    bgra.at<cv::Vec4b>(1, 0) = cv::Vec4b(0, 255, 0, 128);    // half-transparent green
    const QImage cutOut = clearcut::ui::toDisplayImage(bgra);
    QCOMPARE(cutOut.format(), QImage::Format_ARGB32_Premultiplied);
    QCOMPARE(cutOut.pixelColor(0, 0), QColor(255, 0, 0, 255));
    QCOMPARE(cutOut.pixelColor(1, 0).alpha(), 0);
    QCOMPARE(cutOut.pixelColor(0, 1).alpha(), 128);
    QVERIFY(std::abs(cutOut.pixelColor(0, 1).green() - 255) <= 1);
    QCOMPARE(cutOut.pixelColor(0, 1).red(), 0);
    QCOMPARE(cutOut.pixelColor(0, 1).blue(), 0);
}

void TestCompareView::theCropFrameDimsWhatTheCropLeavesOutOnTheResultSideOnly()
{
    auto view = shownView(); // the 800 x 600 image fills the 400 x 300 view, the divider at 200
    view->setOriginal(red(), {});
    view->setResult(blue());
    QVERIFY(view->cropFrame().isNull());
    // In the result's pixels: (250, 50) to (350, 200) in the view.
    view->setCropFrame(QRectF(500, 100, 200, 300));
    const auto isDimBlue = [](QRgb c) {
        return qBlue(c) > 60 && qBlue(c) < 160 && qRed(c) < 40 && qGreen(c) < 40;
    };

    QImage image = rendered(*view);
    QVERIFY(isBlue(image.pixel(300, 120)));     // kept
    QVERIFY(!isBlue(image.pixel(380, 280)));    // left out: dimmed
    QVERIFY(isDimBlue(image.pixel(380, 280)));  // ... but still the result
    QVERIFY(!isBlue(image.pixel(300, 230)));    // below the frame
    QVERIFY(isRed(image.pixel(100, 280)));      // the original is never dimmed
    QVERIFY(qRed(image.pixel(250, 120)) > 150); // the outline, light
    QVERIFY(isBlue(image.pixel(253, 120)));

    view->setMode(CompareView::Mode::ResultOnly);
    image = rendered(*view);
    QVERIFY(!isBlue(image.pixel(100, 280)));
    QVERIFY(isBlue(image.pixel(300, 120)));
    view->setMode(CompareView::Mode::Split);

    // A new result keeps it (the caller sets both); a quick half-size one gives it in its pixels.
    view->setResult(blue(QSize(400, 300)));
    view->setCropFrame(QRectF(250, 50, 100, 150));
    image = rendered(*view);
    QVERIFY(isBlue(image.pixel(300, 120)));
    QVERIFY(!isBlue(image.pixel(380, 280)));

    view->setCropFrame(QRectF());
    QVERIFY(isBlue(rendered(*view).pixel(380, 280)));

    // A new photo has none.
    view->setCropFrame(QRectF(500, 100, 200, 300));
    view->setOriginal(red(), {});
    QVERIFY(view->cropFrame().isNull());
}

// While a stroke is dragged, the result shown is painted where the brush passes: with what the
// result is where the mask is 0 (Erase) or 255 (Restore), so the preview is the result to come.
void TestCompareView::aStrokeIsPreviewedByPaintingTheBrushLayersIntoTheResult()
{
    auto view = shownView(); // a 800 x 600 display copy of a 1600 x 1200 photo, at fit
    view->setOriginal(red(), QSize(1600, 1200));
    view->setResult(filled(QSize(800, 600), Qt::blue, QImage::Format_ARGB32_Premultiplied));
    view->setBrushLayers(filled(QSize(800, 600), Qt::transparent, QImage::Format_ARGB32),
                         filled(QSize(800, 600), Qt::green));
    view->setMode(CompareView::Mode::ResultOnly);
    int strokes = 0;
    connect(view.get(), &CompareView::strokePainted, this, [&] { ++strokes; });

    // Across the middle, 40 photo pixels wide either side: 20 in the display copy.
    view->setBrush(brushOf(clearcut::Stroke::Mode::Erase, 40));
    paintStroke(*view, line({400, 600}, {1200, 600}));
    QCOMPARE(strokes, 1);
    QImage result = view->resultImage();
    QCOMPARE(result.size(), QSize(800, 600));
    for (const QPoint p : {QPoint(200, 300), QPoint(400, 300), QPoint(600, 300), QPoint(400, 285),
                           QPoint(400, 315), QPoint(190, 300)})
        QVERIFY2(qAlpha(result.pixel(p)) == 0, qPrintable(QString("%1,%2").arg(p.x()).arg(p.y())));
    for (const QPoint p : {QPoint(400, 270), QPoint(400, 330), QPoint(170, 300), QPoint(630, 300),
                           QPoint(100, 100), QPoint(700, 500)})
        QVERIFY2(result.pixel(p) == qRgb(0, 0, 255),
                 qPrintable(QString("%1,%2").arg(p.x()).arg(p.y())));
    // On screen: the checkerboard where it erased, blue elsewhere.
    QImage image = rendered(*view);
    QVERIFY(!isBluish(image.pixel(200, 150)));
    QVERIFY(isBlue(image.pixel(200, 60)));

    // Restore, down the middle: the subject's colours, also where it had erased.
    view->setBrush(brushOf(clearcut::Stroke::Mode::Restore, 40));
    paintStroke(*view, line({800, 200}, {800, 1000}));
    QCOMPARE(strokes, 2);
    result = view->resultImage();
    for (const QPoint p : {QPoint(400, 100), QPoint(400, 300), QPoint(385, 300), QPoint(400, 500)})
        QVERIFY2(isGreen(result.pixel(p)), qPrintable(QString("%1,%2").arg(p.x()).arg(p.y())));
    QCOMPARE(qAlpha(result.pixel(300, 300)), 0);      // erased, not restored
    QCOMPARE(result.pixel(400, 60), qRgb(0, 0, 255)); // past the stroke's end
    image = rendered(*view);
    QVERIFY(isGreen(image.pixel(200, 150)));
    QVERIFY(isBlue(image.pixel(200, 20)));
}

// Zoomed far out, the view draws a half-size copy of the result: the preview is painted there too.
void TestCompareView::thePreviewShowsWhenZoomedOutToAHalfSizeCopy()
{
    auto view = shownView();
    view->setOriginal(red(), QSize(1600, 1200));
    view->setResult(filled(QSize(800, 600), Qt::blue, QImage::Format_ARGB32_Premultiplied));
    view->setBrushLayers(filled(QSize(800, 600), Qt::transparent, QImage::Format_ARGB32),
                         filled(QSize(800, 600), Qt::green));
    view->setMode(CompareView::Mode::ResultOnly);
    view->zoomBy(1.0 / 8.0, QPointF(200, 150)); // 1/4 of fit: the image is 100 x 75 on screen
    QCOMPARE(view->imageRect().size(), QSizeF(100, 75));
    const QPointF middle = view->toWidget({800, 600});
    QVERIFY(isBlue(rendered(*view).pixel(middle.toPoint()))); // builds the half-size copies

    view->setBrush(brushOf(clearcut::Stroke::Mode::Restore, 120));
    paintStroke(*view, line({200, 600}, {1400, 600}));
    QImage image = rendered(*view);
    for (const double x : {400.0, 800.0, 1200.0})
        QVERIFY(isGreen(image.pixel(view->toWidget({x, 600}).toPoint())));
    QVERIFY(isBlue(image.pixel(view->toWidget({800, 200}).toPoint())));

    // And back at fit, the display copy has it.
    view->zoomToFit();
    image = rendered(*view);
    QVERIFY(isGreen(image.pixel(view->toWidget({800, 600}).toPoint())));
    QVERIFY(isBlue(image.pixel(view->toWidget({800, 200}).toPoint())));
}

void TestCompareView::withoutBrushLayersThePreviewIsATranslucentStroke()
{
    auto view = shownView();
    view->setOriginal(red(), QSize(1600, 1200));
    view->setResult(filled(QSize(800, 600), QColor(0, 0, 160)));
    view->setMode(CompareView::Mode::ResultOnly);
    view->setBrush(brushOf(clearcut::Stroke::Mode::Erase, 40));
    paintStroke(*view, line({400, 600}, {1200, 600}, 20));
    QImage result = view->resultImage();
    const QRgb darkened = result.pixel(400, 300);
    QVERIFY(qBlue(darkened) < 120);
    // Evenly along the stroke: the pieces' round ends are not darkened twice.
    for (int x = 210; x <= 590; x += 5)
        QVERIFY2(std::abs(qBlue(result.pixel(x, 300)) - qBlue(darkened)) <= 3,
                 qPrintable(QString::number(x)));
    QCOMPARE(result.pixel(400, 200), qRgb(0, 0, 160));

    view->setBrush(brushOf(clearcut::Stroke::Mode::Restore, 40));
    paintStroke(*view, line({400, 300}, {1200, 300}));
    result = view->resultImage();
    QVERIFY(qRed(result.pixel(400, 150)) > 100); // lightened
    QCOMPARE(result.pixel(400, 200), qRgb(0, 0, 160));
}

// A move repaints the new piece of the stroke and the brush's outline, not the whole view: its
// cost does not grow with the view or the stroke.
void TestCompareView::eachMoveOfTheBrushRepaintsOnlyASmallRectangle()
{
    auto view = shownView();
    view->setOriginal(red(), QSize(1600, 1200));
    view->setResult(filled(QSize(800, 600), Qt::blue, QImage::Format_ARGB32_Premultiplied));
    view->setBrushLayers(filled(QSize(800, 600), Qt::transparent, QImage::Format_ARGB32),
                         filled(QSize(800, 600), Qt::green));
    view->setCropFrame(QRectF(100, 100, 600, 400));
    view->setBrush(brushOf(clearcut::Stroke::Mode::Erase, 25)); // 6 widget pixels at fit
    const QImage before = rendered(*view);
    QCoreApplication::processEvents(); // whatever setting up asked for is painted now

    PaintRects paints;
    view->installEventFilter(&paints);
    // From the result's side over the divider's handle, up over the crop frame's edge and the
    // divider's line, to the "After" label (in widget pixels: the photo is 4 times larger).
    std::vector<QPointF> stroke;
    for (const auto &[from, to] : {std::pair{QPointF(260, 170), QPointF(140, 130)},
                                   std::pair{QPointF(140, 130), QPointF(150, 60)},
                                   std::pair{QPointF(150, 60), QPointF(370, 25)}}) {
        for (const QPointF &p : line(from * 4.0, to * 4.0, 10))
            if (stroke.empty() || p != stroke.back())
                stroke.push_back(p);
    }
    sendMouse(*view, QEvent::MouseButtonPress, view->toWidget(stroke.front()), Qt::LeftButton,
              Qt::LeftButton);
    QCoreApplication::processEvents();
    QCOMPARE(paints.rects.size(), size_t(1));
    const double area = double(view->width()) * view->height();
    for (std::size_t i = 1; i < stroke.size(); ++i) {
        paints.rects.clear();
        const QPointF at = view->toWidget(stroke[i]);
        sendMouse(*view, QEvent::MouseMove, at, Qt::NoButton, Qt::LeftButton);
        QCoreApplication::processEvents();
        QCOMPARE(paints.rects.size(), size_t(1));
        const QRect r = paints.rects.front();
        QVERIFY2(double(r.width()) * r.height() < area / 16.0,
                 qPrintable(QString("%1x%2").arg(r.width()).arg(r.height())));
        QVERIFY(r.contains(at.toPoint()));
    }
    paints.rects.clear();
    sendMouse(*view, QEvent::MouseButtonRelease, view->toWidget(stroke.back()), Qt::LeftButton,
              Qt::NoButton);
    QCoreApplication::processEvents();
    QVERIFY(paints.rects.empty()); // the preview stays: nothing to repaint
    view->removeEventFilter(&paints);

    // What the small repaints left on screen (the window's backing store) is what a whole
    // repaint shows: the divider, the labels and the crop frame are intact, the stroke is there.
    const auto onScreen = [&] {
        return view->screen()
            ->grabWindow(view->winId())
            .toImage()
            .convertToFormat(QImage::Format_ARGB32);
    };
    const QImage incremental = onScreen();
    before.save("/tmp/sb/before.png");
    QCOMPARE(incremental.size(), view->size());
    const QImage whole = rendered(*view);
    QCOMPARE(incremental, whole);
    QVERIFY(incremental != before);

    // Hovering, the outline follows the cursor the same way, also past the image's edge (the
    // image is letterboxed in a taller view).
    view->resize(400, 400);
    QTRY_COMPARE(view->imageRect(), QRectF(0, 50, 400, 300));
    sendMouse(*view, QEvent::MouseMove, QPointF(20, 330), Qt::NoButton, Qt::NoButton);
    QCoreApplication::processEvents();
    view->installEventFilter(&paints);
    for (int x = 40; x <= 360; x += 20) {
        paints.rects.clear();
        const QPointF at(x, x < 200 ? 330.0 : 380.0);
        sendMouse(*view, QEvent::MouseMove, at, Qt::NoButton, Qt::NoButton);
        QCoreApplication::processEvents();
        QCOMPARE(paints.rects.size(), size_t(1));
        const QRect r = paints.rects.front();
        QVERIFY2(double(r.width()) * r.height() < area / 16.0,
                 qPrintable(QString("%1x%2").arg(r.width()).arg(r.height())));
    }
    view->removeEventFilter(&paints);
    QCOMPARE(onScreen(), rendered(*view));
}

// The session composites the real result after a stroke and hands it over: it replaces the
// preview. A stroke cancelled by taking the brush away takes its preview with it.
void TestCompareView::aNewResultOrACancelledStrokeRemovesThePreview()
{
    auto view = shownView();
    view->setOriginal(red(), QSize(1600, 1200));
    const QImage blueResult =
        filled(QSize(800, 600), Qt::blue, QImage::Format_ARGB32_Premultiplied);
    view->setResult(blueResult);
    view->setBrushLayers(filled(QSize(800, 600), Qt::transparent, QImage::Format_ARGB32),
                         filled(QSize(800, 600), Qt::green));
    view->setMode(CompareView::Mode::ResultOnly);
    view->setBrush(brushOf(clearcut::Stroke::Mode::Erase, 40));
    paintStroke(*view, line({400, 600}, {1200, 600}));
    QCOMPARE(qAlpha(view->resultImage().pixel(400, 300)), 0);
    QCOMPARE(blueResult.pixel(400, 300), qRgb(0, 0, 255)); // the caller's image is its own

    view->setResult(filled(QSize(800, 600), Qt::yellow, QImage::Format_ARGB32_Premultiplied));
    QCOMPARE(view->resultImage().pixel(400, 300), qRgb(255, 255, 0));
    QCOMPARE(rendered(*view).pixel(200, 150), qRgb(255, 255, 0));

    // The layers are kept with a new result: a restore paints them.
    view->setBrush(brushOf(clearcut::Stroke::Mode::Restore, 40));
    paintStroke(*view, line({400, 600}, {1200, 600}));
    QVERIFY(isGreen(view->resultImage().pixel(400, 300)));
    view->setResult(blueResult);

    // Cancelled mid-stroke: no stroke, no preview.
    int strokes = 0;
    connect(view.get(), &CompareView::strokePainted, this, [&] { ++strokes; });
    const std::vector<QPointF> stroke = line({400, 600}, {1200, 600});
    sendMouse(*view, QEvent::MouseButtonPress, view->toWidget(stroke.front()), Qt::LeftButton,
              Qt::LeftButton);
    for (std::size_t i = 1; i < stroke.size(); ++i)
        sendMouse(*view, QEvent::MouseMove, view->toWidget(stroke[i]), Qt::NoButton,
                  Qt::LeftButton);
    QVERIFY(isGreen(view->resultImage().pixel(400, 300)));
    view->setBrush(std::nullopt);
    sendMouse(*view, QEvent::MouseButtonRelease, view->toWidget(stroke.back()), Qt::LeftButton,
              Qt::NoButton);
    QCOMPARE(strokes, 0);
    QCOMPARE(view->resultImage().pixel(400, 300), qRgb(0, 0, 255));
    QVERIFY(isBlue(rendered(*view).pixel(200, 150)));

    // A new photo drops the layers: a stroke is previewed in the translucent colours again.
    view->setOriginal(red(), QSize(1600, 1200));
    view->setResult(blueResult);
    view->setBrush(brushOf(clearcut::Stroke::Mode::Restore, 40));
    paintStroke(*view, line({400, 600}, {1200, 600}));
    const QRgb lightened = view->resultImage().pixel(400, 300);
    QVERIFY(!isGreen(lightened));
    QVERIFY(qRed(lightened) > 100 && qBlue(lightened) > 200);
}

QTEST_MAIN(TestCompareView)
#include "test_compareview.moc"
