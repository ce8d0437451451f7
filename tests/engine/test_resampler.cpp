// The reference runtime's bilinear convention: source = destination * ratio, no half-pixel offset,
// round half up.

#include "engine/Resampler.h"

#include <QTest>

#include <opencv2/core.hpp>

#include <cmath>

using namespace clearcut;

namespace {

// A direct, slow transcription of the convention, per pixel in double.
cv::Mat referenceBilinear(const cv::Mat &src, cv::Size size)
{
    cv::Mat dst(size, src.type());
    const int cn = src.channels();
    const double sx = double(src.cols) / size.width, sy = double(src.rows) / size.height;
    for (int y = 0; y < size.height; ++y) {
        const double Y = y * sy;
        const int y1 = int(std::floor(Y)), y2 = std::min(int(std::ceil(Y)), src.rows - 1);
        const double dy = Y - y1;
        for (int x = 0; x < size.width; ++x) {
            const double X = x * sx;
            const int x1 = int(std::floor(X)), x2 = std::min(int(std::ceil(X)), src.cols - 1);
            const double dx = X - x1;
            for (int c = 0; c < cn; ++c) {
                auto p = [&](int yy, int xx) {
                    return double(src.ptr<uchar>(yy)[xx * cn + c]);
                };
                const double v = (1 - dx) * (1 - dy) * p(y1, x1) + dx * (1 - dy) * p(y1, x2) +
                                 (1 - dx) * dy * p(y2, x1) + dx * dy * p(y2, x2);
                dst.ptr<uchar>(y)[x * cn + c] = uchar(std::floor(v + 0.5));
            }
        }
    }
    return dst;
}

} // namespace

class TestResampler : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void matchesTheConvention_data();
    void matchesTheConvention();
    void constantStaysConstant();
    void firstPixelIsNotShifted();
};

void TestResampler::matchesTheConvention_data()
{
    QTest::addColumn<QSize>("from");
    QTest::addColumn<QSize>("to");
    QTest::addColumn<int>("channels");
    QTest::newRow("downscale colour") << QSize(517, 389) << QSize(128, 128) << 3;
    QTest::newRow("upscale mask") << QSize(64, 64) << QSize(301, 203) << 1;
    QTest::newRow("stretch") << QSize(40, 300) << QSize(96, 96) << 3;
    QTest::newRow("rgba") << QSize(33, 17) << QSize(70, 50) << 4;
}

void TestResampler::matchesTheConvention()
{
    QFETCH(QSize, from);
    QFETCH(QSize, to);
    QFETCH(int, channels);
    cv::Mat src(from.height(), from.width(), CV_8UC(channels));
    cv::randu(src, 0, 256);
    const cv::Mat ours = Resampler::bilinear(src, {to.width(), to.height()});
    const cv::Mat expected = referenceBilinear(src, {to.width(), to.height()});
    QCOMPARE(ours.size(), expected.size());
    QCOMPARE(ours.type(), expected.type());
    cv::Mat diff;
    cv::absdiff(ours, expected, diff);
    double maxDiff = 0;
    cv::minMaxLoc(diff.reshape(1), nullptr, &maxDiff);
    // Float vs double arithmetic may flip an exact .5 tie; nothing more.
    QVERIFY2(maxDiff <= 1.0, qPrintable(QString::number(maxDiff)));
    const double flipped = double(cv::countNonZero(diff.reshape(1))) / (diff.total() * channels);
    qInfo("pixels off by one: %.3f%%", flipped * 100);
    QVERIFY(flipped < 0.05);
}

void TestResampler::constantStaysConstant()
{
    const cv::Mat src(50, 70, CV_8UC1, cv::Scalar(173));
    const cv::Mat up = Resampler::bilinear(src, {700, 500});
    QCOMPARE(cv::countNonZero(up != 173), 0);
}

void TestResampler::firstPixelIsNotShifted()
{
    // With no half-pixel offset, output (0,0) samples input (0,0) exactly.
    cv::Mat src(10, 10, CV_8UC1, cv::Scalar(0));
    src.at<uchar>(0, 0) = 200;
    const cv::Mat down = Resampler::bilinear(src, {5, 5});
    QCOMPARE(int(down.at<uchar>(0, 0)), 200);
    QCOMPARE(int(down.at<uchar>(0, 1)), 0);
}

QTEST_APPLESS_MAIN(TestResampler)
#include "test_resampler.moc"
