#include "CompareView.h"

#include <QFontMetricsF>
#include <QMouseEvent>
#include <QNativeGestureEvent>
#include <QPainter>
#include <QPainterPath>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace clearcut::ui {

namespace {

constexpr double kHandleRadius = 18.0;
// How far from the divider line a press still grabs it.
constexpr double kGrabDistance = 6.0;
constexpr int kCheckerCell = 8;
constexpr double kMaxZoom = 16.0;
// One wheel notch (120) zooms by 2^(1/4) ≈ 1.19.
constexpr double kWheelStepsPerDoubling = 480.0;

double snapToDevicePixel(double x, double dpr)
{
    return std::round(x * dpr) / dpr;
}

QColor grey(int level)
{
    level = std::clamp(level, 0, 255);
    return QColor(level, level, level);
}

} // namespace

void CompareView::Layer::set(const QImage &image)
{
    m_halves.clear();
    m_unpainted = QImage();
    m_painted = false;
    if (image.isNull()) {
        m_image = QImage();
        return;
    }
    // Premultiplied ARGB32 / RGB32 are the formats the raster engine blends fastest and the ones
    // the half-size copies average correctly.
    m_image = image.convertToFormat(image.hasAlphaChannel() ? QImage::Format_ARGB32_Premultiplied
                                                            : QImage::Format_RGB32);
    if (m_image.devicePixelRatio() != 1.0)
        m_image.setDevicePixelRatio(1.0);
}

const QImage &CompareView::Layer::levelFor(double scale) const
{
    const QImage *level = &m_image;
    std::size_t index = 0;
    while (scale < 0.5 && level->width() > 64 && level->height() > 64) {
        if (index == m_halves.size()) {
            QImage half = level->scaled(level->width() / 2, level->height() / 2,
                                        Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
            m_halves.push_back(std::move(half));
        }
        level = &m_halves[index];
        ++index;
        scale *= 2.0;
    }
    return *level;
}

void CompareView::Layer::paint(const QPainterPath &shape, const QBrush &brush,
                               QPainter::CompositionMode mode, bool withAlpha)
{
    if (m_image.isNull())
        return;
    if (!m_painted) {
        // Kept (for free: shared until the painter detaches m_image) so that a cancelled stroke
        // can be taken back.
        m_unpainted = m_image;
        m_painted = true;
    }
    if (withAlpha && !m_image.hasAlphaChannel()) {
        m_image = m_image.convertToFormat(QImage::Format_ARGB32_Premultiplied);
        m_halves.clear(); // rebuilt from the new copy when needed
    }
    const auto fill = [&](QImage &target, bool scaled) {
        QPainter painter(&target);
        painter.setRenderHint(QPainter::Antialiasing);
        painter.setRenderHint(QPainter::SmoothPixmapTransform, scaled);
        painter.setCompositionMode(mode);
        if (scaled)
            painter.scale(double(target.width()) / m_image.width(),
                          double(target.height()) / m_image.height());
        painter.fillPath(shape, brush);
    };
    fill(m_image, false);
    for (QImage &half : m_halves)
        fill(half, true);
}

void CompareView::Layer::discardPaint()
{
    if (!m_painted)
        return;
    m_image = m_unpainted;
    m_unpainted = QImage();
    m_painted = false;
    m_halves.clear();
}

CompareView::CompareView(QWidget *parent) : QWidget(parent), m_placeholder(tr("Drop photos here"))
{
    setMouseTracking(true);
    setAttribute(Qt::WA_OpaquePaintEvent);
    setAttribute(Qt::WA_AcceptTouchEvents, false);
    setFocusPolicy(Qt::ClickFocus);
}

CompareView::~CompareView() = default;

void CompareView::setOriginal(const QImage &original, const QSize &fullSize)
{
    if (original.isNull()) {
        clear();
        return;
    }
    m_original.set(original);
    m_result.set({});
    m_brushAtZero = QImage();
    m_brushAtFull = QImage();
    m_cropFrame = QRectF();
    m_fullSize = fullSize.isEmpty() ? original.size() : fullSize;
    m_drag = Drag::None;
    zoomToFit();
    updateCursor();
}

void CompareView::sharpenOriginal(const QImage &original)
{
    if (original.isNull() || !hasOriginal())
        return setOriginal(original, m_fullSize);
    m_original.set(original);
    update();
}

void CompareView::setResult(const QImage &result)
{
    m_result.set(result);
    update();
}

void CompareView::setBrushLayers(const QImage &atZero, const QImage &atFull)
{
    // In the formats the raster engine reads fastest as a texture.
    const auto prepared = [](const QImage &image) {
        if (image.isNull())
            return QImage();
        return image.convertToFormat(image.hasAlphaChannel() ? QImage::Format_ARGB32_Premultiplied
                                                             : QImage::Format_RGB32);
    };
    m_brushAtZero = prepared(atZero);
    m_brushAtFull = prepared(atFull);
}

void CompareView::setCropFrame(const QRectF &frame)
{
    if (frame == m_cropFrame)
        return;
    m_cropFrame = frame;
    update();
}

void CompareView::clear()
{
    m_original.set({});
    m_result.set({});
    m_brushAtZero = QImage();
    m_brushAtFull = QImage();
    m_cropFrame = QRectF();
    m_fullSize = {};
    m_drag = Drag::None;
    m_hover = Hover::None;
    m_fitted = true;
    updateCursor();
    update();
}

bool CompareView::hasOriginal() const
{
    return !m_original.isNull();
}

bool CompareView::hasResult() const
{
    return hasOriginal() && !m_result.isNull();
}

QSize CompareView::fullSize() const
{
    return m_fullSize;
}

void CompareView::setPlaceholderText(const QString &text)
{
    m_placeholder = text;
    if (!hasOriginal())
        update();
}

QString CompareView::placeholderText() const
{
    return m_placeholder;
}

void CompareView::setMode(Mode mode)
{
    if (mode == m_mode)
        return;
    m_mode = mode;
    if (m_drag == Drag::Divider)
        m_drag = Drag::None;
    updateCursor();
    update();
}

CompareView::Mode CompareView::mode() const
{
    return m_mode;
}

double CompareView::dividerPosition() const
{
    return m_divider;
}

void CompareView::setDividerPosition(double x)
{
    if (!std::isfinite(x))
        return;
    x = std::clamp(x, 0.0, 1.0);
    if (x == m_divider)
        return;
    m_divider = x;
    if (isSplit())
        update();
    Q_EMIT dividerMoved(m_divider);
}

double CompareView::zoom() const
{
    return m_zoom;
}

double CompareView::fitZoom() const
{
    if (m_fullSize.isEmpty() || width() <= 0 || height() <= 0)
        return 1.0;
    return std::min(double(width()) / m_fullSize.width(), double(height()) / m_fullSize.height());
}

bool CompareView::isFitted() const
{
    return m_fitted;
}

void CompareView::zoomToFit()
{
    m_fitted = true;
    const double previous = m_zoom;
    m_zoom = fitZoom();
    m_center = QPointF(m_fullSize.width() / 2.0, m_fullSize.height() / 2.0);
    update();
    if (m_zoom != previous)
        Q_EMIT zoomChanged(m_zoom);
}

void CompareView::zoomToActualSize()
{
    setZoom(1.0, QPointF(width() / 2.0, height() / 2.0));
}

void CompareView::zoomBy(double factor, const QPointF &anchorInWidget)
{
    if (factor > 0.0)
        setZoom(m_zoom * factor, anchorInWidget);
}

void CompareView::setZoom(double zoom, const QPointF &anchorInWidget)
{
    if (!hasOriginal())
        return;
    m_fitted = false;
    applyZoom(zoom, anchorInWidget);
}

QRectF CompareView::imageRect() const
{
    if (!hasOriginal())
        return {};
    const QPointF topLeft = QPointF(width() / 2.0, height() / 2.0) - m_center * m_zoom;
    // Whole device pixels keep 1:1 drawing crisp and let the two halves meet without a seam.
    const double dpr = devicePixelRatioF();
    return QRectF(QPointF(snapToDevicePixel(topLeft.x(), dpr), snapToDevicePixel(topLeft.y(), dpr)),
                  QSizeF(m_fullSize) * m_zoom);
}

QSize CompareView::sizeHint() const
{
    return QSize(800, 600);
}

QSize CompareView::minimumSizeHint() const
{
    return QSize(160, 120);
}

bool CompareView::isSplit() const
{
    return hasResult() && m_mode == Mode::Split && !m_flashOriginal;
}

void CompareView::setBrush(const std::optional<Stroke> &brush)
{
    m_brush = brush;
    if (!m_brush && m_drag == Drag::Paint) {
        m_drag = Drag::None;
        m_strokePoints.clear();
        // Nothing will replace the preview: take it back (with that of a stroke just released
        // whose result is on its way, a flicker at most, rather than copying the result at every
        // press).
        m_result.discardPaint();
    }
    updateCursor();
    update();
}

QPointF CompareView::toPhoto(const QPointF &widget) const
{
    return (widget - imageRect().topLeft()) / m_zoom;
}

QPointF CompareView::toWidget(const QPointF &photo) const
{
    return imageRect().topLeft() + photo * m_zoom;
}

QRect CompareView::previewSegment(const QPointF &fromPhoto, const QPointF &toPhoto)
{
    if (!m_brush || m_result.isNull() || m_fullSize.isEmpty())
        return {};
    // The stroke is previewed in the display copy's pixels, painted once per move: the cost of a
    // move is its piece's, whatever the stroke's length or the zoom. The preview is a hard brush
    // that ignores edges (hardness and edge-aware are not shown): the real result, composited
    // from the stroke after it is released, replaces it a moment later.
    const QImage &result = m_result.image();
    const double sx = double(result.width()) / m_fullSize.width();
    const double sy = double(result.height()) / m_fullSize.height();
    const QPointF from(fromPhoto.x() * sx, fromPhoto.y() * sy);
    const QPointF to(toPhoto.x() * sx, toPhoto.y() * sy);
    const double radius = std::max(0.5, m_brush->radius * sx);

    QPainterPath piece;
    if (from == to) {
        piece.addEllipse(to, radius, radius);
    } else {
        QPainterPathStroker stroker;
        stroker.setWidth(2.0 * radius);
        stroker.setCapStyle(Qt::RoundCap);
        QPainterPath line(from);
        line.lineTo(to);
        piece = stroker.createStroke(line);
    }

    const bool erase = m_brush->mode == Stroke::Mode::Erase;
    const QImage &layer = erase ? m_brushAtZero : m_brushAtFull;
    if (!layer.isNull()) {
        // What the result will show there: painted over, not blended, so that erasing to a
        // transparent background clears the alpha.
        QBrush texture(layer);
        if (layer.size() != result.size())
            texture.setTransform(QTransform::fromScale(double(result.width()) / layer.width(),
                                                       double(result.height()) / layer.height()));
        m_result.paint(piece, texture, QPainter::CompositionMode_Source, layer.hasAlphaChannel());
    } else {
        // Dark where it erases, light where it restores. Blended, so the piece leaves out the
        // previous piece's round end, which it would otherwise darken (or lighten) twice.
        if (from != to) {
            QPainterPath previousEnd;
            previousEnd.addEllipse(from, radius, radius);
            piece = piece.subtracted(previousEnd);
        }
        const QColor colour = erase ? QColor(20, 20, 20, 150) : QColor(255, 255, 255, 150);
        m_result.paint(piece, colour, QPainter::CompositionMode_SourceOver, false);
    }

    // In widget pixels, with room for antialiasing and for the smoothing of the scaled copy.
    const double pixel = m_zoom / sx; // widget pixels per display-copy pixel
    const double grow = radius * pixel + 2.0 * pixel + 3.0;
    const QRectF changed = QRectF(toWidget(fromPhoto), toWidget(toPhoto)).normalized();
    return changed.adjusted(-grow, -grow, grow, grow).toAlignedRect();
}

QRect CompareView::brushOutlineRect(const QPointF &at) const
{
    if (!m_brush)
        return {};
    // The outline's 3-pixel dark ring, antialiased.
    const double reach = m_brush->radius * m_zoom + 3.0;
    return QRectF(at.x() - reach, at.y() - reach, 2.0 * reach, 2.0 * reach).toAlignedRect();
}

void CompareView::paintBrush(QPainter &painter) const
{
    if (!m_brush)
        return;
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing);
    const double radius = m_brush->radius * m_zoom;
    if (m_brushVisible) {
        // The brush's outline, readable on light and dark pixels alike; the inner ring is where
        // it paints at full strength.
        painter.setBrush(Qt::NoBrush);
        painter.setPen(QPen(QColor(0, 0, 0, 160), 3.0));
        painter.drawEllipse(m_brushAt, radius, radius);
        painter.setPen(QPen(QColor(255, 255, 255, 230), 1.0));
        painter.drawEllipse(m_brushAt, radius, radius);
        const double hard = radius * std::clamp(m_brush->hardness, 0.0, 1.0);
        if (hard > 2.0 && hard < radius - 2.0) {
            painter.setPen(QPen(QColor(255, 255, 255, 120), 1.0, Qt::DotLine));
            painter.drawEllipse(m_brushAt, hard, hard);
        }
    }
    painter.restore();
}

void CompareView::setFlashOriginal(bool flash)
{
    if (flash == m_flashOriginal)
        return;
    m_flashOriginal = flash;
    update();
}

bool CompareView::isPannable() const
{
    const QRectF image = imageRect();
    return image.width() > width() + 0.5 || image.height() > height() + 0.5;
}

double CompareView::minZoom() const
{
    return std::min(fitZoom(), 1.0) / 4.0;
}

double CompareView::maxZoom() const
{
    return std::max(fitZoom(), kMaxZoom);
}

void CompareView::applyZoom(double zoom, const QPointF &anchorInWidget)
{
    zoom = std::clamp(zoom, minZoom(), maxZoom());
    const QPointF photoPoint = (anchorInWidget - imageRect().topLeft()) / m_zoom;
    const double previous = m_zoom;
    m_zoom = zoom;
    m_center = photoPoint + (QPointF(width() / 2.0, height() / 2.0) - anchorInWidget) / m_zoom;
    clampCenter();
    update();
    if (m_zoom != previous)
        Q_EMIT zoomChanged(m_zoom);
}

void CompareView::clampCenter()
{
    // An axis smaller than the widget is centred; a larger one never shows empty space.
    const auto clampAxis = [this](double center, double full, double view) {
        if (full * m_zoom <= view)
            return full / 2.0;
        const double half = view / 2.0 / m_zoom;
        return std::clamp(center, half, full - half);
    };
    m_center = QPointF(clampAxis(m_center.x(), m_fullSize.width(), width()),
                       clampAxis(m_center.y(), m_fullSize.height(), height()));
}

double CompareView::dividerX(const QRectF &image) const
{
    return snapToDevicePixel(image.left() + m_divider * image.width(), devicePixelRatioF());
}

QRectF CompareView::visibleImageRect() const
{
    return imageRect() & QRectF(rect());
}

QPointF CompareView::handleCenter(const QRectF &visible, double x) const
{
    // The middle of what is on screen, so the handle stays reachable when zoomed in.
    return QPointF(x, visible.center().y());
}

CompareView::Hover CompareView::hitTest(const QPointF &pos) const
{
    if (!hasOriginal())
        return Hover::None;
    const QRectF visible = visibleImageRect();
    if (isSplit()) {
        const double x = dividerX(imageRect());
        if (x >= visible.left() - 1.0 && x <= visible.right() + 1.0) {
            const QPointF center = handleCenter(visible, x);
            const QPointF d = pos - center;
            const double reach = kHandleRadius + 3.0;
            if (d.x() * d.x() + d.y() * d.y() <= reach * reach)
                return Hover::Divider;
            if (std::abs(pos.x() - x) <= kGrabDistance && pos.y() >= visible.top() &&
                pos.y() <= visible.bottom())
                return Hover::Divider;
        }
    }
    return visible.contains(pos) ? Hover::Image : Hover::None;
}

void CompareView::setHover(Hover hover)
{
    if (hover == m_hover)
        return;
    const bool handleChanged = (hover == Hover::Divider) != (m_hover == Hover::Divider);
    m_hover = hover;
    if (handleChanged)
        update();
}

void CompareView::updateCursor()
{
    if (m_drag == Drag::Divider || (m_drag == Drag::None && m_hover == Hover::Divider))
        setCursor(Qt::SplitHCursor);
    else if (m_drag == Drag::Pan)
        setCursor(Qt::ClosedHandCursor);
    else if (m_brush && hasResult())
        setCursor(Qt::CrossCursor); // the brush's outline is drawn around it
    else if (m_hover == Hover::Image && isPannable())
        setCursor(Qt::OpenHandCursor);
    else
        unsetCursor();
}

const QBrush &CompareView::checkerBrush(double dpr)
{
    if (dpr != m_checkerDpr) {
        // Two greys just off the window colour: visible as "transparent" without shouting, in
        // light and dark palettes alike.
        const int window = palette().color(QPalette::Window).lightness();
        const bool dark = window < 128;
        const QColor light = grey(dark ? window + 30 : window + 14);
        const QColor mid = grey(dark ? window + 14 : window - 26);
        // Built in device pixels so the squares stay sharp on high-DPI screens.
        QPixmap tile(QSize(2 * kCheckerCell, 2 * kCheckerCell) * dpr);
        tile.setDevicePixelRatio(dpr);
        tile.fill(light);
        QPainter painter(&tile);
        painter.fillRect(QRectF(kCheckerCell, 0, kCheckerCell, kCheckerCell), mid);
        painter.fillRect(QRectF(0, kCheckerCell, kCheckerCell, kCheckerCell), mid);
        painter.end();
        m_checker = QBrush(tile);
        m_checkerDpr = dpr;
    }
    return m_checker;
}

bool CompareView::event(QEvent *event)
{
    if (event->type() == QEvent::NativeGesture) {
        const auto *gesture = static_cast<QNativeGestureEvent *>(event);
        if (gesture->gestureType() == Qt::ZoomNativeGesture && hasOriginal()) {
            zoomBy(1.0 + gesture->value(), gesture->position());
            return true;
        }
    }
    return QWidget::event(event);
}

void CompareView::paintEvent(QPaintEvent *event)
{
    QPainter painter(this);
    painter.fillRect(event->rect(), palette().window());
    if (!hasOriginal()) {
        paintPlaceholder(painter);
        return;
    }
    const QRectF image = imageRect();
    const QRectF visible = image & QRectF(rect());
    // A small repaint (the brush's) may lie partly or wholly past the image: the crop frame's
    // padding and the brush's outline are drawn there too.
    const QRectF exposed = QRectF(event->rect());
    const QRectF dirty = visible & exposed;
    const double dpr = painter.device()->devicePixelRatioF();

    const Mode mode = m_flashOriginal ? Mode::OriginalOnly : m_mode;
    const bool showResult = hasResult() && mode != Mode::OriginalOnly;
    const bool showOriginal = !showResult || mode == Mode::Split;
    double split = showOriginal ? visible.right() : visible.left();
    if (showOriginal && showResult)
        split = std::clamp(dividerX(image), visible.left(), visible.right());

    // Smooth when the display copy is shrunk (or a small photo is enlarged to fit); crisp pixels
    // once the user zooms in past 100% of the display copy, to judge the cut-out's edge.
    const double originalScale = image.width() / m_original.image().width() * dpr;
    const bool smooth = originalScale < 0.999 || m_fitted;

    if (showOriginal && !dirty.isEmpty()) {
        QRectF left = dirty;
        left.setRight(std::min(left.right(), split));
        if (left.width() > 0.0)
            paintLayer(painter, m_original, image, left, dpr, smooth);
    }
    if (showResult) {
        QRectF right = dirty;
        right.setLeft(std::max(right.left(), split));
        if (!dirty.isEmpty() && right.width() > 0.0) {
            if (m_result.image().hasAlphaChannel()) {
                painter.setBrushOrigin(image.topLeft());
                painter.fillRect(right, checkerBrush(dpr));
            }
            paintLayer(painter, m_result, image, right, dpr, smooth);
        }
        // On the result's side of the divider, also past the image: a canvas that pads shows
        // how far it reaches.
        QRectF side = exposed;
        if (showOriginal)
            side.setLeft(std::max(side.left(), split));
        paintCropFrame(painter, image, side);
    }
    // A brush stroke repaints small rectangles: what lies wholly outside one is not drawn (the
    // painter is clipped to it anyway), whatever part of it is, is drawn whole and clipped.
    if (isSplit()) {
        const double x = dividerX(image);
        const double reach = kHandleRadius + 6.0; // the handle, its active ring and its shadow
        if (QRectF(x - reach, visible.top(), 2.0 * reach, visible.height()).intersects(exposed))
            paintDivider(painter, visible, x);
    }
    if (hasResult())
        paintLabels(painter, visible, split, exposed);
    paintBrush(painter);
}

void CompareView::paintLayer(QPainter &painter, const Layer &layer, const QRectF &image,
                             const QRectF &target, double dpr, bool smooth) const
{
    // Only the visible part of the (possibly smaller) copy is sampled, so a repaint costs what the
    // screen shows, not what the photo holds.
    const QImage &level = layer.levelFor(image.width() / layer.image().width() * dpr);
    const double sx = level.width() / image.width();
    const double sy = level.height() / image.height();
    const QRectF source((target.left() - image.left()) * sx, (target.top() - image.top()) * sy,
                        target.width() * sx, target.height() * sy);
    painter.setRenderHint(QPainter::SmoothPixmapTransform, smooth);
    painter.drawImage(target, level, source);
}

void CompareView::paintCropFrame(QPainter &painter, const QRectF &image, const QRectF &target)
{
    if (m_cropFrame.isNull() || target.width() <= 0.0)
        return;
    const double scale = image.width() / m_result.image().width();
    const QRectF frame(image.topLeft() + m_cropFrame.topLeft() * scale, m_cropFrame.size() * scale);
    painter.save();
    painter.setClipRect(target);
    QPainterPath photoArea;
    photoArea.addRect(image);
    QPainterPath frameArea;
    frameArea.addRect(frame);
    // What the crop leaves out, dimmed.
    painter.fillPath(photoArea.subtracted(frameArea), QColor(0, 0, 0, 140));
    // What the framing adds past the photo (a canvas's padding): transparent in a cut-out, so
    // the checkerboard; a light veil on the other outputs.
    const QPainterPath padding = frameArea.subtracted(photoArea);
    if (!padding.isEmpty()) {
        painter.setBrushOrigin(image.topLeft());
        const double dpr = painter.device()->devicePixelRatioF();
        if (m_result.image().hasAlphaChannel())
            painter.fillPath(padding, checkerBrush(dpr));
        else
            painter.fillPath(padding, QColor(255, 255, 255, 40));
    }
    // A light line with a dark edge, like the divider, reads on any photo.
    painter.setBrush(Qt::NoBrush);
    painter.setPen(QPen(QColor(0, 0, 0, 90), 3.0));
    painter.drawRect(frame);
    painter.setPen(QPen(QColor(255, 255, 255, 230), 1.0));
    painter.drawRect(frame);
    painter.restore();
}

void CompareView::paintDivider(QPainter &painter, const QRectF &visible, double x) const
{
    if (x < visible.left() - kHandleRadius || x > visible.right() + kHandleRadius)
        return;
    painter.save();
    // A light line with a soft dark edge reads on bright and dark photos alike.
    painter.fillRect(QRectF(x - 2.0, visible.top(), 4.0, visible.height()), QColor(0, 0, 0, 50));
    painter.fillRect(QRectF(x - 1.0, visible.top(), 2.0, visible.height()),
                     QColor(255, 255, 255, 240));

    painter.setRenderHint(QPainter::Antialiasing);
    const QPointF center = handleCenter(visible, x);
    const bool active = m_drag == Drag::Divider || m_hover == Hover::Divider;
    const double radius = active ? kHandleRadius + 1.5 : kHandleRadius;

    painter.setPen(Qt::NoPen);
    for (int i = 4; i >= 1; --i) {
        painter.setBrush(QColor(0, 0, 0, 14));
        painter.drawEllipse(center + QPointF(0.0, 1.5), radius + i, radius + i);
    }
    painter.setBrush(QColor(255, 255, 255));
    if (active)
        painter.setPen(QPen(palette().color(QPalette::Highlight), 2.0));
    else
        painter.setPen(QPen(QColor(0, 0, 0, 40), 1.0));
    painter.drawEllipse(center, radius, radius);

    // Two small arrows: "drag me sideways".
    const double size = 5.5;
    const double gap = 2.5;
    painter.setPen(Qt::NoPen);
    painter.setBrush(active ? palette().color(QPalette::Highlight) : QColor(70, 70, 70));
    const QPolygonF left({center + QPointF(-gap, -size), center + QPointF(-gap - size, 0.0),
                          center + QPointF(-gap, size)});
    const QPolygonF right({center + QPointF(gap, -size), center + QPointF(gap + size, 0.0),
                           center + QPointF(gap, size)});
    painter.drawPolygon(left);
    painter.drawPolygon(right);
    painter.restore();
}

void CompareView::paintLabels(QPainter &painter, const QRectF &visible, double split,
                              const QRectF &dirty) const
{
    const Mode mode = m_flashOriginal ? Mode::OriginalOnly : m_mode;
    QFont font = this->font();
    if (font.pointSizeF() > 0)
        font.setPointSizeF(font.pointSizeF() * 0.9);
    font.setWeight(QFont::DemiBold);
    const QFontMetricsF metrics(font);
    const double margin = 12.0;
    const double height = metrics.height() + 8.0;
    if (visible.height() < height + 2.0 * margin)
        return;

    painter.save();
    painter.setFont(font);
    painter.setRenderHint(QPainter::Antialiasing);
    const auto drawLabel = [&](const QString &text, bool atLeft, const QRectF &clip) {
        const QSizeF size(metrics.horizontalAdvance(text) + 20.0, height);
        if (visible.width() < 2.0 * (size.width() + margin))
            return;
        const QPointF topLeft =
            atLeft ? visible.topLeft() + QPointF(margin, margin)
                   : QPointF(visible.right() - margin - size.width(), visible.top() + margin);
        const QRectF box(topLeft, size);
        if (!clip.intersects(box) || !dirty.intersects(box))
            return;
        // Each label belongs to its side: the divider sweeps over it rather than under it.
        painter.setClipRect(clip);
        painter.setPen(Qt::NoPen);
        painter.setBrush(QColor(0, 0, 0, 115));
        painter.drawRoundedRect(box, height / 2.0, height / 2.0);
        painter.setPen(QColor(255, 255, 255, 235));
        painter.drawText(box, Qt::AlignCenter, text);
    };
    QRectF left = visible;
    left.setRight(split);
    QRectF right = visible;
    right.setLeft(split);
    if (mode != Mode::ResultOnly)
        drawLabel(tr("Before"), true, left);
    if (mode != Mode::OriginalOnly)
        drawLabel(tr("After"), false, right);
    painter.restore();
}

void CompareView::paintPlaceholder(QPainter &painter)
{
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing);
    QColor ink = palette().color(QPalette::Text);
    const QRectF area = QRectF(rect()).adjusted(16.0, 16.0, -16.0, -16.0);

    if (area.width() > 120.0 && area.height() > 120.0) {
        QColor frame = ink;
        frame.setAlphaF(0.22);
        QPen pen(frame, 1.5, Qt::CustomDashLine);
        pen.setDashPattern({5.0, 4.0});
        painter.setPen(pen);
        painter.setBrush(Qt::NoBrush);
        painter.drawRoundedRect(area, 14.0, 14.0);

        // A small picture glyph above the text.
        QColor glyph = ink;
        glyph.setAlphaF(0.35);
        const QRectF icon(area.center().x() - 26.0, area.center().y() - 62.0, 52.0, 40.0);
        painter.setPen(QPen(glyph, 2.0, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
        painter.drawRoundedRect(icon, 6.0, 6.0);
        painter.setBrush(glyph);
        painter.setPen(Qt::NoPen);
        painter.drawEllipse(QPointF(icon.right() - 13.0, icon.top() + 12.0), 4.0, 4.0);
        QPainterPath hills;
        hills.moveTo(icon.left() + 6.0, icon.bottom() - 6.0);
        hills.lineTo(icon.left() + 19.0, icon.top() + 17.0);
        hills.lineTo(icon.left() + 29.0, icon.bottom() - 14.0);
        hills.lineTo(icon.left() + 35.0, icon.bottom() - 20.0);
        hills.lineTo(icon.right() - 6.0, icon.bottom() - 6.0);
        hills.closeSubpath();
        painter.drawPath(hills);
    }

    QFont font = this->font();
    if (font.pointSizeF() > 0)
        font.setPointSizeF(font.pointSizeF() * 1.35);
    painter.setFont(font);
    ink.setAlphaF(0.65);
    painter.setPen(ink);
    const QRectF text(area.left() + 16.0, area.center().y() - 10.0, area.width() - 32.0,
                      area.height() / 2.0);
    painter.drawText(text, Qt::AlignHCenter | Qt::AlignTop | Qt::TextWordWrap, m_placeholder);
    painter.restore();
}

void CompareView::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    if (m_fitted) {
        zoomToFit();
    } else {
        clampCenter();
        updateCursor();
    }
}

void CompareView::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::StyleChange) {
        m_checkerDpr = 0.0; // rebuilt with the new colours on the next paint
        update();
    }
    QWidget::changeEvent(event);
}

void CompareView::mousePressEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton || !hasOriginal()) {
        QWidget::mousePressEvent(event);
        return;
    }
    const QPointF pos = event->position();
    if (m_brush && hasResult() && hitTest(pos) != Hover::Divider) {
        m_drag = Drag::Paint;
        m_strokePoints = {toPhoto(pos)};
        QRect changed = m_brushVisible ? brushOutlineRect(m_brushAt) : QRect();
        changed |= previewSegment(m_strokePoints.back(), m_strokePoints.back());
        m_brushAt = pos;
        m_brushVisible = true;
        update(changed | brushOutlineRect(m_brushAt));
    } else if (hitTest(pos) == Hover::Divider) {
        m_drag = Drag::Divider;
        // Keep the grabbed point under the cursor instead of jumping the line to it.
        m_grabOffset = pos.x() - dividerX(imageRect());
        update();
    } else if (isPannable()) {
        m_drag = Drag::Pan;
        m_pressPos = pos;
        m_pressCenter = m_center;
    }
    updateCursor();
    event->accept();
}

void CompareView::mouseMoveEvent(QMouseEvent *event)
{
    const QPointF pos = event->position();
    switch (m_drag) {
    case Drag::Divider: {
        const QRectF image = imageRect();
        if (image.width() > 0.0)
            setDividerPosition((pos.x() - m_grabOffset - image.left()) / image.width());
        break;
    }
    case Drag::Pan:
        m_center = m_pressCenter - (pos - m_pressPos) / m_zoom;
        clampCenter();
        update();
        break;
    case Drag::Paint: {
        // A point a screen pixel or more from the last: the path is as fine as the hand. Only
        // what changed is repainted: the new piece and the outline where it was and is.
        // One rectangle: the pieces overlap, and a single clip rectangle paints fastest.
        QRect changed = brushOutlineRect(m_brushAt);
        const QPointF photo = toPhoto(pos);
        if ((photo - m_strokePoints.back()).manhattanLength() * m_zoom >= 1.0) {
            changed |= previewSegment(m_strokePoints.back(), photo);
            m_strokePoints.push_back(photo);
        }
        m_brushAt = pos;
        update(changed | brushOutlineRect(m_brushAt));
        break;
    }
    case Drag::None:
        setHover(hitTest(pos));
        if (m_brush) {
            QRect changed = m_brushVisible ? brushOutlineRect(m_brushAt) : QRect();
            m_brushAt = pos;
            m_brushVisible = hasResult();
            if (m_brushVisible)
                changed |= brushOutlineRect(m_brushAt);
            update(changed);
        }
        updateCursor();
        break;
    }
    event->accept();
}

void CompareView::mouseReleaseEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton || m_drag == Drag::None) {
        QWidget::mouseReleaseEvent(event);
        return;
    }
    const bool wasDivider = m_drag == Drag::Divider;
    if (m_drag == Drag::Paint && m_brush) {
        Stroke stroke = *m_brush;
        stroke.points.clear();
        for (const QPointF &p : m_strokePoints)
            stroke.points.emplace_back(p.x(), p.y());
        m_strokePoints.clear();
        m_drag = Drag::None;
        // The preview stays in the result until the caller's next setResult().
        Q_EMIT strokePainted(stroke);
    }
    m_drag = Drag::None;
    m_hover = hitTest(event->position());
    if (wasDivider)
        update();
    updateCursor();
    event->accept();
}

void CompareView::mouseDoubleClickEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton || !hasOriginal()) {
        QWidget::mouseDoubleClickEvent(event);
        return;
    }
    const QPointF pos = event->position();
    m_drag = Drag::None;
    if (hitTest(pos) == Hover::Divider)
        setDividerPosition(0.5); // double-click on the divider re-centres it
    else if (m_fitted)
        setZoom(1.0, pos);
    else
        zoomToFit();
    m_hover = hitTest(pos);
    updateCursor();
    event->accept();
}

void CompareView::wheelEvent(QWheelEvent *event)
{
    const QPoint delta = event->angleDelta();
    const int steps = delta.y() != 0 ? delta.y() : delta.x();
    if (!hasOriginal() || steps == 0) {
        event->ignore();
        return;
    }
    zoomBy(std::pow(2.0, steps / kWheelStepsPerDoubling), event->position());
    setHover(hitTest(event->position()));
    updateCursor();
    event->accept();
}

void CompareView::leaveEvent(QEvent *event)
{
    if (m_drag == Drag::None) {
        setHover(Hover::None);
        updateCursor();
    }
    if (m_brushVisible) {
        m_brushVisible = false;
        update(brushOutlineRect(m_brushAt));
    }
    QWidget::leaveEvent(event);
}

} // namespace clearcut::ui
