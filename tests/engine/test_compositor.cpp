// Output types (as transparent-background spells them) and the images built from photo + mask.

#include "engine/Compositor.h"
#include "engine/ImageIO.h"
#include "engine/OutputType.h"
#include "engine/PhotoExport.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <cmath>

using namespace clearcut;

Q_DECLARE_METATYPE(OutputType)

namespace {

constexpr int kWidth = 120, kHeight = 80;

// A textured photo, so that "equals the photo" cannot pass by accident.
cv::Mat photo()
{
    cv::Mat img(kHeight, kWidth, CV_8UC3);
    cv::randu(img, 20, 236);
    return img;
}

// Left third background (0), middle third a ramp 0..255, right third foreground (255).
cv::Mat mask()
{
    cv::Mat m(kHeight, kWidth, CV_8UC1);
    for (int x = 0; x < kWidth; ++x) {
        const int third = kWidth / 3;
        const int v = x < third ? 0 : x >= 2 * third ? 255 : (x - third) * 255 / (third - 1);
        m.col(x).setTo(v);
    }
    return m;
}

// The largest channel difference between a and b over the pixels where `where` is set.
double maxDiffWhere(const cv::Mat &a, const cv::Mat &b, const cv::Mat &where)
{
    cv::Mat diff;
    cv::absdiff(a, b, diff);
    std::vector<cv::Mat> channels;
    cv::split(diff, channels);
    cv::Mat perPixel = channels[0];
    for (size_t c = 1; c < channels.size(); ++c)
        perPixel = cv::max(perPixel, channels[c]);
    double worst = 0;
    cv::minMaxLoc(perPixel, nullptr, &worst, nullptr, nullptr, where);
    return worst;
}

OutputType parsed(const char *text)
{
    return *OutputType::parse(QString::fromLatin1(text));
}

} // namespace

class TestCompositor : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parsesOutputTypes_data();
    void parsesOutputTypes();
    void rejectsBadOutputTypes_data();
    void rejectsBadOutputTypes();
    void parsesBackgroundImagePaths();

    void rgbaAlphaIsTheMask();
    void mapIsTheMask();
    void colourBackgrounds_data();
    void colourBackgrounds();
    void blendIsExactlyRounded();
    void blurBackgroundIsBlurred();
    void backgroundImageCoversThePhoto_data();
    void backgroundImageCoversThePhoto();
    void backgroundImageIsDecodedOnceAndPassedAsPixels();
    void overlayTintsTheForegroundAndOutlinesIt();
    void foregroundEstimationRemovesTheOldBackground();
    void everyPixelKeepsItsKind_data();
    void everyPixelKeepsItsKind();
    void flattenOntoColour();
    void everyKindHandlesTinyImages_data();
    void everyKindHandlesTinyImages();
};

void TestCompositor::parsesOutputTypes_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<OutputType>("expected");
    QTest::addColumn<QString>("name");
    QTest::addColumn<bool>("alpha");

    QTest::newRow("rgba") << "rgba" << OutputType{} << "rgba" << true;
    QTest::newRow("map") << "map" << OutputType{OutputType::Kind::Map, {}, {}} << "map" << false;
    QTest::newRow("green") << "green" << OutputType::colour({120, 255, 155}) << "green" << false;
    QTest::newRow("white") << "white" << OutputType::colour({255, 255, 255}) << "white" << false;
    QTest::newRow("[255,0,0]") << "[255,0,0]" << OutputType::colour({255, 0, 0}) << "colour-255-0-0"
                               << false;
    QTest::newRow("[ 1, 2, 3 ] with spaces")
        << " [ 1, 2, 3 ] " << OutputType::colour({1, 2, 3}) << "colour-1-2-3" << false;
    QTest::newRow("#rrggbb") << "#0a80FF" << OutputType::colour({10, 128, 255})
                             << "colour-10-128-255" << false;
    QTest::newRow("green spelled as numbers")
        << "[120,255,155]" << OutputType::colour({120, 255, 155}) << "green" << false;
    QTest::newRow("blur") << "blur" << OutputType{OutputType::Kind::Blur, {}, {}} << "blur"
                          << false;
    QTest::newRow("overlay") << "Overlay" << OutputType{OutputType::Kind::Overlay, {}, {}}
                             << "overlay" << false;
}

void TestCompositor::parsesOutputTypes()
{
    QFETCH(QString, text);
    QFETCH(OutputType, expected);
    QFETCH(QString, name);
    QFETCH(bool, alpha);
    QString error;
    const auto type = OutputType::parse(text, &error);
    QVERIFY2(type, qPrintable(error));
    QVERIFY(*type == expected);
    QCOMPARE(type->name(), name);
    QCOMPARE(type->hasAlpha(), alpha);
    // toString() round-trips.
    const auto again = OutputType::parse(type->toString());
    QVERIFY(again && *again == *type);
}

void TestCompositor::rejectsBadOutputTypes_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("expected");
    QTest::newRow("two values") << "[1,2]"
                                << "bad colour \"[1,2]\"";
    QTest::newRow("value above 255") << "[1,2,300]"
                                     << "bad colour \"[1,2,300]\"";
    QTest::newRow("negative value") << "[-1,2,3]"
                                    << "bad colour";
    QTest::newRow("nonsense") << "nonsense"
                              << "unknown output type \"nonsense\"";
    QTest::newRow("missing file") << "/no/such/background.jpg"
                                  << "unknown output type";
    QTest::newRow("empty") << "  "
                           << "no output type given";
}

void TestCompositor::rejectsBadOutputTypes()
{
    QFETCH(QString, text);
    QFETCH(QString, expected);
    QString error;
    QVERIFY(!OutputType::parse(text, &error));
    QVERIFY2(error.startsWith(expected), qPrintable(error));
}

void TestCompositor::parsesBackgroundImagePaths()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("beach.png"));
    QCOMPARE(ImageIO::writeImageAtomic(path, photo()), QString());
    const auto type = OutputType::parse(path);
    QVERIFY(type);
    QCOMPARE(type->kind, OutputType::Kind::BackgroundImage);
    QCOMPARE(type->backgroundPath, path);
    QCOMPARE(type->name(), QStringLiteral("bg"));
    QVERIFY(!type->hasAlpha());
    QCOMPARE(type->toString(), path);
}

void TestCompositor::rgbaAlphaIsTheMask()
{
    const cv::Mat p = photo(), m = mask();
    const cv::Mat out = Compositor::composite(p, m, parsed("rgba"));
    QCOMPARE(out.type(), CV_8UC4);
    QCOMPARE(out.size(), p.size());
    cv::Mat alpha, bgr;
    cv::extractChannel(out, alpha, 3);
    cv::cvtColor(out, bgr, cv::COLOR_BGRA2BGR);
    QCOMPARE(cv::norm(alpha, m, cv::NORM_INF), 0.0);
    QCOMPARE(maxDiffWhere(bgr, p, m == 255), 0.0); // opaque: the photo
    QCOMPARE(maxDiffWhere(bgr, cv::Mat::zeros(p.size(), CV_8UC3), m == 0), 0.0); // transparent: 0
}

void TestCompositor::mapIsTheMask()
{
    const cv::Mat m = mask();
    const cv::Mat out = Compositor::composite(photo(), m, parsed("map"));
    QCOMPARE(out.type(), CV_8UC1);
    QCOMPARE(cv::norm(out, m, cv::NORM_INF), 0.0);
    QVERIFY(out.data != m.data); // a copy the caller may change
}

void TestCompositor::colourBackgrounds_data()
{
    QTest::addColumn<QString>("type");
    QTest::addColumn<cv::Vec3b>("bgr");
    QTest::newRow("white") << "white" << cv::Vec3b(255, 255, 255);
    QTest::newRow("green") << "green" << cv::Vec3b(155, 255, 120);
    QTest::newRow("[255,0,0]") << "[255,0,0]" << cv::Vec3b(0, 0, 255);
    QTest::newRow("[0,0,0]") << "[0,0,0]" << cv::Vec3b(0, 0, 0);
}

void TestCompositor::colourBackgrounds()
{
    QFETCH(QString, type);
    QFETCH(cv::Vec3b, bgr);
    const cv::Mat p = photo(), m = mask();
    const cv::Mat out = Compositor::composite(p, m, *OutputType::parse(type));
    QCOMPARE(out.type(), CV_8UC3);
    const cv::Mat colour(p.size(), CV_8UC3, cv::Scalar(bgr[0], bgr[1], bgr[2]));
    QCOMPARE(maxDiffWhere(out, colour, m == 0), 0.0);
    QCOMPARE(maxDiffWhere(out, p, m == 255), 0.0);
    // Half-way pixels lie between the two.
    const cv::Vec3b mid = out.at<cv::Vec3b>(10, kWidth / 2);
    const cv::Vec3b src = p.at<cv::Vec3b>(10, kWidth / 2);
    for (int c = 0; c < 3; ++c)
        QVERIFY(mid[c] >= std::min(src[c], bgr[c]) && mid[c] <= std::max(src[c], bgr[c]));
}

void TestCompositor::blendIsExactlyRounded()
{
    cv::Mat fg(50, 70, CV_8UC3), bg(50, 70, CV_8UC3), m(50, 70, CV_8UC1);
    cv::randu(fg, 0, 256);
    cv::randu(bg, 0, 256);
    cv::randu(m, 0, 256);
    const cv::Mat out = Compositor::blend(fg, bg, m);
    for (int y = 0; y < m.rows; ++y)
        for (int x = 0; x < m.cols; ++x)
            for (int c = 0; c < 3; ++c) {
                const double a = m.at<uchar>(y, x) / 255.0;
                const int expected = int(std::lround(fg.at<cv::Vec3b>(y, x)[c] * a +
                                                     bg.at<cv::Vec3b>(y, x)[c] * (1 - a)));
                QCOMPARE(int(out.at<cv::Vec3b>(y, x)[c]), expected);
            }
}

void TestCompositor::blurBackgroundIsBlurred()
{
    const cv::Mat p = photo(), m = mask();
    const cv::Mat out = Compositor::composite(p, m, parsed("blur"));
    QCOMPARE(out.type(), CV_8UC3);
    QCOMPARE(maxDiffWhere(out, p, m == 255), 0.0);
    // Where the background shows, the noise is smoothed away: far less spread than the photo's.
    cv::Scalar photoMean, photoSpread, outMean, outSpread;
    cv::meanStdDev(p(cv::Rect(0, 0, 30, kHeight)), photoMean, photoSpread);
    cv::meanStdDev(out(cv::Rect(0, 0, 30, kHeight)), outMean, outSpread);
    for (int c = 0; c < 3; ++c) {
        QVERIFY(outSpread[c] < photoSpread[c] / 5);
        QVERIFY(std::abs(outMean[c] - photoMean[c]) < 10);
    }
    // Sigma 15 as transparent-background's: close to OpenCV's exact Gaussian.
    cv::Mat exact, diff;
    cv::GaussianBlur(p, exact, cv::Size(), 15.0);
    cv::absdiff(Compositor::blurredBackground(p), exact, diff);
    QVERIFY(cv::mean(diff.reshape(1))[0] < 2.0);
}

void TestCompositor::backgroundImageCoversThePhoto_data()
{
    QTest::addColumn<cv::Size>("backgroundSize");
    // Wider than the photo (120x80 = 3:2) and taller, larger and smaller.
    QTest::newRow("wider, larger") << cv::Size(400, 100);
    QTest::newRow("wider, smaller") << cv::Size(60, 20);
    QTest::newRow("taller, larger") << cv::Size(120, 600);
    QTest::newRow("taller, smaller") << cv::Size(12, 30);
    QTest::newRow("same aspect") << cv::Size(240, 160);
}

void TestCompositor::backgroundImageCoversThePhoto()
{
    QFETCH(cv::Size, backgroundSize);
    // Red margins around a blue centre: after cover + centre crop only blue may show, except
    // for the same-aspect case where the whole image (margins included) fits exactly.
    const bool sameAspect = backgroundSize.width * kHeight == backgroundSize.height * kWidth;
    cv::Mat background(backgroundSize, CV_8UC3, cv::Scalar(0, 0, 255));
    const cv::Size inner =
        backgroundSize.width * kHeight > backgroundSize.height * kWidth
            ? cv::Size(backgroundSize.height * kWidth / kHeight, backgroundSize.height)
            : cv::Size(backgroundSize.width, backgroundSize.width * kHeight / kWidth);
    background(cv::Rect((backgroundSize.width - inner.width) / 2,
                        (backgroundSize.height - inner.height) / 2, inner.width, inner.height))
        .setTo(cv::Scalar(255, 0, 0));

    const cv::Mat covered = Compositor::coverResize(background, cv::Size(kWidth, kHeight));
    QCOMPARE(covered.size(), cv::Size(kWidth, kHeight));

    const cv::Mat m = cv::Mat::zeros(kHeight, kWidth, CV_8UC1);
    const cv::Mat out = Compositor::composite(
        photo(), m, OutputType::backgroundImage(QStringLiteral("unused")), background);
    QCOMPARE(out.size(), cv::Size(kWidth, kHeight));
    // The centre is blue; so are the edges unless the image fits exactly.
    const cv::Vec3b blue(255, 0, 0);
    QCOMPARE(out.at<cv::Vec3b>(kHeight / 2, kWidth / 2), blue);
    if (!sameAspect) {
        cv::Mat isBlue;
        cv::inRange(out, cv::Scalar(235, 0, 0), cv::Scalar(255, 20, 20), isBlue);
        // Upsampling blends the red/blue seam at the crop edge over about half a source pixel.
        const double scale = std::max(double(kWidth) / backgroundSize.width,
                                      double(kHeight) / backgroundSize.height);
        const int seam = std::max(1, int(std::ceil(scale / 2)));
        cv::Mat inner(isBlue(cv::Rect(seam, seam, kWidth - 2 * seam, kHeight - 2 * seam)));
        QCOMPARE(cv::countNonZero(inner), int(inner.total()));
    }
}

void TestCompositor::backgroundImageIsDecodedOnceAndPassedAsPixels()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("bg.png"));
    const cv::Mat background(40, 60, CV_8UC3, cv::Scalar(10, 200, 30));
    QCOMPARE(ImageIO::writeImageAtomic(path, background), QString());

    const OutputType type = *OutputType::parse(path);
    const LoadedBackground loaded = PhotoExport::loadBackground(type);
    QVERIFY2(loaded.bgr, qPrintable(loaded.error));
    // Composing never reads the file: it may be gone by now.
    QVERIFY(QFile::remove(path));
    const cv::Mat p = photo(), m = mask();
    QString error;
    const cv::Mat out = Compositor::composite(p, m, type, *loaded.bgr, &error);
    QVERIFY2(!out.empty(), qPrintable(error));
    QCOMPARE(maxDiffWhere(out, cv::Mat(p.size(), CV_8UC3, cv::Scalar(10, 200, 30)), m == 0), 0.0);
    QCOMPARE(maxDiffWhere(out, p, m == 255), 0.0);

    // Without pixels there is nothing to compose onto, and no file is opened to find some.
    QVERIFY(Compositor::composite(p, m, type, {}, &error).empty());
    QVERIFY2(error.startsWith(QStringLiteral("no pixels for the background image")),
             qPrintable(error));

    const LoadedBackground missing = PhotoExport::loadBackground(type);
    QVERIFY(!missing.bgr);
    QVERIFY2(missing.error.startsWith(QStringLiteral("background image ") +
                                      QDir::toNativeSeparators(path)),
             qPrintable(missing.error));
    // Other kinds have nothing to load.
    const LoadedBackground none = PhotoExport::loadBackground(parsed("blur"));
    QVERIFY(!none.bgr && none.error.isEmpty());
}

void TestCompositor::overlayTintsTheForegroundAndOutlinesIt()
{
    const cv::Mat p = photo();
    cv::Mat m = cv::Mat::zeros(kHeight, kWidth, CV_8UC1);
    cv::rectangle(m, cv::Rect(40, 20, 40, 40), cv::Scalar(255), cv::FILLED);
    const cv::Mat out = Compositor::composite(p, m, parsed("overlay"));
    QCOMPARE(out.type(), CV_8UC3);

    const cv::Vec3b green(155, 255, 120);
    // Away from the outline: background untouched, foreground half-way to green.
    QCOMPARE(out.at<cv::Vec3b>(5, 5), p.at<cv::Vec3b>(5, 5));
    const cv::Vec3b inside = out.at<cv::Vec3b>(40, 60), original = p.at<cv::Vec3b>(40, 60);
    for (int c = 0; c < 3; ++c)
        QVERIFY(std::abs(int(inside[c]) - (int(original[c]) + int(green[c]) + 1) / 2) <= 1);
    // The outline is drawn in green on the mask's edge.
    QCOMPARE(out.at<cv::Vec3b>(20, 60), green);
    QCOMPARE(out.at<cv::Vec3b>(40, 40), green);
}

void TestCompositor::foregroundEstimationRemovesTheOldBackground()
{
    // A red object over a blue background; a 12-pixel band of hair at alpha 0.5 between them,
    // where the photo shows purple. The estimated foreground there must be closer to red.
    const int width = 300, height = 120;
    cv::Mat p(height, width, CV_8UC3, cv::Scalar(255, 0, 0));
    cv::Mat m(height, width, CV_8UC1, cv::Scalar(0));
    p(cv::Rect(156, 0, width - 156, height)).setTo(cv::Scalar(0, 0, 255));
    m(cv::Rect(156, 0, width - 156, height)).setTo(255);
    p(cv::Rect(144, 0, 12, height)).setTo(cv::Scalar(128, 0, 128)); // 0.5 red + 0.5 blue
    m(cv::Rect(144, 0, 12, height)).setTo(128);

    const cv::Mat rgba = Compositor::composite(p, m, parsed("rgba"));
    const cv::Vec3i red(0, 0, 255);
    for (int x = 144; x < 156; ++x) {
        const cv::Vec4b px = rgba.at<cv::Vec4b>(height / 2, x);
        const cv::Vec3i estimated(px[0], px[1], px[2]);
        const cv::Vec3i raw(p.at<cv::Vec3b>(height / 2, x));
        QVERIFY2(cv::norm(estimated - red) < 0.5 * cv::norm(raw - red),
                 qPrintable(QStringLiteral("x=%1: estimated (%2,%3,%4)")
                                .arg(x)
                                .arg(estimated[2])
                                .arg(estimated[1])
                                .arg(estimated[0])));
        QCOMPARE(int(px[3]), 128);
    }
    // Put back on the old background, the estimate still roughly reproduces the photo (it
    // explains the pixel, it does not just recolour it).
    for (int x = 144; x < 156; ++x) {
        const cv::Vec4b px = rgba.at<cv::Vec4b>(height / 2, x);
        for (int c = 0; c < 3; ++c) {
            const double recomposed = px[c] * (128 / 255.0) + (c == 0 ? 255 : 0) * (127 / 255.0);
            QVERIFY(std::abs(recomposed - p.at<cv::Vec3b>(height / 2, x)[c]) < 12);
        }
    }
}

void TestCompositor::everyPixelKeepsItsKind_data()
{
    QTest::addColumn<int>("width");
    // Whole chunks of sixteen pixels, a scalar tail, and a row narrower than one chunk.
    QTest::newRow("37") << 37;
    QTest::newRow("32") << 32;
    QTest::newRow("5") << 5;
}

void TestCompositor::everyPixelKeepsItsKind()
{
    // On a photo of one colour, the foreground estimate is that colour wherever it runs: so
    // opaque pixels keep the photo's colour, transparent ones become 0, semi-transparent ones
    // (including one that is alone in its row, at any column) get the estimate, and alpha is
    // the mask, in the vectorised chunks and in the scalar tail alike.
    QFETCH(int, width);
    const int height = 24;
    const cv::Vec3b colour(60, 120, 180);
    const cv::Mat p(height, width, CV_8UC3, cv::Scalar(colour[0], colour[1], colour[2]));
    cv::Mat m(height, width, CV_8UC1);
    cv::RNG rng(width);
    const uchar kinds[] = {0, 0, 255, 254, 253, 252, 128, 1};
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x)
            m.at<uchar>(y, x) = kinds[rng.uniform(0, 8)];
    // Rows with a single semi-transparent pixel, last and first.
    m.row(3).setTo(0);
    m.at<uchar>(3, width - 1) = 100;
    m.row(4).setTo(255);
    m.at<uchar>(4, 0) = 100;

    const cv::Mat rgba = Compositor::composite(p, m, parsed("rgba"));
    QCOMPARE(rgba.type(), CV_8UC4);
    for (int y = 0; y < height; ++y) {
        for (int x = 0; x < width; ++x) {
            const cv::Vec4b px = rgba.at<cv::Vec4b>(y, x);
            const int a = m.at<uchar>(y, x);
            const QString where = QStringLiteral("(%1,%2) alpha %3").arg(x).arg(y).arg(a);
            QVERIFY2(px[3] == a, qPrintable(where));
            for (int c = 0; c < 3; ++c) {
                if (a == 0)
                    QVERIFY2(px[c] == 0, qPrintable(where));
                else if (a >= 253)
                    QVERIFY2(px[c] == colour[c], qPrintable(where));
                else
                    QVERIFY2(std::abs(int(px[c]) - int(colour[c])) <= 3, qPrintable(where));
            }
        }
    }
}

void TestCompositor::flattenOntoColour()
{
    cv::Mat bgra(1, 3, CV_8UC4);
    bgra.at<cv::Vec4b>(0) = {10, 20, 30, 0};
    bgra.at<cv::Vec4b>(1) = {10, 20, 30, 255};
    bgra.at<cv::Vec4b>(2) = {0, 0, 0, 51}; // 20% black over white
    const cv::Mat out = Compositor::flattenOnto(bgra, cv::Vec3b(255, 128, 255));
    QCOMPARE(out.type(), CV_8UC3);
    QCOMPARE(out.at<cv::Vec3b>(0), cv::Vec3b(255, 128, 255)); // BGR of RGB (255,128,255)
    QCOMPARE(out.at<cv::Vec3b>(1), cv::Vec3b(10, 20, 30));
    QCOMPARE(out.at<cv::Vec3b>(2), cv::Vec3b(204, 102, 204));
}

void TestCompositor::everyKindHandlesTinyImages_data()
{
    QTest::addColumn<QString>("type");
    QTest::addColumn<cv::Size>("size");
    for (const char *type : {"rgba", "map", "white", "blur", "overlay"})
        for (const cv::Size size : {cv::Size(1, 1), cv::Size(3, 2), cv::Size(9, 17)})
            QTest::addRow("%s %dx%d", type, size.width, size.height)
                << QString::fromLatin1(type) << size;
}

void TestCompositor::everyKindHandlesTinyImages()
{
    QFETCH(QString, type);
    QFETCH(cv::Size, size);
    cv::Mat p(size, CV_8UC3), m(size, CV_8UC1);
    cv::randu(p, 0, 256);
    cv::randu(m, 0, 256);
    const cv::Mat out = Compositor::composite(p, m, *OutputType::parse(type));
    QCOMPARE(out.size(), size);
}

QTEST_APPLESS_MAIN(TestCompositor)
#include "test_compositor.moc"
