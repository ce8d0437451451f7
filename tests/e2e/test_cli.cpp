// clearcut-cli end to end: the real binary, the real default model, real files on disk.

#include "RealModel.h"

#include "engine/ImageIO.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QProcess>
#include <QTemporaryDir>

#ifdef Q_OS_UNIX
#include <sys/stat.h>
#endif

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

using namespace clearcut;

namespace {

const QString kPhoto = QStringLiteral(CLEARCUT_TEST_DATA "/photos/apple.jpg");
const QString kReference = QStringLiteral(CLEARCUT_TEST_DATA "/reference/apple.png");

struct Run
{
    int exitCode = -1;
    QString out;
    QString err;
};

Run runCli(const QStringList &arguments,
           const QProcessEnvironment &environment = QProcessEnvironment::systemEnvironment())
{
    QProcess process;
    process.setProcessEnvironment(environment);
    process.start(QStringLiteral(CLEARCUT_CLI), arguments);
    Run run;
    if (!process.waitForFinished(180000)) {
        process.kill();
        run.err = QStringLiteral("timed out");
        return run;
    }
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    run.out = QString::fromUtf8(process.readAllStandardOutput());
    run.err = QString::fromUtf8(process.readAllStandardError());
    return run;
}

cv::Mat decode(const QString &path)
{
    const DecodeResult r = ImageIO::decodeFile(path);
    return r.image ? r.image->bgr : cv::Mat();
}

// ImageIO drops alpha; read the PNG's channels as stored.
cv::Mat readUnchanged(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    const QByteArray bytes = f.readAll();
    return cv::imdecode(cv::Mat(1, int(bytes.size()), CV_8U, const_cast<char *>(bytes.data())),
                        cv::IMREAD_UNCHANGED);
}

QByteArray fileBytes(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

double meanAbsDiff(const cv::Mat &a, const cv::Mat &b)
{
    cv::Mat d;
    cv::absdiff(a, b, d);
    return cv::mean(d)[0];
}

} // namespace

class TestCli : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void mapMatchesReference();
    void rgbaCarriesTheMaskAsAlpha();
    void backgroundTypes_data();
    void backgroundTypes();
    void thresholdAndReverse();
    void refinementChangesOnlyTheEdge();
    void edgeControls();
    void cropAndCanvas();
    void cropWithNoSubjectIsAClearError();
    void editsArePaintedOverTheMask();
    void folderWithBadFilesReportsThemAndGoesOn();
    void foldersWithFifosDevicesAndLoopsNeverHang();
    void aReportNeverOverwritesASourcePhoto();
    void aSecondRunIntoTheSourceFolderLeavesItsOutputsAlone();
    void folderKeepsStructureNamesResizesAndReports();
    void inputListShardsWriteEveryPhotoOnce();
    void missingModelIsAnError();
    void usageErrors_data();
    void usageErrors();
    void timingsJson();
    void int8WithoutAVariantSaysWhy();
    void warmMemoryChangesNoOutputByte();
    void probeHardware();
    void folderRunsGetPassiveOpenMpWorkers();

private:
    QTemporaryDir m_dir;
    cv::Mat m_photo;
    cv::Mat m_reference;
};

void TestCli::initTestCase()
{
    REQUIRE_REAL_MODEL();
    QVERIFY(m_dir.isValid());
    m_photo = decode(kPhoto);
    QVERIFY(!m_photo.empty());
    cv::extractChannel(decode(kReference), m_reference, 0);
    QVERIFY(!m_reference.empty());
}

void TestCli::mapMatchesReference()
{
    const QString out = m_dir.filePath(QStringLiteral("map"));
    // The reference's own mask: upsampled, not refined.
    const Run run =
        runCli({QStringLiteral("-s"), kPhoto, QStringLiteral("-d"), out, QStringLiteral("-t"),
                QStringLiteral("map"), QStringLiteral("--refine"), QStringLiteral("off")});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    const cv::Mat map = readUnchanged(QDir(out).filePath(QStringLiteral("apple_map.png")));
    QCOMPARE(map.channels(), 1);
    QCOMPARE(map.size(), m_photo.size());
    QVERIFY(meanAbsDiff(map, m_reference) <= 2.0);
    QVERIFY(run.out.contains(QLatin1String("apple_map.png")));
    // Nothing but the output in the folder: no temporary files left behind.
    QCOMPARE(QDir(out).entryList(QDir::Files | QDir::Hidden).size(), 1);
}

void TestCli::rgbaCarriesTheMaskAsAlpha()
{
    const QString out = m_dir.filePath(QStringLiteral("rgba"));
    // rgba forces PNG whatever --format says.
    const Run run =
        runCli({QStringLiteral("-s"), kPhoto, QStringLiteral("-d"), out, QStringLiteral("-f"),
                QStringLiteral("jpg"), QStringLiteral("--refine"), QStringLiteral("off")});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    const cv::Mat rgba = readUnchanged(QDir(out).filePath(QStringLiteral("apple_rgba.png")));
    QCOMPARE(rgba.channels(), 4);
    cv::Mat alpha;
    cv::extractChannel(rgba, alpha, 3);
    QVERIFY(meanAbsDiff(alpha, m_reference) <= 2.0);
}

void TestCli::backgroundTypes_data()
{
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("fileName");
    QTest::addColumn<QString>("format");
    // The colour the background must take where the mask is 0 (BGR), or empty for blur.
    QTest::addColumn<QList<int>>("backgroundBgr");
    QTest::newRow("white") << QStringLiteral("white") << QStringLiteral("apple_white.png")
                           << QString() << QList<int>{255, 255, 255};
    QTest::newRow("green") << QStringLiteral("green") << QStringLiteral("apple_green.png")
                           << QString() << QList<int>{155, 255, 120};
    QTest::newRow("red") << QStringLiteral("[255,0,0]") << QString() << QString()
                         << QList<int>{0, 0, 255};
    QTest::newRow("blur as jpg") << QStringLiteral("blur") << QStringLiteral("apple_blur.jpg")
                                 << QStringLiteral("jpg") << QList<int>{};
}

void TestCli::backgroundTypes()
{
    QFETCH(QString, type);
    QFETCH(QString, fileName);
    QFETCH(QString, format);
    QFETCH(QList<int>, backgroundBgr);
    const QString out = m_dir.filePath(QStringLiteral("type-") + QString::number(qHash(type)));
    QStringList args{
        QStringLiteral("-s"), kPhoto, QStringLiteral("-d"),     out,
        QStringLiteral("-t"), type,   QStringLiteral("--mode"), QStringLiteral("fast")};
    if (!format.isEmpty())
        args << QStringLiteral("-f") << format;
    const Run run = runCli(args);
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    const QStringList files = QDir(out).entryList(QDir::Files);
    QCOMPARE(files.size(), 1);
    if (!fileName.isEmpty())
        QCOMPARE(files.first(), fileName);
    const cv::Mat image = decode(QDir(out).filePath(files.first()));
    QCOMPARE(image.size(), m_photo.size());

    // Where the reference says "surely background", the output is the background.
    const cv::Mat background = m_reference == 0;
    QVERIFY(cv::countNonZero(background) > 1000);
    if (!backgroundBgr.isEmpty()) {
        const cv::Scalar mean = cv::mean(image, background);
        for (int c = 0; c < 3; ++c)
            QVERIFY2(std::abs(mean[c] - backgroundBgr[c]) < 3.0, qPrintable(type));
    } else {
        // Blurred: the background changed, but stays close to the photo's colours on average.
        cv::Mat diff;
        cv::absdiff(image, m_photo, diff);
        const cv::Scalar bgDiff = cv::mean(diff, background);
        const double total = bgDiff[0] + bgDiff[1] + bgDiff[2];
        QVERIFY2(total > 3.0 && total < 3 * 40.0, qPrintable(QString::number(total)));
    }
    // Where the reference says "surely foreground", the photo is kept.
    const cv::Mat foreground = m_reference == 255;
    cv::Mat diff;
    cv::absdiff(image, m_photo, diff);
    const cv::Scalar fgDiff = cv::mean(diff, foreground);
    QVERIFY2(fgDiff[0] + fgDiff[1] + fgDiff[2] < 3 * (format == QLatin1String("jpg") ? 4.0 : 1.0),
             qPrintable(type));
}

void TestCli::thresholdAndReverse()
{
    const QString out = m_dir.filePath(QStringLiteral("threshold"));
    Run run = runCli({QStringLiteral("-s"), kPhoto, QStringLiteral("-d"), out, QStringLiteral("-t"),
                      QStringLiteral("map"), QStringLiteral("--threshold"), QStringLiteral("0.5")});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    const cv::Mat hard = readUnchanged(QDir(out).filePath(QStringLiteral("apple_map.png")));
    QCOMPARE(cv::countNonZero(hard == 0) + cv::countNonZero(hard == 255), int(hard.total()));
    QVERIFY(cv::countNonZero(hard) > 1000);

    const QString reversedOut = m_dir.filePath(QStringLiteral("reverse"));
    run = runCli({QStringLiteral("-s"), kPhoto, QStringLiteral("-d"), reversedOut,
                  QStringLiteral("-t"), QStringLiteral("map"), QStringLiteral("--reverse"),
                  QStringLiteral("--refine"), QStringLiteral("off")});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    const cv::Mat reversed =
        readUnchanged(QDir(reversedOut).filePath(QStringLiteral("apple_map.png")));
    QVERIFY(meanAbsDiff(reversed, 255 - m_reference) <= 2.0);
}

void TestCli::refinementChangesOnlyTheEdge()
{
    const QString on = m_dir.filePath(QStringLiteral("refine-on"));
    const QString off = m_dir.filePath(QStringLiteral("refine-off"));
    Run run = runCli({QStringLiteral("-s"), kPhoto, QStringLiteral("-d"), on, QStringLiteral("-t"),
                      QStringLiteral("map")});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    run = runCli({QStringLiteral("-s"), kPhoto, QStringLiteral("-d"), off, QStringLiteral("-t"),
                  QStringLiteral("map"), QStringLiteral("--refine"), QStringLiteral("off")});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    const cv::Mat refined = readUnchanged(QDir(on).filePath(QStringLiteral("apple_map.png")));
    const cv::Mat plain = readUnchanged(QDir(off).filePath(QStringLiteral("apple_map.png")));
    QCOMPARE(refined.size(), plain.size());
    // Refinement is on by default and moves some edge pixels ...
    const int changed = cv::countNonZero(refined != plain);
    QVERIFY(changed > 0);
    // ... and only near the edge: nowhere the unrefined mask is solid for a few pixels around.
    cv::Mat uncertain = (plain >= 3) & (plain <= 252), nearEdge;
    cv::dilate(uncertain, nearEdge, cv::Mat::ones(9, 9, CV_8U));
    QCOMPARE(cv::countNonZero((refined != plain) & ~nearEdge), 0);
}

void TestCli::edgeControls()
{
    // Shift edge grows the subject, feather softens it, colour clean-up changes only colours.
    auto map = [&](const QString &name, const QStringList &extra) {
        const QString out = m_dir.filePath(name);
        const Run run = runCli(QStringList{QStringLiteral("-s"), kPhoto, QStringLiteral("-d"), out,
                                           QStringLiteral("-t"), QStringLiteral("map"),
                                           QStringLiteral("--threshold"), QStringLiteral("0.5")} +
                               extra);
        return run.exitCode == 0
                   ? readUnchanged(QDir(out).filePath(QStringLiteral("apple_map.png")))
                   : cv::Mat();
    };
    const cv::Mat hard = map(QStringLiteral("edge-plain"), {});
    const cv::Mat grown =
        map(QStringLiteral("edge-grown"), {QStringLiteral("--shift-edge"), QStringLiteral("4")});
    const cv::Mat soft =
        map(QStringLiteral("edge-soft"), {QStringLiteral("--feather"), QStringLiteral("6")});
    QVERIFY(!hard.empty() && !grown.empty() && !soft.empty());
    QVERIFY(cv::countNonZero(grown) > cv::countNonZero(hard));
    QCOMPARE(cv::countNonZero((hard == 255) & (grown != 255)), 0);
    const int hardSoft = cv::countNonZero((hard > 0) & (hard < 255));
    QCOMPARE(hardSoft, 0);
    QVERIFY(cv::countNonZero((soft > 0) & (soft < 255)) > 100);

    const QString clean = m_dir.filePath(QStringLiteral("colours-clean"));
    const QString raw = m_dir.filePath(QStringLiteral("colours-raw"));
    Run run = runCli({QStringLiteral("-s"), kPhoto, QStringLiteral("-d"), clean});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    run = runCli({QStringLiteral("-s"), kPhoto, QStringLiteral("-d"), raw,
                  QStringLiteral("--foreground-estimate"), QStringLiteral("off")});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    const cv::Mat a = readUnchanged(QDir(clean).filePath(QStringLiteral("apple_rgba.png")));
    const cv::Mat b = readUnchanged(QDir(raw).filePath(QStringLiteral("apple_rgba.png")));
    QCOMPARE(a.type(), CV_8UC4);
    cv::Mat alphaA, alphaB;
    cv::extractChannel(a, alphaA, 3);
    cv::extractChannel(b, alphaB, 3);
    QCOMPARE(cv::norm(alphaA, alphaB, cv::NORM_INF), 0.0);
    QVERIFY(cv::norm(a, b, cv::NORM_INF) > 0.0);
    // Without the estimate the cut-out keeps the photo's colours wherever it shows anything.
    cv::Mat bgr;
    cv::cvtColor(b, bgr, cv::COLOR_BGRA2BGR);
    cv::Mat photoShown, diff;
    m_photo.copyTo(photoShown, alphaB > 0);
    cv::absdiff(bgr, photoShown, diff);
    QCOMPARE(cv::norm(diff, cv::NORM_INF), 0.0);
}

void TestCli::cropAndCanvas()
{
    const QString mapOut = m_dir.filePath(QStringLiteral("crop-map"));
    Run run = runCli({QStringLiteral("-s"), kPhoto, QStringLiteral("-d"), mapOut,
                      QStringLiteral("-t"), QStringLiteral("map")});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    const cv::Mat map = readUnchanged(QDir(mapOut).filePath(QStringLiteral("apple_map.png")));
    const cv::Rect box = cv::boundingRect(map > 10);
    QVERIFY(!box.empty() && box.area() < int(map.total()));

    auto cutOut = [&](const QString &name, const QStringList &extra) {
        const QString out = m_dir.filePath(name);
        const Run r =
            runCli(QStringList{QStringLiteral("-s"), kPhoto, QStringLiteral("-d"), out} + extra);
        return r.exitCode == 0 ? readUnchanged(QDir(out).filePath(QStringLiteral("apple_rgba.png")))
                               : cv::Mat();
    };
    const cv::Mat cropped =
        cutOut(QStringLiteral("crop"), {QStringLiteral("--crop"), QStringLiteral("12")});
    QCOMPARE(cropped.cols, box.width + 24);
    QCOMPARE(cropped.rows, box.height + 24);
    const cv::Mat square =
        cutOut(QStringLiteral("square"), {QStringLiteral("--canvas"), QStringLiteral("square")});
    QCOMPARE(square.cols, std::max(box.width, box.height));
    QCOMPARE(square.rows, square.cols);
    const cv::Mat sized =
        cutOut(QStringLiteral("sized"), {QStringLiteral("--canvas"), QStringLiteral("320x200"),
                                         QStringLiteral("--crop"), QStringLiteral("5%")});
    QCOMPARE(sized.cols, 320);
    QCOMPARE(sized.rows, 200);
    // The subject is centred on the canvas.
    cv::Mat alpha;
    cv::extractChannel(sized, alpha, 3);
    const cv::Rect placed = cv::boundingRect(alpha > 10);
    QVERIFY(std::abs((placed.x + placed.width / 2) - 160) <= 3);
    QVERIFY(std::abs((placed.y + placed.height / 2) - 100) <= 3);
}

void TestCli::cropWithNoSubjectIsAClearError()
{
    // Shrinking the edge by more than the subject's size leaves an empty mask: there is nothing
    // to crop to.
    const QString out = m_dir.filePath(QStringLiteral("crop-empty"));
    const Run run = runCli({QStringLiteral("-s"), kPhoto, QStringLiteral("-d"), out,
                            QStringLiteral("--shift-edge"), QStringLiteral("-500"),
                            QStringLiteral("--crop"), QStringLiteral("10")});
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.err.contains(QLatin1String("apple.jpg")), qPrintable(run.err));
    QVERIFY2(run.err.contains(QLatin1String("nothing to crop to")), qPrintable(run.err));
    QCOMPARE(QDir(out).entryList(QDir::Files | QDir::Hidden), QStringList());
}

void TestCli::editsArePaintedOverTheMask()
{
    // An erase stroke through the middle of the subject, given with --edits and as the edits file
    // beside a photo in a folder; a bad file is a usage error naming it.
    const QByteArray json = R"({"strokes": [{"mode": "erase", "radius": 25,
                                "points": [[100, 150], [180, 150]]}]})";
    const QString in = m_dir.filePath(QStringLiteral("edits-in"));
    QVERIFY(QDir().mkpath(in));
    QVERIFY(QFile::copy(kPhoto, QDir(in).filePath(QStringLiteral("apple.jpg"))));
    const QString edits = QDir(in).filePath(QStringLiteral("apple.clearcut.json"));
    QFile file(edits);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(json);
    file.close();
    QVERIFY(m_reference.at<uchar>(150, 140) > 200); // the subject is there before the stroke

    const QString given = m_dir.filePath(QStringLiteral("edits-given"));
    Run run = runCli({QStringLiteral("-s"), kPhoto, QStringLiteral("-d"), given,
                      QStringLiteral("--edits"), edits});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    const QString beside = m_dir.filePath(QStringLiteral("edits-beside"));
    run = runCli({QStringLiteral("-s"), in, QStringLiteral("-d"), beside});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    for (const QString &out : {given, beside}) {
        const cv::Mat rgba = readUnchanged(QDir(out).filePath(QStringLiteral("apple_rgba.png")));
        QCOMPARE(rgba.type(), CV_8UC4);
        QCOMPARE(int(rgba.at<cv::Vec4b>(150, 140)[3]), 0);
        QCOMPARE(int(rgba.at<cv::Vec4b>(150, 100)[3]), 0);
        // Away from the stroke the model's mask is as it was.
        QVERIFY(rgba.at<cv::Vec4b>(150, 230)[3] > 0 || m_reference.at<uchar>(150, 230) < 20);
    }

    // The file's adjustments are what the photo is exported with; an option given on the command
    // line still wins over them.
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(R"({"adjustments": {"type": "white", "reverse": true},
                   "strokes": [{"mode": "erase", "radius": 25,
                                "points": [[100, 150], [180, 150]]}]})");
    file.close();
    const QString adjusted = m_dir.filePath(QStringLiteral("edits-adjusted"));
    run = runCli({QStringLiteral("-s"), kPhoto, QStringLiteral("-d"), adjusted,
                  QStringLiteral("--edits"), edits, QStringLiteral("-t"), QStringLiteral("map")});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    const cv::Mat map = readUnchanged(QDir(adjusted).filePath(QStringLiteral("apple_map.png")));
    QCOMPARE(map.type(), CV_8UC1);
    // Reversed (the file's), then the erase stroke over it: the stroke is background either way.
    QCOMPARE(int(map.at<uchar>(150, 140)), 0);
    QVERIFY(map.at<uchar>(10, 10) > 200 || m_reference.at<uchar>(10, 10) > 50); // was background
    // In a folder, the file beside the photo brings its adjustments too.
    const QString besideAdjusted = m_dir.filePath(QStringLiteral("edits-beside-adjusted"));
    run = runCli({QStringLiteral("-s"), in, QStringLiteral("-d"), besideAdjusted});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    const cv::Mat white =
        readUnchanged(QDir(besideAdjusted).filePath(QStringLiteral("apple_rgba.png")));
    QCOMPARE(white.type(), CV_8UC3); // white background: no alpha
    QVERIFY(white.at<cv::Vec3b>(150, 140) == cv::Vec3b(255, 255, 255)); // erased: the background

    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(R"({"strokes": [{"mode": "erase", "radius": "big", "points": [[1, 1]]}]})");
    file.close();
    run = runCli({QStringLiteral("-s"), kPhoto, QStringLiteral("--edits"), edits});
    QCOMPARE(run.exitCode, 2);
    QVERIFY2(run.err.contains(QLatin1String("apple.clearcut.json")) &&
                 run.err.contains(QLatin1String("radius")),
             qPrintable(run.err));
    // In a folder run the bad file fails its photo, named, and writes nothing for it.
    const QString failed = m_dir.filePath(QStringLiteral("edits-bad"));
    run = runCli({QStringLiteral("-s"), in, QStringLiteral("-d"), failed});
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.err.contains(QLatin1String("apple.clearcut.json")), qPrintable(run.err));
    QCOMPARE(QDir(failed).entryList(QDir::Files), QStringList());
}

void TestCli::folderWithBadFilesReportsThemAndGoesOn()
{
    const QString in = m_dir.filePath(QStringLiteral("mixed-in"));
    const QString out = m_dir.filePath(QStringLiteral("mixed-out"));
    QVERIFY(QDir().mkpath(in));
    QVERIFY(QFile::copy(kPhoto, QDir(in).filePath(QStringLiteral("good.jpg"))));
    QFile corrupt(QDir(in).filePath(QStringLiteral("corrupt.jpg")));
    QVERIFY(corrupt.open(QIODevice::WriteOnly));
    corrupt.write("\xff\xd8\xff\xe0 this is not really a jpeg");
    corrupt.close();
    QFile empty(QDir(in).filePath(QStringLiteral("empty.png")));
    QVERIFY(empty.open(QIODevice::WriteOnly));
    empty.close();

    const Run run =
        runCli({QStringLiteral("-s"), in, QStringLiteral("-d"), out, QStringLiteral("-t"),
                QStringLiteral("map"), QStringLiteral("--mode"), QStringLiteral("fast")});
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.err.contains(QLatin1String("corrupt.jpg")), qPrintable(run.err));
    QVERIFY2(run.err.contains(QLatin1String("empty.png")), qPrintable(run.err));
    QCOMPARE(QDir(out).entryList(QDir::Files | QDir::Hidden),
             QStringList{QStringLiteral("good_map.png")});
}

void TestCli::foldersWithFifosDevicesAndLoopsNeverHang()
{
#ifndef Q_OS_UNIX
    QSKIP("FIFOs, /dev/zero and symbolic links are POSIX");
#else
    // Each used to end or stall the whole batch: a FIFO named like a photo (open() waited for a
    // writer), a link to /dev/zero (read without end), a link loop ("no such file").
    const QString in = m_dir.filePath(QStringLiteral("hostile-in"));
    const QString out = m_dir.filePath(QStringLiteral("hostile-out"));
    QVERIFY(QDir().mkpath(in));
    const QDir d(in);
    QVERIFY(QFile::copy(kPhoto, d.filePath(QStringLiteral("good.jpg"))));
    QVERIFY(::mkfifo(QFile::encodeName(d.filePath(QStringLiteral("fifo.jpg"))).constData(), 0600) ==
            0);
    QVERIFY(QFile::link(QStringLiteral("/dev/zero"), d.filePath(QStringLiteral("zero.png"))));
    QVERIFY(QFile::link(d.filePath(QStringLiteral("loop-b.jpg")),
                        d.filePath(QStringLiteral("loop-a.jpg"))));
    QVERIFY(QFile::link(d.filePath(QStringLiteral("loop-a.jpg")),
                        d.filePath(QStringLiteral("loop-b.jpg"))));
    const QByteArray good = fileBytes(d.filePath(QStringLiteral("good.jpg")));

    const Run run =
        runCli({QStringLiteral("-s"), in, QStringLiteral("-d"), out, QStringLiteral("-t"),
                QStringLiteral("map"), QStringLiteral("--mode"), QStringLiteral("fast")});
    QCOMPARE(run.exitCode, 1); // partly failed
    QVERIFY2(run.err.contains(QLatin1String("fifo.jpg: not a regular file")), qPrintable(run.err));
    QVERIFY2(run.err.contains(QLatin1String("zero.png: not a regular file")), qPrintable(run.err));
    QVERIFY2(run.err.contains(QLatin1String("loop-a.jpg: a symbolic link loop")),
             qPrintable(run.err));
    QCOMPARE(QDir(out).entryList(QDir::Files | QDir::Hidden),
             QStringList{QStringLiteral("good_map.png")});
    QCOMPARE(fileBytes(d.filePath(QStringLiteral("good.jpg"))), good);

    // Given one at a time: a clear reason each, at once.
    const QStringList single{QStringLiteral("fifo.jpg"), QStringLiteral("zero.png"),
                             QStringLiteral("loop-a.jpg")};
    const QStringList reasons{QStringLiteral("not a regular file (a FIFO)"),
                              QStringLiteral("not a regular file (a device)"),
                              QStringLiteral("a symbolic link loop")};
    for (int i = 0; i < single.size(); ++i) {
        const Run one = runCli({QStringLiteral("-s"), d.filePath(single[i]), QStringLiteral("-d"),
                                out, QStringLiteral("-q")});
        QVERIFY2(one.exitCode == 1 || one.exitCode == 2, qPrintable(one.err));
        QVERIFY2(one.err.contains(reasons[i]), qPrintable(one.err));
    }
#endif
}

void TestCli::aReportNeverOverwritesASourcePhoto()
{
    const QString in = m_dir.filePath(QStringLiteral("report-in"));
    QVERIFY(QDir().mkpath(in));
    const QString photo = QDir(in).filePath(QStringLiteral("apple.jpg"));
    QVERIFY(QFile::copy(kPhoto, photo));
    const QByteArray before = fileBytes(photo);
    const Run run =
        runCli({QStringLiteral("-s"), in, QStringLiteral("-d"),
                m_dir.filePath(QStringLiteral("report-out")), QStringLiteral("--report"), photo});
    QCOMPARE(run.exitCode, 2);
    QVERIFY2(run.err.contains(QLatin1String("a source photo is never overwritten")),
             qPrintable(run.err));
    QCOMPARE(fileBytes(photo), before);
    QVERIFY(!QFileInfo::exists(m_dir.filePath(QStringLiteral("report-out/apple_rgba.png"))));
}

void TestCli::aSecondRunIntoTheSourceFolderLeavesItsOutputsAlone()
{
    const QString folder = m_dir.filePath(QStringLiteral("same-folder"));
    QVERIFY(QDir().mkpath(folder));
    QVERIFY(QFile::copy(kPhoto, QDir(folder).filePath(QStringLiteral("apple.jpg"))));
    const QStringList args{QStringLiteral("-s"),     folder,
                           QStringLiteral("-d"),     folder,
                           QStringLiteral("-t"),     QStringLiteral("map"),
                           QStringLiteral("--mode"), QStringLiteral("fast")};
    Run run = runCli(args);
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    run = runCli(args + QStringList{QStringLiteral("--collision"), QStringLiteral("number")});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    QVERIFY2(run.err.contains(QLatin1String("apple_map.png: left out, it is the output of")),
             qPrintable(run.err));
    run = runCli(args + QStringList{QStringLiteral("--collision"), QStringLiteral("number")});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    // One photo, three runs: its three cut-outs, and never a cut-out of a cut-out.
    QStringList files = QDir(folder).entryList(QDir::Files);
    files.sort();
    QCOMPARE(files,
             (QStringList{QStringLiteral("apple.jpg"), QStringLiteral("apple_map.png"),
                          QStringLiteral("apple_map_2.png"), QStringLiteral("apple_map_3.png")}));
}

void TestCli::folderKeepsStructureNamesResizesAndReports()
{
    const QString in = m_dir.filePath(QStringLiteral("nested-in"));
    const QString out = m_dir.filePath(QStringLiteral("nested-out"));
    QVERIFY(QDir().mkpath(in + QStringLiteral("/day1")));
    QVERIFY(QFile::copy(kPhoto, in + QStringLiteral("/day1/apple.jpg")));
    const QString report = m_dir.filePath(QStringLiteral("report.json"));
    const QStringList common{QStringLiteral("-s"),       in,
                             QStringLiteral("-d"),       out,
                             QStringLiteral("-t"),       QStringLiteral("map"),
                             QStringLiteral("--mode"),   QStringLiteral("fast"),
                             QStringLiteral("--name"),   QStringLiteral("{index}-{stem}"),
                             QStringLiteral("--report"), report};

    Run run =
        runCli(common + QStringList{QStringLiteral("--resize-longest"), QStringLiteral("100")});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    const QString output = out + QStringLiteral("/day1/1-apple.png");
    QVERIFY2(run.out.contains(QLatin1String("day1/1-apple.png")), qPrintable(run.out));
    const cv::Mat map = readUnchanged(output);
    QCOMPARE(std::max(map.cols, map.rows), 100);
    QVERIFY2(run.err.contains(QLatin1String("done 1, skipped 0, failed 0 in ")),
             qPrintable(run.err));
    QFile reportFile(report);
    QVERIFY(reportFile.open(QIODevice::ReadOnly));
    const QJsonObject summary = QJsonDocument::fromJson(reportFile.readAll()).object();
    reportFile.close();
    QCOMPARE(summary.value(QStringLiteral("total")).toInt(), 1);
    QCOMPARE(summary.value(QStringLiteral("done")).toInt(), 1);
    QCOMPARE(summary.value(QStringLiteral("failed")).toInt(), 0);
    QVERIFY(summary.value(QStringLiteral("failures")).toArray().isEmpty());

    // Skip leaves the existing output alone; number adds one beside it.
    run = runCli(common + QStringList{QStringLiteral("--collision"), QStringLiteral("skip")});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    QVERIFY2(run.err.contains(QLatin1String("done 0, skipped 1, failed 0")), qPrintable(run.err));
    QCOMPARE(std::max(readUnchanged(output).cols, readUnchanged(output).rows), 100);
    run = runCli(common + QStringList{QStringLiteral("--collision"), QStringLiteral("number")});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    QCOMPARE(QDir(out + QStringLiteral("/day1")).entryList(QDir::Files | QDir::Hidden),
             (QStringList{QStringLiteral("1-apple.png"), QStringLiteral("1-apple_2.png")}));
    QCOMPARE(readUnchanged(out + QStringLiteral("/day1/1-apple_2.png")).size(), m_photo.size());
}

void TestCli::inputListShardsWriteEveryPhotoOnce()
{
    // Two workers over one list, as pods of a Kubernetes Indexed Job: a relative path, an
    // absolute one, a comment, a blank line and a photo that is not there.
    const QString photos = QStringLiteral(CLEARCUT_TEST_DATA "/photos/");
    const QString in = m_dir.filePath(QStringLiteral("list-in"));
    const QString out = m_dir.filePath(QStringLiteral("list-out"));
    QVERIFY(QDir().mkpath(in + QStringLiteral("/photos")));
    QVERIFY(QFile::copy(kPhoto, in + QStringLiteral("/photos/apple.jpg")));
    const QString list = QDir(in).filePath(QStringLiteral("list.txt"));
    QFile file(list);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(QStringLiteral("# the catalogue\n"
                              "photos/apple.jpg\n"
                              "%1butterfly.jpg\n"
                              "\n"
                              "  %1HappyFish.jpg  \n"
                              "gone.jpg\n")
                   .arg(photos)
                   .toUtf8());
    file.close();
    // {index} is the place in the whole list, so the two workers' names never meet.
    const QStringList common{QStringLiteral("--input-list"), list,
                             QStringLiteral("-d"),           out,
                             QStringLiteral("-t"),           QStringLiteral("map"),
                             QStringLiteral("--mode"),       QStringLiteral("fast"),
                             QStringLiteral("--name"),       QStringLiteral("{stem}_{index}"),
                             QStringLiteral("--collision"),  QStringLiteral("skip")};

    // Photos 0 and 2 of the list.
    Run run = runCli(common + QStringList{QStringLiteral("--shard"), QStringLiteral("0/2")});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    QVERIFY2(run.err.contains(QLatin1String("done 2, skipped 0, failed 0")), qPrintable(run.err));
    // Photos 1 and 3: the missing one fails, named on one line, and the other is written.
    run = runCli(common + QStringList{QStringLiteral("--shard"), QStringLiteral("1/2")});
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.err.contains(QLatin1String("done 1, skipped 0, failed 1")), qPrintable(run.err));
    const QStringList gone = run.err.split(QLatin1Char('\n')).filter(QStringLiteral("gone.jpg"));
    QCOMPARE(gone.size(), 1);
    QVERIFY2(gone.first().startsWith(QDir(in).filePath(QStringLiteral("gone.jpg"))),
             qPrintable(run.err));

    // Together: every photo once, flat in the destination, nothing else there.
    const QStringList expected{QStringLiteral("HappyFish_3.png"), QStringLiteral("apple_1.png"),
                               QStringLiteral("butterfly_2.png")};
    const auto listed = [&] {
        return QDir(out).entryList(QDir::Files | QDir::Hidden | QDir::Dirs | QDir::NoDotAndDotDot,
                                   QDir::Name);
    };
    QCOMPARE(listed(), expected);
    QCOMPARE(readUnchanged(QDir(out).filePath(QStringLiteral("apple_1.png"))).size(),
             m_photo.size());
    QMap<QString, QDateTime> written;
    for (const QString &name : expected)
        written[name] = QFileInfo(QDir(out).filePath(name)).lastModified();

    // A worker run again resumes: what it wrote is kept as it is.
    run = runCli(common + QStringList{QStringLiteral("--shard"), QStringLiteral("0/2")});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    QVERIFY2(run.err.contains(QLatin1String("done 0, skipped 2, failed 0")), qPrintable(run.err));
    QVERIFY2(run.out.trimmed().isEmpty(), qPrintable(run.out));
    QCOMPARE(listed(), expected);
    for (const QString &name : expected)
        QCOMPARE(QFileInfo(QDir(out).filePath(name)).lastModified(), written.value(name));

    // Photos that would share a name are refused before any work: workers cannot number them.
    run = runCli({QStringLiteral("--input-list"), list, QStringLiteral("-d"), out,
                  QStringLiteral("--name"), QStringLiteral("photo"), QStringLiteral("--shard"),
                  QStringLiteral("0/2")});
    QCOMPARE(run.exitCode, 2);
    QVERIFY2(run.err.contains(QLatin1String("{index}")), qPrintable(run.err));
}

void TestCli::missingModelIsAnError()
{
    const Run run = runCli({QStringLiteral("-s"), kPhoto, QStringLiteral("-d"),
                            m_dir.filePath(QStringLiteral("nomodel")), QStringLiteral("-c"),
                            m_dir.filePath(QStringLiteral("nothing-here.pt"))});
    QCOMPARE(run.exitCode, 2);
    QVERIFY2(run.err.contains(QLatin1String("nothing-here.pt")), qPrintable(run.err));
    QVERIFY2(run.err.contains(QLatin1String("not found")), qPrintable(run.err));
}

void TestCli::usageErrors_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::newRow("no source") << QStringList{};
    QTest::newRow("bad type") << QStringList{QStringLiteral("-s"), kPhoto, QStringLiteral("-t"),
                                             QStringLiteral("sparkles")};
    QTest::newRow("bad threshold") << QStringList{
        QStringLiteral("-s"), kPhoto, QStringLiteral("--threshold"), QStringLiteral("2")};
    QTest::newRow("threshold nan") << QStringList{
        QStringLiteral("-s"), kPhoto, QStringLiteral("--threshold"), QStringLiteral("nan")};
    QTest::newRow("refine-strength inf") << QStringList{
        QStringLiteral("-s"), kPhoto, QStringLiteral("--refine-strength"), QStringLiteral("inf")};
    QTest::newRow("threads without bound") << QStringList{
        QStringLiteral("-s"), kPhoto, QStringLiteral("--threads"), QStringLiteral("100000000")};
    QTest::newRow("bad resize") << QStringList{QStringLiteral("-s"), kPhoto,
                                               QStringLiteral("--resize"), QStringLiteral("big")};
    QTest::newRow("bad collision") << QStringList{
        QStringLiteral("-s"), kPhoto, QStringLiteral("--collision"), QStringLiteral("maybe")};
    QTest::newRow("bad name") << QStringList{QStringLiteral("-s"), kPhoto, QStringLiteral("--name"),
                                             QStringLiteral("{stem}_{date}")};
    QTest::newRow("name with a folder") << QStringList{
        QStringLiteral("-s"), kPhoto, QStringLiteral("--name"), QStringLiteral("../{stem}")};
    QTest::newRow("bad resize-longest") << QStringList{
        QStringLiteral("-s"), kPhoto, QStringLiteral("--resize-longest"), QStringLiteral("0")};
    QTest::newRow("bad precision") << QStringList{
        QStringLiteral("-s"), kPhoto, QStringLiteral("--precision"), QStringLiteral("half")};
    QTest::newRow("bad refine") << QStringList{QStringLiteral("-s"), kPhoto,
                                               QStringLiteral("--refine"), QStringLiteral("yes")};
    QTest::newRow("bad refine-strength") << QStringList{
        QStringLiteral("-s"), kPhoto, QStringLiteral("--refine-strength"), QStringLiteral("2")};
    QTest::newRow("bad foreground-estimate")
        << QStringList{QStringLiteral("-s"), kPhoto, QStringLiteral("--foreground-estimate"),
                       QStringLiteral("maybe")};
    QTest::newRow("bad feather") << QStringList{QStringLiteral("-s"), kPhoto,
                                                QStringLiteral("--feather"), QStringLiteral("-2")};
    QTest::newRow("bad shift-edge") << QStringList{
        QStringLiteral("-s"), kPhoto, QStringLiteral("--shift-edge"), QStringLiteral("far")};
    QTest::newRow("bad crop") << QStringList{QStringLiteral("-s"), kPhoto, QStringLiteral("--crop"),
                                             QStringLiteral("abc")};
    QTest::newRow("bad canvas") << QStringList{QStringLiteral("-s"), kPhoto,
                                               QStringLiteral("--canvas"), QStringLiteral("0x10")};
    QTest::newRow("missing source")
        << QStringList{QStringLiteral("-s"), QStringLiteral("/nonexistent/photo.jpg")};
    QTest::newRow("source and input list")
        << QStringList{QStringLiteral("-s"), kPhoto, QStringLiteral("--input-list"), kPhoto};
    QTest::newRow("unreadable input list")
        << QStringList{QStringLiteral("--input-list"), QStringLiteral("/nonexistent/list.txt")};
    QTest::newRow("shard past the end") << QStringList{
        QStringLiteral("-s"), kPhoto, QStringLiteral("--shard"), QStringLiteral("2/2")};
    QTest::newRow("bad shard") << QStringList{QStringLiteral("-s"), kPhoto,
                                              QStringLiteral("--shard"), QStringLiteral("1")};
}

void TestCli::usageErrors()
{
    QFETCH(QStringList, args);
    const Run run = runCli(args);
    QCOMPARE(run.exitCode, 2);
    QVERIFY(!run.err.isEmpty());
}

void TestCli::timingsJson()
{
    const Run run = runCli({QStringLiteral("-s"), kPhoto, QStringLiteral("-d"),
                            m_dir.filePath(QStringLiteral("timings")), QStringLiteral("-t"),
                            QStringLiteral("map"), QStringLiteral("--mode"), QStringLiteral("fast"),
                            QStringLiteral("--timings"), QStringLiteral("--quiet")});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    const QString lastLine = run.err.trimmed().section(QLatin1Char('\n'), -1);
    const QJsonObject report = QJsonDocument::fromJson(lastLine.toUtf8()).object();
    const QJsonObject model = report.value(QStringLiteral("model")).toObject();
    for (const char *key : {"read_ms", "load_ms", "optimize_ms", "warmup_ms", "ready_ms"})
        QVERIFY2(model.contains(QLatin1String(key)), key);
    const QString precision = model.value(QStringLiteral("precision")).toString();
    QVERIFY2(precision == QLatin1String("float32") || precision == QLatin1String("bfloat16") ||
                 precision == QLatin1String("int8"),
             qPrintable(precision));
    QVERIFY(model.value(QStringLiteral("ready_ms")).toDouble() >=
            model.value(QStringLiteral("load_ms")).toDouble());
    const QJsonObject image = report.value(QStringLiteral("images")).toArray().first().toObject();
    for (const char *key : {"decode_ms", "infer_ms", "post_ms", "encode_ms"})
        QVERIFY2(image.value(QLatin1String(key)).toDouble() > 0, key);
}

void TestCli::int8WithoutAVariantSaysWhy()
{
    // The real model, seen through a folder that has no isnet-int8.pt beside it.
    const QString folder = m_dir.filePath(QStringLiteral("no-int8"));
    QVERIFY(QDir().mkpath(folder));
    const QString model = QDir(folder).filePath(QStringLiteral("isnet.pt"));
    QVERIFY(QFile::link(defaultModelPath(), model));
    QVERIFY(QFile::copy(ModelSpec::sidecarPath(defaultModelPath()),
                        QDir(folder).filePath(QStringLiteral("isnet.json"))));
    const Run run = runCli({QStringLiteral("-s"), kPhoto, QStringLiteral("-d"),
                            m_dir.filePath(QStringLiteral("int8-out")), QStringLiteral("-c"), model,
                            QStringLiteral("--precision"), QStringLiteral("int8"),
                            QStringLiteral("--timings")});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    QVERIFY2(run.err.contains(QLatin1String("(not int8: no int8 model (isnet-int8.pt))")),
             qPrintable(run.err));
    const QString lastLine = run.err.trimmed().section(QLatin1Char('\n'), -1);
    const QJsonObject timings = QJsonDocument::fromJson(lastLine.toUtf8())
                                    .object()
                                    .value(QStringLiteral("model"))
                                    .toObject();
    QCOMPARE(timings.value(QStringLiteral("precision_note")).toString(),
             QStringLiteral("no int8 model (isnet-int8.pt)"));
    QVERIFY(timings.value(QStringLiteral("precision")).toString() != QLatin1String("int8"));
}

void TestCli::warmMemoryChangesNoOutputByte()
{
    // The same photo with LibTorch's large blocks taken from the warm region (the default) and from
    // its own allocator: the region is in use, and the bytes written are the same.
    QByteArray outputs[2];
    const QString modes[2] = {QStringLiteral("on"), QStringLiteral("off")};
    for (int i = 0; i < 2; ++i) {
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(QStringLiteral("CLEARCUT_WARM_MEMORY"), modes[i]);
        const QString dest = m_dir.filePath(QStringLiteral("warm-") + modes[i]);
        const Run run = runCli({QStringLiteral("-s"), kPhoto, QStringLiteral("-d"), dest,
                                QStringLiteral("--timings"), QStringLiteral("--quiet")},
                               environment);
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        const QJsonObject model =
            QJsonDocument::fromJson(run.err.trimmed().section(QLatin1Char('\n'), -1).toUtf8())
                .object()
                .value(QStringLiteral("model"))
                .toObject();
        const int warmMb = model.value(QStringLiteral("warm_memory_mb")).toInt(-1);
        if (i == 0)
            QVERIFY2(warmMb > 100, qPrintable(run.err)); // ISNet: ~330 MB
        else
            QCOMPARE(warmMb, 0);
        QFile file(QDir(dest).filePath(QStringLiteral("apple_rgba.png")));
        QVERIFY(file.open(QIODevice::ReadOnly));
        outputs[i] = file.readAll();
    }
    QVERIFY(!outputs[0].isEmpty());
    QVERIFY(outputs[0] == outputs[1]);
}

void TestCli::probeHardware()
{
    const Run run = runCli(
        {QStringLiteral("--probe-hardware"), QStringLiteral("--threads"), QStringLiteral("1")});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    const QJsonObject report = QJsonDocument::fromJson(run.out.trimmed().toUtf8()).object();
    QCOMPARE(report.value(QStringLiteral("threads")).toInt(), 1);
    QVERIFY2(report.value(QStringLiteral("conv_gflops")).toDouble() > 0.1, qPrintable(run.out));
    QVERIFY(report.value(QStringLiteral("conv_ms")).toDouble() > 0);
    QVERIFY(!report.value(QStringLiteral("torch")).toString().isEmpty());
}

void TestCli::folderRunsGetPassiveOpenMpWorkers()
{
    // libgomp prints the settings it started with under OMP_DISPLAY_ENV=verbose: a folder run
    // re-executes itself with OMP_WAIT_POLICY=PASSIVE (spin count 0); a single photo does not; a
    // policy the user chose stands.
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.remove(QStringLiteral("OMP_WAIT_POLICY"));
    environment.remove(QStringLiteral("GOMP_SPINCOUNT"));
    environment.insert(QStringLiteral("OMP_DISPLAY_ENV"), QStringLiteral("verbose"));
    const QString folder = QStringLiteral(CLEARCUT_TEST_DATA "/photos");
    const QString zeroSpin = QStringLiteral("GOMP_SPINCOUNT = '0'");

    Run run = runCli({QStringLiteral("-s"), folder, QStringLiteral("--version")}, environment);
    QCOMPARE(run.exitCode, 0);
    QVERIFY2(run.err.contains(zeroSpin), qPrintable(run.err));
    run = runCli({QStringLiteral("--source=") + folder, QStringLiteral("--version")}, environment);
    QVERIFY2(run.err.contains(zeroSpin), qPrintable(run.err));
    run = runCli(
        {QStringLiteral("--input-list"), QStringLiteral("list.txt"), QStringLiteral("--version")},
        environment);
    QVERIFY2(run.err.contains(zeroSpin), qPrintable(run.err));

    run = runCli({QStringLiteral("-s"), kPhoto, QStringLiteral("--version")}, environment);
    QCOMPARE(run.exitCode, 0);
    QVERIFY2(run.err.contains(QLatin1String("GOMP_SPINCOUNT")), qPrintable(run.err));
    QVERIFY2(!run.err.contains(zeroSpin), qPrintable(run.err));

    environment.insert(QStringLiteral("OMP_WAIT_POLICY"), QStringLiteral("ACTIVE"));
    run = runCli({QStringLiteral("-s"), folder, QStringLiteral("--version")}, environment);
    QVERIFY2(run.err.contains(QLatin1String("OMP_WAIT_POLICY = 'ACTIVE'")), qPrintable(run.err));
    QVERIFY2(!run.err.contains(zeroSpin), qPrintable(run.err));
}

QTEST_GUILESS_MAIN(TestCli)
#include "test_cli.moc"
