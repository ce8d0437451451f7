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
    Other,      // something OpenCV reads that we do not inspect (PNM, EXR, JPEG 2000 ...)
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
};

// Bounds-checked reads from the file's bytes.

// PNG, JPEG, WebP, TIFF and BMP are read in full; GIF, AVIF, HEIC/HEIF and Photoshop files are
// recognised as unsupported; PNM, EXR, JPEG 2000 and Radiance as Other.
Header read(const QByteArray &bytes);

} // namespace clearcut::ImageHeader
