// The strip-parallel PNG encoder: what it writes must read back pixel for pixel through libpng
// (OpenCV) and through Qt, whatever the size, channel count, level and strip split.

#include "engine/PngWriter.h"

#include <QImage>
#include <QTest>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

using namespace clearcut;

Q_DECLARE_METATYPE(cv::Mat)
Q_DECLARE_METATYPE(clearcut::PngWriter::Effort)

namespace {

// Noise over a gradient with a flat block: runs, smooth ramps and incompressible bytes.
cv::Mat testImage(int width, int height, int channels)
{
    cv::Mat img(height, width, CV_8UC(channels));
    cv::RNG rng(width * 7919 + height * 31 + channels);
    rng.fill(img, cv::RNG::UNIFORM, 0, 256);
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width / 2; ++x)
            for (int c = 0; c < channels; ++c)
                img.ptr<uchar>(y)[x * channels + c] = uchar((x + y * 3 + c * 50) & 0xFF);
    img(cv::Rect(0, 0, (width + 3) / 4, (height + 3) / 4)).setTo(cv::Scalar::all(0));
    return img;
}

cv::Mat decode(const QByteArray &png)
{
    const cv::Mat bytes(1, int(png.size()), CV_8UC1, const_cast<char *>(png.constData()));
    return cv::imdecode(bytes, cv::IMREAD_UNCHANGED);
}

} // namespace

class TestPngWriter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void readsBackExactly_data();
    void readsBackExactly();
    void qtReadsTheChannelsInOrder();
    void encodesAView();
    void compressesFlatImages();
    void rejectsWhatItCannotWrite_data();
    void rejectsWhatItCannotWrite();
};

void TestPngWriter::readsBackExactly_data()
{
    QTest::addColumn<int>("width");
    QTest::addColumn<int>("height");
    QTest::addColumn<int>("channels");
    QTest::addColumn<int>("level");
    QTest::addColumn<PngWriter::Effort>("effort");
    const QList<QSize> sizes = {{1, 1}, {7, 3}, {1, 700}, {3001, 1}, {1500, 1000}, {2100, 1700}};
    for (const QSize &size : sizes)
        for (int channels : {1, 3, 4})
            for (int level : {0, 1, 6, 9}) {
                // The largest size only at the fast level: it is there for the many-strip split.
                if (size.width() == 2100 && level != 1)
                    continue;
                QTest::addRow("%dx%d c%d l%d strips", size.width(), size.height(), channels, level)
                    << size.width() << size.height() << channels << level
                    << PngWriter::Effort::Soonest;
                QTest::addRow("%dx%d c%d l%d whole", size.width(), size.height(), channels, level)
                    << size.width() << size.height() << channels << level
                    << PngWriter::Effort::LeastCpu;
            }
}

void TestPngWriter::readsBackExactly()
{
    QFETCH(int, width);
    QFETCH(int, height);
    QFETCH(int, channels);
    QFETCH(int, level);
    QFETCH(PngWriter::Effort, effort);
    const cv::Mat img = testImage(width, height, channels);
    QString error;
    const QByteArray png = PngWriter::encode(img, level, &error, effort);
    QVERIFY2(!png.isEmpty(), qPrintable(error));
    QVERIFY(error.isEmpty());
    const cv::Mat back = decode(png);
    QCOMPARE(back.type(), img.type());
    QCOMPARE(back.cols, width);
    QCOMPARE(back.rows, height);
    QCOMPARE(cv::norm(back, img, cv::NORM_INF), 0.0);
}

void TestPngWriter::qtReadsTheChannelsInOrder()
{
    // BGRA in memory; the file is RGBA, so Qt sees red 10, green 20, blue 30, alpha 128.
    cv::Mat bgra(5, 9, CV_8UC4, cv::Scalar(30, 20, 10, 128));
    bgra.at<cv::Vec4b>(4, 8) = cv::Vec4b(255, 0, 0, 255);
    const QByteArray png = PngWriter::encode(bgra, 1);
    QImage image;
    QVERIFY(image.loadFromData(png, "PNG"));
    QCOMPARE(image.size(), QSize(9, 5));
    QVERIFY(image.hasAlphaChannel());
    image = image.convertToFormat(QImage::Format_RGBA8888);
    QCOMPARE(image.pixelColor(0, 0), QColor(10, 20, 30, 128));
    QCOMPARE(image.pixelColor(8, 4), QColor(0, 0, 255, 255));

    cv::Mat bgr(2, 2, CV_8UC3, cv::Scalar(200, 100, 50));
    QVERIFY(image.loadFromData(PngWriter::encode(bgr, 6), "PNG"));
    QVERIFY(!image.hasAlphaChannel());
    QCOMPARE(image.pixelColor(1, 1), QColor(50, 100, 200));
}

void TestPngWriter::encodesAView()
{
    // A region of a larger image: rows are not contiguous.
    const cv::Mat whole = testImage(640, 480, 4);
    const cv::Mat view = whole(cv::Rect(13, 7, 301, 222));
    QVERIFY(!view.isContinuous());
    for (const auto effort : {PngWriter::Effort::Soonest, PngWriter::Effort::LeastCpu}) {
        const cv::Mat back = decode(PngWriter::encode(view, 1, nullptr, effort));
        QCOMPARE(back.size(), view.size());
        QCOMPARE(cv::norm(back, view, cv::NORM_INF), 0.0);
    }
}

void TestPngWriter::compressesFlatImages()
{
    // 16 MB of transparent pixels: if the strips were stored rather than deflated this fails.
    const cv::Mat empty(2000, 2000, CV_8UC4, cv::Scalar::all(0));
    for (int level : {1, 6}) {
        const QByteArray png = PngWriter::encode(empty, level, nullptr,
                                                 level == 1 ? PngWriter::Effort::Soonest
                                                            : PngWriter::Effort::LeastCpu);
        QVERIFY(!png.isEmpty());
        QVERIFY2(png.size() < 200'000, qPrintable(QString::number(png.size())));
        QCOMPARE(cv::countNonZero(decode(png).reshape(1)), 0);
    }
}

void TestPngWriter::rejectsWhatItCannotWrite_data()
{
    QTest::addColumn<cv::Mat>("img");
    QTest::newRow("empty") << cv::Mat();
    QTest::newRow("16-bit") << cv::Mat(4, 4, CV_16UC3, cv::Scalar::all(1000));
    QTest::newRow("float") << cv::Mat(4, 4, CV_32FC1, cv::Scalar::all(0.5));
    QTest::newRow("two channels") << cv::Mat(4, 4, CV_8UC2, cv::Scalar::all(1));
}

void TestPngWriter::rejectsWhatItCannotWrite()
{
    QFETCH(cv::Mat, img);
    QString error;
    QVERIFY(PngWriter::encode(img, 1, &error).isEmpty());
    QVERIFY(error.contains(QLatin1String("8-bit")));
}

QTEST_APPLESS_MAIN(TestPngWriter)
#include "test_pngwriter.moc"
