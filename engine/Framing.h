#pragma once

// Auto-crop and "fill frame" for product photos: the result cut down to the subject, with a
// margin, and optionally placed on a square or fixed-size canvas. Pixels only, never files.

#include <QString>

#include <opencv2/core/mat.hpp>
#include <opencv2/core/types.hpp>

#include <optional>

namespace clearcut {

// How a result is framed: cropped to the subject, and optionally placed on a canvas.
struct Framing
{
    enum class Canvas
    {
        None,
        Square,
        Size
    };

    // Past this a canvas is surely a typo (30000 x 30000 would be 900 megapixels; plan() also
    // refuses any output over Framer::kMaxPixels).
    static constexpr int kMaxCanvasSide = 30000;
    // A margin wider than the largest canvas, or ten subjects, is a typo too.
    static constexpr double kMaxMarginPixels = kMaxCanvasSide;
    static constexpr double kMaxMarginPercent = 1000;

    bool crop = false; // crop to the subject's bounding box (+ margin)
    double margin = 0; // >= 0: pixels, or percent of the subject box's longer side
    bool marginPercent = false;
    Canvas canvas = Canvas::None; // Square / Size imply cropping to the subject first
    cv::Size canvasSize;          // Canvas::Size: the output is exactly this many pixels

    // The margin takes effect only with crop: a canvas alone frames the bare subject box. That
    // keeps cropText() faithful (it is "" without crop) and matches the command line, where the
    // margin is --crop's value.
    bool isNoOp() const { return !crop && canvas == Canvas::None; }

    // CLI / settings text: crop "" (off) | "20" | "20px" | "5%" (decimals allowed, pixels are
    // rounded); canvas "" | "square" | "2000x1500". Case and surrounding spaces are ignored.
    // Returns nullopt and sets *error (naming --crop or --canvas) on bad text.
    static std::optional<Framing> parse(const QString &crop, const QString &canvas,
                                        QString *error = nullptr);
    // The inverse of parse (for settings and JSON): "" | "20px" | "5%", "" | "square" |
    // "2000x1500".
    QString cropText() const;
    QString canvasText() const;

    // Equal when they frame alike: a margin without crop, the unit of a zero margin and the
    // size of a canvas that is not Size are ignored, so a settings round trip compares equal.
    friend bool operator==(const Framing &a, const Framing &b);
    friend bool operator!=(const Framing &a, const Framing &b) { return !(a == b); }
};

namespace Framer {

// Alpha above this counts as subject. The network's mask is rarely exactly 0 away from the
// subject: faint noise and a soft halo of a few levels reach far out, and would stretch the box to
// the photo's edges. 10/255 (4%) is all but invisible in a cut-out, so a box that leaves such
// pixels out loses nothing the eye would miss.
constexpr uchar kSubjectCutoff = 10;

// The framed image may hold no more pixels than a photo ImageIO decodes by default; a framing
// past it (a huge margin on a huge photo) is refused rather than allocated.
constexpr qint64 kMaxPixels = 250'000'000;

// The bounding box of mask > cutoff; nullopt when nothing is above it (or the mask is empty or
// not CV_8UC1).
std::optional<cv::Rect> subjectBox(const cv::Mat &mask, uchar cutoff = kSubjectCutoff);

// The output rectangle in photo coordinates (it may extend outside the photo, where apply()
// pads) and the output size (source's size, except for Canvas::Size).
struct Plan
{
    cv::Rect source;
    cv::Size output;
};

// mask: CV_8UC1 of size `photo`. A no-op framing plans the whole photo. Returns nullopt and sets
// *error when the mask has no subject, the inputs or the framing are invalid, or the result would
// be larger than kMaxPixels.
std::optional<Plan> plan(const cv::Size &photo, const cv::Mat &mask, const Framing &framing,
                         QString *error = nullptr);

struct Framed
{
    cv::Mat photo;
    cv::Mat mask;
    QString error; // set => both empty
};

// photoBgr CV_8UC3 and mask CV_8UC1 of the same size; returns them cropped, padded and scaled as
// plan() says. Outside the photo the mask is 0 (transparent) and the photo repeats its edge
// pixels, so a blurred or overlay output made from it still looks natural. A no-op returns the
// inputs themselves, and a crop that needs no padding or scaling returns views into them (no
// copy): clone before writing into the result.
Framed apply(const cv::Mat &photoBgr, const cv::Mat &mask, const Framing &framing);

} // namespace Framer
} // namespace clearcut
