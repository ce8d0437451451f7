// BatchExporter on a synthetic model: real photos and broken files on disk, cancelling and
// re-running, unwritable and full destinations, collision policies, names and progress.

#include "SyntheticModels.h"

#include "engine/BatchExporter.h"
#include "engine/Engine.h"
#include "engine/EngineThread.h"
#include "engine/ImageIO.h"
#include "engine/OutputNaming.h"

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include <memory>

#ifdef Q_OS_UNIX
#include "ChildProcess.h"

#include <unistd.h>
#endif

using namespace clearcut;
using test::SyntheticModel;

Q_DECLARE_METATYPE(clearcut::CollisionPolicy)

namespace {

const QString kPhotos = QStringLiteral(CLEARCUT_TEST_DATA "/photos");

QStringList photoNames()
{
    return QDir(kPhotos).entryList({QStringLiteral("*.jpg")}, QDir::Files, QDir::Name);
}

void copyPhoto(const QString &name, const QString &to)
{
    QVERIFY(QDir().mkpath(QFileInfo(to).absolutePath()));
    QVERIFY2(QFile::copy(QDir(kPhotos).filePath(name), to), qPrintable(to));
}

void writeBytes(const QString &path, const QByteArray &bytes)
{
    QVERIFY(QDir().mkpath(QFileInfo(path).absolutePath()));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    QCOMPARE(file.write(bytes), bytes.size());
}

QByteArray readBytes(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// Every file under dir, hidden ones included, as paths relative to dir.
QStringList allFiles(const QString &dir)
{
    QStringList files;
    QDirIterator it(dir, QDir::Files | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot,
                    QDirIterator::Subdirectories);
    while (it.hasNext())
        files << QDir(dir).relativeFilePath(it.next());
    files.sort();
    return files;
}

QMap<QString, QByteArray> hashTree(const QString &dir)
{
    QMap<QString, QByteArray> hashes;
    for (const QString &file : allFiles(dir))
        hashes[file] = QCryptographicHash::hash(readBytes(QDir(dir).filePath(file)),
                                                QCryptographicHash::Sha256);
    return hashes;
}

// As stored: ImageIO drops alpha.
cv::Mat readUnchanged(const QString &path)
{
    const QByteArray bytes = readBytes(path);
    if (bytes.isEmpty())
        return {};
    return cv::imdecode(cv::Mat(1, int(bytes.size()), CV_8U, const_cast<char *>(bytes.data())),
                        cv::IMREAD_UNCHANGED);
}

cv::Size photoSize(const QString &path)
{
    const DecodeResult decoded = ImageIO::decodeFile(path);
    return decoded.image ? decoded.image->bgr.size() : cv::Size();
}

// Everything one run reported.
struct Outcome
{
    BatchSummary summary;
    QList<BatchItemResult> items;
    QList<BatchProgress> progress;
    double seconds = 0;
    bool finished = false;

    QStringList sources(BatchItemResult::Status status) const
    {
        QStringList list;
        for (const BatchItemResult &item : items)
            if (item.status == status)
                list << QFileInfo(item.source).fileName();
        list.sort();
        return list;
    }
};

Outcome runBatch(BatchExporter &exporter, const QList<BatchInput> &inputs,
                 const BatchOptions &options)
{
    Outcome outcome;
    QObject context;
    QObject::connect(&exporter, &BatchExporter::itemFinished, &context,
                     [&](const BatchItemResult &result) { outcome.items << result; });
    QObject::connect(&exporter, &BatchExporter::progress, &context,
                     [&](const BatchProgress &progress) { outcome.progress << progress; });
    QObject::connect(&exporter, &BatchExporter::finished, &context,
                     [&](const BatchSummary &summary) {
                         outcome.summary = summary;
                         outcome.finished = true;
                     });
    QElapsedTimer clock;
    clock.start();
    exporter.start(inputs, options);
    if (!QTest::qWaitFor([&] { return outcome.finished; }, 60000))
        QTest::qFail("the batch did not finish in 60 s", __FILE__, __LINE__);
    outcome.seconds = clock.nsecsElapsed() / 1e9;
    return outcome;
}

BatchOptions rgbaTo(const QString &destination)
{
    BatchOptions options;
    options.destination = destination;
    return options;
}

} // namespace

class TestBatchExporter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void collectsFoldersRecursivelyInNaturalOrder();
    void mixedFolderExportsGoodPhotosAndReportsBadOnes();
    void cancelMidwayThenSkipFinishesTheRest();
    void unwritableDestinationFailsEveryPhotoWithAReason();
    void fullDiskReportsFailuresAndLeavesNoPartialFile();
    void collisionPolicies_data();
    void collisionPolicies();
    void namesClaimedEarlierInTheRunAreNotReused();
    void destinationEqualToSourceNeverOverwritesASource_data();
    void destinationEqualToSourceNeverOverwritesASource();
    void namePatterns_data();
    void namePatterns();
    void badNamePatterns_data();
    void badNamePatterns();
    void formatsAndResize();
    void progressIsMonotonicThrottledAndComplete();
    void twoExportersShareOneEngine();
    void noInputsFinishesAtOnce();

private:
    // The engine is shared by every test, as the GUI shares it between the photo view and batches.
    std::unique_ptr<EngineThread> m_engineThread;
    QTemporaryDir m_dir;
    QString m_diskFullReport; // from the child process started first thing
    QString m_diskFullDestination;
    int m_diskFullStatus = -1;
};

// The full-disk batch runs in a child process with a small file size limit. It is forked first,
// before this process has started LibTorch's or OpenCV's thread pools, which do not survive a
// fork(); the child builds its own engine.
void TestBatchExporter::initTestCase()
{
    QVERIFY(m_dir.isValid());
#ifdef Q_OS_UNIX
    const QString childDir = m_dir.filePath(QStringLiteral("diskfull"));
    QVERIFY(QDir().mkpath(childDir));
    m_diskFullDestination = QDir(childDir).filePath(QStringLiteral("out"));
    const test::ChildOutcome child = test::runInChild([&] {
        const QString model = test::writeSyntheticModel(childDir, QStringLiteral("model"),
                                                        SyntheticModel::RedIsForeground);
        // A photo small enough that its output fits under the limit, and two that do not.
        const QString tiny = QDir(childDir).filePath(QStringLiteral("tiny.png"));
        cv::imwrite(tiny.toStdString(), cv::Mat(8, 8, CV_8UC3, cv::Scalar(0, 0, 255)));
        EngineThread thread;
        QSignalSpy ready(thread.engine(), &Engine::modelReady);
        QMetaObject::invokeMethod(
            thread.engine(), [engine = thread.engine(), model] { engine->loadModel(model); },
            Qt::QueuedConnection);
        QElapsedTimer waited;
        waited.start();
        while (ready.isEmpty() && waited.elapsed() < 60000)
            QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
        if (ready.isEmpty())
            _exit(3);
        test::limitFileSize(16384);
        BatchExporter exporter(thread.engine());
        QSignalSpy finished(&exporter, &BatchExporter::finished);
        exporter.start(
            BatchExporter::collectInputs({QDir(kPhotos).filePath(QStringLiteral("apple.jpg")), tiny,
                                          QDir(kPhotos).filePath(QStringLiteral("messi5.jpg"))}),
            rgbaTo(m_diskFullDestination));
        if (!finished.wait(60000))
            _exit(4);
        return QJsonDocument(finished.first().first().value<BatchSummary>().toJson()).toJson();
    });
    m_diskFullStatus = child.status;
    m_diskFullReport = QString::fromUtf8(child.output);
#endif

    const QString model = test::writeSyntheticModel(m_dir.path(), QStringLiteral("model"),
                                                    SyntheticModel::RedIsForeground);
    m_engineThread = std::make_unique<EngineThread>();
    QSignalSpy ready(m_engineThread->engine(), &Engine::modelReady);
    QMetaObject::invokeMethod(
        m_engineThread->engine(),
        [engine = m_engineThread->engine(), model] { engine->loadModel(model); },
        Qt::QueuedConnection);
    QTRY_VERIFY_WITH_TIMEOUT(!ready.isEmpty(), 60000);
}

void TestBatchExporter::collectsFoldersRecursivelyInNaturalOrder()
{
    QTemporaryDir dir;
    const QString root = dir.filePath(QStringLiteral("shoot"));
    for (const QString &name :
         {QStringLiteral("10.jpg"), QStringLiteral("2.jpg"), QStringLiteral("b/1.JPG"),
          QStringLiteral("a/x.png"), QStringLiteral("a/deep/y.tiff"), QStringLiteral("notes.txt"),
          QStringLiteral(".hidden.jpg"), QStringLiteral(".cache/z.jpg")})
        writeBytes(QDir(root).filePath(name), "x");
    const QString loose = dir.filePath(QStringLiteral("loose.dat"));
    writeBytes(loose, "x");

    const QList<BatchInput> inputs = BatchExporter::collectInputs(
        {loose, root, QDir(root).filePath(QStringLiteral("2.jpg"))}); // 2.jpg twice: kept once
    QStringList got;
    for (const BatchInput &input : inputs)
        got << QDir(dir.path()).relativeFilePath(input.path) + QLatin1Char('|') + input.relativeDir;
    const QStringList expected{
        QStringLiteral("loose.dat|"),   // a file as given, whatever its suffix
        QStringLiteral("shoot/2.jpg|"), // 2 before 10
        QStringLiteral("shoot/10.jpg|"),
        QStringLiteral("shoot/a/x.png|a"),
        QStringLiteral("shoot/a/deep/y.tiff|a/deep"),
        QStringLiteral("shoot/b/1.JPG|b"),
    };
    QCOMPARE(got, expected);

    // A relative folder gives the same inputs, spelled relative to the current folder.
    const QString previous = QDir::currentPath();
    QVERIFY(QDir::setCurrent(dir.path()));
    const QList<BatchInput> relative = BatchExporter::collectInputs({QStringLiteral("shoot")});
    QVERIFY(QDir::setCurrent(previous));
    got.clear();
    for (const BatchInput &input : relative)
        got << input.path + QLatin1Char('|') + input.relativeDir;
    QCOMPARE(got, expected.mid(1));
}

void TestBatchExporter::mixedFolderExportsGoodPhotosAndReportsBadOnes()
{
    QTemporaryDir dir;
    const QString in = dir.filePath(QStringLiteral("in"));
    const QString out = dir.filePath(QStringLiteral("out"));
    const QStringList photos = photoNames();
    QCOMPARE(photos.size(), 5);
    const QStringList folders{QString(), QStringLiteral("a"), QStringLiteral("a/b"),
                              QStringLiteral("c"), QString()};
    QMap<QString, QString> goodDirs; // stem -> relative folder
    for (int i = 0; i < photos.size(); ++i) {
        copyPhoto(photos[i], QDir(in).filePath(folders[i].isEmpty()
                                                   ? photos[i]
                                                   : folders[i] + QLatin1Char('/') + photos[i]));
        goodDirs[QFileInfo(photos[i]).completeBaseName()] = folders[i];
    }
    const QByteArray jpeg = readBytes(QDir(kPhotos).filePath(photos.first()));
    writeBytes(QDir(in).filePath(QStringLiteral("a/corrupt.jpg")), jpeg.left(jpeg.size() / 2));
    writeBytes(QDir(in).filePath(QStringLiteral("empty.png")), QByteArray());
    writeBytes(QDir(in).filePath(QStringLiteral("c/notes.jpg")), "shopping list: eggs, milk\n");
    writeBytes(QDir(in).filePath(QStringLiteral("readme.txt")), "not a photo"); // not collected

    const QMap<QString, QByteArray> before = hashTree(in);
    const QList<BatchInput> inputs = BatchExporter::collectInputs({in});
    QCOMPARE(inputs.size(), 8);

    BatchExporter exporter(m_engineThread->engine());
    const Outcome outcome = runBatch(exporter, inputs, rgbaTo(out));
    QVERIFY(outcome.finished);
    QCOMPARE(outcome.summary.total, 8);
    QCOMPARE(outcome.summary.done, 5);
    QCOMPARE(outcome.summary.failed, 3);
    QCOMPARE(outcome.summary.skipped, 0);
    QVERIFY(!outcome.summary.cancelled);
    QCOMPARE(outcome.items.size(), 8);

    // Every good photo: decodes, carries alpha, same size as its source, in its source's folder.
    QStringList expectedFiles;
    for (const BatchItemResult &item : outcome.items) {
        if (item.status != BatchItemResult::Status::Done)
            continue;
        const QString stem = QFileInfo(item.source).completeBaseName();
        const QString relative =
            goodDirs.value(stem).isEmpty()
                ? stem + QStringLiteral("_rgba.png")
                : goodDirs.value(stem) + QLatin1Char('/') + stem + QStringLiteral("_rgba.png");
        QCOMPARE(item.output, QDir(out).filePath(relative));
        const cv::Mat image = readUnchanged(item.output);
        QCOMPARE(image.channels(), 4);
        QCOMPARE(image.size(), photoSize(item.source));
        QVERIFY(item.reason.isEmpty());
        expectedFiles << relative;
    }
    expectedFiles.sort();

    // Every bad one, with its reason.
    QMap<QString, QString> reasons;
    for (const BatchItemResult &failure : outcome.summary.failures)
        reasons[QFileInfo(failure.source).fileName()] = failure.reason;
    QCOMPARE(reasons.keys(),
             (QStringList{QStringLiteral("corrupt.jpg"), QStringLiteral("empty.png"),
                          QStringLiteral("notes.jpg")}));
    QVERIFY2(reasons[QStringLiteral("corrupt.jpg")].contains(QLatin1String("truncated")),
             qPrintable(reasons[QStringLiteral("corrupt.jpg")]));
    QVERIFY2(reasons[QStringLiteral("empty.png")].contains(QLatin1String("empty")),
             qPrintable(reasons[QStringLiteral("empty.png")]));
    QVERIFY2(reasons[QStringLiteral("notes.jpg")].contains(QLatin1String("not a supported image")),
             qPrintable(reasons[QStringLiteral("notes.jpg")]));
    QCOMPARE(outcome.sources(BatchItemResult::Status::Failed), reasons.keys());

    QCOMPARE(hashTree(in), before);         // inputs byte for byte unchanged
    QCOMPARE(allFiles(out), expectedFiles); // nothing else: no temporary or partial file
    QVERIFY(!outcome.summary.toText().isEmpty());
}

void TestBatchExporter::cancelMidwayThenSkipFinishesTheRest()
{
    QTemporaryDir dir;
    const QString in = dir.filePath(QStringLiteral("in"));
    const QString out = dir.filePath(QStringLiteral("out"));
    const QStringList photos = photoNames();
    for (int i = 0; i < 12; ++i)
        copyPhoto(photos[i % photos.size()],
                  QDir(in).filePath(QStringLiteral("p%1/photo%2.jpg").arg(i % 2).arg(i)));
    const QList<BatchInput> inputs = BatchExporter::collectInputs({in});
    QCOMPARE(inputs.size(), 12);
    BatchOptions options = rgbaTo(out);
    options.collision = CollisionPolicy::Skip;

    BatchExporter exporter(m_engineThread->engine());
    double cancelMs = -1;
    bool runningAfterCancel = false;
    {
        QObject context;
        connect(&exporter, &BatchExporter::itemFinished, &context, [&] {
            if (cancelMs >= 0)
                return;
            QElapsedTimer timer;
            timer.start();
            exporter.cancel();
            cancelMs = timer.nsecsElapsed() / 1e6;
            runningAfterCancel = exporter.isRunning();
        });
        const Outcome first = runBatch(exporter, inputs, options);
        QVERIFY(first.finished);
        QVERIFY(runningAfterCancel); // until finished() confirms
        QVERIFY(first.summary.cancelled);
        QVERIFY2(cancelMs >= 0 && cancelMs < 50, qPrintable(QString::number(cancelMs)));
        // The photo that finished, plus at most the two that were past the point of no return.
        QVERIFY(first.summary.done >= 1 && first.summary.done <= 3);
        QCOMPARE(first.summary.failed, 0);
        QCOMPARE(first.items.size(), first.summary.done);
        QStringList written;
        for (const BatchItemResult &item : first.items)
            written << QDir(out).relativeFilePath(item.output);
        written.sort();
        QCOMPARE(allFiles(out), written); // no partial or temporary file
        QVERIFY(!exporter.isRunning());

        // The re-run finishes only what is missing.
        const Outcome second = runBatch(exporter, inputs, options);
        QVERIFY(second.finished);
        QVERIFY(!second.summary.cancelled);
        QCOMPARE(second.summary.skipped, first.summary.done);
        QCOMPARE(second.summary.done, 12 - first.summary.done);
        QCOMPARE(second.summary.failed, 0);
        QStringList skipped;
        for (const BatchItemResult &item : second.items)
            if (item.status == BatchItemResult::Status::Skipped)
                skipped << QDir(out).relativeFilePath(item.output);
        skipped.sort();
        QCOMPARE(skipped, written);
    }
    QCOMPARE(allFiles(out).size(), 12);
    for (const QString &file : allFiles(out))
        QVERIFY(!readUnchanged(QDir(out).filePath(file)).empty());
}

void TestBatchExporter::unwritableDestinationFailsEveryPhotoWithAReason()
{
    QTemporaryDir dir;
    const QString blocker = dir.filePath(QStringLiteral("a-file"));
    writeBytes(blocker, "I am a file, not a folder");
    const QString in = dir.filePath(QStringLiteral("in"));
    for (const QString &name : photoNames().mid(0, 3))
        copyPhoto(name, QDir(in).filePath(name));

    BatchExporter exporter(m_engineThread->engine());
    const Outcome outcome = runBatch(exporter, BatchExporter::collectInputs({in}),
                                     rgbaTo(QDir(blocker).filePath(QStringLiteral("out"))));
    QVERIFY(outcome.finished);
    QCOMPARE(outcome.summary.failed, 3);
    QCOMPARE(outcome.summary.done, 0);
    for (const BatchItemResult &failure : outcome.summary.failures)
        QVERIFY2(failure.reason.contains(QLatin1String("cannot create the folder")) &&
                     failure.reason.contains(QLatin1String("is a file, not a folder")),
                 qPrintable(failure.reason));
    QCOMPARE(readBytes(blocker), QByteArray("I am a file, not a folder"));
    QCOMPARE(allFiles(dir.path()).size(), 4);
}

void TestBatchExporter::fullDiskReportsFailuresAndLeavesNoPartialFile()
{
#ifndef Q_OS_UNIX
    QSKIP("needs fork() and setrlimit()");
#else
    // Run in initTestCase (see there); checked here.
    QVERIFY2(m_diskFullStatus == 0, qPrintable(QString::number(m_diskFullStatus)));
    const QJsonObject report = QJsonDocument::fromJson(m_diskFullReport.toUtf8()).object();
    QCOMPARE(report.value(QStringLiteral("total")).toInt(), 3);
    QCOMPARE(report.value(QStringLiteral("done")).toInt(), 1);
    QCOMPARE(report.value(QStringLiteral("failed")).toInt(), 2);
    for (const QJsonValue &failure : report.value(QStringLiteral("failures")).toArray()) {
        const QString reason = failure.toObject().value(QStringLiteral("reason")).toString();
        QVERIFY2(reason.startsWith(QLatin1String("cannot write ")), qPrintable(reason));
        QVERIFY2(reason.contains(QLatin1String("File too large")), qPrintable(reason));
    }
    // The photo that fitted is whole; the others left nothing, not even a temporary file.
    QCOMPARE(allFiles(m_diskFullDestination), QStringList{QStringLiteral("tiny_rgba.png")});
    QCOMPARE(
        readUnchanged(QDir(m_diskFullDestination).filePath(QStringLiteral("tiny_rgba.png"))).size(),
        cv::Size(8, 8));
#endif
}

void TestBatchExporter::collisionPolicies_data()
{
    QTest::addColumn<CollisionPolicy>("policy");
    QTest::addColumn<QStringList>("files"); // in the destination afterwards
    QTest::addColumn<bool>("existingKept"); // the old apple_rgba.png untouched
    QTest::addColumn<QStringList>("skipped");
    QTest::newRow("skip") << CollisionPolicy::Skip
                          << QStringList{QStringLiteral("apple_rgba.png"),
                                         QStringLiteral("messi5_rgba.png")}
                          << true << QStringList{QStringLiteral("apple.jpg")};
    QTest::newRow("add number") << CollisionPolicy::AddNumber
                                << QStringList{QStringLiteral("apple_rgba.png"),
                                               QStringLiteral("apple_rgba_2.png"),
                                               QStringLiteral("messi5_rgba.png")}
                                << true << QStringList{};
    QTest::newRow("overwrite") << CollisionPolicy::Overwrite
                               << QStringList{QStringLiteral("apple_rgba.png"),
                                              QStringLiteral("messi5_rgba.png")}
                               << false << QStringList{};
}

void TestBatchExporter::collisionPolicies()
{
    QFETCH(CollisionPolicy, policy);
    QFETCH(QStringList, files);
    QFETCH(bool, existingKept);
    QFETCH(QStringList, skipped);

    QTemporaryDir dir;
    const QString in = dir.filePath(QStringLiteral("in"));
    const QString out = dir.filePath(QStringLiteral("out"));
    copyPhoto(QStringLiteral("apple.jpg"), QDir(in).filePath(QStringLiteral("apple.jpg")));
    copyPhoto(QStringLiteral("messi5.jpg"), QDir(in).filePath(QStringLiteral("messi5.jpg")));
    const QString existing = QDir(out).filePath(QStringLiteral("apple_rgba.png"));
    writeBytes(existing, "an earlier export");

    BatchOptions options = rgbaTo(out);
    options.collision = policy;
    BatchExporter exporter(m_engineThread->engine());
    const Outcome outcome = runBatch(exporter, BatchExporter::collectInputs({in}), options);
    QVERIFY(outcome.finished);
    QCOMPARE(outcome.summary.failed, 0);
    QCOMPARE(outcome.sources(BatchItemResult::Status::Skipped), skipped);
    QCOMPARE(allFiles(out), files);
    QCOMPARE(readBytes(existing) == "an earlier export", existingKept);
    if (!existingKept)
        QCOMPARE(readUnchanged(existing).size(),
                 photoSize(QDir(in).filePath(QStringLiteral("apple.jpg"))));
}

void TestBatchExporter::namesClaimedEarlierInTheRunAreNotReused()
{
    // Two photos that make the same name (flattened folders, or apple.jpg next to apple.png)
    // both survive, even under Overwrite.
    QTemporaryDir dir;
    const QString in = dir.filePath(QStringLiteral("in"));
    const QString out = dir.filePath(QStringLiteral("out"));
    copyPhoto(QStringLiteral("apple.jpg"), QDir(in).filePath(QStringLiteral("x/apple.jpg")));
    copyPhoto(QStringLiteral("messi5.jpg"), QDir(in).filePath(QStringLiteral("y/apple.jpg")));
    BatchOptions options = rgbaTo(out);
    options.keepStructure = false;
    options.collision = CollisionPolicy::Overwrite;
    BatchExporter exporter(m_engineThread->engine());
    const Outcome outcome = runBatch(exporter, BatchExporter::collectInputs({in}), options);
    QCOMPARE(outcome.summary.done, 2);
    QCOMPARE(allFiles(out),
             (QStringList{QStringLiteral("apple_rgba.png"), QStringLiteral("apple_rgba_2.png")}));
    QCOMPARE(readUnchanged(QDir(out).filePath(QStringLiteral("apple_rgba_2.png"))).size(),
             photoSize(QDir(kPhotos).filePath(QStringLiteral("messi5.jpg"))));
}

void TestBatchExporter::destinationEqualToSourceNeverOverwritesASource_data()
{
    QTest::addColumn<CollisionPolicy>("policy");
    QTest::newRow("skip") << CollisionPolicy::Skip;
    QTest::newRow("add number") << CollisionPolicy::AddNumber;
    QTest::newRow("overwrite") << CollisionPolicy::Overwrite;
}

void TestBatchExporter::destinationEqualToSourceNeverOverwritesASource()
{
    QFETCH(CollisionPolicy, policy);
    QTemporaryDir dir;
    const QString folder = dir.filePath(QStringLiteral("photos"));
    copyPhoto(QStringLiteral("apple.jpg"), QDir(folder).filePath(QStringLiteral("apple.jpg")));
    // apple.png is a source photo too, and exactly the name "{stem}" makes for apple.jpg as PNG.
    const cv::Mat photo =
        ImageIO::decodeFile(QDir(kPhotos).filePath(QStringLiteral("butterfly.jpg"))).image->bgr;
    QVERIFY(ImageIO::writeImageAtomic(QDir(folder).filePath(QStringLiteral("apple.png")), photo)
                .isEmpty());
    const QMap<QString, QByteArray> before = hashTree(folder);

    BatchOptions options = rgbaTo(folder);
    options.namePattern = QStringLiteral("{stem}");
    options.collision = policy;
    BatchExporter exporter(m_engineThread->engine());
    const QList<BatchInput> inputs = BatchExporter::collectInputs({folder});
    QCOMPARE(inputs.size(), 2);
    const Outcome outcome = runBatch(exporter, inputs, options);
    QCOMPARE(outcome.summary.failed, 0);
    QCOMPARE(outcome.summary.done, 2);
    for (auto it = before.begin(); it != before.end(); ++it)
        QCOMPARE(QCryptographicHash::hash(readBytes(QDir(folder).filePath(it.key())),
                                          QCryptographicHash::Sha256),
                 it.value());
    // apple.jpg -> apple.png is a source: apple_2.png; apple.png -> apple.png: apple_3.png.
    QCOMPARE(allFiles(folder),
             (QStringList{QStringLiteral("apple.jpg"), QStringLiteral("apple.png"),
                          QStringLiteral("apple_2.png"), QStringLiteral("apple_3.png")}));
}

void TestBatchExporter::namePatterns_data()
{
    QTest::addColumn<QString>("pattern");
    QTest::addColumn<int>("index");
    QTest::addColumn<int>("total");
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("format");
    QTest::addColumn<QString>("expected");
    QTest::newRow("default") << QStringLiteral("{stem}_{type}") << 0 << 1 << QStringLiteral("rgba")
                             << QStringLiteral("png") << QStringLiteral("IMG_0042_rgba.png");
    QTest::newRow("index, 12 photos")
        << QStringLiteral("{index}") << 2 << 12 << QStringLiteral("map") << QStringLiteral("png")
        << QStringLiteral("03.png");
    QTest::newRow("index, 1000 photos")
        << QStringLiteral("cut-{index}-{stem}") << 41 << 1000 << QStringLiteral("rgba")
        << QStringLiteral("png") << QStringLiteral("cut-0042-IMG_0042.png");
    QTest::newRow("index, 9 photos")
        << QStringLiteral("{index}") << 8 << 9 << QStringLiteral("rgba") << QStringLiteral("png")
        << QStringLiteral("9.png");
    QTest::newRow("colour type as jpeg")
        << QStringLiteral("{stem} on {type}") << 0 << 1 << QStringLiteral("[255,0,0]")
        << QStringLiteral("jpeg") << QStringLiteral("IMG_0042 on colour-255-0-0.jpg");
    QTest::newRow("literal text and repeats")
        << QStringLiteral("{stem}{stem}.final") << 0 << 1 << QStringLiteral("white")
        << QStringLiteral("tiff") << QStringLiteral("IMG_0042IMG_0042.final.tif");
}

void TestBatchExporter::namePatterns()
{
    QFETCH(QString, pattern);
    QFETCH(int, index);
    QFETCH(int, total);
    QFETCH(QString, type);
    QFETCH(QString, format);
    QFETCH(QString, expected);
    QVERIFY(OutputNaming::checkNamePattern(pattern).isEmpty());
    BatchOptions options;
    options.destination = QStringLiteral("/out");
    options.namePattern = pattern;
    options.type = *OutputType::parse(type);
    options.format = format;
    const BatchInput input{QStringLiteral("/shoot/day1/IMG_0042.jpg"), QStringLiteral("day1")};
    QCOMPARE(OutputNaming::outputPathFor(input, index, total, options),
             QStringLiteral("/out/day1/") + expected);
    options.keepStructure = false;
    QCOMPARE(OutputNaming::outputPathFor(input, index, total, options),
             QStringLiteral("/out/") + expected);
}

void TestBatchExporter::badNamePatterns_data()
{
    QTest::addColumn<QString>("pattern");
    QTest::addColumn<QString>("reason");
    QTest::newRow("empty") << QString() << QStringLiteral("empty");
    QTest::newRow("unknown") << QStringLiteral("{stem}_{date}") << QStringLiteral("{date}");
    QTest::newRow("slash") << QStringLiteral("../{stem}") << QStringLiteral("cannot contain");
    QTest::newRow("backslash") << QStringLiteral("a\\{stem}") << QStringLiteral("cannot contain");
}

void TestBatchExporter::badNamePatterns()
{
    QFETCH(QString, pattern);
    QFETCH(QString, reason);
    const QString error = OutputNaming::checkNamePattern(pattern);
    QVERIFY2(error.contains(reason), qPrintable(error));

    // start() with it fails every photo with that reason rather than writing anywhere odd.
    QTemporaryDir dir;
    const QString in = dir.filePath(QStringLiteral("in"));
    copyPhoto(QStringLiteral("apple.jpg"), QDir(in).filePath(QStringLiteral("apple.jpg")));
    BatchOptions options = rgbaTo(dir.filePath(QStringLiteral("out")));
    options.namePattern = pattern;
    BatchExporter exporter(m_engineThread->engine());
    const Outcome outcome = runBatch(exporter, BatchExporter::collectInputs({in}), options);
    QCOMPARE(outcome.summary.failed, 1);
    QCOMPARE(outcome.summary.failures.first().reason, error);
    QVERIFY(!QFileInfo::exists(dir.filePath(QStringLiteral("out"))));
}

void TestBatchExporter::formatsAndResize()
{
    QTemporaryDir dir;
    const QString in = dir.filePath(QStringLiteral("in"));
    copyPhoto(QStringLiteral("apple.jpg"), QDir(in).filePath(QStringLiteral("apple.jpg")));
    const cv::Size original = photoSize(QDir(in).filePath(QStringLiteral("apple.jpg")));
    const QList<BatchInput> inputs = BatchExporter::collectInputs({in});
    BatchExporter exporter(m_engineThread->engine());

    // rgba as JPEG: flattened onto white; longest side scaled to 100.
    BatchOptions options = rgbaTo(dir.filePath(QStringLiteral("jpg")));
    options.format = QStringLiteral("jpg");
    options.resizeLongest = 100;
    Outcome outcome = runBatch(exporter, inputs, options);
    QCOMPARE(outcome.summary.done, 1);
    cv::Mat image = readUnchanged(outcome.items.first().output);
    QCOMPARE(image.channels(), 3);
    QCOMPARE(std::max(image.cols, image.rows), 100);
    QVERIFY(std::abs(double(image.cols) / image.rows - double(original.width) / original.height) <
            0.02);

    // Never enlarged; WebP keeps alpha; a map is one channel.
    options = rgbaTo(dir.filePath(QStringLiteral("webp")));
    options.format = QStringLiteral("webp");
    options.resizeLongest = 100000;
    outcome = runBatch(exporter, inputs, options);
    image = readUnchanged(outcome.items.first().output);
    QCOMPARE(image.channels(), 4);
    QCOMPARE(image.size(), original);

    options = rgbaTo(dir.filePath(QStringLiteral("map")));
    options.type = *OutputType::parse(QStringLiteral("map"));
    outcome = runBatch(exporter, inputs, options);
    image = readUnchanged(outcome.items.first().output);
    QCOMPARE(image.channels(), 1);
    QVERIFY(outcome.items.first().output.endsWith(QLatin1String("apple_map.png")));
}

void TestBatchExporter::progressIsMonotonicThrottledAndComplete()
{
    QTemporaryDir dir;
    const QString in = dir.filePath(QStringLiteral("in"));
    const QStringList photos = photoNames();
    for (int i = 0; i < 15; ++i)
        copyPhoto(photos[i % photos.size()], QDir(in).filePath(QStringLiteral("%1.jpg").arg(i)));
    writeBytes(QDir(in).filePath(QStringLiteral("bad.jpg")), "nope");
    const QString out = dir.filePath(QStringLiteral("out"));
    writeBytes(QDir(out).filePath(QStringLiteral("3_rgba.png")), "exists");
    BatchOptions options = rgbaTo(out);
    options.collision = CollisionPolicy::Skip;

    BatchExporter exporter(m_engineThread->engine());
    const Outcome outcome = runBatch(exporter, BatchExporter::collectInputs({in}), options);
    QCOMPARE(outcome.summary.total, 16);
    QCOMPARE(outcome.summary.done, 14);
    QCOMPARE(outcome.summary.skipped, 1);
    QCOMPARE(outcome.summary.failed, 1);
    QVERIFY(outcome.summary.photosPerMinute > 0);
    QVERIFY(outcome.summary.seconds > 0);

    QVERIFY(!outcome.progress.isEmpty());
    int previous = 0;
    for (const BatchProgress &p : outcome.progress) {
        QCOMPARE(p.total, 16);
        const int processed = p.done + p.skipped + p.failed;
        QVERIFY(processed >= previous);
        previous = processed;
        QVERIFY(p.currentFraction >= 0 && p.currentFraction < 1);
    }
    const BatchProgress &last = outcome.progress.last();
    QCOMPARE(last.done, 14);
    QCOMPARE(last.skipped, 1);
    QCOMPARE(last.failed, 1);
    QVERIFY(last.photosPerMinute > 0);
    QCOMPARE(last.secondsRemaining, 0.0);
    // One per photo, plus at most ~10 a second.
    const int allowed = 16 + int(outcome.seconds * 10) + 2;
    QVERIFY2(outcome.progress.size() <= allowed,
             qPrintable(QStringLiteral("%1 > %2").arg(outcome.progress.size()).arg(allowed)));
}

void TestBatchExporter::twoExportersShareOneEngine()
{
    // The engine's results reach every client; each batch takes only its own.
    QTemporaryDir dir;
    const QString in = dir.filePath(QStringLiteral("in"));
    for (const QString &name : photoNames())
        copyPhoto(name, QDir(in).filePath(name));
    const QList<BatchInput> inputs = BatchExporter::collectInputs({in});
    BatchExporter first(m_engineThread->engine());
    BatchExporter second(m_engineThread->engine());
    QSignalSpy firstDone(&first, &BatchExporter::finished);
    QSignalSpy secondDone(&second, &BatchExporter::finished);
    QSignalSpy firstItems(&first, &BatchExporter::itemFinished);
    first.start(inputs, rgbaTo(dir.filePath(QStringLiteral("a"))));
    BatchOptions map = rgbaTo(dir.filePath(QStringLiteral("b")));
    map.type = *OutputType::parse(QStringLiteral("map"));
    second.start(inputs, map);
    QTRY_VERIFY_WITH_TIMEOUT(firstDone.size() == 1 && secondDone.size() == 1, 60000);
    QCOMPARE(firstItems.size(), inputs.size());
    QCOMPARE(firstDone.first().first().value<BatchSummary>().done, int(inputs.size()));
    QCOMPARE(secondDone.first().first().value<BatchSummary>().done, int(inputs.size()));
    for (const QString &file : allFiles(dir.filePath(QStringLiteral("b"))))
        QCOMPARE(readUnchanged(dir.filePath(QStringLiteral("b/") + file)).channels(), 1);
}

void TestBatchExporter::noInputsFinishesAtOnce()
{
    BatchExporter exporter(m_engineThread->engine());
    QSignalSpy finished(&exporter, &BatchExporter::finished);
    exporter.start({}, rgbaTo(m_dir.filePath(QStringLiteral("nothing"))));
    QVERIFY(exporter.isRunning());
    QVERIFY(finished.wait(5000));
    QCOMPARE(finished.first().first().value<BatchSummary>().total, 0);
    QVERIFY(!exporter.isRunning());
    QVERIFY(!QFileInfo::exists(m_dir.filePath(QStringLiteral("nothing"))));
}

QTEST_GUILESS_MAIN(TestBatchExporter)
#include "test_batchexporter.moc"
