#include "PngWriter.h"

#include <opencv2/core.hpp>
#include <opencv2/core/utility.hpp>
#include <opencv2/imgproc.hpp>

#include <libdeflate.h>
#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <memory>
#include <new>
#include <vector>

namespace clearcut::PngWriter {
namespace {

// Large enough that the sync flush and chunk header per strip cost nothing, small enough that a
// 24 MP photo splits into a few dozen strips to balance over the cores.
constexpr size_t kStripBytes = 4u << 20;

void putBigEndian(QByteArray &out, quint32 value)
{
    const char bytes[4] = {char(value >> 24), char(value >> 16), char(value >> 8), char(value)};
    out.append(bytes, 4);
}

// Appends one chunk: length, type, data, CRC of type and data.
void putChunk(QByteArray &out, const char type[4], const uchar *data, size_t size)
{
    putBigEndian(out, quint32(size));
    const qsizetype typeAt = out.size();
    out.append(type, 4);
    out.append(reinterpret_cast<const char *>(data), qsizetype(size));
    const uLong crc =
        crc32(0, reinterpret_cast<const Bytef *>(out.constData() + typeAt), uInt(size + 4));
    putBigEndian(out, quint32(crc));
}

// One row as PNG wants it: RGB(A) or grey, in the file's byte order.
void toFileOrder(const cv::Mat &img, int y, uchar *row)
{
    const int width = img.cols;
    const uchar *src = img.ptr<uchar>(y);
    switch (img.channels()) {
    case 1:
        std::memcpy(row, src, size_t(width));
        break;
    case 3: {
        cv::Mat out(1, width, CV_8UC3, row);
        cv::cvtColor(cv::Mat(1, width, CV_8UC3, const_cast<uchar *>(src)), out, cv::COLOR_BGR2RGB);
        break;
    }
    default: {
        cv::Mat out(1, width, CV_8UC4, row);
        cv::cvtColor(cv::Mat(1, width, CV_8UC4, const_cast<uchar *>(src)), out,
                     cv::COLOR_BGRA2RGBA);
        break;
    }
    }
}

// Rows [y0, y1) Up-filtered into out (rowBytes + 1 bytes a row): each byte minus the one above,
// the row above the first being zero.
void filterRows(const cv::Mat &img, int y0, int y1, uchar *out)
{
    const size_t rowBytes = size_t(img.cols) * size_t(img.channels());
    std::vector<uchar> previous(rowBytes, 0), current(rowBytes);
    if (y0 > 0)
        toFileOrder(img, y0 - 1, previous.data());
    for (int y = y0; y < y1; ++y) {
        toFileOrder(img, y, current.data());
        uchar *row = out + (rowBytes + 1) * size_t(y - y0);
        row[0] = 2; // Up
        const uchar *cur = current.data(), *prev = previous.data();
        for (size_t i = 0; i < rowBytes; ++i)
            row[i + 1] = uchar(cur[i] - prev[i]);
        current.swap(previous);
    }
}

struct Strip
{
    std::vector<uchar> deflated; // raw deflate, ended by a sync flush (the last one: finished)
    uLong adler = 1;             // of the filtered bytes
    size_t filteredBytes = 0;
    bool failed = false;
};

// Filters rows [y0, y1) with Up (each byte minus the one above; the row above the first is zero)
// and deflates them as one raw stream.
void encodeStrip(const cv::Mat &img, int y0, int y1, int level, bool last, Strip &strip)
{
    const size_t rowBytes = size_t(img.cols) * size_t(img.channels());
    // Both buffers uninitialised (filterRows and deflate write what is read) and freed when the
    // strip is done, so the next strip on this thread takes the same memory; the strip keeps
    // only its deflated bytes. (A zero-filled deflate bound per strip, kept until the whole image
    // was done, faulted ~96 MB in afresh for a 24 MP photo.)
    const size_t filteredBytes = (rowBytes + 1) * size_t(y1 - y0);
    const std::unique_ptr<uchar[]> filtered(new uchar[filteredBytes]);
    filterRows(img, y0, y1, filtered.get());
    strip.filteredBytes = filteredBytes;
    strip.adler = adler32(1, filtered.get(), uInt(filteredBytes));

    z_stream stream{};
    // Run-length matching at the fast levels: on filtered photos it is as small as the default
    // strategy and ~1.5x faster; higher levels ask for size, so they search the window.
    const int strategy = level <= 1 ? Z_RLE : Z_DEFAULT_STRATEGY;
    if (deflateInit2(&stream, level, Z_DEFLATED, -15, 8, strategy) != Z_OK) {
        strip.failed = true;
        return;
    }
    const size_t bound = deflateBound(&stream, uLong(filteredBytes)) + 16;
    std::unique_ptr<uchar[]> deflated;
    try {
        deflated.reset(new uchar[bound]);
    } catch (const std::bad_alloc &) {
        deflateEnd(&stream);
        throw; // the caller reports it
    }
    stream.next_in = filtered.get();
    stream.avail_in = uInt(filteredBytes);
    stream.next_out = deflated.get();
    stream.avail_out = uInt(bound);
    const int status = deflate(&stream, last ? Z_FINISH : Z_SYNC_FLUSH);
    const bool complete = last ? status == Z_STREAM_END : (status == Z_OK && stream.avail_in == 0);
    const size_t produced = stream.total_out;
    deflateEnd(&stream);
    strip.deflated.assign(deflated.get(), deflated.get() + produced);
    strip.failed = !complete;
}

// Signature and IHDR.
QByteArray pngStart(const cv::Mat &img, qsizetype reserve)
{
    QByteArray out;
    out.reserve(reserve);
    out.append("\x89PNG\r\n\x1a\n", 8);
    QByteArray header;
    putBigEndian(header, quint32(img.cols));
    putBigEndian(header, quint32(img.rows));
    const int channels = img.channels();
    const char colourType = channels == 1 ? 0 : channels == 3 ? 2 : 6;
    const char rest[5] = {8, colourType, 0, 0, 0}; // depth, colour, deflate, adaptive, no interlace
    header.append(rest, 5);
    putChunk(out, "IHDR", reinterpret_cast<const uchar *>(header.constData()),
             size_t(header.size()));
    return out;
}

constexpr qsizetype kFraming = 8 + 25 + 12; // signature, IHDR, IEND

QByteArray encodeInStrips(const cv::Mat &img, int level, QString *error)
{
    auto fail = [&](const QString &message) {
        if (error)
            *error = message;
        return QByteArray();
    };
    const size_t rowBytes = size_t(img.cols) * size_t(img.channels());
    const int rowsPerStrip = int(std::clamp<size_t>(kStripBytes / (rowBytes + 1), 1, img.rows));
    const int stripCount = (img.rows + rowsPerStrip - 1) / rowsPerStrip;
    std::vector<Strip> strips;
    try {
        strips.resize(size_t(stripCount));
        std::atomic_bool outOfMemory{false};
        cv::parallel_for_(cv::Range(0, stripCount), [&](const cv::Range &range) {
            for (int i = range.start; i < range.end; ++i) {
                const int y0 = i * rowsPerStrip, y1 = std::min(img.rows, y0 + rowsPerStrip);
                try {
                    encodeStrip(img, y0, y1, level, i == stripCount - 1, strips[size_t(i)]);
                } catch (const std::bad_alloc &) {
                    outOfMemory = true;
                }
            }
        });
        if (outOfMemory.load())
            return fail(QStringLiteral("not enough memory to encode the PNG"));
    } catch (const std::bad_alloc &) {
        return fail(QStringLiteral("not enough memory to encode the PNG"));
    }
    if (std::any_of(strips.begin(), strips.end(), [](const Strip &s) { return s.failed; }))
        return fail(QStringLiteral("the PNG encoder (zlib) failed"));

    // The IDATs: the zlib header, one a strip, the Adler-32 (12 bytes of framing each).
    qsizetype total = kFraming + 14 + 16;
    for (const Strip &s : strips)
        total += qsizetype(s.deflated.size()) + 12;
    QByteArray out;
    try {
        out = pngStart(img, total);
    } catch (const std::bad_alloc &) {
        return fail(QStringLiteral("not enough memory to encode the PNG"));
    }

    // The zlib header (32K window; FLEVEL says how hard the encoder tried), then the strips, then
    // the Adler-32 of all filtered bytes, each in an IDAT of its own: a decoder joins them.
    const uchar flevel = level <= 1 ? 0 : level <= 5 ? 1 : level == 6 ? 2 : 3;
    uchar zlibHeader[2] = {0x78, uchar(flevel << 6)};
    zlibHeader[1] = uchar(zlibHeader[1] + (31 - (zlibHeader[0] * 256 + zlibHeader[1]) % 31) % 31);
    putChunk(out, "IDAT", zlibHeader, 2);
    uLong adler = 1;
    for (const Strip &s : strips) {
        putChunk(out, "IDAT", s.deflated.data(), s.deflated.size());
        adler = adler32_combine(adler, s.adler, z_off_t(s.filteredBytes));
    }
    QByteArray trailer;
    putBigEndian(trailer, quint32(adler));
    putChunk(out, "IDAT", reinterpret_cast<const uchar *>(trailer.constData()),
             size_t(trailer.size()));
    putChunk(out, "IEND", nullptr, 0);
    return out;
}

QByteArray encodeWhole(const cv::Mat &img, int level, QString *error)
{
    auto fail = [&](const QString &message) {
        if (error)
            *error = message;
        return QByteArray();
    };
    const size_t filteredSize = (size_t(img.cols) * size_t(img.channels()) + 1) * size_t(img.rows);
    std::unique_ptr<libdeflate_compressor, decltype(&libdeflate_free_compressor)> compressor(
        libdeflate_alloc_compressor(level), &libdeflate_free_compressor);
    if (!compressor)
        return fail(QStringLiteral("not enough memory to encode the PNG"));
    QByteArray out;
    try {
        std::vector<uchar> filtered(filteredSize);
        filterRows(img, 0, img.rows, filtered.data());
        const size_t bound = libdeflate_zlib_compress_bound(compressor.get(), filteredSize);
        out = pngStart(img, kFraming + 12 + qsizetype(bound));
        // One IDAT, deflated in place: its length goes in once it is known.
        const qsizetype chunkAt = out.size();
        out.resize(chunkAt + 8 + qsizetype(bound));
        std::memcpy(out.data() + chunkAt + 4, "IDAT", 4);
        const size_t deflated =
            libdeflate_zlib_compress(compressor.get(), filtered.data(), filteredSize,
                                     reinterpret_cast<uchar *>(out.data()) + chunkAt + 8, bound);
        if (deflated == 0)
            return fail(QStringLiteral("the PNG encoder (libdeflate) failed"));
        out.resize(chunkAt + 8 + qsizetype(deflated));
        const quint32 length = quint32(deflated);
        const char lengthBytes[4] = {char(length >> 24), char(length >> 16), char(length >> 8),
                                     char(length)};
        std::memcpy(out.data() + chunkAt, lengthBytes, 4);
        const uLong crc = crc32(0, reinterpret_cast<const Bytef *>(out.constData() + chunkAt + 4),
                                uInt(deflated + 4));
        putBigEndian(out, quint32(crc));
    } catch (const std::bad_alloc &) {
        return fail(QStringLiteral("not enough memory to encode the PNG"));
    }
    putChunk(out, "IEND", nullptr, 0);
    return out;
}

} // namespace

QByteArray encode(const cv::Mat &img, int level, QString *error, Effort effort)
{
    const int channels = img.channels();
    if (img.empty() || img.depth() != CV_8U || channels == 2 || channels > 4 || img.dims != 2) {
        if (error)
            *error = QStringLiteral("the PNG encoder takes 8-bit grey, BGR or BGRA images");
        return {};
    }
    level = std::clamp(level, 0, 9);
    // The whole-image path holds the filtered image and a buffer as large: past ~100 MP of RGBA
    // that is more memory than the CPU it saves is worth.
    constexpr double kWholeImageBytes = 400.0 * (1 << 20);
    const double filteredBytes = double(img.cols) * channels * img.rows;
    return effort == Effort::LeastCpu && filteredBytes <= kWholeImageBytes
               ? encodeWhole(img, level, error)
               : encodeInStrips(img, level, error);
}

} // namespace clearcut::PngWriter
