// Brush strokes over the mask: the edits file's format, and what Erase and Restore paint.

#include "engine/MaskRefiner.h"
#include "engine/PhotoExport.h"
#include "engine/Strokes.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <cmath>

using namespace clearcut;

namespace {

Stroke line(Stroke::Mode mode, double radius, std::vector<cv::Point2d> points)
{
    Stroke s;
    s.mode = mode;
    s.radius = radius;
    s.points = std::move(points);
    return s;
}

// Distance from p to the segment a-b.
double segmentDistance(const cv::Point2d &p, const cv::Point2d &a, const cv::Point2d &b)
{
    const cv::Point2d ab = b - a;
    const double t = std::clamp((p - a).dot(ab) / std::max(1e-12, ab.dot(ab)), 0.0, 1.0);
    return cv::norm(p - (a + t * ab));
}

} // namespace

class TestStrokes : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void jsonRoundTrips();
    void badFilesAreClearErrors_data();
    void badFilesAreClearErrors();
    void eraseClearsExactlyTheBrushFootprint();
    void restoreBringsTheSubjectBack();
    void aSmallerCopyIsPaintedToScale();
    void edgeAwareStaysOnItsSideOfAnEdge();
    void exportsCarryTheStrokes();
};

void TestStrokes::jsonRoundTrips()
{
    Stroke a = line(Stroke::Mode::Erase, 12.5, {{10, 20}, {30.25, 40}});
    a.hardness = 0.5;
    a.edgeAware = true;
    const std::vector<Stroke> strokes{a, line(Stroke::Mode::Restore, 3, {{1, 2}})};
    QString error;
    const auto back = Strokes::fromJson(Strokes::toJson(strokes), &error);
    QVERIFY2(back, qPrintable(error));
    QVERIFY(*back == strokes);
    // Unknown keys are ignored; defaults fill what is left out.
    const auto lenient = Strokes::fromJson(
        R"({"version": 3, "adjust": {"x": 1}, "strokes": [{"mode": "restore", "radius": 4,
            "points": [[1, 1]], "pressure": 0.3}]})",
        &error);
    QVERIFY2(lenient, qPrintable(error));
    QCOMPARE(lenient->size(), size_t(1));
    QCOMPARE(lenient->front().hardness, 1.0);
    QVERIFY(!lenient->front().edgeAware);
    QVERIFY(Strokes::fromJson("{}")->empty());
    QCOMPARE(Strokes::editsPathFor(QStringLiteral("/photos/beach.day.jpg")),
             QStringLiteral("/photos/beach.day.clearcut.json"));
}

void TestStrokes::badFilesAreClearErrors_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("expected");
    QTest::newRow("not json") << QByteArray("{strokes") << QStringLiteral("not valid JSON");
    QTest::newRow("not a list") << QByteArray(R"({"strokes": 3})")
                                << QStringLiteral("\"strokes\" must be a list");
    QTest::newRow("mode") << QByteArray(R"({"strokes": [{"mode": "smudge", "radius": 3,
                                           "points": [[1, 1]]}]})")
                          << QStringLiteral("stroke 1: mode");
    QTest::newRow("radius") << QByteArray(R"({"strokes": [{"mode": "erase", "radius": 1,
                                             "points": [[1, 1]]}, {"mode": "erase",
                                             "radius": -2, "points": [[1, 1]]}]})")
                            << QStringLiteral("stroke 2: radius");
    QTest::newRow("hardness") << QByteArray(R"({"strokes": [{"mode": "erase", "radius": 3,
                                               "hardness": 2, "points": [[1, 1]]}]})")
                              << QStringLiteral("stroke 1: hardness");
    QTest::newRow("points") << QByteArray(R"({"strokes": [{"mode": "erase", "radius": 3,
                                             "points": [[1, "a"]]}]})")
                            << QStringLiteral("stroke 1: points");
    QTest::newRow("no points") << QByteArray(R"({"strokes": [{"mode": "erase", "radius": 3}]})")
                               << QStringLiteral("stroke 1: points");
}

void TestStrokes::badFilesAreClearErrors()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, expected);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("photo.clearcut.json"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(json);
    file.close();
    QString error;
    QVERIFY(!Strokes::readFile(path, &error));
    QVERIFY2(error.contains(QLatin1String("photo.clearcut.json")), qPrintable(error));
    QVERIFY2(error.contains(expected), qPrintable(error));
    QVERIFY(!Strokes::readFile(dir.filePath(QStringLiteral("missing.json")), &error));
    QVERIFY2(error.contains(QLatin1String("missing.json")), qPrintable(error));
}

void TestStrokes::eraseClearsExactlyTheBrushFootprint()
{
    cv::Mat mask(200, 300, CV_8UC1, cv::Scalar(200));
    const cv::Mat photo(mask.size(), CV_8UC3, cv::Scalar(90, 100, 110));
    const cv::Point2d a(60.5, 80.25), b(220, 130);
    const double radius = 17;
    Strokes::paint(mask, photo, {line(Stroke::Mode::Erase, radius, {a, b})});
    int wrong = 0;
    for (int y = 0; y < mask.rows; ++y) {
        for (int x = 0; x < mask.cols; ++x) {
            const double d = segmentDistance({double(x), double(y)}, a, b);
            const int v = mask.at<uchar>(y, x);
            // Inside: erased; outside: untouched; within a pixel of the rim either may hold.
            if ((d < radius - 1.0 && v != 0) || (d > radius + 1.0 && v != 200))
                ++wrong;
        }
    }
    QCOMPARE(wrong, 0);
}

void TestStrokes::restoreBringsTheSubjectBack()
{
    cv::Mat mask(100, 100, CV_8UC1, cv::Scalar(0));
    const cv::Mat photo(mask.size(), CV_8UC3, cv::Scalar(90, 100, 110));
    Stroke soft = line(Stroke::Mode::Restore, 20, {{50, 50}});
    soft.hardness = 0.5;
    Strokes::paint(mask, photo, {soft});
    QCOMPARE(int(mask.at<uchar>(50, 50)), 255);
    QCOMPARE(int(mask.at<uchar>(50, 59)), 255); // within hardness * radius
    const int falling = mask.at<uchar>(50, 65);
    QVERIFY(falling > 0 && falling < 255); // between the hard core and the rim
    QCOMPARE(int(mask.at<uchar>(50, 75)), 0);
}

void TestStrokes::aSmallerCopyIsPaintedToScale()
{
    // The view paints its half-size copy with the same full-resolution stroke.
    cv::Mat full(400, 400, CV_8UC1, cv::Scalar(255)), half(200, 200, CV_8UC1, cv::Scalar(255));
    const std::vector<Stroke> strokes{line(Stroke::Mode::Erase, 40, {{200, 200}})};
    Strokes::paint(full, cv::Mat(full.size(), CV_8UC3, cv::Scalar::all(0)), strokes);
    Strokes::paint(half, cv::Mat(half.size(), CV_8UC3, cv::Scalar::all(0)), strokes, 0.5);
    const double fullArea = cv::countNonZero(full == 0), halfArea = cv::countNonZero(half == 0);
    QVERIFY(std::abs(fullArea / 4.0 - halfArea) < 0.05 * halfArea);
    QCOMPARE(int(half.at<uchar>(100, 100)), 0);
    QCOMPARE(int(half.at<uchar>(100, 125)), 255);
}

void TestStrokes::edgeAwareStaysOnItsSideOfAnEdge()
{
    // A sharp edge at x = 100: dark left, light right. An erase stroke runs down the dark side,
    // 8 px from the edge, with a 20 px brush that reaches well across it.
    cv::Mat photo(200, 200, CV_8UC3, cv::Scalar(30, 40, 50));
    photo.colRange(100, 200).setTo(cv::Scalar(220, 210, 200));
    const cv::Mat full(photo.size(), CV_8UC1, cv::Scalar(255));
    Stroke plain = line(Stroke::Mode::Erase, 20, {{92, 20}, {92, 180}});
    Stroke aware = plain;
    aware.edgeAware = true;
    cv::Mat plainMask = full.clone(), awareMask = full.clone();
    Strokes::paint(plainMask, photo, {plain});
    Strokes::paint(awareMask, photo, {aware});
    const int plainAcross = cv::countNonZero(plainMask.colRange(100, 200) != 255);
    const int awareAcross = cv::countNonZero(awareMask.colRange(100, 200) != 255);
    QVERIFY2(plainAcross > 1000 && awareAcross < plainAcross / 20,
             qPrintable(QStringLiteral("%1 vs %2").arg(plainAcross).arg(awareAcross)));
    // On its own side it erases as the plain brush does.
    QCOMPARE(cv::countNonZero(awareMask(cv::Rect(80, 40, 20, 120)) != 0), 0);
}

void TestStrokes::exportsCarryTheStrokes()
{
    cv::Mat pixels(120, 160, CV_8UC3, cv::Scalar(60, 120, 180));
    cv::Mat low(32, 32, CV_8UC1, cv::Scalar(254)); // the model kept everything
    PhotoExport::Job job;
    job.document.pixels = std::make_shared<const cv::Mat>(pixels);
    job.document.lowResMask = low;
    job.document.adjustments.adjust.refine = false;
    job.document.strokes = {line(Stroke::Mode::Erase, 10, {{40, 60}})};
    QString error;
    const cv::Mat rgba = PhotoExport::render(job, &error);
    QVERIFY2(!rgba.empty(), qPrintable(error));
    QCOMPARE(int(rgba.at<cv::Vec4b>(60, 40)[3]), 0);
    QCOMPARE(int(rgba.at<cv::Vec4b>(60, 120)[3]), 254);
    // The document's own mask is left as the model made it, also when the photo is at the
    // network's size (every step hands back the kept mask itself).
    QCOMPARE(cv::countNonZero(job.document.lowResMask != 254), 0);
    const cv::Mat sameSize(low.size(), CV_8UC3, cv::Scalar(60, 120, 180));
    const cv::Mat painted = MaskRefiner::finished(sameSize, low, job.document.adjustments.adjust,
                                                  {line(Stroke::Mode::Erase, 4, {{16, 16}})});
    QCOMPARE(int(painted.at<uchar>(16, 16)), 0);
    QCOMPARE(cv::countNonZero(low != 254), 0);
    // A resized export paints the same place, to scale.
    job.resizeLongest = 80;
    const cv::Mat small = PhotoExport::render(job, &error);
    QCOMPARE(small.cols, 80);
    QCOMPARE(int(small.at<cv::Vec4b>(30, 20)[3]), 0);
    QCOMPARE(int(small.at<cv::Vec4b>(30, 60)[3]), 254);
}

QTEST_APPLESS_MAIN(TestStrokes)
#include "test_strokes.moc"
