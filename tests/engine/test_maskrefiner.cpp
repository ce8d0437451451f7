// From the network's probability map to the full-resolution 8-bit mask, and its adjustments.

#include "engine/MaskRefiner.h"

#include <QTest>

#include <opencv2/core.hpp>

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

QTEST_APPLESS_MAIN(TestMaskRefiner)
#include "test_maskrefiner.moc"
