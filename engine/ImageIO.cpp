#include "ImageIO.h"

#include "PngWriter.h"

#include <QDir>
#include <QFile>
#include <QSaveFile>
#include <QtEndian>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <vector>

namespace clearcut::ImageIO {
namespace {

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
class Bytes
{
public:
    explicit Bytes(const QByteArray &bytes)
        : m_data(reinterpret_cast<const uchar *>(bytes.constData())), m_size(bytes.size())
    {}
    qsizetype size() const { return m_size; }
    const uchar *data() const { return m_data; }
    bool has(qsizetype offset, qsizetype length) const
    {
        return offset >= 0 && length >= 0 && offset <= m_size - length;
    }
    bool startsWith(qsizetype offset, const char *text) const
    {
        const auto length = qsizetype(std::strlen(text));
        return has(offset, length) && std::memcmp(m_data + offset, text, size_t(length)) == 0;
    }
    uchar u8(qsizetype offset) const { return has(offset, 1) ? m_data[offset] : 0; }
    quint32 be16(qsizetype offset) const
    {
        return has(offset, 2) ? qFromBigEndian<quint16>(m_data + offset) : 0;
    }
    quint32 be32(qsizetype offset) const
    {
        return has(offset, 4) ? qFromBigEndian<quint32>(m_data + offset) : 0;
    }
    quint32 le16(qsizetype offset) const
    {
        return has(offset, 2) ? qFromLittleEndian<quint16>(m_data + offset) : 0;
    }
    quint32 le24(qsizetype offset) const { return le16(offset) | (quint32(u8(offset + 2)) << 16); }
    quint32 le32(qsizetype offset) const
    {
        return has(offset, 4) ? qFromLittleEndian<quint32>(m_data + offset) : 0;
    }

private:
    const uchar *m_data;
    qsizetype m_size;
};

void readPng(const Bytes &b, Header &h)
{
    if (!b.startsWith(12, "IHDR"))
        return;
    h.width = b.be32(16);
    h.height = b.be32(20);
    h.depthBits = b.u8(24);
    switch (b.u8(25)) {
    case 0:
        h.channels = 1;
        break;
    case 4:
        h.channels = 2;
        break;
    case 6:
        h.channels = 4;
        break;
    default:
        h.channels = 3;
        break; // RGB or palette
    }
}

bool isStartOfFrame(uchar marker)
{
    return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
}

// Walks the marker segments up to the end-of-image marker. The entropy-coded data after each
// start-of-scan can only contain 0xFF as a stuffed FF00 or a restart marker, so the next real
// marker is found by scanning for 0xFF. Running off the end means the file was cut short.
void readJpeg(const Bytes &b, Header &h)
{
    const uchar *d = b.data();
    const qsizetype n = b.size();
    qsizetype pos = 2;
    for (;;) {
        if (pos >= n) {
            h.truncated = true;
            return;
        }
        if (d[pos] != 0xFF) { // stray bytes between segments: libjpeg skips them too
            const void *next = std::memchr(d + pos, 0xFF, size_t(n - pos));
            pos = next ? static_cast<const uchar *>(next) - d : n;
            continue;
        }
        while (pos < n && d[pos] == 0xFF)
            ++pos;
        if (pos >= n) {
            h.truncated = true;
            return;
        }
        const uchar marker = d[pos++];
        if (marker == 0xD9)
            return;
        if (marker == 0x01 || marker == 0x00 || (marker >= 0xD0 && marker <= 0xD7))
            continue; // no length field
        const qsizetype length = b.be16(pos);
        if (!b.has(pos, 2) || length < 2 || !b.has(pos, length)) {
            h.truncated = true;
            return;
        }
        if (isStartOfFrame(marker) && length >= 8 && h.width == 0) {
            h.depthBits = b.u8(pos + 2);
            h.height = b.be16(pos + 3);
            h.width = b.be16(pos + 5);
            h.channels = b.u8(pos + 7);
        }
        pos += length;
        if (marker != 0xDA)
            continue;
        for (;;) { // entropy-coded data
            const void *ff = std::memchr(d + pos, 0xFF, size_t(n - pos));
            if (!ff) {
                h.truncated = true;
                return;
            }
            pos = static_cast<const uchar *>(ff) - d;
            if (pos + 1 >= n) {
                h.truncated = true;
                return;
            }
            const uchar next = d[pos + 1];
            if (next == 0x00 || (next >= 0xD0 && next <= 0xD7))
                pos += 2;
            else if (next == 0xFF)
                pos += 1; // fill byte before a marker
            else
                break;
        }
    }
}

void readWebP(const Bytes &b, Header &h)
{
    h.depthBits = 8;
    if (b.startsWith(12, "VP8 ") && b.u8(23) == 0x9D && b.u8(24) == 0x01 && b.u8(25) == 0x2A) {
        h.width = b.le16(26) & 0x3FFF;
        h.height = b.le16(28) & 0x3FFF;
        h.channels = 3;
    } else if (b.startsWith(12, "VP8L") && b.u8(20) == 0x2F) {
        const quint32 bits = b.le32(21);
        h.width = (bits & 0x3FFF) + 1;
        h.height = ((bits >> 14) & 0x3FFF) + 1;
        h.channels = (bits >> 28) & 1 ? 4 : 3;
    } else if (b.startsWith(12, "VP8X") && b.has(20, 10)) {
        h.width = qint64(b.le24(24)) + 1;
        h.height = qint64(b.le24(27)) + 1;
        h.channels = b.u8(20) & 0x10 ? 4 : 3;
        if (b.u8(20) & 0x02) { // OpenCV's decoder reads still images only
            h.format = Format::Unsupported;
            h.name = QStringLiteral("animated WebP");
        }
    }
}

// The first image file directory's width, height, bits and samples per pixel.
void readTiff(const Bytes &b, Header &h)
{
    const bool little = b.u8(0) == 'I';
    auto u16 = [&](qsizetype o) {
        return little ? b.le16(o) : b.be16(o);
    };
    auto u32 = [&](qsizetype o) {
        return little ? b.le32(o) : b.be32(o);
    };
    if (u16(2) != 42)
        return; // BigTIFF: left to the post-decode check
    const qsizetype ifd = u32(4);
    const quint32 count = u16(ifd);
    for (quint32 i = 0; i < count && b.has(ifd + 2 + 12 * qsizetype(i), 12); ++i) {
        const qsizetype entry = ifd + 2 + 12 * qsizetype(i);
        const quint32 tag = u16(entry);
        const quint32 type = u16(entry + 2);
        const quint32 values = u32(entry + 4);
        if (type != 3 && type != 4)
            continue;
        const qsizetype size = type == 3 ? 2 : 4;
        // Values that do not fit in the entry's four bytes live at an offset.
        const qsizetype at = qsizetype(values) * size <= 4 ? entry + 8 : qsizetype(u32(entry + 8));
        const qint64 value = type == 3 ? u16(at) : u32(at);
        switch (tag) {
        case 256:
            h.width = value;
            break;
        case 257:
            h.height = value;
            break;
        case 258:
            h.depthBits = int(value);
            break;
        case 277:
            h.channels = int(value);
            break;
        default:
            break;
        }
    }
}

bool isBmpInfoSize(quint32 size)
{
    return size == 12 || size == 40 || size == 52 || size == 56 || size == 64 || size == 108 ||
           size == 124;
}

void readBmp(const Bytes &b, Header &h)
{
    const quint32 infoSize = b.le32(14);
    int bits = 0;
    if (infoSize == 12) {
        h.width = b.le16(18);
        h.height = b.le16(20);
        bits = int(b.le16(24));
    } else if (infoSize >= 40) {
        h.width = std::abs(qint64(qint32(b.le32(18))));
        h.height = std::abs(qint64(qint32(b.le32(22)))); // negative: stored top-down
        bits = int(b.le16(28));
    }
    h.depthBits = 8;
    h.channels = bits == 32 ? 4 : 3;
}

Header readHeader(const QByteArray &bytes)
{
    const Bytes b(bytes);
    Header h;
    auto is = [&](Format format, const char *name) {
        h.format = format;
        h.name = QString::fromLatin1(name);
    };
    if (b.startsWith(0, "\x89PNG\r\n\x1a\n")) {
        is(Format::Png, "PNG");
        readPng(b, h);
    } else if (b.u8(0) == 0xFF && b.u8(1) == 0xD8 && b.u8(2) == 0xFF) {
        is(Format::Jpeg, "JPEG");
        readJpeg(b, h);
    } else if (b.startsWith(0, "RIFF") && b.startsWith(8, "WEBP")) {
        is(Format::WebP, "WebP");
        readWebP(b, h);
    } else if ((b.startsWith(0, "II") && (b.u8(2) == 42 || b.u8(2) == 43) && b.u8(3) == 0) ||
               (b.startsWith(0, "MM") && b.u8(2) == 0 && (b.u8(3) == 42 || b.u8(3) == 43))) {
        is(Format::Tiff, "TIFF");
        readTiff(b, h);
    } else if (b.startsWith(0, "BM") && isBmpInfoSize(b.le32(14))) {
        is(Format::Bmp, "BMP");
        readBmp(b, h);
    } else if (b.startsWith(0, "GIF8")) {
        is(Format::Unsupported, "GIF");
    } else if (b.startsWith(4, "ftypavif") || b.startsWith(4, "ftypavis")) {
        is(Format::Unsupported, "AVIF");
    } else if (b.startsWith(4, "ftyphei") || b.startsWith(4, "ftyphev") ||
               b.startsWith(4, "ftypmif1") || b.startsWith(4, "ftypmsf1")) {
        is(Format::Unsupported, "HEIC/HEIF");
    } else if (b.startsWith(0, "8BPS")) {
        is(Format::Unsupported, "Photoshop");
    } else if ((b.u8(0) == 'P' &&
                ((b.u8(1) >= '1' && b.u8(1) <= '7') || b.u8(1) == 'f' || b.u8(1) == 'F')) ||
               b.startsWith(0, "\x59\xA6\x6A\x95") || b.startsWith(0, "\x76\x2F\x31\x01") ||
               b.startsWith(0, "#?RADIANCE") || b.startsWith(0, "#?RGBE") ||
               b.startsWith(4, "jP  ") || b.startsWith(0, "\xFF\x4F\xFF\x51")) {
        is(Format::Other, "image");
    }
    return h;
}

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

DecodeResult decodeFile(const QString &path, qint64 maxPixels)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return failure(QStringLiteral("cannot open file: %1").arg(file.errorString()));
    const QByteArray bytes = file.readAll();
    if (file.error() != QFileDevice::NoError)
        return failure(QStringLiteral("cannot read file: %1").arg(file.errorString()));
    return decodeBytes(bytes, maxPixels);
}

DecodeResult decodeBytes(const QByteArray &bytes, qint64 maxPixels)
{
    if (bytes.isEmpty())
        return failure(QStringLiteral("empty file"));
    if (bytes.size() > std::numeric_limits<int>::max()) // cv::Mat's int sizes
        return failure(QStringLiteral("file too large (over 2 GiB)"));

    const Header header = readHeader(bytes);
    if (header.format == Format::Unsupported)
        return failure(QStringLiteral("not a supported image (%1)").arg(header.name));
    // Refuse before decoding: a small file can declare a huge canvas.
    if (header.width > 0 && header.height > 0 && header.width * header.height > maxPixels)
        return failure(tooLarge(header.width, header.height, maxPixels));
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
        if (header.format == Format::Unknown)
            return failure(QStringLiteral("not a supported image (unrecognised data)"));
        if (header.format == Format::Jpeg && header.depthBits == 12)
            return failure(QStringLiteral("not a supported image (12-bit JPEG)"));
        return failure(QStringLiteral("corrupt or truncated %1 data").arg(header.name));
    }
    if (qint64(decoded.cols) * decoded.rows > maxPixels)
        return failure(tooLarge(decoded.cols, decoded.rows, maxPixels));

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
    const cv::Mat &pixels = img;

    if (format == QLatin1String("png"))
        return PngWriter::encode(pixels, options.pngCompression, error,
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
        if (!cv::imencode(("." + format).toStdString(), pixels, buffer, params) || buffer.empty())
            return fail(QStringLiteral("the %1 encoder failed").arg(format.toUpper()));
    } catch (const std::exception &e) {
        return fail(QStringLiteral("the %1 encoder failed: %2")
                        .arg(format.toUpper(), QString::fromLocal8Bit(e.what()).trimmed()));
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
