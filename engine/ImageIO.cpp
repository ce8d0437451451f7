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

#include <algorithm>
#include <cstdlib>
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
    // Refuse before decoding: a small file can declare a huge canvas.
    if (header.width > 0 && header.height > 0 && header.width * header.height > maxPixels)
        return tooLargeFailure(header.width, header.height, maxPixels);
    if (header.truncated)
        return failure(
            QStringLiteral("truncated or corrupt %1 data (the file ends early)").arg(header.name));

    // ANYCOLOR|ANYDEPTH keeps 16-bit samples and grey, drops alpha, converts CMYK, and (unlike
    // IMREAD_UNCHANGED) lets OpenCV apply the EXIF orientation.
    cv::Mat decoded;
    try {
        const cv::Mat raw(1, int(bytes.size()), CV_8UC1, const_cast<char *>(bytes.constData()));
        decoded = cv::imdecode(raw, cv::IMREAD_ANYCOLOR | cv::IMREAD_ANYDEPTH);
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
