// Auto-crop and "fill frame": the subject's box, the margin, the canvases, and their text forms.

#include "engine/Framing.h"

#include <QTest>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>

using namespace clearcut;

Q_DECLARE_METATYPE(cv::Mat)
Q_DECLARE_METATYPE(cv::Rect)
Q_DECLARE_METATYPE(cv::Size)
Q_DECLARE_METATYPE(Framing)

// Readable QCOMPARE failures (found by argument-dependent lookup).
namespace cv {
char *toString(const Rect &r)
{
    return qstrdup(
        qPrintable(QStringLiteral("(%1,%2 %3x%4)").arg(r.x).arg(r.y).arg(r.width).arg(r.height)));
}
char *toString(const Size &s)
{
    return qstrdup(qPrintable(QStringLiteral("%1x%2").arg(s.width).arg(s.height)));
}
} // namespace cv

namespace {

const QString kNoSubject =
    QStringLiteral("nothing to crop to: the mask has no subject (no alpha above 10)");

// A textured photo, so that "the same pixels" cannot pass by accident.
cv::Mat photo(const cv::Size &size)
{
    cv::Mat img(size, CV_8UC3);
    cv::randu(img, 0, 256);
    return img;
}

cv::Mat maskWithRect(const cv::Size &size, const cv::Rect &subject, uchar value = 255)
{
    cv::Mat m(size, CV_8UC1, cv::Scalar(0));
    m(subject).setTo(value);
    return m;
}

// The box of value > cutoff by visiting every pixel: a reference independent of subjectBox().
cv::Rect bruteForceBox(const cv::Mat &mask, uchar cutoff)
{
    int left = mask.cols, top = mask.rows, right = -1, bottom = -1;
    for (int y = 0; y < mask.rows; ++y)
        for (int x = 0; x < mask.cols; ++x)
            if (mask.at<uchar>(y, x) > cutoff) {
                left = std::min(left, x);
                right = std::max(right, x);
                top = std::min(top, y);
                bottom = std::max(bottom, y);
            }
    return right < 0 ? cv::Rect() : cv::Rect(left, top, right - left + 1, bottom - top + 1);
}

bool identical(const cv::Mat &a, const cv::Mat &b)
{
    return a.size() == b.size() && a.type() == b.type() && cv::norm(a, b, cv::NORM_INF) == 0;
}

Framing cropBy(double margin, bool percent = false)
{
    Framing f;
    f.crop = true;
    f.margin = margin;
    f.marginPercent = percent;
    return f;
}

Framing onCanvas(Framing::Canvas canvas, const cv::Size &size = {}, double margin = -1)
{
    Framing f = margin >= 0 ? cropBy(margin) : Framing{};
    f.canvas = canvas;
    f.canvasSize = size;
    return f;
}

} // namespace

class TestFraming : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void subjectBoxOfShapes_data();
    void subjectBoxOfShapes();
    void cutoffExcludesFaintNoise();
    void cropKeepsTheMarginAndThePixels_data();
    void cropKeepsTheMarginAndThePixels();
    void marginPastTheEdgeIsPadded();
    void paddingComesFromTheInputNotItsParent();
    void squareCentresTheSubject_data();
    void squareCentresTheSubject();
    void sizeCanvasIsExactAndCentred_data();
    void sizeCanvasIsExactAndCentred();
    void shrinkingAveragesEveryPixel();
    void enlargingInterpolates();
    void emptyMaskIsAnError_data();
    void emptyMaskIsAnError();
    void badInputsAreErrors_data();
    void badInputsAreErrors();
    void hugeFramingIsRefused();
    void noOpSharesTheInputs();
    void parsesText_data();
    void parsesText();
    void rejectsText_data();
    void rejectsText();
    void textRoundTrips_data();
    void textRoundTrips();
};

void TestFraming::subjectBoxOfShapes_data()
{
    QTest::addColumn<cv::Mat>("mask");
    QTest::addColumn<cv::Rect>("expected");

    const cv::Size size(160, 120);
    QTest::newRow("rectangle") << maskWithRect(size, cv::Rect(30, 20, 50, 40))
                               << cv::Rect(30, 20, 50, 40);
    QTest::newRow("single pixel") << maskWithRect(size, cv::Rect(7, 9, 1, 1))
                                  << cv::Rect(7, 9, 1, 1);
    QTest::newRow("touching every edge")
        << maskWithRect(size, cv::Rect(cv::Point(0, 0), size)) << cv::Rect(cv::Point(0, 0), size);
    cv::Mat ellipse(size, CV_8UC1, cv::Scalar(0));
    cv::ellipse(ellipse, cv::Point(90, 60), cv::Size(40, 25), 0, 0, 360, cv::Scalar(200),
                cv::FILLED);
    QTest::newRow("ellipse") << ellipse << cv::Rect(50, 35, 81, 51);
}

void TestFraming::subjectBoxOfShapes()
{
    QFETCH(cv::Mat, mask);
    QFETCH(cv::Rect, expected);
    const std::optional<cv::Rect> box = Framer::subjectBox(mask);
    QVERIFY(box);
    QCOMPARE(*box, bruteForceBox(mask, Framer::kSubjectCutoff));
    QCOMPARE(*box, expected);
}

void TestFraming::cutoffExcludesFaintNoise()
{
    const cv::Size size(200, 150);
    const cv::Rect subject(60, 40, 30, 20);
    cv::Mat mask(size, CV_8UC1);
    cv::randu(mask, 0, Framer::kSubjectCutoff + 1); // 0..10 everywhere: halo and noise
    mask(subject).setTo(255);

    QCOMPARE(Framer::subjectBox(mask), std::optional<cv::Rect>(subject));
    // With no cutoff the noise is subject, and the box spans the photo.
    QCOMPARE(Framer::subjectBox(mask, 0), std::optional<cv::Rect>(cv::Rect(cv::Point(0, 0), size)));
    // One value just above the cutoff counts.
    mask.at<uchar>(140, 190) = Framer::kSubjectCutoff + 1;
    QCOMPARE(Framer::subjectBox(mask), std::optional<cv::Rect>(cv::Rect(60, 40, 131, 101)));

    QVERIFY(!Framer::subjectBox(cv::Mat(size, CV_8UC1, cv::Scalar(Framer::kSubjectCutoff))));
    QVERIFY(!Framer::subjectBox(cv::Mat()));
}

void TestFraming::cropKeepsTheMarginAndThePixels_data()
{
    QTest::addColumn<Framing>("framing");
    QTest::addColumn<cv::Rect>("expected");

    // The subject box is (40,30 60x50); its longer side is 60.
    QTest::newRow("no margin") << cropBy(0) << cv::Rect(40, 30, 60, 50);
    QTest::newRow("20 px") << cropBy(20) << cv::Rect(20, 10, 100, 90);
    QTest::newRow("10% of 60 is 6") << cropBy(10, true) << cv::Rect(34, 24, 72, 62);
    QTest::newRow("2.5% of 60 is 1.5, rounded to 2")
        << cropBy(2.5, true) << cv::Rect(38, 28, 64, 54);
}

void TestFraming::cropKeepsTheMarginAndThePixels()
{
    QFETCH(Framing, framing);
    QFETCH(cv::Rect, expected);
    const cv::Mat image = photo(cv::Size(200, 150));
    const cv::Mat mask = maskWithRect(image.size(), cv::Rect(40, 30, 60, 50));

    QString error;
    const std::optional<Framer::Plan> plan = Framer::plan(image.size(), mask, framing, &error);
    QVERIFY2(plan, qPrintable(error));
    QCOMPARE(plan->source, expected);
    QCOMPARE(plan->output, expected.size());

    const Framer::Framed framed = Framer::apply(image, mask, framing);
    QVERIFY2(framed.error.isEmpty(), qPrintable(framed.error));
    QVERIFY(identical(framed.photo, image(expected)));
    QVERIFY(identical(framed.mask, mask(expected)));
}

void TestFraming::marginPastTheEdgeIsPadded()
{
    // The subject touches the photo's top-left corner; a 10 px margin reaches past both edges.
    const cv::Mat image = photo(cv::Size(100, 80));
    const cv::Mat mask = maskWithRect(image.size(), cv::Rect(0, 0, 30, 20));
    const Framer::Framed framed = Framer::apply(image, mask, cropBy(10));
    QVERIFY2(framed.error.isEmpty(), qPrintable(framed.error));
    QCOMPARE(framed.photo.size(), cv::Size(50, 40));
    QCOMPARE(framed.mask.size(), cv::Size(50, 40));

    for (int y = 0; y < 40; ++y) {
        for (int x = 0; x < 50; ++x) {
            // Output (x, y) is photo (x - 10, y - 10), clamped to the photo for the colour.
            const int px = x - 10, py = y - 10;
            const bool outside = px < 0 || py < 0;
            const cv::Vec3b colour = image.at<cv::Vec3b>(std::max(py, 0), std::max(px, 0));
            QCOMPARE(framed.photo.at<cv::Vec3b>(y, x), colour);
            QCOMPARE(int(framed.mask.at<uchar>(y, x)), outside ? 0 : int(mask.at<uchar>(py, px)));
        }
    }
}

void TestFraming::paddingComesFromTheInputNotItsParent()
{
    // The inputs are views into larger images whose pixels around them differ; the padding must
    // repeat the view's own edge.
    cv::Mat parentPhoto(100, 100, CV_8UC3, cv::Scalar(0, 0, 255));
    cv::Mat parentMask(100, 100, CV_8UC1, cv::Scalar(255));
    const cv::Rect view(20, 20, 60, 60);
    parentPhoto(view).setTo(cv::Scalar(255, 0, 0));
    parentMask(view).setTo(0);
    parentMask(cv::Rect(20, 20, 10, 10)).setTo(255); // the subject at the view's corner

    const Framer::Framed framed = Framer::apply(parentPhoto(view), parentMask(view), cropBy(5));
    QVERIFY2(framed.error.isEmpty(), qPrintable(framed.error));
    QCOMPARE(framed.photo.size(), cv::Size(20, 20));
    QCOMPARE(framed.photo.at<cv::Vec3b>(0, 0), cv::Vec3b(255, 0, 0));
    QCOMPARE(int(framed.mask.at<uchar>(0, 0)), 0);
    QCOMPARE(cv::countNonZero(framed.mask), 100);
}

void TestFraming::squareCentresTheSubject_data()
{
    QTest::addColumn<cv::Rect>("subject");
    QTest::addColumn<Framing>("framing");
    QTest::addColumn<cv::Rect>("expected");

    const Framing square = onCanvas(Framing::Canvas::Square);
    // 61 x 40: 21 rows to add, 10 above and 11 below.
    QTest::newRow("wide, odd difference")
        << cv::Rect(50, 60, 61, 40) << square << cv::Rect(50, 50, 61, 61);
    // 30 x 50: 20 columns to add, 10 each side.
    QTest::newRow("tall, even difference")
        << cv::Rect(100, 50, 30, 50) << square << cv::Rect(90, 50, 50, 50);
    // 30 x 41: 11 columns, 5 left and 6 right; past the photo's left edge.
    QTest::newRow("tall, odd, past the edge")
        << cv::Rect(2, 50, 30, 41) << square << cv::Rect(-3, 50, 41, 41);
    QTest::newRow("already square")
        << cv::Rect(10, 10, 40, 40) << square << cv::Rect(10, 10, 40, 40);
    // Margin first (5 px: 71 x 50), then the square: 21 rows, 10 above and 11 below.
    QTest::newRow("with a margin")
        << cv::Rect(50, 60, 61, 40) << onCanvas(Framing::Canvas::Square, {}, 5)
        << cv::Rect(45, 45, 71, 71);
    // Without crop the margin has no effect: the canvas frames the bare box.
    Framing marginWithoutCrop = square;
    marginWithoutCrop.margin = 30;
    QTest::newRow("margin without crop is ignored")
        << cv::Rect(50, 60, 61, 40) << marginWithoutCrop << cv::Rect(50, 50, 61, 61);
}

void TestFraming::squareCentresTheSubject()
{
    QFETCH(cv::Rect, subject);
    QFETCH(Framing, framing);
    QFETCH(cv::Rect, expected);
    const cv::Mat image = photo(cv::Size(200, 160));
    const cv::Mat mask = maskWithRect(image.size(), subject);

    const std::optional<Framer::Plan> plan = Framer::plan(image.size(), mask, framing, nullptr);
    QVERIFY(plan);
    QCOMPARE(plan->source, expected);
    QCOMPARE(plan->output, expected.size());

    const Framer::Framed framed = Framer::apply(image, mask, framing);
    QVERIFY2(framed.error.isEmpty(), qPrintable(framed.error));
    QCOMPARE(framed.photo.size(), expected.size());
    QCOMPARE(framed.photo.cols, framed.photo.rows);
    // The subject sits where the plan says, with the photo's pixels unchanged.
    const cv::Rect subjectInOutput(subject.tl() - expected.tl(), subject.size());
    QCOMPARE(Framer::subjectBox(framed.mask), std::optional<cv::Rect>(subjectInOutput));
    QVERIFY(identical(framed.photo(subjectInOutput), image(subject)));
}

void TestFraming::sizeCanvasIsExactAndCentred_data()
{
    QTest::addColumn<cv::Rect>("subject");
    QTest::addColumn<int>("margin");
    QTest::addColumn<cv::Size>("canvas");

    // Differences in the source are even in every row, so the subject is centred to the pixel
    // before scaling (an odd one would put half a source pixel, times the scale, to one side).
    QTest::newRow("enlarged into a square")
        << cv::Rect(100, 100, 80, 40) << 0 << cv::Size(200, 200);
    QTest::newRow("shrunk into 4:3") << cv::Rect(100, 100, 80, 40) << 0 << cv::Size(40, 30);
    QTest::newRow("tall subject, wide canvas")
        << cv::Rect(150, 40, 40, 100) << 0 << cv::Size(300, 100);
    QTest::newRow("margin, 2000x1500") << cv::Rect(100, 100, 80, 40) << 20 << cv::Size(2000, 1500);
    QTest::newRow("margin past the edge, shrunk")
        << cv::Rect(0, 100, 120, 60) << 20 << cv::Size(64, 48);
}

void TestFraming::sizeCanvasIsExactAndCentred()
{
    QFETCH(cv::Rect, subject);
    QFETCH(int, margin);
    QFETCH(cv::Size, canvas);
    cv::Mat image(300, 400, CV_8UC3, cv::Scalar(128, 128, 128));
    image(subject).setTo(cv::Scalar(0, 0, 255));
    const cv::Mat mask = maskWithRect(image.size(), subject);

    const Framing framing = onCanvas(Framing::Canvas::Size, canvas, margin);
    const Framer::Framed framed = Framer::apply(image, mask, framing);
    QVERIFY2(framed.error.isEmpty(), qPrintable(framed.error));
    QCOMPARE(framed.photo.size(), canvas);
    QCOMPARE(framed.mask.size(), canvas);
    QCOMPARE(framed.photo.type(), CV_8UC3);
    QCOMPARE(framed.mask.type(), CV_8UC1);

    // The box with its margin fits the canvas: scaled by the smaller ratio and centred.
    const double scale = std::min(double(canvas.width) / (subject.width + 2 * margin),
                                  double(canvas.height) / (subject.height + 2 * margin));
    const double width = subject.width * scale, height = subject.height * scale;
    const double left = (canvas.width - width) / 2, top = (canvas.height - height) / 2;
    // Scaling spreads the mask's step over about a source pixel; half height marks where it was.
    const std::optional<cv::Rect> box = Framer::subjectBox(framed.mask, 127);
    QVERIFY(box);
    auto near = [](double actual, double expected) {
        return std::abs(actual - expected) <= 1.0;
    };
    QVERIFY2(near(box->x, left) && near(box->x + box->width, left + width) && near(box->y, top) &&
                 near(box->y + box->height, top + height),
             qPrintable(QStringLiteral("subject at (%1,%2 %3x%4), expected (%5,%6 %7x%8)")
                            .arg(box->x)
                            .arg(box->y)
                            .arg(box->width)
                            .arg(box->height)
                            .arg(left)
                            .arg(top)
                            .arg(width)
                            .arg(height)));
    // The photo was scaled along with the mask: the subject's colour is at its centre.
    const cv::Point centre(int(left + width / 2), int(top + height / 2));
    QCOMPARE(framed.photo.at<cv::Vec3b>(centre), cv::Vec3b(0, 0, 255));
    QCOMPARE(int(framed.mask.at<uchar>(centre)), 255);
}

void TestFraming::shrinkingAveragesEveryPixel()
{
    // Every fourth column bright; shrunk 4x, each output pixel is the mean of its 4x4 block (an
    // area average), not a sample that lands on the dark columns and loses the detail.
    cv::Mat image(400, 400, CV_8UC3, cv::Scalar::all(0));
    cv::Mat mask(image.size(), CV_8UC1, cv::Scalar(55)); // all subject, so the box is the photo
    for (int x = 3; x < image.cols; x += 4) {
        image.col(x).setTo(cv::Scalar::all(255));
        mask.col(x).setTo(255);
    }
    const Framer::Framed framed =
        Framer::apply(image, mask, onCanvas(Framing::Canvas::Size, cv::Size(100, 100)));
    QVERIFY2(framed.error.isEmpty(), qPrintable(framed.error));
    double lo = 0, hi = 0;
    cv::minMaxLoc(framed.photo.reshape(1), &lo, &hi);
    QCOMPARE(lo, 64.0); // 255 / 4, rounded
    QCOMPARE(hi, 64.0);
    cv::minMaxLoc(framed.mask, &lo, &hi); // the mask is scaled the same way: (3 * 55 + 255) / 4
    QCOMPARE(lo, 105.0);
    QCOMPARE(hi, 105.0);
}

void TestFraming::enlargingInterpolates()
{
    // A hard step enlarged 8x becomes a ramp over about 8 pixels (bilinear), not a step.
    cv::Mat image(20, 20, CV_8UC3, cv::Scalar::all(0));
    cv::Mat mask(image.size(), CV_8UC1, cv::Scalar(0));
    mask(cv::Rect(10, 0, 10, 20)).setTo(255);
    image(cv::Rect(10, 0, 10, 20)).setTo(cv::Scalar::all(255));
    // The box (10,0 10x20) made 1:1 is 20x20 from x = 5; then 160x160 is 8x.
    const Framer::Framed framed =
        Framer::apply(image, mask, onCanvas(Framing::Canvas::Size, cv::Size(160, 160)));
    QVERIFY2(framed.error.isEmpty(), qPrintable(framed.error));
    int photoRamp = 0, maskRamp = 0;
    for (int x = 0; x < framed.mask.cols; ++x) {
        const int m = framed.mask.at<uchar>(80, x), p = framed.photo.at<cv::Vec3b>(80, x)[1];
        maskRamp += m > 0 && m < 255;
        photoRamp += p > 0 && p < 255;
    }
    QVERIFY2(maskRamp >= 6, qPrintable(QString::number(maskRamp)));
    QVERIFY2(photoRamp >= 6, qPrintable(QString::number(photoRamp)));
}

void TestFraming::emptyMaskIsAnError_data()
{
    QTest::addColumn<Framing>("framing");
    QTest::addColumn<int>("maskValue");

    QTest::newRow("crop, all 0") << cropBy(10) << 0;
    QTest::newRow("crop, all at the cutoff") << cropBy(10) << int(Framer::kSubjectCutoff);
    QTest::newRow("square") << onCanvas(Framing::Canvas::Square) << 0;
    QTest::newRow("size") << onCanvas(Framing::Canvas::Size, cv::Size(100, 100)) << 0;
}

void TestFraming::emptyMaskIsAnError()
{
    QFETCH(Framing, framing);
    QFETCH(int, maskValue);
    const cv::Mat image = photo(cv::Size(64, 48));
    const cv::Mat mask(image.size(), CV_8UC1, cv::Scalar(maskValue));

    QString error;
    QVERIFY(!Framer::plan(image.size(), mask, framing, &error));
    QCOMPARE(error, kNoSubject);

    const Framer::Framed framed = Framer::apply(image, mask, framing);
    QCOMPARE(framed.error, kNoSubject);
    QVERIFY(framed.photo.empty());
    QVERIFY(framed.mask.empty());
}

void TestFraming::badInputsAreErrors_data()
{
    QTest::addColumn<cv::Mat>("image");
    QTest::addColumn<cv::Mat>("mask");
    QTest::addColumn<Framing>("framing");

    const cv::Mat image = photo(cv::Size(64, 48));
    const cv::Mat mask = maskWithRect(image.size(), cv::Rect(10, 10, 20, 20));
    const cv::Mat otherSize = maskWithRect(cv::Size(48, 64), cv::Rect(10, 10, 20, 20));
    QTest::newRow("sizes differ") << image << otherSize << cropBy(5);
    QTest::newRow("sizes differ, no-op") << image << otherSize << Framing{};
    QTest::newRow("empty photo") << cv::Mat() << mask << cropBy(5);
    QTest::newRow("empty mask") << image << cv::Mat() << cropBy(5);
    QTest::newRow("float mask") << image << cv::Mat(image.size(), CV_32FC1, cv::Scalar(1))
                                << cropBy(5);
    QTest::newRow("BGRA photo") << cv::Mat(image.size(), CV_8UC4, cv::Scalar::all(9)) << mask
                                << onCanvas(Framing::Canvas::Square);
    QTest::newRow("negative margin") << image << mask << cropBy(-5);
    QTest::newRow("NaN margin") << image << mask << cropBy(std::nan(""));
    QTest::newRow("0x0 canvas") << image << mask << onCanvas(Framing::Canvas::Size, cv::Size());
    QTest::newRow("canvas too large")
        << image << mask << onCanvas(Framing::Canvas::Size, cv::Size(30001, 10));
}

void TestFraming::badInputsAreErrors()
{
    QFETCH(cv::Mat, image);
    QFETCH(cv::Mat, mask);
    QFETCH(Framing, framing);
    const Framer::Framed framed = Framer::apply(image, mask, framing);
    QVERIFY(!framed.error.isEmpty());
    QVERIFY(framed.photo.empty());
    QVERIFY(framed.mask.empty());
}

void TestFraming::hugeFramingIsRefused()
{
    // 1000% of a 1000 px subject on each side: 21000 x 21000 pixels, refused before allocating.
    const cv::Mat image(1000, 1000, CV_8UC3, cv::Scalar::all(50));
    const cv::Mat mask(image.size(), CV_8UC1, cv::Scalar(255));
    const Framer::Framed framed = Framer::apply(image, mask, cropBy(1000, true));
    QVERIFY2(framed.error.contains(QLatin1String("21000x21000")), qPrintable(framed.error));
    QVERIFY(framed.photo.empty());
    // A canvas may be 30000 a side, but not 400 megapixels in all.
    const QString error =
        Framer::apply(image, mask, onCanvas(Framing::Canvas::Size, cv::Size(20000, 20000))).error;
    QVERIFY2(error.contains(QLatin1String("20000x20000")), qPrintable(error));
}

void TestFraming::noOpSharesTheInputs()
{
    const cv::Mat image = photo(cv::Size(64, 48));
    const cv::Mat mask = maskWithRect(image.size(), cv::Rect(10, 10, 20, 20));
    const Framer::Framed framed = Framer::apply(image, mask, Framing{});
    QVERIFY(framed.error.isEmpty());
    QCOMPARE(framed.photo.data, image.data);
    QCOMPARE(framed.mask.data, mask.data);
    QCOMPARE(framed.photo.size(), image.size());
    // A no-op needs no subject: an empty mask is fine.
    const cv::Mat none(image.size(), CV_8UC1, cv::Scalar(0));
    QVERIFY(Framer::apply(image, none, Framing{}).error.isEmpty());
}

void TestFraming::parsesText_data()
{
    QTest::addColumn<QString>("crop");
    QTest::addColumn<QString>("canvas");
    QTest::addColumn<Framing>("expected");

    QTest::newRow("nothing") << ""
                             << "" << Framing{};
    QTest::newRow("20") << "20"
                        << "" << cropBy(20);
    QTest::newRow("20px") << "20px"
                          << "" << cropBy(20);
    QTest::newRow(" 20 PX ") << " 20 PX "
                             << "" << cropBy(20);
    QTest::newRow("5%") << "5%"
                        << "" << cropBy(5, true);
    QTest::newRow("2.5%") << "2.5%"
                          << "" << cropBy(2.5, true);
    QTest::newRow("0") << "0"
                       << "" << cropBy(0);
    QTest::newRow("square") << ""
                            << "square" << onCanvas(Framing::Canvas::Square);
    QTest::newRow("Square, 5%") << "5%"
                                << "Square" << [] {
                                       Framing f = cropBy(5, true);
                                       f.canvas = Framing::Canvas::Square;
                                       return f;
                                   }();
    QTest::newRow("2000x1500") << ""
                               << "2000x1500"
                               << onCanvas(Framing::Canvas::Size, cv::Size(2000, 1500));
    QTest::newRow("20 and 800 X 600")
        << "20"
        << "800 X 600" << onCanvas(Framing::Canvas::Size, cv::Size(800, 600), 20);
    QTest::newRow("30000x1") << ""
                             << "30000x1" << onCanvas(Framing::Canvas::Size, cv::Size(30000, 1));
}

void TestFraming::parsesText()
{
    QFETCH(QString, crop);
    QFETCH(QString, canvas);
    QFETCH(Framing, expected);
    QString error;
    const std::optional<Framing> framing = Framing::parse(crop, canvas, &error);
    QVERIFY2(framing, qPrintable(error));
    // Field by field: operator== alone would hide a margin kept without crop.
    QCOMPARE(framing->crop, expected.crop);
    QCOMPARE(framing->margin, expected.margin);
    QCOMPARE(framing->marginPercent, expected.marginPercent);
    QCOMPARE(framing->canvas, expected.canvas);
    QCOMPARE(framing->canvasSize, expected.canvasSize);
    QCOMPARE(framing->isNoOp(), crop.isEmpty() && canvas.isEmpty());
}

void TestFraming::rejectsText_data()
{
    QTest::addColumn<QString>("crop");
    QTest::addColumn<QString>("canvas");
    QTest::addColumn<QString>("expectedError");

    QTest::newRow("abc") << "abc"
                         << ""
                         << "--crop: expected a margin such as 20 or 5%, got 'abc'";
    QTest::newRow("-5") << "-5"
                        << ""
                        << "--crop: expected a margin such as 20 or 5%, got '-5'";
    QTest::newRow("%") << "%"
                       << ""
                       << "--crop: expected a margin such as 20 or 5%, got '%'";
    QTest::newRow("5%%") << "5%%"
                         << ""
                         << "--crop: expected a margin such as 20 or 5%, got '5%%'";
    QTest::newRow("20 pixels") << "20 pixels"
                               << ""
                               << "--crop: expected a margin such as 20 or 5%, got '20 pixels'";
    QTest::newRow("30001px") << "30001px"
                             << ""
                             << "--crop: the margin must be at most 30000 pixels or 1000%, got "
                                "'30001px'";
    QTest::newRow("1001%") << "1001%"
                           << ""
                           << "--crop: the margin must be at most 30000 pixels or 1000%, got "
                              "'1001%'";
    QTest::newRow("0x10") << ""
                          << "0x10"
                          << "--canvas: each side must be 1 to 30000 pixels, got '0x10'";
    QTest::newRow("10x0") << ""
                          << "10x0"
                          << "--canvas: each side must be 1 to 30000 pixels, got '10x0'";
    QTest::newRow("30001x10") << ""
                              << "30001x10"
                              << "--canvas: each side must be 1 to 30000 pixels, got '30001x10'";
    QTest::newRow("10x") << ""
                         << "10x"
                         << "--canvas: expected square or a size such as 2000x1500, got '10x'";
    QTest::newRow("x10") << ""
                         << "x10"
                         << "--canvas: expected square or a size such as 2000x1500, got 'x10'";
    QTest::newRow("-10x10") << ""
                            << "-10x10"
                            << "--canvas: expected square or a size such as 2000x1500, got "
                               "'-10x10'";
    QTest::newRow("circle") << ""
                            << "circle"
                            << "--canvas: expected square or a size such as 2000x1500, got "
                               "'circle'";
    QTest::newRow("good crop, bad canvas")
        << "5%"
        << "10x"
        << "--canvas: expected square or a size such as 2000x1500, got '10x'";
}

void TestFraming::rejectsText()
{
    QFETCH(QString, crop);
    QFETCH(QString, canvas);
    QFETCH(QString, expectedError);
    QString error;
    QVERIFY(!Framing::parse(crop, canvas, &error));
    QCOMPARE(error, expectedError);
    QVERIFY(!Framing::parse(crop, canvas, nullptr)); // no error wanted: no crash either
}

void TestFraming::textRoundTrips_data()
{
    QTest::addColumn<Framing>("framing");
    QTest::addColumn<QString>("cropText");
    QTest::addColumn<QString>("canvasText");

    QTest::newRow("no-op") << Framing{} << ""
                           << "";
    QTest::newRow("20 px") << cropBy(20) << "20px"
                           << "";
    QTest::newRow("0 px") << cropBy(0) << "0px"
                          << "";
    QTest::newRow("5%") << cropBy(5, true) << "5%"
                        << "";
    QTest::newRow("12.25%") << cropBy(12.25, true) << "12.25%"
                            << "";
    QTest::newRow("square") << onCanvas(Framing::Canvas::Square) << ""
                            << "square";
    QTest::newRow("square, 20 px") << onCanvas(Framing::Canvas::Square, {}, 20) << "20px"
                                   << "square";
    QTest::newRow("2000x1500, 5%") <<
        [] {
            Framing f = onCanvas(Framing::Canvas::Size, cv::Size(2000, 1500));
            f.crop = true;
            f.margin = 5;
            f.marginPercent = true;
            return f;
        }() << "5%"
                                   << "2000x1500";
    // What does not take effect is not written, and compares equal once read back.
    Framing marginWithoutCrop;
    marginWithoutCrop.margin = 40;
    QTest::newRow("margin without crop") << marginWithoutCrop << ""
                                         << "";
    Framing squareWithStaleSize = onCanvas(Framing::Canvas::Square, cv::Size(300, 200));
    QTest::newRow("square with a stale size") << squareWithStaleSize << ""
                                              << "square";
}

void TestFraming::textRoundTrips()
{
    QFETCH(Framing, framing);
    QFETCH(QString, cropText);
    QFETCH(QString, canvasText);
    QCOMPARE(framing.cropText(), cropText);
    QCOMPARE(framing.canvasText(), canvasText);
    QString error;
    const std::optional<Framing> back = Framing::parse(cropText, canvasText, &error);
    QVERIFY2(back, qPrintable(error));
    QVERIFY(*back == framing);
    QVERIFY(!(*back != framing));
    // And equality is not vacuous: a different margin, unit or canvas is a different framing.
    Framing other = framing;
    other.crop = !other.crop;
    QVERIFY(*back != other);
    if (framing.crop) {
        other = framing;
        other.margin += 1;
        QVERIFY(*back != other);
        other = framing;
        other.marginPercent = !other.marginPercent;
        QCOMPARE(*back != other, framing.margin != 0); // 0 px and 0% frame alike
    }
    if (framing.canvas == Framing::Canvas::Size) {
        other = framing;
        other.canvasSize.width += 1;
        QVERIFY(*back != other);
    }
}

QTEST_APPLESS_MAIN(TestFraming)
#include "test_framing.moc"
