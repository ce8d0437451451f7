// Brush strokes over the mask: the edits file's format, and what Erase and Restore paint.

#include "engine/Edits.h"
#include "engine/MaskRefiner.h"
#include "engine/PhotoExport.h"
#include "engine/StrokedMask.h"
#include "engine/Strokes.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <cmath>

#include <unistd.h>

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
    void edgeAwareTakesAThinThingsSoftEdgeAndKeepsWhatCrossesIt();
    void exportsCarryTheStrokes();
    void keptMaskPaintsOnlyWhatIsNew();
    void exportUsesTheKeptMask();
};

void TestStrokes::jsonRoundTrips()
{
    Stroke a = line(Stroke::Mode::Erase, 12.5, {{10, 20}, {30.25, 40}});
    a.hardness = 0.5;
    a.edgeAware = true;
    PhotoEdits edits;
    edits.strokes = {a, line(Stroke::Mode::Restore, 3, {{1, 2}})};
    QString error;
    auto back = Edits::fromJson(Edits::toJson(edits), &error);
    QVERIFY2(back, qPrintable(error));
    QVERIFY(*back == edits);
    QVERIFY(!back->adjustments); // none saved: the photo follows the adjustments given
    // With adjustments.
    edits.adjustments = Adjustments();
    edits.adjustments->adjust.feather = 7;
    edits.adjustments->adjust.refine = false;
    edits.adjustments->type.kind = OutputType::Kind::Colour;
    edits.adjustments->type.colourRgb = {10, 20, 30};
    back = Edits::fromJson(Edits::toJson(edits), &error);
    QVERIFY2(back, qPrintable(error));
    QVERIFY(*back == edits);
    // Unknown keys are ignored; defaults fill what is left out.
    const auto lenient = Edits::fromJson(
        R"({"version": 3, "adjust": {"x": 1}, "strokes": [{"mode": "restore", "radius": 4,
            "points": [[1, 1]], "pressure": 0.3}]})",
        &error);
    QVERIFY2(lenient, qPrintable(error));
    QCOMPARE(lenient->strokes.size(), size_t(1));
    QCOMPARE(lenient->strokes.front().hardness, 1.0);
    QVERIFY(!lenient->strokes.front().edgeAware);
    QVERIFY(Edits::fromJson("{}")->strokes.empty());
    QCOMPARE(Edits::pathFor(QStringLiteral("/photos/beach.day.jpg")),
             QStringLiteral("/photos/beach.day.clearcut.json"));

    // Written whole beside the photo; a folder that cannot be written to is an error naming the
    // file, and leaves nothing behind.
    QTemporaryDir dir;
    const QString path = Edits::pathFor(dir.filePath(QStringLiteral("photo.jpg")));
    QCOMPARE(Edits::writeFile(path, edits), QString());
    back = Edits::readFile(path, &error);
    QVERIFY2(back && *back == edits, qPrintable(error));
    QFile::setPermissions(dir.path(), QFile::ReadOwner | QFile::ExeOwner);
    const QString denied = dir.filePath(QStringLiteral("other.clearcut.json"));
    const QString why = Edits::writeFile(denied, edits);
    QFile::setPermissions(dir.path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    if (::geteuid() != 0) { // root writes anywhere
        QVERIFY2(why.contains(QLatin1String("other.clearcut.json")), qPrintable(why));
        QVERIFY(!QFile::exists(denied));
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files).size(), 1);
    }
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
    QTest::newRow("adjustments") << QByteArray(R"({"adjustments": {"feather": -3}})")
                                 << QStringLiteral("adjustments: feather");
    QTest::newRow("adjustments not an object")
        << QByteArray(R"({"adjustments": [1]})") << QStringLiteral("\"adjustments\" must be");
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
    QVERIFY(!Edits::readFile(path, &error));
    QVERIFY2(error.contains(QLatin1String("photo.clearcut.json")), qPrintable(error));
    QVERIFY2(error.contains(expected), qPrintable(error));
    QVERIFY(!Edits::readFile(dir.filePath(QStringLiteral("missing.json")), &error));
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

void TestStrokes::edgeAwareTakesAThinThingsSoftEdgeAndKeepsWhatCrossesIt()
{
    // A pink stem the model kept, across a green background it did not, its edges a soft mix of
    // the two; a dark antenna (subject) crosses it. An edge-aware erase runs along the stem.
    const cv::Vec3b green(60, 160, 60), pink(140, 80, 220), dark(20, 20, 20);
    cv::Mat photo(200, 200, CV_8UC3, cv::Scalar(green[0], green[1], green[2]));
    cv::Mat mask(photo.size(), CV_8UC1, cv::Scalar(0));
    for (int y = 94; y <= 106; ++y) {
        const bool edge = y == 94 || y == 106;
        for (int x = 0; x < 200; ++x)
            photo.at<cv::Vec3b>(y, x) = edge ? (pink / 2 + green / 2) : pink;
        mask.row(y).setTo(255);
    }
    photo.colRange(150, 153).setTo(cv::Scalar(dark[0], dark[1], dark[2]));
    mask.colRange(150, 153).setTo(255);
    Stroke erase = line(Stroke::Mode::Erase, 12, {{0, 100}, {199, 100}});
    erase.edgeAware = true;
    Strokes::paint(mask, photo, {erase});

    for (const int x : {20, 60, 100, 190}) {
        for (int y = 95; y <= 105; ++y) // the stem itself, beyond the core too
            QCOMPARE(int(mask.at<uchar>(y, x)), 0);
        // Its soft edge goes with it (mostly: it is half background colour already gone).
        QVERIFY2(
            mask.at<uchar>(94, x) < 128 && mask.at<uchar>(106, x) < 128,
            qPrintable(
                QStringLiteral("%1, %2").arg(mask.at<uchar>(94, x)).arg(mask.at<uchar>(106, x))));
    }
    // The antenna stays wherever the brush only reaches it (past the core around the path).
    for (const int y : {89, 91, 93, 107, 109, 111})
        QCOMPARE(int(mask.at<uchar>(y, 151)), 255);
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

void TestStrokes::keptMaskPaintsOnlyWhatIsNew()
{
    // A photo with texture (the edge-aware brush reads it) and a soft mask.
    cv::Mat photo(300, 400, CV_8UC3);
    cv::randu(photo, 0, 255);
    cv::Mat base(photo.size(), CV_8UC1);
    cv::randu(base, 0, 256);
    const double scale = 0.5; // the view's copy of an 800 x 600 photo
    Stroke soft = line(Stroke::Mode::Restore, 40, {{300, 300}, {500, 320}, {620, 500}});
    soft.hardness = 0.3;
    soft.edgeAware = true;
    const std::vector<Stroke> all{line(Stroke::Mode::Erase, 30, {{100, 100}, {200, 150}}), soft,
                                  line(Stroke::Mode::Erase, 12, {{610, 480}})};
    const auto paintedAtOnce = [&](size_t count) {
        cv::Mat mask = base.clone();
        Strokes::paint(mask, photo, {all.begin(), all.begin() + std::ptrdiff_t(count)}, scale);
        return mask;
    };

    StrokedMask kept(base, photo, scale);
    QCOMPARE(kept.painted().data, base.data); // no strokes: the base itself
    cv::Mat before = kept.painted();
    for (size_t count = 1; count <= all.size(); ++count) {
        const cv::Mat handedOut = before.clone();
        const cv::Rect changed = kept.update({all.begin(), all.begin() + std::ptrdiff_t(count)});
        // Stroke by stroke gives what painting them all at once gives, byte for byte.
        QCOMPARE(cv::norm(kept.painted(), paintedAtOnce(count), cv::NORM_INF), 0.0);
        // The mask handed out before is left as it was (another thread may be reading it).
        QCOMPARE(cv::norm(before, handedOut, cv::NORM_INF), 0.0);
        // Nothing changed outside the rectangle it reports, and it is that stroke's own.
        cv::Mat outside = kept.painted() != before;
        outside(changed).setTo(0);
        QCOMPARE(cv::countNonZero(outside), 0);
        QCOMPARE(changed, Strokes::bounds(all[count - 1], scale, base.size()));
        before = kept.painted();
    }
    // An undo (fewer strokes) paints the base afresh, and reports where the stroke taken away
    // was.
    const cv::Rect undone = kept.update({all.begin(), all.begin() + 2});
    QCOMPARE(cv::norm(kept.painted(), paintedAtOnce(2), cv::NORM_INF), 0.0);
    QVERIFY((undone & Strokes::bounds(all[2], scale, base.size())) ==
            Strokes::bounds(all[2], scale, base.size()));
    QCOMPARE(kept.update({all.begin(), all.begin() + 2}), cv::Rect()); // nothing new
    kept.update({});
    QCOMPARE(cv::norm(kept.painted(), base, cv::NORM_INF), 0.0);
    QCOMPARE(cv::countNonZero(base != paintedAtOnce(0)), 0); // the base itself is never painted
}

void TestStrokes::exportUsesTheKeptMask()
{
    cv::Mat pixels(120, 160, CV_8UC3, cv::Scalar(60, 120, 180));
    cv::randu(pixels, 0, 255);
    cv::Mat low(32, 32, CV_8UC1, cv::Scalar(0));
    low(cv::Rect(0, 0, 16, 32)).setTo(255);
    PhotoExport::Job job;
    job.document.pixels = std::make_shared<const cv::Mat>(pixels);
    job.document.lowResMask = low;
    job.document.strokes = {line(Stroke::Mode::Restore, 14, {{120, 40}, {130, 90}})};
    const cv::Mat made = PhotoExport::render(job);

    // The mask the window keeps for the photo gives the same pixels as making it again ...
    StrokedMask kept(MaskRefiner::finished(pixels, low, job.document.adjustments.adjust), pixels,
                     1.0);
    kept.update(job.document.strokes);
    job.document.finishedMask = std::make_shared<const cv::Mat>(kept.painted());
    QCOMPARE(cv::norm(PhotoExport::render(job), made, cv::NORM_INF), 0.0);
    // ... and it is what the export cuts with (not made again): a different one shows.
    job.document.finishedMask =
        std::make_shared<const cv::Mat>(cv::Mat(pixels.size(), CV_8UC1, cv::Scalar(77)));
    const cv::Mat other = PhotoExport::render(job);
    QCOMPARE(int(other.at<cv::Vec4b>(10, 10)[3]), 77);
    // A resized export makes its own at its size.
    job.resizeLongest = 80;
    QCOMPARE(int(PhotoExport::render(job).at<cv::Vec4b>(5, 5)[3]), 255);
}

QTEST_APPLESS_MAIN(TestStrokes)
#include "test_strokes.moc"
