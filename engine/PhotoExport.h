#pragma once

// The one way a result reaches a file. A photo is a document (source file, pixels when they are
// held, the mask the network made, the adjustments); exporting it decodes the photo when its
// pixels are not held, makes the full-resolution mask, adjusts it, composites, encodes and writes
// atomically. The window's Save, its drag-out file and the batch all come here, so the same photo
// and settings give the same bytes. ImageIO reads and writes files, Compositor composes pixels;
// this is the one place that uses both.

#include "Framing.h"
#include "ImageIO.h"
#include "MaskRefiner.h"
#include "OutputType.h"
#include "Strokes.h"

#include <QString>

#include <opencv2/core/mat.hpp>

#include <atomic>
#include <memory>

namespace clearcut {

// What the user adjusts: how a photo's result looks, apart from the photo itself.
struct Adjustments
{
    OutputType type;
    MaskAdjust adjust;
    Framing framing;

    friend bool operator==(const Adjustments &a, const Adjustments &b)
    {
        return a.type == b.type && a.adjust == b.adjust && a.framing == b.framing;
    }
    friend bool operator!=(const Adjustments &a, const Adjustments &b) { return !(a == b); }
};

struct PhotoDocument
{
    QString sourcePath;                    // empty for a pasted image (then `pixels` is set)
    std::shared_ptr<const cv::Mat> pixels; // full-resolution BGR when held; else read from source
    cv::Mat lowResMask;                    // MaskRefiner::quantized(network output), CV_8UC1
    Adjustments adjustments;
    std::vector<Stroke> strokes; // painted over the adjusted mask, in full-resolution pixels
    // The mask all of the above makes at full resolution, strokes painted, when the caller already
    // has it (the window keeps its current photo's, StrokedMask): an export at the photo's size
    // then skips making it again. It must be what MaskRefiner::finished makes from this document.
    std::shared_ptr<const cv::Mat> finishedMask;
};

// A background image (OutputType::Kind::BackgroundImage) decoded once, for every photo and every
// re-composite that uses it.
struct LoadedBackground
{
    QString path;
    std::shared_ptr<const cv::Mat> bgr; // null when there is nothing to load or it failed
    QString error;                      // "background image <path>: <reason>"
};

namespace PhotoExport {

// Decodes type's background image; for the other kinds returns an empty LoadedBackground.
LoadedBackground loadBackground(const OutputType &type);

struct Job
{
    PhotoDocument document;
    cv::Mat background;    // the decoded background for BackgroundImage (loadBackground)
    int resizeLongest = 0; // 0: the photo's size; else the longest side (never enlarged)
    ImageIO::EncodeOptions encode;
    QString output;
};

// The result at full resolution (or resizeLongest), framed as the adjustments say: CV_8UC4 for a
// cut-out, CV_8UC1 for the mask, else CV_8UC3. Empty with *error set on failure (the photo cannot
// be read, no background). decodeMs: set to the time spent reading the photo (0 when its pixels
// were held).
cv::Mat render(const Job &job, QString *error = nullptr, double *decodeMs = nullptr);

// render(), flattened onto white when the format has no alpha, encoded as job.encode says: the
// bytes write() would put in job.output (an HTTP answer). Empty with *error set on failure.
QByteArray encoded(const Job &job, QString *error = nullptr);

struct Outcome
{
    QString error;        // names the file and the reason
    bool dropped = false; // cancelled before the write began: nothing was written
    double decodeMs = 0;
    double postMs = 0; // mask, adjustments, resize and composite
    double encodeMs = 0;
};

// render(), flattened onto white when the format has no alpha, then ImageIO::writeImageAtomic:
// the output folder is created when missing; a failure leaves no file behind. cancel, when given,
// is checked before the work starts and just before the write.
Outcome write(const Job &job, const std::atomic_bool *cancel = nullptr);

} // namespace PhotoExport
} // namespace clearcut
