#include "ImageHeader.h"

#include <QList>
#include <QtEndian>

#include <algorithm>
#include <cctype>
#include <cstring>

namespace clearcut::ImageHeader {
namespace {

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

// The formats OpenCV reads that we do not inspect otherwise: only their size, so that ImageIO can
// refuse a huge canvas before the decoder allocates it (a 20-byte PPM claiming 30000x30000 made
// OpenCV allocate 2.7 GB; fuzz_decode found it).

// PNM (P1-P6, PF/Pf): the magic, then width and height as decimal text with whitespace and
// # comments between; PAM (P7): "WIDTH n" and "HEIGHT n" lines.
void readPnm(const Bytes &b, Header &h)
{
    qsizetype at = 2;
    const auto number = [&]() -> qint64 {
        for (;;) {
            while (at < b.size() && std::isspace(b.u8(at)))
                ++at;
            if (b.u8(at) != '#')
                break;
            while (at < b.size() && b.u8(at) != '\n')
                ++at;
        }
        qint64 value = 0;
        const qsizetype start = at;
        while (at < b.size() && std::isdigit(b.u8(at)) && at - start < 10)
            value = value * 10 + (b.u8(at++) - '0');
        return at > start ? value : 0;
    };
    if (b.u8(1) == '7') {
        const QByteArray text = QByteArray::fromRawData(reinterpret_cast<const char *>(b.data()),
                                                        std::min<qsizetype>(b.size(), 4096));
        for (const char *key : {"WIDTH", "HEIGHT"}) {
            const qsizetype found = text.indexOf(key);
            if (found < 0)
                return;
            at = found + qsizetype(std::strlen(key));
            (key[0] == 'W' ? h.width : h.height) = number();
        }
        return;
    }
    h.width = number();
    h.height = number();
}

// Radiance: text lines up to an empty one, then the resolution line ("-Y 480 +X 640").
void readRadiance(const Bytes &b, Header &h)
{
    const QByteArray text = QByteArray::fromRawData(reinterpret_cast<const char *>(b.data()),
                                                    std::min<qsizetype>(b.size(), 65536));
    const qsizetype blank = text.indexOf("\n\n");
    if (blank < 0)
        return;
    const QList<QByteArray> words =
        text.mid(blank + 2, 64).split('\n').value(0).simplified().split(' ');
    if (words.size() != 4)
        return;
    const qint64 first = words[1].toLongLong(), second = words[3].toLongLong();
    const bool yFirst = words[0].endsWith('Y');
    // A negative or absurd number is an unreadable size (0), never a negative one.
    h.width = std::max<qint64>(0, yFirst ? second : first);
    h.height = std::max<qint64>(0, yFirst ? first : second);
}

// OpenEXR: after the magic and version, attributes (name\0 type\0 size value) up to an empty
// name; the data window is a box2i of four little-endian ints.
void readExr(const Bytes &b, Header &h)
{
    qsizetype at = 8;
    for (int attributes = 0; attributes < 1000 && b.has(at, 1) && b.u8(at) != 0; ++attributes) {
        const auto text = [&](qsizetype from) {
            const void *end =
                std::memchr(b.data() + from, 0, size_t(std::max<qsizetype>(0, b.size() - from)));
            return end ? QByteArray(reinterpret_cast<const char *>(b.data() + from),
                                    static_cast<const uchar *>(end) - (b.data() + from))
                       : QByteArray();
        };
        const QByteArray name = text(at);
        const QByteArray type = text(at + name.size() + 1);
        if (name.isEmpty() || type.isEmpty())
            return;
        const qsizetype sizeAt = at + name.size() + 1 + type.size() + 1;
        const qint64 size = qint32(b.le32(sizeAt));
        if (size < 0 || !b.has(sizeAt + 4, size))
            return;
        if (name == "dataWindow" && type == "box2i" && size == 16) {
            const qint64 xMin = qint32(b.le32(sizeAt + 4)), yMin = qint32(b.le32(sizeAt + 8));
            const qint64 xMax = qint32(b.le32(sizeAt + 12)), yMax = qint32(b.le32(sizeAt + 16));
            h.width = std::max<qint64>(0, xMax - xMin + 1);
            h.height = std::max<qint64>(0, yMax - yMin + 1);
            return;
        }
        at = sizeAt + 4 + size;
    }
}

// JPEG 2000: the JP2 header box "ihdr" (height, then width), or a raw codestream's SIZ marker.
void readJpeg2000(const Bytes &b, Header &h)
{
    if (b.startsWith(0, "\xFF\x4F\xFF\x51")) {
        h.width = std::max<qint64>(0, qint64(b.be32(8)) - b.be32(16));
        h.height = std::max<qint64>(0, qint64(b.be32(12)) - b.be32(20));
        return;
    }
    const QByteArray text = QByteArray::fromRawData(reinterpret_cast<const char *>(b.data()),
                                                    std::min<qsizetype>(b.size(), 4096));
    const qsizetype ihdr = text.indexOf("ihdr");
    if (ihdr >= 0) {
        h.height = b.be32(ihdr + 4);
        h.width = b.be32(ihdr + 8);
    }
}

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
    // Walk the chunks to IEND: a file cut short ends inside one, which libpng reports on stderr.
    for (qsizetype pos = 8;;) {
        if (!b.has(pos, 12)) {
            h.truncated = true;
            return;
        }
        if (b.startsWith(pos + 4, "IEND"))
            return;
        const qsizetype next = pos + 12 + qsizetype(b.be32(pos));
        if (!b.has(pos, next - pos)) {
            h.truncated = true;
            return;
        }
        pos = next;
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

// The orientation (1-8) in an EXIF block (a TIFF header and its first IFD, "Exif\0\0" before it
// or not) of length bytes at start; 0 when it has none.
int exifOrientation(const Bytes &b, qsizetype start, qsizetype length)
{
    if (b.startsWith(start, "Exif") && length >= 6) {
        start += 6;
        length -= 6;
    }
    const bool little = b.startsWith(start, "II");
    auto u16 = [&](qsizetype o) {
        return o >= 0 && o + 2 <= length ? (little ? b.le16(start + o) : b.be16(start + o)) : 0;
    };
    auto u32 = [&](qsizetype o) {
        return o >= 0 && o + 4 <= length ? (little ? b.le32(start + o) : b.be32(start + o)) : 0;
    };
    if (u16(2) != 42)
        return 0;
    const qsizetype ifd = u32(4);
    const quint32 count = u16(ifd);
    for (quint32 i = 0; i < count; ++i) {
        const qsizetype entry = ifd + 2 + 12 * qsizetype(i);
        if (entry + 12 > length)
            break;
        if (u16(entry) == 0x0112 && u16(entry + 2) == 3) {
            const quint32 value = u16(entry + 8);
            return value >= 1 && value <= 8 ? int(value) : 0;
        }
    }
    return 0;
}

void readWebP(const Bytes &b, Header &h)
{
    h.depthBits = 8;
    // The RIFF size says how long the file is: shorter is cut short.
    if (qint64(b.le32(4)) + 8 > b.size())
        h.truncated = true;
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
        h.animated = b.u8(20) & 0x02; // OpenCV's decoder reads still images only: ImageIO does
        // The chunks after VP8X: an EXIF one may say which way up the photo goes.
        for (qsizetype pos = 12; b.has(pos, 8);) {
            const qsizetype size = b.le32(pos + 4);
            if (b.startsWith(pos, "EXIF") && b.has(pos + 8, size)) {
                h.exifOrientation = exifOrientation(b, pos + 8, size);
                break;
            }
            pos += 8 + size + (size & 1);
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
    if (!b.has(ifd, 2 + 12 * qsizetype(count))) {
        h.truncated = true;
        return;
    }
    // Where the strips (or tiles) are and how long: one that ends past the file was cut off.
    struct Array
    {
        qsizetype at = 0;
        quint32 count = 0;
        quint32 type = 0;
    } offsets, lengths;
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
        case 273: // StripOffsets
        case 324: // TileOffsets
            offsets = {at, values, type};
            break;
        case 279: // StripByteCounts
        case 325: // TileByteCounts
            lengths = {at, values, type};
            break;
        default:
            break;
        }
    }
    auto element = [&](const Array &a, quint32 i) -> qint64 {
        const qsizetype at = a.at + qsizetype(i) * (a.type == 3 ? 2 : 4);
        if (!b.has(at, a.type == 3 ? 2 : 4))
            return -1;
        return a.type == 3 ? u16(at) : u32(at);
    };
    if (offsets.count > 0 && offsets.count == lengths.count) {
        for (quint32 i = 0; i < offsets.count; ++i) {
            const qint64 start = element(offsets, i), length = element(lengths, i);
            if (start < 0 || length < 0 || start + length > b.size()) {
                h.truncated = true;
                return;
            }
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

} // namespace

Header read(const QByteArray &bytes)
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
        is(Format::Gif, "GIF");
        h.width = b.le16(6); // the logical screen, which the first frame is drawn on
        h.height = b.le16(8);
        h.depthBits = 8;
        h.channels = 3;
    } else if (b.startsWith(4, "ftypavif") || b.startsWith(4, "ftypavis")) {
        is(Format::Unsupported, "AVIF");
    } else if (b.startsWith(4, "ftyphei") || b.startsWith(4, "ftyphev") ||
               b.startsWith(4, "ftypmif1") || b.startsWith(4, "ftypmsf1")) {
        is(Format::Unsupported, "HEIC/HEIF");
    } else if (b.startsWith(0, "8BPS")) {
        is(Format::Unsupported, "Photoshop");
    } else if (b.u8(0) == 'P' &&
               ((b.u8(1) >= '1' && b.u8(1) <= '7') || b.u8(1) == 'f' || b.u8(1) == 'F')) {
        is(Format::Other, "PNM");
        readPnm(b, h);
    } else if (b.startsWith(0, "\x59\xA6\x6A\x95")) {
        is(Format::Other, "Sun raster");
        h.width = b.be32(4);
        h.height = b.be32(8);
    } else if (b.startsWith(0, "\x76\x2F\x31\x01")) {
        is(Format::Other, "OpenEXR");
        readExr(b, h);
    } else if (b.startsWith(0, "#?RADIANCE") || b.startsWith(0, "#?RGBE")) {
        is(Format::Other, "Radiance HDR");
        readRadiance(b, h);
    } else if (b.startsWith(4, "jP  ") || b.startsWith(0, "\xFF\x4F\xFF\x51")) {
        is(Format::Other, "JPEG 2000");
        readJpeg2000(b, h);
    }
    return h;
}

} // namespace clearcut::ImageHeader
