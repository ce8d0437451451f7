// The tiled high-resolution pass, on a synthetic "network" (brightness as probability).

#include "engine/TiledPass.h"

#include <QTest>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

using namespace clearcut;

namespace {

// Probability = the image's brightness at the input size (area-averaged), as a network that
// sees bright things as the subject: thin bright lines fade when the image is shrunk a lot.
cv::Mat brightness(const cv::Mat &bgr, const cv::Size &size)
{
    cv::Mat small, grey, p;
    cv::resize(bgr, small, size, 0, 0, cv::INTER_AREA);
    cv::cvtColor(small, grey, cv::COLOR_BGR2GRAY);
    grey.convertTo(p, CV_32F, 1.0 / 255.0);
    return p;
}

} // namespace

class TestTiledPass : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void onlyLargePhotosAreTiled();
    void tilesCoverTheBandOnly();
    void combineKeepsTheGlobalMaskOutsideTheBand();
    void runCallsTheNetworkOncePerTile();
};

void TestTiledPass::onlyLargePhotosAreTiled()
{
    QVERIFY(!TiledPass::worthTiling({1200, 800}, 1024));
    QVERIFY(TiledPass::worthTiling({6000, 4000}, 1024));
    QCOMPARE(TiledPass::workingSize({6000, 4000}, 1024), cv::Size(2048, 1365));
    QCOMPARE(TiledPass::workingSize({1500, 1000}, 1024), cv::Size(1500, 1000)); // never enlarged
}

void TestTiledPass::tilesCoverTheBandOnly()
{
    // Certain everywhere except a soft patch in the top-left corner.
    cv::Mat global(1365, 2048, CV_32FC1, cv::Scalar(0));
    global(cv::Rect(100, 100, 50, 50)).setTo(0.5);
    const std::vector<cv::Rect> tiles = TiledPass::tilesFor(global, 1024);
    QVERIFY(!tiles.empty());
    for (const cv::Rect &tile : tiles) {
        QVERIFY((tile & cv::Rect(100, 100, 50, 50)).area() > 0);
        QCOMPARE(tile.size(), cv::Size(1024, 1024));
    }
    // An all-certain mask needs no tile.
    QVERIFY(TiledPass::tilesFor(cv::Mat(1365, 2048, CV_32FC1, cv::Scalar(1)), 1024).empty());
}

void TestTiledPass::combineKeepsTheGlobalMaskOutsideTheBand()
{
    cv::Mat global(512, 512, CV_32FC1, cv::Scalar(0));
    global(cv::Rect(0, 0, 256, 512)).setTo(1.0);
    global(cv::Rect(250, 0, 12, 512)).setTo(0.5); // the uncertain band
    const std::vector<cv::Rect> tiles{cv::Rect(0, 0, 512, 512)};
    const std::vector<cv::Mat> probabilities{cv::Mat(512, 512, CV_32FC1, cv::Scalar(0.25))};
    const cv::Mat out = TiledPass::combine(global, tiles, probabilities, 2);
    QCOMPARE(out.at<float>(100, 100), 1.0f);  // sure subject: the global mask
    QCOMPARE(out.at<float>(100, 400), 0.0f);  // sure background: the global mask
    QCOMPARE(out.at<float>(100, 255), 0.25f); // in the band: the tile
    QCOMPARE(out.at<float>(100, 249), 0.25f); // within reach of it
    QCOMPARE(out.at<float>(100, 246), 1.0f);  // past the reach
}

void TestTiledPass::runCallsTheNetworkOncePerTile()
{
    // A 4096 px photo: a bright disc with 2 px bright strands reaching out of it.
    cv::Mat photo(3072, 4096, CV_8UC3, cv::Scalar(0, 0, 0));
    cv::circle(photo, {2048, 1536}, 800, cv::Scalar::all(255), cv::FILLED);
    for (int i = 0; i < 12; ++i) {
        const double a = i * CV_PI / 6;
        cv::line(photo, {int(2048 + 790 * std::cos(a)), int(1536 + 790 * std::sin(a))},
                 {int(2048 + 1200 * std::cos(a)), int(1536 + 1200 * std::sin(a))},
                 cv::Scalar::all(255), 2);
    }
    int calls = 0;
    const TiledPass::Result result =
        TiledPass::run(photo, {1024, 1024}, [&](const cv::Mat &bgr, const cv::Size &size) {
            ++calls;
            return brightness(bgr, size);
        });
    QCOMPARE(result.probability.size(), cv::Size(2048, 1536));
    QVERIFY(result.tilesRun > 0);
    QCOMPARE(calls, 1 + result.tilesRun);
    // A strand is brighter at the working scale than the global pass could see it.
    const cv::Mat global = brightness(photo, {1024, 1024});
    cv::Mat globalAtWorking;
    cv::resize(global, globalAtWorking, result.probability.size());
    const cv::Point strand(1024 + 500, 768); // angle 0: along the row through the centre
    QVERIFY2(result.probability.at<float>(strand) > globalAtWorking.at<float>(strand),
             qPrintable(QStringLiteral("%1 vs %2")
                            .arg(result.probability.at<float>(strand))
                            .arg(globalAtWorking.at<float>(strand))));
    // A failed run is reported as an empty result.
    const TiledPass::Result failed = TiledPass::run(
        photo, {1024, 1024}, [](const cv::Mat &, const cv::Size &) { return cv::Mat(); });
    QVERIFY(failed.probability.empty());
}

QTEST_APPLESS_MAIN(TestTiledPass)
#include "test_tiledpass.moc"
