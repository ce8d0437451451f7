#pragma once

// Reading photos into BGR mats and writing results without ever leaving a half-written file.

#include <QByteArray>
#include <QSize>
#include <QString>

#include <opencv2/core/mat.hpp>

#include <optional>

namespace clearcut {

struct DecodedImage
{
    cv::Mat bgr;             // CV_8UC3, EXIF orientation applied
    QSize originalSize;      // after orientation
    int sourceDepthBits = 8; // informational: bits per sample in the file
    int sourceChannels = 3;  // informational: 1 grey, 2 grey+alpha, 3 colour, 4 RGBA or CMYK
};

struct DecodeResult
{
    std::optional<DecodedImage> image;
    QString error;         // the reason, for a user ("empty file"); the caller adds the file name
    bool tooLarge = false; // the reason is the pixel limit (an HTTP server answers 413)
};

namespace ImageIO {

inline constexpr qint64 kDefaultMaxPixels = 250'000'000;

// The largest photo file read for a pixel limit (8 bytes a pixel and some; at most 2 GiB).
qint64 maxFileBytes(qint64 maxPixels);

// Reads the bytes (a regular file only, never blocking, at most maxFileBytes(); non-ASCII paths
// work everywhere), then decodeBytes().
DecodeResult decodeFile(const QString &path, qint64 maxPixels = kDefaultMaxPixels);

// 8/16-bit, grey, colour, RGBA (alpha dropped) and CMYK JPEG become 8-bit BGR. PNG, JPEG, WebP,
// TIFF and BMP are size-checked from their headers before decoding, other formats afterwards.
// A JPEG without its end marker is reported as truncated (libjpeg would silently grey-fill it).
DecodeResult decodeBytes(const QByteArray &bytes, qint64 maxPixels = kDefaultMaxPixels);

struct EncodeOptions
{
    // png, jpg/jpeg, webp, tif/tiff or bmp, any case, a leading '.' allowed
    QString format = QStringLiteral("png");
    int quality = 95;       // 0-100, JPEG and lossy WebP
    int pngCompression = 1; // 0-9
    bool webpLossless = false;
    // Spend the least CPU time in all rather than finish soonest (PNG: one thread and libdeflate
    // instead of zlib strips on all cores). A batch sets it: its other cores are busy.
    bool leastCpu = false;
};

bool isSupportedFormat(const QString &format);
bool formatSupportsAlpha(const QString &format); // png, webp, tif/tiff
// "jpeg" -> "jpg", "tiff" -> "tif"; empty for an unsupported format
QString suffixForFormat(const QString &format);

// img: CV_8UC1 grey, CV_8UC3 BGR or CV_8UC4 BGRA; BGRA only for formats with alpha (composing
// onto a colour is Compositor's job: PhotoExport flattens a cut-out saved as JPEG onto white).
// Returns empty bytes and sets *error on failure.
QByteArray encode(const cv::Mat &img, const EncodeOptions &options, QString *error = nullptr);

// Encodes img and writes it through QSaveFile (temporary file + rename), so a failure leaves
// neither a partial file nor a temporary one, and an existing file is replaced only on success.
// Returns an empty string on success, else "cannot write <path>: <reason>".
QString writeImageAtomic(const QString &path, const cv::Mat &img,
                         const EncodeOptions &options = {});

} // namespace ImageIO
} // namespace clearcut
