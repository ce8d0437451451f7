// Decoding photos into 8-bit BGR, and writing results so that a failure leaves nothing behind.

#include "engine/CvError.h"
#include "engine/ImageIO.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>
#include <QtEndian>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#ifdef Q_OS_UNIX
#include "ChildProcess.h"

#include <sys/stat.h>
#include <unistd.h>
#endif

using namespace clearcut;

Q_DECLARE_METATYPE(cv::Mat)

namespace {

const cv::Vec3b kRed(0, 0, 255), kGreen(0, 255, 0), kBlue(255, 0, 0), kWhite(255, 255, 255);

// Four flat quadrants (red, green / blue, white), big enough that JPEG blocks stay flat.
cv::Mat quadrants(int width = 64, int height = 64)
{
    cv::Mat img(height, width, CV_8UC3);
    img(cv::Rect(0, 0, width / 2, height / 2)).setTo(cv::Scalar(kRed));
    img(cv::Rect(width / 2, 0, width - width / 2, height / 2)).setTo(cv::Scalar(kGreen));
    img(cv::Rect(0, height / 2, width / 2, height - height / 2)).setTo(cv::Scalar(kBlue));
    img(cv::Rect(width / 2, height / 2, width - width / 2, height - height / 2))
        .setTo(cv::Scalar(kWhite));
    return img;
}

QByteArray encoded(const cv::Mat &img, const char *ext, const std::vector<int> &params = {})
{
    std::vector<uchar> buffer;
    if (!cv::imencode(ext, img, buffer, params))
        return {};
    return QByteArray(reinterpret_cast<const char *>(buffer.data()), qsizetype(buffer.size()));
}

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size();
}

// Largest per-channel difference, ignoring `margin` pixels around the quadrant borders where
// lossy codecs ring.
int maxDifference(const cv::Mat &a, const cv::Mat &b, int margin)
{
    if (a.size() != b.size() || a.type() != b.type())
        return 1000;
    cv::Mat diff;
    cv::absdiff(a, b, diff);
    if (margin > 0) {
        const int cx = a.cols / 2, cy = a.rows / 2;
        diff(cv::Rect(cx - margin, 0, 2 * margin, a.rows)).setTo(0);
        diff(cv::Rect(0, cy - margin, a.cols, 2 * margin)).setTo(0);
    }
    double worst = 0;
    cv::minMaxLoc(diff.reshape(1), nullptr, &worst);
    return int(worst);
}

// An APP1 segment holding only an EXIF orientation tag, in either byte order.
QByteArray exifOrientationSegment(int orientation, bool bigEndian)
{
    QByteArray tiff;
    auto put16 = [&](quint16 v) {
        char b[2];
        bigEndian ? qToBigEndian(v, b) : qToLittleEndian(v, b);
        tiff.append(b, 2);
    };
    auto put32 = [&](quint32 v) {
        char b[4];
        bigEndian ? qToBigEndian(v, b) : qToLittleEndian(v, b);
        tiff.append(b, 4);
    };
    tiff.append(bigEndian ? "MM" : "II");
    put16(42);
    put32(8); // first IFD right after the header
    put16(1); // one entry
    put16(0x0112);
    put16(3); // SHORT
    put32(1);
    put16(quint16(orientation));
    put16(0);
    put32(0); // no next IFD
    const QByteArray payload = QByteArray("Exif\0\0", 6) + tiff;
    QByteArray segment("\xFF\xE1", 2);
    const quint16 length = quint16(payload.size() + 2);
    segment.append(char(length >> 8)).append(char(length & 0xFF));
    return segment + payload;
}

QStringList filesIn(const QString &dir)
{
    return QDir(dir).entryList(QDir::AllEntries | QDir::Hidden | QDir::System |
                               QDir::NoDotAndDotDot);
}

} // namespace

class TestImageIO : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void openCvErrorsAreWords();
    void decodesFormats_data();
    void decodesFormats();
    void scales16BitSamples_data();
    void scales16BitSamples();
    void decodesCmykJpeg();
    void appliesExifOrientation_data();
    void appliesExifOrientation();
    void readsNonAsciiPaths();
    void rejectsBadFiles_data();
    void rejectsBadFiles();
    void rejectsOversizeImages_data();
    void rejectsOversizeImages();
    void checksSizeBeforeDecoding_data();
    void checksSizeBeforeDecoding();

    void writesAndReadsBack_data();
    void writesAndReadsBack();
    void keepsAlphaWhereTheFormatHasIt();
    void refusesAlphaForFormatsWithoutIt();
    void newFilesAreNotPrivate();
    void failedWriteKeepsTheOldFile();
    void failsCleanlyWhereItCannotWrite_data();
    void failsCleanlyWhereItCannotWrite();
    void fullDiskLeavesNoFileBehind();
    void formatHelpers();
};

void TestImageIO::decodesFormats_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<cv::Mat>("expected");
    QTest::addColumn<int>("tolerance");
    QTest::addColumn<int>("sourceChannels");

    const cv::Mat bgr = quadrants();
    cv::Mat grey, greyAsBgr;
    cv::cvtColor(bgr, grey, cv::COLOR_BGR2GRAY);
    cv::cvtColor(grey, greyAsBgr, cv::COLOR_GRAY2BGR);
    cv::Mat bgra;
    cv::cvtColor(bgr, bgra, cv::COLOR_BGR2BGRA);
    // Transparent and half-transparent areas: their colour must come through unchanged.
    bgra(cv::Rect(0, 0, 16, 64)).forEach<cv::Vec4b>([](cv::Vec4b &p, const int *) { p[3] = 0; });
    bgra(cv::Rect(16, 0, 16, 64)).forEach<cv::Vec4b>([](cv::Vec4b &p, const int *) { p[3] = 128; });

    QTest::newRow("8-bit JPEG") << encoded(bgr, ".jpg", {cv::IMWRITE_JPEG_QUALITY, 95}) << bgr << 8
                                << 3;
    QTest::newRow("PNG") << encoded(bgr, ".png") << bgr << 0 << 3;
    QTest::newRow("progressive JPEG")
        << encoded(bgr, ".jpg", {cv::IMWRITE_JPEG_QUALITY, 95, cv::IMWRITE_JPEG_PROGRESSIVE, 1})
        << bgr << 8 << 3;
    QTest::newRow("grey PNG") << encoded(grey, ".png") << greyAsBgr << 0 << 1;
    QTest::newRow("grey JPEG") << encoded(grey, ".jpg") << greyAsBgr << 8 << 1;
    QTest::newRow("RGBA PNG, alpha dropped") << encoded(bgra, ".png") << bgr << 0 << 4;
    QTest::newRow("lossless WebP")
        << encoded(bgr, ".webp", {cv::IMWRITE_WEBP_QUALITY, 101}) << bgr << 0 << 3;
    QTest::newRow("TIFF") << encoded(bgr, ".tif") << bgr << 0 << 3;
    QTest::newRow("RGBA TIFF") << encoded(bgra, ".tif") << bgr << 0 << 4;
    QTest::newRow("BMP") << encoded(bgr, ".bmp") << bgr << 0 << 3;
}

void TestImageIO::decodesFormats()
{
    QFETCH(QByteArray, bytes);
    QFETCH(cv::Mat, expected);
    QFETCH(int, tolerance);
    QFETCH(int, sourceChannels);
    QVERIFY(!bytes.isEmpty());

    const DecodeResult result = ImageIO::decodeBytes(bytes);
    QVERIFY2(result.image, qPrintable(result.error));
    QVERIFY(result.error.isEmpty());
    const DecodedImage &image = *result.image;
    QCOMPARE(image.bgr.type(), CV_8UC3);
    QCOMPARE(image.originalSize, QSize(expected.cols, expected.rows));
    QCOMPARE(image.sourceChannels, sourceChannels);
    QCOMPARE(image.sourceDepthBits, 8);
    QVERIFY2(maxDifference(image.bgr, expected, tolerance ? 4 : 0) <= tolerance,
             qPrintable(QString::number(maxDifference(image.bgr, expected, 4))));
}

void TestImageIO::scales16BitSamples_data()
{
    QTest::addColumn<int>("channels");
    QTest::newRow("16-bit colour PNG") << 3;
    QTest::newRow("16-bit grey PNG") << 1;
}

void TestImageIO::scales16BitSamples()
{
    QFETCH(int, channels);
    // 16-bit v maps to round(v / 257): 257 * k is exactly k, and 65535 is 255.
    const std::vector<std::pair<ushort, uchar>> samples = {
        {0, 0}, {257, 1}, {25700, 100}, {32896, 128}, {65535, 255}, {1000, 4}, {65400, 254}};
    cv::Mat wide(1, int(samples.size()), CV_16UC(channels));
    cv::Mat expected(1, int(samples.size()), CV_8UC3);
    for (int i = 0; i < wide.cols; ++i) {
        for (int c = 0; c < channels; ++c)
            wide.ptr<ushort>()[i * channels + c] = ushort(samples[size_t(i)].first >> c);
        for (int c = 0; c < 3; ++c)
            expected.at<cv::Vec3b>(i)[c] =
                channels == 1 ? samples[size_t(i)].second
                              : uchar(std::lround((samples[size_t(i)].first >> c) / 257.0));
    }
    const DecodeResult result = ImageIO::decodeBytes(encoded(wide, ".png"));
    QVERIFY2(result.image, qPrintable(result.error));
    QCOMPARE(result.image->sourceDepthBits, 16);
    QCOMPARE(result.image->sourceChannels, channels);
    QCOMPARE(maxDifference(result.image->bgr, expected, 0), 0);
}

void TestImageIO::decodesCmykJpeg()
{
    // Made with ImageMagick (OpenCV cannot write CMYK); see tests/data/io/README.md.
    const DecodeResult result =
        ImageIO::decodeFile(QStringLiteral(CLEARCUT_TEST_DATA "/io/cmyk-quadrants.jpg"));
    QVERIFY2(result.image, qPrintable(result.error));
    QCOMPARE(result.image->sourceChannels, 4);
    QVERIFY(maxDifference(result.image->bgr, quadrants(), 4) <= 16);
}

void TestImageIO::appliesExifOrientation_data()
{
    QTest::addColumn<int>("orientation");
    QTest::addColumn<bool>("bigEndian");
    QTest::addColumn<cv::Mat>("expected");

    // Stored upright-wrong: each orientation names the transform that displays it correctly.
    const cv::Mat stored = quadrants(64, 32);
    auto transformed = [&](int orientation) {
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
            cv::rotate(stored, out, cv::ROTATE_90_COUNTERCLOCKWISE);
            cv::flip(out, out, 1);
            break;
        case 8:
            cv::rotate(stored, out, cv::ROTATE_90_COUNTERCLOCKWISE);
            break;
        default:
            out = stored.clone();
            break;
        }
        return out;
    };
    for (int orientation = 1; orientation <= 8; ++orientation)
        QTest::addRow("orientation %d", orientation)
            << orientation << true << transformed(orientation);
    QTest::newRow("orientation 6, Intel byte order") << 6 << false << transformed(6);
}

void TestImageIO::appliesExifOrientation()
{
    QFETCH(int, orientation);
    QFETCH(bool, bigEndian);
    QFETCH(cv::Mat, expected);

    const QByteArray jpeg = encoded(quadrants(64, 32), ".jpg", {cv::IMWRITE_JPEG_QUALITY, 95});
    const QByteArray withExif =
        jpeg.left(2) + exifOrientationSegment(orientation, bigEndian) + jpeg.mid(2);
    const DecodeResult result = ImageIO::decodeBytes(withExif);
    QVERIFY2(result.image, qPrintable(result.error));
    QCOMPARE(result.image->originalSize, QSize(expected.cols, expected.rows));
    QVERIFY(maxDifference(result.image->bgr, expected, 4) <= 8);
    // The displayed top-left corner, spelled out for the common camera case.
    if (orientation == 6)
        QVERIFY(cv::norm(cv::Vec3i(result.image->bgr.at<cv::Vec3b>(2, 2)) - cv::Vec3i(kBlue)) < 12);
}

void TestImageIO::readsNonAsciiPaths()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("fotó 写真.png"));
    QVERIFY(writeFile(path, encoded(quadrants(), ".png")));
    const DecodeResult result = ImageIO::decodeFile(path);
    QVERIFY2(result.image, qPrintable(result.error));
    QCOMPARE(maxDifference(result.image->bgr, quadrants(), 0), 0);

    const QString written = dir.filePath(QStringLiteral("résultat 結果.png"));
    QCOMPARE(ImageIO::writeImageAtomic(written, quadrants()), QString());
    QVERIFY(ImageIO::decodeFile(written).image);
}

void TestImageIO::rejectsBadFiles_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("expected");

    const QByteArray jpeg = encoded(quadrants(256, 256), ".jpg");
    const QByteArray png = encoded(quadrants(256, 256), ".png");
    QByteArray noise(4096, '\0');
    cv::Mat noiseView(1, int(noise.size()), CV_8UC1, noise.data());
    cv::RNG(7).fill(noiseView, cv::RNG::UNIFORM, 0, 256);

    QTest::newRow("zero-byte file") << QByteArray() << QStringLiteral("empty file");
    QTest::newRow("random bytes") << noise
                                  << QStringLiteral("not a supported image (unrecognised data)");
    QTest::newRow("text") << QByteArray("hello, world\n")
                          << QStringLiteral("not a supported image (unrecognised data)");
    // libjpeg would grey-fill the missing half and report success.
    QTest::newRow("first half of a JPEG")
        << jpeg.left(jpeg.size() / 2)
        << QStringLiteral("truncated or corrupt JPEG data (the file ends early)");
    QTest::newRow("JPEG without its last two bytes")
        << jpeg.left(jpeg.size() - 2)
        << QStringLiteral("truncated or corrupt JPEG data (the file ends early)");
    const QByteArray progressive =
        encoded(quadrants(256, 256), ".jpg", {cv::IMWRITE_JPEG_PROGRESSIVE, 1});
    QTest::newRow("progressive JPEG missing its last scans")
        << progressive.left(progressive.size() * 3 / 4)
        << QStringLiteral("truncated or corrupt JPEG data (the file ends early)");
    // The thumbnail's own end marker must not pass for the photo's.
    const QByteArray thumbnail = encoded(quadrants(16, 16), ".jpg");
    const QByteArray exif = QByteArray("Exif\0\0", 6) + thumbnail;
    const QByteArray app1 = QByteArray("\xFF\xE1", 2) + char((exif.size() + 2) >> 8) +
                            char((exif.size() + 2) & 0xFF) + exif;
    QTest::newRow("JPEG cut short after a complete EXIF thumbnail")
        << jpeg.left(2) + app1 + jpeg.mid(2, jpeg.size() / 2)
        << QStringLiteral("truncated or corrupt JPEG data (the file ends early)");
    QTest::newRow("first half of a PNG")
        << png.left(png.size() / 2)
        << QStringLiteral("truncated or corrupt PNG data (the file ends early)");
    // GIF and animated WebP are read (their first frame: tests/e2e/test_corpus); with no frame
    // at all they are corrupt.
    QTest::newRow("GIF without a frame") << QByteArray("GIF89a\x01\x00\x01\x00\x00\x00\x00;", 14)
                                         << QStringLiteral("corrupt or truncated GIF data");
    QTest::newRow("animated WebP without a frame")
        << QByteArray("RIFF\0\0\0\0WEBPVP8X\x0a\0\0\0\x02\0\0\0\x0f\0\0\x0f\0\0", 30)
        << QStringLiteral("corrupt or truncated WebP data");
    QTest::newRow("HEIC") << QByteArray("\0\0\0\x18"
                                        "ftypheic\0\0\0\0mif1heic",
                                        24)
                          << QStringLiteral("not a supported image (HEIC/HEIF)");
}

void TestImageIO::rejectsBadFiles()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, expected);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("input"));
    QVERIFY(writeFile(path, bytes));

    const DecodeResult result = ImageIO::decodeFile(path);
    QVERIFY(!result.image);
    QCOMPARE(result.error, expected);
}

void TestImageIO::rejectsOversizeImages_data()
{
    QTest::addColumn<QByteArray>("bytes");
    const cv::Mat img = quadrants(40, 30);
    QTest::newRow("PNG") << encoded(img, ".png");
    QTest::newRow("JPEG") << encoded(img, ".jpg");
    QTest::newRow("WebP") << encoded(img, ".webp");
    QTest::newRow("TIFF") << encoded(img, ".tif");
    QTest::newRow("BMP") << encoded(img, ".bmp");
    QTest::newRow("PPM (checked after decoding)") << encoded(img, ".ppm");
}

void TestImageIO::rejectsOversizeImages()
{
    QFETCH(QByteArray, bytes);
    const DecodeResult refused = ImageIO::decodeBytes(bytes, 40 * 30 - 1);
    QVERIFY(!refused.image);
    QCOMPARE(refused.error, QStringLiteral("image too large: 40x30 pixels (limit 1199 pixels)"));
    const DecodeResult accepted = ImageIO::decodeBytes(bytes, 40 * 30);
    QVERIFY2(accepted.image, qPrintable(accepted.error));
    QCOMPARE(accepted.image->originalSize, QSize(40, 30));
}

void TestImageIO::checksSizeBeforeDecoding_data()
{
    // Headers alone, declaring 30000x30000: only a header check can name the size.
    QTest::addColumn<QByteArray>("bytes");
    QByteArray png("\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR", 16);
    png.append(QByteArray("\0\0\x75\x30\0\0\x75\x30\x08\x02\0\0\0", 13));
    QTest::newRow("PNG") << png;
    QTest::newRow("JPEG") << QByteArray("\xFF\xD8\xFF\xC0\0\x11\x08\x75\x30\x75\x30\x03"
                                        "\x01\x22\0\x02\x11\x01\x03\x11\x01",
                                        21);
    QByteArray webp("RIFF\0\0\0\0WEBPVP8X\x0a\0\0\0\0\0\0\0", 24);
    webp.append(QByteArray("\x2f\x75\0\x2f\x75\0", 6));
    QTest::newRow("WebP") << webp;
}

void TestImageIO::checksSizeBeforeDecoding()
{
    QFETCH(QByteArray, bytes);
    const DecodeResult result = ImageIO::decodeBytes(bytes);
    QVERIFY(!result.image);
    QCOMPARE(result.error,
             QStringLiteral("image too large: 30000x30000 pixels (limit 250 megapixels)"));
}

void TestImageIO::writesAndReadsBack_data()
{
    QTest::addColumn<QString>("format");
    QTest::addColumn<cv::Mat>("image");
    QTest::addColumn<int>("tolerance");

    const cv::Mat bgr = quadrants();
    cv::Mat grey;
    cv::cvtColor(bgr, grey, cv::COLOR_BGR2GRAY);
    QTest::newRow("png") << QStringLiteral("png") << bgr << 0;
    QTest::newRow("png, grey") << QStringLiteral("png") << grey << 0;
    QTest::newRow("jpg") << QStringLiteral("jpg") << bgr << 8;
    QTest::newRow("jpeg, grey") << QStringLiteral("jpeg") << grey << 8;
    QTest::newRow("webp") << QStringLiteral("webp") << bgr << 16;
    QTest::newRow("tif") << QStringLiteral("tif") << bgr << 0;
    QTest::newRow(".TIFF") << QStringLiteral(".TIFF") << bgr << 0;
    QTest::newRow("bmp") << QStringLiteral("bmp") << bgr << 0;
}

void TestImageIO::writesAndReadsBack()
{
    QFETCH(QString, format);
    QFETCH(cv::Mat, image);
    QFETCH(int, tolerance);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("out.") + ImageIO::suffixForFormat(format));

    ImageIO::EncodeOptions options;
    options.format = format;
    QCOMPARE(ImageIO::writeImageAtomic(path, image, options), QString());
    QCOMPARE(filesIn(dir.path()), QStringList{QFileInfo(path).fileName()}); // no temporary left

    const DecodeResult result = ImageIO::decodeFile(path);
    QVERIFY2(result.image, qPrintable(result.error));
    cv::Mat expected = image;
    if (image.channels() == 1)
        cv::cvtColor(image, expected, cv::COLOR_GRAY2BGR);
    QVERIFY(maxDifference(result.image->bgr, expected, tolerance ? 4 : 0) <= tolerance);
}

void TestImageIO::keepsAlphaWhereTheFormatHasIt()
{
    cv::Mat bgra(16, 16, CV_8UC4);
    cv::randu(bgra, 0, 256);
    ImageIO::EncodeOptions options;
    for (const char *format : {"png", "tif", "webp"}) {
        options.format = QString::fromLatin1(format);
        options.webpLossless = true;
        QVERIFY(ImageIO::formatSupportsAlpha(options.format));
        const QByteArray bytes = ImageIO::encode(bgra, options);
        QVERIFY(!bytes.isEmpty());
        const cv::Mat back = cv::imdecode(
            cv::Mat(1, int(bytes.size()), CV_8UC1, const_cast<char *>(bytes.constData())),
            cv::IMREAD_UNCHANGED);
        QCOMPARE(back.type(), CV_8UC4);
        std::vector<cv::Mat> a(4), b(4);
        cv::split(back, a);
        cv::split(bgra, b);
        QCOMPARE(cv::norm(a[3], b[3], cv::NORM_INF), 0.0);
    }
}

void TestImageIO::refusesAlphaForFormatsWithoutIt()
{
    // Flattening is composing, which is not ImageIO's job (PhotoExport flattens onto white).
    const cv::Mat bgra(32, 32, CV_8UC4, cv::Scalar(0, 0, 0, 0));
    ImageIO::EncodeOptions options;
    for (const char *format : {"jpg", "bmp"}) {
        options.format = QString::fromLatin1(format);
        QString error;
        QVERIFY(ImageIO::encode(bgra, options, &error).isEmpty());
        QVERIFY2(error.contains(QStringLiteral("no transparency")), qPrintable(error));
    }
}

void TestImageIO::newFilesAreNotPrivate()
{
#ifndef Q_OS_UNIX
    QSKIP("POSIX permissions");
#else
    // QSaveFile's temporary file must not leave the result readable by its owner only.
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("shared.png"));
    const mode_t oldMask = umask(022);
    const QString error = ImageIO::writeImageAtomic(path, quadrants());
    umask(oldMask);
    QCOMPARE(error, QString());
    QVERIFY(QFileInfo(path).permissions().testFlag(QFileDevice::ReadOther));
#endif
}

void TestImageIO::failedWriteKeepsTheOldFile()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("keep.png"));
    QCOMPARE(ImageIO::writeImageAtomic(path, quadrants()), QString());
    const QByteArray before = [&] {
        QFile f(path);
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }();

    const QString error = ImageIO::writeImageAtomic(path, cv::Mat()); // nothing to encode
    QVERIFY(error.startsWith(QStringLiteral("cannot write ") + QDir::toNativeSeparators(path)));
    QFile after(path);
    QVERIFY(after.open(QIODevice::ReadOnly));
    QCOMPARE(after.readAll(), before);
    QCOMPARE(filesIn(dir.path()), QStringList{QStringLiteral("keep.png")});
}

void TestImageIO::failsCleanlyWhereItCannotWrite_data()
{
    QTest::addColumn<QString>("setup");
    QTest::addColumn<QString>("reason");
    QTest::newRow("parent is a regular file")
        << QStringLiteral("file") << QStringLiteral("Not a directory");
    QTest::newRow("parent does not exist")
        << QStringLiteral("missing") << QStringLiteral("No such file or directory");
    QTest::newRow("read-only directory")
        << QStringLiteral("readonly") << QStringLiteral("Permission denied");
}

void TestImageIO::failsCleanlyWhereItCannotWrite()
{
    QFETCH(QString, setup);
    QFETCH(QString, reason);
    QTemporaryDir dir;
    QString path;
    if (setup == QLatin1String("file")) {
        QVERIFY(writeFile(dir.filePath(QStringLiteral("plain")), "x"));
        path = dir.filePath(QStringLiteral("plain/out.png"));
    } else if (setup == QLatin1String("missing")) {
        path = dir.filePath(QStringLiteral("no/such/dir/out.png"));
    } else {
#ifdef Q_OS_UNIX
        if (geteuid() == 0)
            QSKIP("root ignores directory permissions");
#else
        QSKIP("directory permissions are a POSIX test");
#endif
        QVERIFY(QDir(dir.path()).mkdir(QStringLiteral("locked")));
        QVERIFY(QFile::setPermissions(dir.filePath(QStringLiteral("locked")),
                                      QFileDevice::ReadOwner | QFileDevice::ExeOwner));
        path = dir.filePath(QStringLiteral("locked/out.png"));
    }
    const QStringList before = filesIn(dir.path());

    const QString error = ImageIO::writeImageAtomic(path, quadrants());
    QVERIFY(error.startsWith(QStringLiteral("cannot write ") + QDir::toNativeSeparators(path) +
                             QStringLiteral(": ")));
    QVERIFY2(error.size() > QStringLiteral("cannot write : ").size() + path.size(),
             qPrintable(error));
#ifdef Q_OS_UNIX // strerror()'s words
    QVERIFY2(error.contains(reason), qPrintable(error));
#else
    Q_UNUSED(reason);
#endif
    QVERIFY(!QFileInfo::exists(path));
    QCOMPARE(filesIn(dir.path()), before);
    if (setup == QLatin1String("readonly"))
        QVERIFY(filesIn(dir.filePath(QStringLiteral("locked"))).isEmpty());
}

void TestImageIO::fullDiskLeavesNoFileBehind()
{
#ifndef Q_OS_UNIX
    QSKIP("needs fork() and setrlimit()");
#else
    // A full disk, without root tricks: a child process whose file size limit is 4 KiB gets
    // EFBIG from write(), as it would get ENOSPC on a full disk.
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("big.png"));
    cv::Mat noise(256, 256, CV_8UC3);
    cv::randu(noise, 0, 256); // incompressible: ~200 KB of PNG
    ImageIO::EncodeOptions options;
    const QByteArray bytes = ImageIO::encode(noise, options);
    QVERIFY(bytes.size() > 100'000);

    const test::ChildOutcome child = test::runInChild([&] {
        test::limitFileSize(4096);
        return ImageIO::writeImageAtomic(path, noise, options).toUtf8();
    });
    QCOMPARE(child.status, 0);

    const QString error = QString::fromUtf8(child.output);
    QVERIFY2(error.startsWith(QStringLiteral("cannot write ") + path + QStringLiteral(": ")),
             qPrintable(error));
    QVERIFY2(error.contains(QStringLiteral("File too large")), qPrintable(error));
    QVERIFY(filesIn(dir.path()).isEmpty());
#endif
}

void TestImageIO::formatHelpers()
{
    QVERIFY(ImageIO::formatSupportsAlpha(QStringLiteral("PNG")));
    QVERIFY(ImageIO::formatSupportsAlpha(QStringLiteral("tiff")));
    QVERIFY(!ImageIO::formatSupportsAlpha(QStringLiteral("jpeg")));
    QVERIFY(!ImageIO::formatSupportsAlpha(QStringLiteral("bmp")));
    QCOMPARE(ImageIO::suffixForFormat(QStringLiteral("JPEG")), QStringLiteral("jpg"));
    QCOMPARE(ImageIO::suffixForFormat(QStringLiteral(".tiff")), QStringLiteral("tif"));
    QCOMPARE(ImageIO::suffixForFormat(QStringLiteral("gif")), QString());

    QString error;
    ImageIO::EncodeOptions options;
    options.format = QStringLiteral("gif");
    QVERIFY(ImageIO::encode(quadrants(), options, &error).isEmpty());
    QCOMPARE(error, QStringLiteral("unsupported output format \"gif\""));
}

void TestImageIO::openCvErrorsAreWords()
{
    // OpenCV's own what() names its build path, a line number and an assertion.
    QString message;
    try {
        cv::Mat empty, out;
        cv::resize(empty, out, cv::Size(10, 10));
    } catch (const std::exception &e) {
        QVERIFY(QString::fromLocal8Bit(e.what()).contains(QLatin1String(".cpp:")));
        message = describeException(e);
    }
    QVERIFY2(message.startsWith(QLatin1String("OpenCV's resize refused the image")),
             qPrintable(message));
    QVERIFY2(!message.contains(QLatin1String(".cpp")) && !message.contains(QLatin1String("-215")),
             qPrintable(message));
    QCOMPARE(describeException(std::bad_alloc()), QStringLiteral("out of memory"));
    QCOMPARE(describeException(std::runtime_error(" plain ")), QStringLiteral("plain"));
}

QTEST_APPLESS_MAIN(TestImageIO)
#include "test_imageio.moc"
