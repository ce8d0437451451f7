#pragma once

// What an image file's header says (format, size, depth, channels, whether it was cut short),
// read from its bytes without decoding the pixels: ImageIO refuses a huge or truncated photo
// before the decoder allocates for it.

#include <QByteArray>
#include <QString>

namespace clearcut::ImageHeader {

enum class Format
{
    Unknown,
    Png,
    Jpeg,
    WebP,
    Tiff,
    Bmp,
    Gif,        // decoded by ImageIO through giflib (its first frame): OpenCV 4.6 has no reader
    Other,      // OpenCV reads it; only its size is read here (PNM, EXR, JPEG 2000 ...)
    Unsupported // recognised, but OpenCV cannot read it
};

// What the file's header says, read without decoding the pixels.
struct Header
{
    Format format = Format::Unknown;
    QString name;     // for messages: "PNG", "GIF" ...
    qint64 width = 0; // 0 = unknown
    qint64 height = 0;
    int depthBits = 0; // 0 = unknown
    int channels = 0;  // 0 = unknown
    bool truncated = false;
    // WebP only: the EXIF chunk's orientation (1-8), which OpenCV's WebP decoder does not apply;
    // 0 when there is none.
    int exifOrientation = 0;
    bool animated = false; // an animated WebP: its first frame is the photo
};

// Bounds-checked reads from the file's bytes.

// PNG, JPEG, WebP, TIFF, BMP and GIF are read in full; AVIF, HEIC/HEIF and Photoshop files are
// recognised as unsupported; PNM, Sun raster, EXR, JPEG 2000 and Radiance as Other, with their
// size.
Header read(const QByteArray &bytes);

} // namespace clearcut::ImageHeader
