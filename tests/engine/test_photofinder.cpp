// Which files a drop or a folder adds, and the search off the calling thread: natural order,
// hidden files left out, links followed once, loops and broken links reported, cancellation.

#include "engine/PhotoFinder.h"

#include <QDir>
#include <QFile>
#include <QSemaphore>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QThreadPool>

using namespace clearcut;

namespace {

void touch(const QString &path)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        qFatal("cannot write %s", qPrintable(path));
}

QStringList relativePaths(const FoundPhotos &found, const QString &root)
{
    QStringList result;
    for (const BatchInput &input : found.inputs)
        result << QDir(root).relativeFilePath(input.path);
    return result;
}

} // namespace

class TestPhotoFinder : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void foldersAreWalkedInNaturalOrderWithoutHiddenFiles();
    void aFolderLinkIsFollowedOnceAndALoopIsReported();
    void aBrokenLinkIsReported();
    void cancellingStopsTheWalk();
    void progressCountsUp();
    void aScanReportsOnTheThreadThatMadeIt_data();
    void aScanReportsOnTheThreadThatMadeIt();
    void deletingARunningScanCancelsIt_data();
    void deletingARunningScanCancelsIt();
    void aCancelAfterTheWalkEndedStillCounts_data();
    void aCancelAfterTheWalkEndedStillCounts();
    void aScanOnAPoolWaitsForOneOfItsThreads();
};

namespace {

// A scan on a thread of its own, or on a pool's (whose threads exist before it starts).
void addScanPlaces()
{
    QTest::addColumn<bool>("onPool");
    QTest::newRow("own thread") << false;
    QTest::newRow("pool") << true;
}

void start(PhotoScan &scan, QThreadPool &pool)
{
    QFETCH(bool, onPool);
    if (onPool)
        scan.start(pool);
    else
        scan.start();
}

} // namespace

void TestPhotoFinder::foldersAreWalkedInNaturalOrderWithoutHiddenFiles()
{
    QTemporaryDir dir;
    const QString root = dir.filePath(QStringLiteral("shoot"));
    for (const char *name : {"IMG_10.jpg", "IMG_2.JPG", "IMG_1.png", "notes.txt", ".hidden.jpg",
                             "day2/b.tif", "day10/a.webp", "day2/a.jpeg", ".cache/x.jpg"})
        touch(root + QLatin1Char('/') + QLatin1String(name));
    const FoundPhotos found = PhotoFinder::find({root});
    QCOMPARE(relativePaths(found, root),
             QStringList({QStringLiteral("IMG_1.png"), QStringLiteral("IMG_2.JPG"),
                          QStringLiteral("IMG_10.jpg"), QStringLiteral("day2/a.jpeg"),
                          QStringLiteral("day2/b.tif"), QStringLiteral("day10/a.webp")}));
    QCOMPARE(found.inputs.at(3).relativeDir, QStringLiteral("day2"));
    QVERIFY(found.problems.isEmpty());
    QVERIFY(!found.cancelled);

    // The same file twice (as a file and inside its folder) is added once.
    const FoundPhotos twice = PhotoFinder::find({root + QStringLiteral("/IMG_1.png"), root});
    QCOMPARE(twice.inputs.size(), 6);
}

void TestPhotoFinder::aFolderLinkIsFollowedOnceAndALoopIsReported()
{
    QTemporaryDir dir;
    const QString root = dir.filePath(QStringLiteral("shoot"));
    const QString elsewhere = dir.filePath(QStringLiteral("elsewhere"));
    touch(root + QStringLiteral("/a.jpg"));
    touch(root + QStringLiteral("/inside/b.jpg"));
    touch(elsewhere + QStringLiteral("/c.jpg"));
    QVERIFY(QFile::link(elsewhere, root + QStringLiteral("/linked")));
    QVERIFY(QFile::link(elsewhere, root + QStringLiteral("/linked-again")));
    QVERIFY(QFile::link(root + QStringLiteral("/inside"), root + QStringLiteral("/alias")));
    QVERIFY(QFile::link(root, root + QStringLiteral("/inside/loop")));

    const FoundPhotos found = PhotoFinder::find({root});
    const QStringList paths = relativePaths(found, root);
    // The outside folder once (through one of its links), the inside one by its own path.
    QCOMPARE(paths.size(), 3);
    QVERIFY(paths.contains(QStringLiteral("a.jpg")));
    QVERIFY(paths.contains(QStringLiteral("inside/b.jpg")));
    QVERIFY(paths.contains(QStringLiteral("linked/c.jpg")) ||
            paths.contains(QStringLiteral("linked-again/c.jpg")));
    QCOMPARE(found.problems.size(), 1);
    QVERIFY2(found.problems.first().contains(QLatin1String("loop")),
             qPrintable(found.problems.first()));
    QVERIFY(found.problems.first().contains(QLatin1String("inside/loop")));
}

void TestPhotoFinder::aBrokenLinkIsReported()
{
    QTemporaryDir dir;
    const QString root = dir.filePath(QStringLiteral("shoot"));
    touch(root + QStringLiteral("/a.jpg"));
    QVERIFY(QFile::link(dir.filePath(QStringLiteral("gone.jpg")),
                        root + QStringLiteral("/broken.jpg")));
    // Not a photo: not reported.
    QVERIFY(
        QFile::link(dir.filePath(QStringLiteral("gone.txt")), root + QStringLiteral("/notes.txt")));
    const FoundPhotos found = PhotoFinder::find({root});
    QCOMPARE(found.inputs.size(), 1);
    QCOMPARE(found.problems.size(), 1);
    QVERIFY2(found.problems.first().contains(QLatin1String("broken link")),
             qPrintable(found.problems.first()));
}

void TestPhotoFinder::cancellingStopsTheWalk()
{
    QTemporaryDir dir;
    for (int i = 0; i < 50; ++i)
        touch(dir.filePath(QStringLiteral("f%1/p.jpg").arg(i)));
    std::atomic_bool cancel{true};
    const FoundPhotos found = PhotoFinder::find({dir.path()}, &cancel);
    QVERIFY(found.cancelled);
    QVERIFY(found.inputs.isEmpty());
    QVERIFY(found.foldersVisited <= 1);
}

void TestPhotoFinder::progressCountsUp()
{
    QTemporaryDir dir;
    for (int i = 0; i < 1000; ++i)
        touch(dir.filePath(QStringLiteral("d%1/p%2.jpg").arg(i % 10).arg(i)));
    QList<int> counts;
    const FoundPhotos found =
        PhotoFinder::find({dir.path()}, nullptr, [&](int count) { counts << count; });
    QCOMPARE(found.inputs.size(), 1000);
    QVERIFY(counts.size() >= 3); // every 256 entries, and at the end
    QVERIFY(std::is_sorted(counts.begin(), counts.end()));
    QCOMPARE(counts.last(), 1000);
}

void TestPhotoFinder::aScanReportsOnTheThreadThatMadeIt_data()
{
    addScanPlaces();
}

void TestPhotoFinder::aScanReportsOnTheThreadThatMadeIt()
{
    QThreadPool pool;
    QTemporaryDir dir;
    for (int i = 0; i < 20; ++i)
        touch(dir.filePath(QStringLiteral("p%1.jpg").arg(i)));
    PhotoScan scan({dir.path()});
    QThread *reportedOn = nullptr;
    FoundPhotos found;
    connect(&scan, &PhotoScan::finished, this, [&](const FoundPhotos &result) {
        reportedOn = QThread::currentThread();
        found = result;
    });
    QSignalSpy finished(&scan, &PhotoScan::finished);
    start(scan, pool);
    QVERIFY(finished.wait(10000));
    QCOMPARE(reportedOn, QThread::currentThread());
    QCOMPARE(found.inputs.size(), 20);
}

void TestPhotoFinder::deletingARunningScanCancelsIt_data()
{
    addScanPlaces();
}

void TestPhotoFinder::deletingARunningScanCancelsIt()
{
    QThreadPool pool;
    QTemporaryDir dir;
    for (int i = 0; i < 3000; ++i)
        touch(dir.filePath(QStringLiteral("d%1/p%2.jpg").arg(i % 300).arg(i)));
    int finishedCount = 0;
    {
        PhotoScan scan({dir.path()});
        connect(&scan, &PhotoScan::finished, this, [&] { ++finishedCount; });
        start(scan, pool);
    } // cancels, waits for the walk to stop; the result it posted is dropped with the object
    QCoreApplication::processEvents();
    QCOMPARE(finishedCount, 0);
}

void TestPhotoFinder::aCancelAfterTheWalkEndedStillCounts_data()
{
    addScanPlaces();
}

void TestPhotoFinder::aCancelAfterTheWalkEndedStillCounts()
{
    QThreadPool pool;
    QTemporaryDir dir;
    touch(dir.filePath(QStringLiteral("p.jpg")));
    PhotoScan scan({dir.path()});
    QSignalSpy finished(&scan, &PhotoScan::finished);
    start(scan, pool);
    QThread::msleep(200); // the walk is long done; its result waits in the event queue
    scan.cancel();
    QVERIFY(finished.wait(10000));
    QVERIFY(finished.first().first().value<FoundPhotos>().cancelled);
}

// A scan given a pool starts no thread of its own: with the pool's one thread busy, it waits.
void TestPhotoFinder::aScanOnAPoolWaitsForOneOfItsThreads()
{
    QTemporaryDir dir;
    touch(dir.filePath(QStringLiteral("p.jpg")));
    QThreadPool pool;
    pool.setMaxThreadCount(1);
    QSemaphore busy;
    pool.start([&busy] { busy.acquire(); });
    PhotoScan scan({dir.path()});
    QSignalSpy finished(&scan, &PhotoScan::finished);
    scan.start(pool);
    QVERIFY(!finished.wait(300));
    busy.release();
    QVERIFY(finished.wait(10000));
    QCOMPARE(finished.first().first().value<FoundPhotos>().inputs.size(), 1);
}

QTEST_GUILESS_MAIN(TestPhotoFinder)
#include "test_photofinder.moc"
