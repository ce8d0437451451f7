#pragma once

// The before/after view: the original photo left of a draggable divider and the cut-out right of
// it, over a checkerboard where the cut-out is transparent. It only ever holds display-resolution
// copies (the caller scales the photo down); zoom is measured against the photo's full resolution
// so that "100%" means one photo pixel per device-independent pixel, whatever copy is on screen.

#include "engine/Strokes.h"

#include <QImage>
#include <QPainter>
#include <QPainterPath>
#include <QPixmap>
#include <QPointF>
#include <QRectF>
#include <QWidget>

#include <optional>
#include <vector>

namespace clearcut::ui {

class CompareView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CompareView)

public:
    enum class Mode
    {
        Split,
        OriginalOnly,
        ResultOnly
    };
    Q_ENUM(Mode)

    explicit CompareView(QWidget *parent = nullptr);
    ~CompareView() override;

    // While set (H held down), the original is shown whatever the mode; the mode, the zoom and the
    // divider are as they were when it is cleared.
    void setFlashOriginal(bool flash);
    bool isFlashingOriginal() const { return m_flashOriginal; }

    // A brush (radius in full-resolution photo pixels): dragging over the result paints a stroke
    // instead of panning, handed over whole on release (strokePainted). While it is dragged, each
    // move paints its new piece into the shown result (see setBrushLayers), which stays painted
    // until the next setResult() (the caller's real result for the stroke). None: dragging pans
    // and moves the divider; setting none mid-stroke cancels the stroke and its preview.
    void setBrush(const std::optional<Stroke> &brush);
    std::optional<Stroke> brush() const { return m_brush; }
    // What the result looks like where the mask is 0 (atZero: transparent for a cut-out, the
    // background colour or image, black for the mask) and where it is 255 (atFull: the subject),
    // the size of the result given to setResult(): the live preview of an Erase stroke paints
    // atZero's pixels, a Restore stroke atFull's. The caller sets them with the result;
    // setResult() keeps them, setOriginal() and clear() drop them. Without them (null images) the
    // preview is a translucent dark (Erase) or light (Restore) stroke.
    void setBrushLayers(const QImage &atZero, const QImage &atFull);
    // The result as shown: the last setResult()'s, with any stroke previewed since painted in.
    QImage resultImage() const { return m_result.image(); }
    // Widget position to full-resolution photo pixels, and back.
    QPointF toPhoto(const QPointF &widget) const;
    QPointF toWidget(const QPointF &photo) const;

    // A new photo: the result is cleared, the view zooms to fit, the divider stays where it was.
    // fullSize is the photo's real pixel size (an invalid size means "the copy is full size").
    void setOriginal(const QImage &original, const QSize &fullSize = {});
    // The same photo's (new or updated) result; zoom, pan and divider are unchanged. It may have a
    // different resolution than the original (a quick low-res preview): it always covers the same
    // area. A null image removes the result.
    void setResult(const QImage &result);
    // A sharper copy of the same photo (the preview replaced once the photo is read): zoom, pan,
    // divider and result are unchanged.
    void sharpenOriginal(const QImage &original);
    // Where the result would be cropped, in the result image's pixels (it may reach past them):
    // the result side darkens what lies outside and outlines it. A null rectangle shows none;
    // setOriginal() and clear() remove it, setResult() keeps it (the caller sets the two together).
    void setCropFrame(const QRectF &frame);
    QRectF cropFrame() const { return m_cropFrame; }
    bool hasOriginal() const;
    bool hasResult() const;
    QSize fullSize() const;

    void setPlaceholderText(const QString &text);
    QString placeholderText() const;

    Mode mode() const;
    // 0..1 across the image's width; 0.5 by default.
    double dividerPosition() const;

    // Widget (device-independent) pixels per full-resolution photo pixel.
    double zoom() const;
    double fitZoom() const;
    bool isFitted() const;
    // Zooms so that `anchorInWidget` keeps showing the same photo point; clamped to
    // [min(fit, 100%) / 4, max(fit, 1600%)].
    void zoomBy(double factor, const QPointF &anchorInWidget);
    void setZoom(double zoom, const QPointF &anchorInWidget);

    // Where the whole image is drawn, in widget coordinates (it may extend past the widget).
    QRectF imageRect() const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

public Q_SLOTS:
    // Nothing shown but the placeholder text.
    void clear();
    void setMode(clearcut::ui::CompareView::Mode mode);
    void setDividerPosition(double x);
    // The whole photo, as large as the widget allows (small photos are enlarged too); kept on
    // resize.
    void zoomToFit();
    // 100%: one full-resolution photo pixel per device-independent pixel, around the view's centre.
    void zoomToActualSize();

Q_SIGNALS:
    // Emitted whenever the position changes, by dragging or by setDividerPosition().
    void dividerMoved(double x);
    void zoomChanged(double zoom);
    // A brush stroke, in full-resolution photo pixels, with the brush's settings.
    void strokePainted(const clearcut::Stroke &stroke);

protected:
    bool event(QEvent *event) override;
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void changeEvent(QEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void leaveEvent(QEvent *event) override;

private:
    // A display copy plus lazily built half-size copies, so that zoomed-out painting samples a
    // copy close to the screen's resolution: cheap and free of aliasing.
    class Layer
    {
    public:
        void set(const QImage &image);
        const QImage &image() const { return m_image; }
        bool isNull() const { return m_image.isNull(); }
        // The smallest copy that still has at least half a pixel per device pixel at `scale`
        // (device pixels per pixel of the display copy).
        const QImage &levelFor(double scale) const;
        // Fills `shape` (in the display copy's pixels) with `brush` into the copy and every
        // half-size copy already built, so that it shows at any zoom. withAlpha: the brush may
        // paint transparency, so an opaque copy becomes one with alpha first.
        void paint(const QPainterPath &shape, const QBrush &brush, QPainter::CompositionMode mode,
                   bool withAlpha);
        // Back to the image as set, before any paint().
        void discardPaint();

    private:
        QImage m_image;
        QImage m_unpainted; // shares m_image's pixels until the first paint()
        bool m_painted = false;
        mutable std::vector<QImage> m_halves;
    };

    enum class Drag
    {
        None,
        Divider,
        Pan,
        Paint
    };
    enum class Hover
    {
        None,
        Divider,
        Image
    };

    bool isSplit() const;
    bool isPannable() const;
    double minZoom() const;
    double maxZoom() const;
    void applyZoom(double zoom, const QPointF &anchorInWidget);
    void clampCenter();
    double dividerX(const QRectF &image) const;
    QRectF visibleImageRect() const;
    QPointF handleCenter(const QRectF &visible, double x) const;
    Hover hitTest(const QPointF &pos) const;
    void setHover(Hover hover);
    void updateCursor();
    const QBrush &checkerBrush(double dpr);

    void paintPlaceholder(QPainter &painter);
    void paintLayer(QPainter &painter, const Layer &layer, const QRectF &image,
                    const QRectF &target, double dpr, bool smooth) const;
    void paintCropFrame(QPainter &painter, const QRectF &image, const QRectF &target);
    void paintDivider(QPainter &painter, const QRectF &visible, double x) const;
    void paintLabels(QPainter &painter, const QRectF &visible, double split,
                     const QRectF &dirty) const;
    void paintBrush(QPainter &painter) const;
    // The live preview of the stroke from one photo point to the next (the same point: a dot);
    // returns the widget area it changed.
    QRect previewSegment(const QPointF &fromPhoto, const QPointF &toPhoto);
    // Where the brush's outline around `at` (widget pixels) is drawn.
    QRect brushOutlineRect(const QPointF &at) const;

    Layer m_original;
    Layer m_result;
    QImage m_brushAtZero; // see setBrushLayers()
    QImage m_brushAtFull;
    QRectF m_cropFrame; // in m_result's pixels
    QSize m_fullSize;
    QString m_placeholder;
    Mode m_mode = Mode::Split;
    bool m_flashOriginal = false;
    std::optional<Stroke> m_brush;
    std::vector<QPointF> m_strokePoints; // the stroke being painted, in photo pixels
    QPointF m_brushAt;                   // the cursor, in widget pixels
    bool m_brushVisible = false;
    double m_divider = 0.5;
    double m_zoom = 1.0;
    // The full-resolution photo point shown at the widget's centre: it survives resizes and zooms.
    QPointF m_center;
    bool m_fitted = true;

    Drag m_drag = Drag::None;
    Hover m_hover = Hover::None;
    QPointF m_pressPos;
    QPointF m_pressCenter;
    double m_grabOffset = 0.0;

    QBrush m_checker;
    double m_checkerDpr = 0.0;
};

} // namespace clearcut::ui
