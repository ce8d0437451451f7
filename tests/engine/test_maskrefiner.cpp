// From the network's probability map to the full-resolution 8-bit mask, and its adjustments.

#include "engine/MaskRefiner.h"

#include <QTest>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

using namespace clearcut;

Q_DECLARE_METATYPE(cv::Mat)
Q_DECLARE_METATYPE(MaskAdjust)

namespace {

cv::Mat row8u(const std::vector<int> &values)
{
    cv::Mat m(1, int(values.size()), CV_8UC1);
    for (size_t i = 0; i < values.size(); ++i)
        m.at<uchar>(int(i)) = uchar(values[i]);
    return m;
}

// A photo split at column `edge`: dark on the left, bright on the right, with mild noise.
cv::Mat stepPhoto(const cv::Size &size, int edge)
{
    cv::Mat photo(size, CV_8UC3);
    cv::RNG rng(7);
    for (int y = 0; y < size.height; ++y) {
        for (int x = 0; x < size.width; ++x) {
            const int base = x < edge ? 40 : 210;
            for (int c = 0; c < 3; ++c)
                photo.at<cv::Vec3b>(y, x)[c] = uchar(base + rng.uniform(-3, 4));
        }
    }
    return photo;
}

// A mask ramping from 0 to 255 across [edge - half, edge + half), as upsampling leaves an edge.
cv::Mat rampMask(const cv::Size &size, int edge, int half)
{
    cv::Mat mask(size, CV_8UC1);
    for (int x = 0; x < size.width; ++x) {
        const double t = std::clamp((x - (edge - half) + 0.5) / (2.0 * half), 0.0, 1.0);
        mask.col(x).setTo(int(std::lround(255 * t)));
    }
    return mask;
}

// How many pixels of a row lie in the soft part of an edge (neither nearly 0 nor nearly 255).
int softWidth(const cv::Mat &mask, int row)
{
    int n = 0;
    for (int x = 0; x < mask.cols; ++x) {
        const int v = mask.at<uchar>(row, x);
        n += v > 12 && v < 243;
    }
    return n;
}

MaskAdjust adjust(std::optional<double> threshold, bool reverse)
{
    MaskAdjust a;
    a.threshold = threshold;
    a.reverse = reverse;
    return a;
}

} // namespace

class TestMaskRefiner : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void constantMapsStayConstant_data();
    void constantMapsStayConstant();
    void upsamplesWithTheReferenceConvention();
    void upsamplesInTwoDimensions();
    void sameSizeOnlyQuantises();
    void adjusts_data();
    void adjusts();
    void noAdjustmentSharesTheMask();
    void shiftEdgeGrowsAndShrinks();
    void featherSoftensOverAboutItsWidth();
    void refinementLeavesAHardEdgeAlone();
    void refinementKeepsARampWhereThePhotoIsFlat();
    void refinementSharpensAnEdgeThePhotoShows();
    void refinementNeverChangesAlphaOutsideTheBand();
    void refinementFollowsAStrandThePhotoShows();
    void finishedWithoutRefinementIsTheUpsampledMask();
};

void TestMaskRefiner::constantMapsStayConstant_data()
{
    QTest::addColumn<float>("probability");
    QTest::addColumn<int>("expected");
    QTest::newRow("0") << 0.0f << 0;
    QTest::newRow("1") << 1.0f << 255;
    QTest::newRow("0.5 truncates to 127") << 0.5f << 127;
    QTest::newRow("0.2 is 51") << 0.2f << 51;
    QTest::newRow("below 0 clamps") << -0.3f << 0;
    QTest::newRow("above 1 clamps") << 1.7f << 255;
    QTest::newRow("NaN is background") << std::numeric_limits<float>::quiet_NaN() << 0;
}

void TestMaskRefiner::constantMapsStayConstant()
{
    QFETCH(float, probability);
    QFETCH(int, expected);
    const cv::Mat prob(32, 24, CV_32FC1, cv::Scalar(probability));
    const cv::Mat mask = MaskRefiner::toFullResolution(prob, cv::Size(601, 403));
    QCOMPARE(mask.type(), CV_8UC1);
    QCOMPARE(mask.size(), cv::Size(601, 403));
    double lo = 0, hi = 0;
    cv::minMaxLoc(mask, &lo, &hi);
    QCOMPARE(int(lo), expected);
    QCOMPARE(int(hi), expected);
}

void TestMaskRefiner::upsamplesWithTheReferenceConvention()
{
    // Output x samples input x * (2 / 4), no half-pixel offset; the last column clamps.
    const cv::Mat prob = (cv::Mat_<float>(1, 2) << 0.0f, 1.0f);
    const cv::Mat mask = MaskRefiner::toFullResolution(prob, cv::Size(4, 1));
    QCOMPARE(mask.size(), cv::Size(4, 1));
    QCOMPARE(int(mask.at<uchar>(0)), 0);
    QCOMPARE(int(mask.at<uchar>(1)), 128); // 127.5 rounds half up
    QCOMPARE(int(mask.at<uchar>(2)), 255);
    QCOMPARE(int(mask.at<uchar>(3)), 255);
}

void TestMaskRefiner::upsamplesInTwoDimensions()
{
    // A 2x2 map to 4x4: output (y, x) mixes the 8-bit values at fractional offsets (y/2, x/2).
    const cv::Mat prob = (cv::Mat_<float>(2, 2) << 0.0f, 0.4f, 0.8f, 1.0f);
    const cv::Mat mask = MaskRefiner::toFullResolution(prob, cv::Size(4, 4));
    const double v00 = 0, v01 = 102, v10 = 204, v11 = 255; // truncated p * 255
    auto expected = [&](double fy, double fx) {
        const double top = v00 + fx * (v01 - v00), bottom = v10 + fx * (v11 - v10);
        return int(std::floor(top + fy * (bottom - top) + 0.5));
    };
    QCOMPARE(int(mask.at<uchar>(0, 0)), 0);
    QCOMPARE(int(mask.at<uchar>(0, 1)), expected(0, 0.5));
    QCOMPARE(int(mask.at<uchar>(1, 0)), expected(0.5, 0));
    QCOMPARE(int(mask.at<uchar>(1, 1)), expected(0.5, 0.5));
    QCOMPARE(int(mask.at<uchar>(2, 2)), 255);
    QCOMPARE(int(mask.at<uchar>(3, 3)), 255);
}

void TestMaskRefiner::sameSizeOnlyQuantises()
{
    cv::Mat prob(1, 1000, CV_32FC1);
    for (int i = 0; i < prob.cols; ++i)
        prob.at<float>(i) = float(i) / float(prob.cols - 1);
    const cv::Mat mask = MaskRefiner::toFullResolution(prob, prob.size());
    for (int i = 0; i < prob.cols; ++i)
        QCOMPARE(int(mask.at<uchar>(i)), int(prob.at<float>(i) * 255.0f));
}

void TestMaskRefiner::adjusts_data()
{
    QTest::addColumn<cv::Mat>("mask");
    QTest::addColumn<MaskAdjust>("adjustment");
    QTest::addColumn<cv::Mat>("expected");

    const cv::Mat ramp = row8u({0, 1, 50, 51, 52, 127, 128, 200, 254, 255});
    QTest::newRow("threshold 0.5: 128 is in, 127 out")
        << ramp << adjust(0.5, false) << row8u({0, 0, 0, 0, 0, 0, 255, 255, 255, 255});
    QTest::newRow("threshold 0.2: 51/255 is exactly 0.2, kept")
        << ramp << adjust(0.2, false) << row8u({0, 0, 0, 255, 255, 255, 255, 255, 255, 255});
    QTest::newRow("threshold 0 keeps everything")
        << ramp << adjust(0.0, false) << row8u({255, 255, 255, 255, 255, 255, 255, 255, 255, 255});
    QTest::newRow("threshold 1 keeps only certain pixels")
        << ramp << adjust(1.0, false) << row8u({0, 0, 0, 0, 0, 0, 0, 0, 0, 255});
    QTest::newRow("reverse") << ramp << adjust(std::nullopt, true)
                             << row8u({255, 254, 205, 204, 203, 128, 127, 55, 1, 0});
    QTest::newRow("threshold then reverse")
        << ramp << adjust(0.5, true) << row8u({255, 255, 255, 255, 255, 255, 0, 0, 0, 0});
}

void TestMaskRefiner::adjusts()
{
    QFETCH(cv::Mat, mask);
    QFETCH(MaskAdjust, adjustment);
    QFETCH(cv::Mat, expected);
    const cv::Mat before = mask.clone();
    const cv::Mat result = MaskRefiner::adjusted(mask, adjustment);
    QCOMPARE(result.type(), CV_8UC1);
    QCOMPARE(cv::norm(result, expected, cv::NORM_INF), 0.0);
    QCOMPARE(cv::norm(mask, before, cv::NORM_INF), 0.0); // the input is left alone
}

void TestMaskRefiner::noAdjustmentSharesTheMask()
{
    const cv::Mat mask = row8u({0, 100, 255});
    const cv::Mat result = MaskRefiner::adjusted(mask, MaskAdjust{});
    QCOMPARE(result.data, mask.data);
}

void TestMaskRefiner::shiftEdgeGrowsAndShrinks()
{
    cv::Mat mask(100, 100, CV_8UC1, cv::Scalar(0));
    mask(cv::Rect(30, 30, 40, 40)).setTo(255);
    MaskAdjust grow;
    grow.shiftEdge = 5;
    const cv::Mat grown = MaskRefiner::adjusted(mask, grow);
    QCOMPARE(cv::boundingRect(grown), cv::Rect(25, 25, 50, 50));
    MaskAdjust shrink;
    shrink.shiftEdge = -5;
    const cv::Mat shrunk = MaskRefiner::adjusted(mask, shrink);
    QCOMPARE(cv::boundingRect(shrunk), cv::Rect(35, 35, 30, 30));
    QCOMPARE(cv::countNonZero(mask(cv::Rect(30, 30, 40, 40)) != 255), 0); // the input is kept

    // A large shift is made from rectangles: its outline stays within a pixel of a true disc's.
    cv::Mat dot(300, 300, CV_8UC1, cv::Scalar(0));
    cv::circle(dot, {150, 150}, 30, cv::Scalar(255), cv::FILLED);
    for (const int shift : {40, -20}) {
        MaskAdjust far;
        far.shiftEdge = shift;
        const cv::Mat fast = MaskRefiner::adjusted(dot, far);
        const int r = std::abs(shift);
        cv::Mat exact;
        const cv::Mat disc = cv::getStructuringElement(cv::MORPH_ELLIPSE, {2 * r + 1, 2 * r + 1});
        if (shift > 0)
            cv::dilate(dot, exact, disc);
        else
            cv::erode(dot, exact, disc);
        cv::Mat ring; // within a pixel of the exact outline
        cv::Mat grownExact, shrunkExact;
        cv::dilate(exact, grownExact, cv::Mat::ones(3, 3, CV_8U));
        cv::erode(exact, shrunkExact, cv::Mat::ones(3, 3, CV_8U));
        ring = grownExact != shrunkExact;
        QCOMPARE(cv::countNonZero((fast != exact) & ~ring), 0);
        QVERIFY(cv::countNonZero(fast) > 0);
    }
}

void TestMaskRefiner::featherSoftensOverAboutItsWidth()
{
    const cv::Mat hard = rampMask({600, 40}, 300, 0);
    QCOMPARE(softWidth(hard, 20), 0);
    // Wide ones are blurred at a fraction of the size: they must soften alike.
    for (const int feather : {4, 12, 30, 100}) {
        MaskAdjust soft;
        soft.feather = feather;
        const int width = softWidth(MaskRefiner::adjusted(hard, soft), 20);
        // 5%..95% of a Gaussian spans ~3.3 sigma = ~1.3 x feather.
        QVERIFY2(width >= feather && width <= 2 * feather,
                 qPrintable(QStringLiteral("feather %1: soft over %2 px").arg(feather).arg(width)));
    }
}

void TestMaskRefiner::refinementLeavesAHardEdgeAlone()
{
    // A hard-edged mask where the photo is flat: there is no uncertain band, nothing moves.
    const cv::Mat photo(120, 160, CV_8UC3, cv::Scalar(90, 120, 150));
    cv::Mat mask(photo.size(), CV_8UC1, cv::Scalar(0));
    cv::circle(mask, {80, 60}, 40, cv::Scalar(255), cv::FILLED);
    const cv::Mat out = MaskRefiner::refined(photo, mask, 6.0);
    QCOMPARE(cv::norm(out, mask, cv::NORM_INF), 0.0);
    QVERIFY(out.data != mask.data); // a new mask: the caller's is never written to
}

void TestMaskRefiner::refinementKeepsARampWhereThePhotoIsFlat()
{
    // A soft edge with nothing in the photo to follow: the guided filter must not invent one,
    // nor push the ramp either way.
    cv::Mat photo(64, 300, CV_8UC3);
    cv::randu(photo, 118, 123);
    const cv::Mat mask = rampMask(photo.size(), 150, 20);
    const cv::Mat out = MaskRefiner::refined(photo, mask, 6.0);
    QVERIFY2(cv::norm(out, mask, cv::NORM_INF) <= 3.0,
             qPrintable(QString::number(cv::norm(out, mask, cv::NORM_INF))));
}

void TestMaskRefiner::refinementSharpensAnEdgeThePhotoShows()
{
    const cv::Size size(300, 64);
    const cv::Mat photo = stepPhoto(size, 150);
    const cv::Mat mask = rampMask(size, 150, 12); // 24 px of blur, as a 6x upsample leaves
    const cv::Mat out = MaskRefiner::refined(photo, mask, 6.0);
    const int before = softWidth(mask, 32), after = softWidth(out, 32);
    QVERIFY2(after * 4 <= before, qPrintable(QStringLiteral("%1 -> %2 px").arg(before).arg(after)));
    // ... at the photo's edge, not beside it.
    QVERIFY(out.at<uchar>(32, 145) < 20);
    QVERIFY(out.at<uchar>(32, 154) > 235);
    // Half strength goes half way.
    const cv::Mat half = MaskRefiner::refined(photo, mask, 6.0, 0.5);
    const int mid = half.at<uchar>(32, 145), from = mask.at<uchar>(32, 145),
              to = out.at<uchar>(32, 145);
    QVERIFY(std::abs(mid - (from + to) / 2) <= 2);
    QCOMPARE(MaskRefiner::refined(photo, mask, 6.0, 0.0).data, mask.data);
}

void TestMaskRefiner::refinementNeverChangesAlphaOutsideTheBand()
{
    // A mask with solid areas, empty areas, faint noise below the band, and soft patches, on a
    // photo that shows the subject's shapes in its own colour with grain everywhere (so any pixel
    // the refinement touched would move).
    cv::Mat mask(400, 400, CV_8UC1, cv::Scalar(0));
    cv::rectangle(mask, cv::Rect(50, 50, 200, 150), cv::Scalar(254), cv::FILLED);
    cv::circle(mask, {320, 320}, 30, cv::Scalar(254), cv::FILLED);
    cv::Mat photo(mask.size(), CV_8UC3, cv::Scalar(200, 180, 160));
    photo.setTo(cv::Scalar(40, 70, 90), mask);
    cv::Mat grain(photo.size(), CV_8UC3);
    cv::randu(grain, 0, 12);
    photo += grain;
    cv::GaussianBlur(mask, mask, cv::Size(), 3.0);
    mask(cv::Rect(280, 280, 80, 80)) /= 2; // a patch the network was unsure of
    cv::Mat faint(mask.size(), CV_8UC1);
    cv::randu(faint, 0, MaskRefiner::kBandLow);
    mask = cv::max(mask, faint);

    const double scale = 5.0;
    const int reach = MaskRefiner::bandReach(scale);
    const cv::Mat out = MaskRefiner::refined(photo, mask, scale);

    cv::Mat band;
    cv::inRange(mask, cv::Scalar(MaskRefiner::kBandLow), cv::Scalar(MaskRefiner::kBandHigh), band);
    cv::dilate(band, band, cv::Mat::ones(2 * reach + 1, 2 * reach + 1, CV_8U));
    cv::Mat changed = out != mask;
    QVERIFY(cv::countNonZero(changed & band) > 1000); // it did work inside
    QCOMPARE(cv::countNonZero(changed & ~band), 0);
}

void TestMaskRefiner::refinementFollowsAStrandThePhotoShows()
{
    // A dark subject on the left with a 2 px dark strand leaving it across a bright background;
    // the network's mask (as upsampled) only knows "something faint around here". The refined
    // mask puts the alpha on the strand.
    cv::Mat photo(200, 200, CV_8UC3, cv::Scalar(220, 225, 230));
    photo.colRange(0, 60).setTo(cv::Scalar(30, 35, 40));
    cv::line(photo, {60, 100}, {199, 100}, cv::Scalar(30, 35, 40), 2);
    cv::Mat mask(photo.size(), CV_8UC1, cv::Scalar(0));
    mask.colRange(0, 60).setTo(254);
    mask(cv::Rect(60, 88, 140, 25)).setTo(60);
    cv::GaussianBlur(mask, mask, cv::Size(), 4.0);
    const cv::Mat out = MaskRefiner::refined(photo, mask, 6.0);
    const int onStrand = out.at<uchar>(100, 75), beside = out.at<uchar>(94, 75);
    QVERIFY2(onStrand > 200 && beside < mask.at<uchar>(94, 75) / 2,
             qPrintable(QStringLiteral("strand %1 (was %2), beside %3 (was %4)")
                            .arg(onStrand)
                            .arg(mask.at<uchar>(100, 75))
                            .arg(beside)
                            .arg(mask.at<uchar>(94, 75))));
}

void TestMaskRefiner::finishedWithoutRefinementIsTheUpsampledMask()
{
    // A network-sized mask of a disc, and a photo whose disc edge is sharp.
    cv::Mat low(32, 32, CV_8UC1, cv::Scalar(0));
    cv::circle(low, {16, 16}, 9, cv::Scalar(254), cv::FILLED);
    cv::GaussianBlur(low, low, cv::Size(), 1.0);
    cv::Mat photo(192, 192, CV_8UC3, cv::Scalar(200, 190, 180));
    cv::circle(photo, {96, 96}, 54, cv::Scalar(40, 60, 80), cv::FILLED);
    MaskAdjust plain;
    plain.refine = false;
    const cv::Mat expected = MaskRefiner::toFullResolution(low, photo.size());
    QCOMPARE(cv::norm(MaskRefiner::finished(photo, low, plain), expected, cv::NORM_INF), 0.0);
    plain.threshold = 0.5;
    plain.reverse = true;
    QCOMPARE(cv::norm(MaskRefiner::finished(photo, low, plain),
                      MaskRefiner::adjusted(expected, plain), cv::NORM_INF),
             0.0);
    MaskAdjust refine; // the default refines
    const cv::Mat refined = MaskRefiner::finished(photo, low, refine);
    QVERIFY(softWidth(refined, 96) * 2 < softWidth(expected, 96));
}

QTEST_APPLESS_MAIN(TestMaskRefiner)
#include "test_maskrefiner.moc"
