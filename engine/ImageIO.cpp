#include "ImageIO.h"

#include "CvError.h"
#include "FileRead.h"
#include "ImageHeader.h"
#include "PngWriter.h"

#include <QDir>
#include <QFile>
#include <QSaveFile>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <gif_lib.h>
#include <webp/demux.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <vector>

namespace clearcut::ImageIO {
namespace {

QString tooLarge(qint64 width, qint64 height, qint64 maxPixels)
{
    const QString limit =
        maxPixels >= 1'000'000
            ? QStringLiteral("%1 megapixels").arg(double(maxPixels) / 1e6, 0, 'g', 4)
            : QStringLiteral("%1 pixels").arg(maxPixels);
    return QStringLiteral("image too large: %1x%2 pixels (limit %3)")
        .arg(width)
        .arg(height)
        .arg(limit);
}

DecodeResult failure(const QString &error)
{
    return {std::nullopt, error};
}

DecodeResult tooLargeFailure(qint64 width, qint64 height, qint64 maxPixels)
{
    DecodeResult result = failure(tooLarge(width, height, maxPixels));
    result.tooLarge = true;
    return result;
}

// What EXIF orientation 2-8 asks of the stored pixels to show them upright.
cv::Mat upright(const cv::Mat &stored, int orientation)
{
    cv::Mat out;
    switch (orientation) {
    case 2:
        cv::flip(stored, out, 1);
        break;
    case 3:
        cv::rotate(stored, out, cv::ROTATE_180);
        break;
    case 4:
        cv::flip(stored, out, 0);
        break;
    case 5:
        cv::transpose(stored, out);
        break;
    case 6:
        cv::rotate(stored, out, cv::ROTATE_90_CLOCKWISE);
        break;
    case 7:
        cv::transpose(stored, out);
        cv::flip(out, out, -1);
        break;
    case 8:
        cv::rotate(stored, out, cv::ROTATE_90_COUNTERCLOCKWISE);
        break;
    default:
        out = stored;
    }
    return out;
}

// A GIF's first frame drawn on its logical screen (transparent pixels white), through giflib
// record by record, so an animation's later frames are never read; empty when it cannot be read.
cv::Mat firstGifFrame(const QByteArray &bytes, qint64 maxPixels)
{
    struct Source
    {
        const QByteArray &bytes;
        qsizetype at = 0;
    } source{bytes};
    const InputFunc read = [](GifFileType *gif, GifByteType *buffer, int n) {
        auto *s = static_cast<Source *>(gif->UserData);
        const int count = int(std::min<qsizetype>(n, s->bytes.size() - s->at));
        std::memcpy(buffer, s->bytes.constData() + s->at, size_t(std::max(count, 0)));
        s->at += std::max(count, 0);
        return std::max(count, 0);
    };
    int error = 0;
    GifFileType *gif = DGifOpen(&source, read, &error);
    if (!gif)
        return {};
    struct Closer
    {
        GifFileType *gif;
        ~Closer() { DGifCloseFile(gif, nullptr); }
    } closer{gif};
    if (gif->SWidth <= 0 || gif->SHeight <= 0 || qint64(gif->SWidth) > maxPixels / gif->SHeight)
        return {};
    cv::Mat canvas(gif->SHeight, gif->SWidth, CV_8UC3, cv::Scalar(255, 255, 255));
    int transparent = -1;
    for (GifRecordType type; DGifGetRecordType(gif, &type) == GIF_OK;) {
        if (type == TERMINATE_RECORD_TYPE)
            break;
        if (type == EXTENSION_RECORD_TYPE) {
            int code = 0;
            GifByteType *data = nullptr;
            if (DGifGetExtension(gif, &code, &data) != GIF_OK)
                return {};
            if (code == GRAPHICS_EXT_FUNC_CODE && data && data[0] >= 4 && (data[1] & 1))
                transparent = data[4];
            while (data && DGifGetExtensionNext(gif, &data) == GIF_OK) {
            }
            continue;
        }
        if (type != IMAGE_DESC_RECORD_TYPE || DGifGetImageDesc(gif) != GIF_OK)
            return {};
        const GifImageDesc &frame = gif->Image;
        const ColorMapObject *colours = frame.ColorMap ? frame.ColorMap : gif->SColorMap;
        if (!colours || frame.Width <= 0 || frame.Height <= 0 ||
            qint64(frame.Width) > maxPixels / frame.Height)
            return {};
        std::vector<GifPixelType> line(size_t(frame.Width));
        // Interlaced frames come in four passes of rows.
        const int starts[] = {0, 4, 2, 1}, steps[] = {8, 8, 4, 2};
        const int passes = frame.Interlace ? 4 : 1;
        for (int pass = 0; pass < passes; ++pass) {
            for (int y = frame.Interlace ? starts[pass] : 0; y < frame.Height;
                 y += frame.Interlace ? steps[pass] : 1) {
                if (DGifGetLine(gif, line.data(), frame.Width) != GIF_OK)
                    return {};
                const int row = frame.Top + y;
                if (row < 0 || row >= canvas.rows)
                    continue;
                auto *out = canvas.ptr<cv::Vec3b>(row);
                for (int x = 0; x < frame.Width; ++x) {
                    const int column = frame.Left + x;
                    const int index = line[size_t(x)];
                    if (column < 0 || column >= canvas.cols || index == transparent ||
                        index >= colours->ColorCount)
                        continue;
                    const GifColorType &c = colours->Colors[index];
                    out[column] = cv::Vec3b(c.Blue, c.Green, c.Red);
                }
            }
        }
        return canvas; // the first frame only
    }
    return {};
}

// An animated WebP's first frame as BGRA (libwebpdemux); empty when it cannot be read.
cv::Mat firstWebPFrame(const QByteArray &bytes)
{
    WebPData data{reinterpret_cast<const uint8_t *>(bytes.constData()), size_t(bytes.size())};
    WebPAnimDecoderOptions options;
    if (!WebPAnimDecoderOptionsInit(&options))
        return {};
    options.color_mode = MODE_BGRA;
    options.use_threads = 0;
    WebPAnimDecoder *decoder = WebPAnimDecoderNew(&data, &options);
    if (!decoder)
        return {};
    WebPAnimInfo info;
    uint8_t *pixels = nullptr;
    int timestamp = 0;
    cv::Mat frame;
    if (WebPAnimDecoderGetInfo(decoder, &info) &&
        WebPAnimDecoderGetNext(decoder, &pixels, &timestamp))
        frame = cv::Mat(int(info.canvas_height), int(info.canvas_width), CV_8UC4, pixels).clone();
    WebPAnimDecoderDelete(decoder);
    return frame;
}

QString normalisedFormat(const QString &format)
{
    QString f = format.trimmed().toLower();
    if (f.startsWith(QLatin1Char('.')))
        f.remove(0, 1);
    if (f == QLatin1String("jpeg"))
        return QStringLiteral("jpg");
    if (f == QLatin1String("tiff"))
        return QStringLiteral("tif");
    return f;
}

} // namespace

qint64 maxFileBytes(qint64 maxPixels)
{
    // 16-bit RGBA uncompressed is 8 bytes a pixel; metadata and previews ride on top. cv::Mat
    // takes int sizes, so 2 GiB is the ceiling whatever the pixel limit.
    constexpr qint64 kSlack = qint64(64) << 20;
    return std::min<qint64>(std::numeric_limits<int>::max(),
                            std::max<qint64>(0, maxPixels) * 8 + kSlack);
}

DecodeResult decodeFile(const QString &path, qint64 maxPixels)
{
    const FileRead::Result read = FileRead::regularFile(path, maxFileBytes(maxPixels));
    if (!read.ok())
        return failure(read.error);
    return decodeBytes(read.bytes, maxPixels);
}

DecodeResult decodeBytes(const QByteArray &bytes, qint64 maxPixels)
{
    if (bytes.isEmpty())
        return failure(QStringLiteral("empty file"));
    if (bytes.size() > std::numeric_limits<int>::max()) // cv::Mat's int sizes
        return failure(QStringLiteral("file too large (over 2 GiB)"));

    const ImageHeader::Header header = ImageHeader::read(bytes);
    if (header.format == ImageHeader::Format::Unsupported)
        return failure(QStringLiteral("not a supported image (%1)").arg(header.name));
    // Refuse before decoding: a small file can declare a huge canvas. (Divided, not multiplied:
    // two 32-bit sides multiply past 64 bits.)
    if (header.width > 0 && header.height > 0 && header.width > maxPixels / header.height)
        return tooLargeFailure(header.width, header.height, maxPixels);
    // A format whose size we could not read is never handed to a decoder that would allocate
    // whatever its header claims.
    if (header.format == ImageHeader::Format::Other && (header.width <= 0 || header.height <= 0))
        return failure(
            QStringLiteral("not a supported image (%1 with an unreadable size)").arg(header.name));
    if (header.truncated)
        return failure(
            QStringLiteral("truncated or corrupt %1 data (the file ends early)").arg(header.name));

    // ANYCOLOR|ANYDEPTH keeps 16-bit samples and grey, drops alpha, converts CMYK, and (unlike
    // IMREAD_UNCHANGED) lets OpenCV apply the EXIF orientation.
    cv::Mat decoded;
    try {
        const cv::Mat raw(1, int(bytes.size()), CV_8UC1, const_cast<char *>(bytes.constData()));
        if (header.format == ImageHeader::Format::Gif) {
            decoded = firstGifFrame(bytes, maxPixels);
        } else if (header.animated) {
            decoded = firstWebPFrame(bytes);
        } else {
            // An orientation OpenCV does not apply is applied below, the same for any OpenCV.
            const int ignore = header.exifOrientation > 0 ? cv::IMREAD_IGNORE_ORIENTATION : 0;
            decoded = cv::imdecode(raw, cv::IMREAD_ANYCOLOR | cv::IMREAD_ANYDEPTH | ignore);
        }
        if (header.exifOrientation > 1 && !decoded.empty())
            decoded = upright(decoded, header.exifOrientation);
    } catch (const std::exception &) {
        decoded.release(); // OpenCV throws for some malformed headers; same answer as empty
    }
    if (decoded.empty()) {
        if (header.format == ImageHeader::Format::Unknown)
            return failure(QStringLiteral("not a supported image (unrecognised data)"));
        if (header.format == ImageHeader::Format::Jpeg && header.depthBits == 12)
            return failure(QStringLiteral("not a supported image (12-bit JPEG)"));
        return failure(QStringLiteral("corrupt or truncated %1 data").arg(header.name));
    }
    if (qint64(decoded.cols) * decoded.rows > maxPixels)
        return tooLargeFailure(decoded.cols, decoded.rows, maxPixels);

    DecodedImage image;
    image.sourceDepthBits = header.depthBits > 0 ? header.depthBits : int(decoded.elemSize1() * 8);
    image.sourceChannels = header.channels > 0 ? header.channels : decoded.channels();

    cv::Mat eightBit;
    switch (decoded.depth()) {
    case CV_8U:
        eightBit = decoded;
        break;
    case CV_16U:
        decoded.convertTo(eightBit, CV_8U, 1.0 / 257.0);
        break; // 65535 -> 255 exactly
    case CV_32F:
    case CV_64F:
        decoded.convertTo(eightBit, CV_8U, 255.0);
        break; // float images are 0..1
    default:
        decoded.convertTo(eightBit, CV_8U);
        break;
    }
    switch (eightBit.channels()) {
    case 1:
        cv::cvtColor(eightBit, image.bgr, cv::COLOR_GRAY2BGR);
        break;
    case 4:
        cv::cvtColor(eightBit, image.bgr, cv::COLOR_BGRA2BGR);
        break;
    case 3:
        image.bgr = eightBit;
        break;
    default: {
        cv::Mat first;
        cv::extractChannel(eightBit, first, 0);
        cv::cvtColor(first, image.bgr, cv::COLOR_GRAY2BGR);
    }
    }
    image.originalSize = QSize(image.bgr.cols, image.bgr.rows);
    return {std::move(image), QString()};
}

bool isSupportedFormat(const QString &format)
{
    const QString f = normalisedFormat(format);
    return f == QLatin1String("png") || f == QLatin1String("jpg") || f == QLatin1String("webp") ||
           f == QLatin1String("tif") || f == QLatin1String("bmp");
}

bool formatSupportsAlpha(const QString &format)
{
    const QString f = normalisedFormat(format);
    return f == QLatin1String("png") || f == QLatin1String("webp") || f == QLatin1String("tif");
}

QString suffixForFormat(const QString &format)
{
    return isSupportedFormat(format) ? normalisedFormat(format) : QString();
}

QByteArray encode(const cv::Mat &img, const EncodeOptions &options, QString *error)
{
    auto fail = [&](const QString &message) {
        if (error)
            *error = message;
        return QByteArray();
    };
    const QString format = normalisedFormat(options.format);
    if (!isSupportedFormat(format))
        return fail(QStringLiteral("unsupported output format \"%1\"").arg(options.format));
    if (img.empty() || img.depth() != CV_8U || img.channels() == 2 || img.channels() > 4)
        return fail(
            QStringLiteral("nothing to encode (expected an 8-bit grey, BGR or BGRA image)"));

    if (img.channels() == 4 && !formatSupportsAlpha(format))
        return fail(QStringLiteral("%1 has no transparency: flatten the image first")
                        .arg(format.toUpper()));

    if (format == QLatin1String("png"))
        return PngWriter::encode(img, options.pngCompression, error,
                                 options.leastCpu ? PngWriter::Effort::LeastCpu
                                                  : PngWriter::Effort::Soonest);

    std::vector<int> params;
    if (format == QLatin1String("jpg")) {
        params = {cv::IMWRITE_JPEG_QUALITY, std::clamp(options.quality, 0, 100)};
    } else if (format == QLatin1String("webp")) {
        // OpenCV's WebP encoder switches to lossless above quality 100.
        params = {cv::IMWRITE_WEBP_QUALITY,
                  options.webpLossless ? 101 : std::clamp(options.quality, 1, 100)};
    }

    std::vector<uchar> buffer;
    try {
        if (!cv::imencode(("." + format).toStdString(), img, buffer, params) || buffer.empty())
            return fail(QStringLiteral("the %1 encoder failed").arg(format.toUpper()));
    } catch (const std::exception &e) {
        return fail(QStringLiteral("the %1 encoder failed: %2")
                        .arg(format.toUpper(), describeException(e)));
    }
    return QByteArray(reinterpret_cast<const char *>(buffer.data()), qsizetype(buffer.size()));
}

QString writeImageAtomic(const QString &path, const cv::Mat &img, const EncodeOptions &options)
{
    const QString shownPath = QDir::toNativeSeparators(path);
    auto failed = [&](const QString &reason) {
        return QStringLiteral("cannot write %1: %2").arg(shownPath, reason);
    };
    // Encode first, so an encoder failure never touches the file system.
    QString error;
    const QByteArray bytes = encode(img, options, &error);
    if (bytes.isEmpty())
        return failed(error);

    QSaveFile file(path);
    // Unbuffered, so the write below reaches the file at once and its failure keeps its reason
    // ("No space left on device"); a failure found later by commit() only says "Unknown error".
    if (!file.open(QIODevice::WriteOnly | QIODevice::Unbuffered))
        return failed(file.errorString());
    // A short write is not an error yet; the next call returns -1 with the reason (EFBIG, ENOSPC).
    for (qsizetype done = 0; done < bytes.size();) {
        const qint64 n = file.write(bytes.constData() + done, bytes.size() - done);
        if (n <= 0) {
            const QString reason = file.errorString();
            file.cancelWriting();
            return failed(reason);
        }
        done += qsizetype(n);
    }
    if (!file.commit()) // the temporary file is removed on failure
        return failed(file.errorString());
    return QString();
}

} // namespace clearcut::ImageIO
