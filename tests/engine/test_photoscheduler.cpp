// The window's scheduler on a real engine thread and a synthetic model, with real files: the
// selected photo comes first, removed photos' requests never run, memory stays bounded, and
// clicking through photos builds no backlog.

#include "SyntheticModels.h"

#include "engine/Engine.h"
#include "engine/EngineThread.h"
#include "engine/HeldPixels.h"
#include "engine/ImageIO.h"
#include "engine/PhotoScheduler.h"

#include <QCoreApplication>
#include <QDir>
#include <QList>
#include <QSet>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <opencv2/core.hpp>

using namespace clearcut;

namespace {

constexpr int kTimeoutMs = 60000;

// Left half red (foreground for the synthetic model), right half blue.
QString writePhoto(const QString &dir, int index, int width = 160, int height = 120)
{
    cv::Mat photo(height, width, CV_8UC3, cv::Scalar(255, 0, 0));
    photo(cv::Rect(0, 0, width / 2, height)).setTo(cv::Scalar(0, 0, 255));
    const QString path =
        QDir(dir).filePath(QStringLiteral("photo%1.png").arg(index, 3, 10, QLatin1Char('0')));
    return ImageIO::writeImageAtomic(path, photo).isEmpty() ? path : QString();
}

// Everything the engine and the scheduler report, counted on the test's thread.
struct Record
{
    QList<quint64> finalOrder; // photos in the order their final masks arrived
    QList<quint64> masks;      // every mask delivered (quick and final)
    int segmented = 0;         // requests the engine ran (any client)
    int cancelled = 0;         // requests it dropped unrun
    int failed = 0;
};

} // namespace

class TestPhotoScheduler : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void theSelectedPhotoOvertakesAQueueOf50();
    void removingAPhotoCancelsItsRequests();
    void twoHundredPhotosKeepFewFullResolutionImagesAlive();
    void clickingThroughPhotosBuildsNoBacklog();
    void changingTheQualityRedoesEveryMask();

private:
    void loadModel(Engine *engine);
    void watch(Engine *engine, PhotoScheduler *scheduler, Record *record);
    QStringList photos(int count);
    QTemporaryDir m_dir;
    QString m_model;
    QStringList m_photos;
};

void TestPhotoScheduler::initTestCase()
{
    QVERIFY(m_dir.isValid());
    registerEngineMetaTypes();
    m_model = test::writeSyntheticModel(m_dir.path(), QStringLiteral("model"),
                                        test::SyntheticModel::RedIsForeground);
    for (int i = 0; i < 200; ++i) {
        m_photos << writePhoto(m_dir.path(), i);
        QVERIFY(!m_photos.last().isEmpty());
    }
}

QStringList TestPhotoScheduler::photos(int count)
{
    return m_photos.mid(0, count);
}

void TestPhotoScheduler::loadModel(Engine *engine)
{
    QMetaObject::invokeMethod(
        engine, [engine, path = m_model] { engine->loadModel(path); }, Qt::QueuedConnection);
}

void TestPhotoScheduler::watch(Engine *engine, PhotoScheduler *scheduler, Record *record)
{
    connect(scheduler, &PhotoScheduler::maskReady, this,
            [record](quint64 id, const cv::Mat &, bool final) {
                record->masks << id;
                if (final)
                    record->finalOrder << id;
            });
    connect(scheduler, &PhotoScheduler::failed, this, [record] { ++record->failed; });
    connect(engine, &Engine::segmented, this, [record] { ++record->segmented; });
    connect(engine, &Engine::segmentCancelled, this, [record] { ++record->cancelled; });
}

void TestPhotoScheduler::theSelectedPhotoOvertakesAQueueOf50()
{
    EngineThread thread;
    PhotoScheduler scheduler(thread.engine());
    Record record;
    watch(thread.engine(), &scheduler, &record);
    loadModel(thread.engine());
    const QStringList files = photos(50);
    for (int i = 0; i < files.size(); ++i)
        scheduler.addFile(i + 1, files.at(i));

    // Let the queue get going in list order, then click the 45th.
    QTRY_VERIFY_WITH_TIMEOUT(record.finalOrder.size() >= 3, kTimeoutMs);
    QCOMPARE(record.finalOrder.mid(0, 3), (QList<quint64>{1, 2, 3}));
    const int doneBefore = int(record.finalOrder.size());
    scheduler.select(45);
    QTRY_VERIFY_WITH_TIMEOUT(record.finalOrder.contains(45), kTimeoutMs);
    // At most the background work already in flight finishes first: one request in the engine
    // and one photo read and waiting for it.
    const int overtaken = int(record.finalOrder.indexOf(45)) - doneBefore;
    QVERIFY2(
        overtaken <= scheduler.limits().inEngine + scheduler.limits().held,
        qPrintable(QStringLiteral("%1 photos finished before the selected one").arg(overtaken)));
    // It got the quick pass first, then the full one.
    QVERIFY(record.masks.count(45) == 2);
    QTRY_COMPARE_WITH_TIMEOUT(record.finalOrder.size(), 50, kTimeoutMs);
    QCOMPARE(record.failed, 0);
    // Background photos get one (full) pass each; the selected one two; nothing twice.
    QCOMPARE(record.segmented, 51);
}

void TestPhotoScheduler::removingAPhotoCancelsItsRequests()
{
    EngineThread thread;
    PhotoScheduler scheduler(thread.engine());
    Record record;
    watch(thread.engine(), &scheduler, &record);
    const QStringList files = photos(4);
    for (int i = 0; i < files.size(); ++i)
        scheduler.addFile(i + 1, files.at(i));
    scheduler.select(3);
    // No model yet: the selected photo is read and its two passes wait in the engine.
    QSignalSpy read(&scheduler, &PhotoScheduler::pixelsReady);
    QVERIFY(read.wait(kTimeoutMs));
    QCOMPARE(read.first().first().toULongLong(), quint64(3));
    QTRY_COMPARE(scheduler.requestsInEngine(), 2);
    // A barrier: the engine has taken every queued call before this one.
    QMetaObject::invokeMethod(
        thread.engine(), [] {}, Qt::BlockingQueuedConnection);

    scheduler.remove(3);
    loadModel(thread.engine());
    QTRY_COMPARE_WITH_TIMEOUT(record.finalOrder.size(), 3, kTimeoutMs);
    QVERIFY(!record.masks.contains(3));
    QTRY_COMPARE(record.cancelled, 2); // its quick and full passes, dropped unrun
    QCOMPARE(record.segmented, 3);     // one pass for each photo left
    QCOMPARE(scheduler.inferenceCount(), 3);
}

void TestPhotoScheduler::twoHundredPhotosKeepFewFullResolutionImagesAlive()
{
    EngineThread thread;
    PhotoScheduler scheduler(thread.engine());
    Record record;
    watch(thread.engine(), &scheduler, &record);
    loadModel(thread.engine());
    HeldPixels::resetPeak();
    QCOMPARE(HeldPixels::alive(), 0);
    for (int i = 0; i < 200; ++i)
        scheduler.addFile(i + 1, m_photos.at(i));
    scheduler.select(150);
    int mostAlive = 0;
    QTRY_VERIFY_WITH_TIMEOUT(
        (mostAlive = std::max(mostAlive, HeldPixels::alive()), record.finalOrder.size() == 200),
        kTimeoutMs * 2);
    QCOMPARE(record.finalOrder.first(), quint64(150));
    // The bound: the selected photo, the background's read, held and in-engine photos, and a
    // deselected photo's pass still running.
    const PhotoScheduler::Limits limits = scheduler.limits();
    const int bound = 1 + limits.reads + limits.held + limits.inEngine;
    qInfo("200 photos: at most %d full-resolution images alive at once (bound %d)",
          HeldPixels::peak(), bound);
    QVERIFY2(HeldPixels::peak() <= bound,
             qPrintable(QStringLiteral("%1 full-resolution images alive at once (bound %2)")
                            .arg(HeldPixels::peak())
                            .arg(bound)));
    QVERIFY(mostAlive >= 1);
    // Once everything is done only the selected photo keeps its pixels.
    QTRY_COMPARE(HeldPixels::alive(), 1);
    QVERIFY(scheduler.pixels(150));
    QVERIFY(!scheduler.pixels(149));
    scheduler.select(0);
    QTRY_COMPARE(HeldPixels::alive(), 0);
}

void TestPhotoScheduler::clickingThroughPhotosBuildsNoBacklog()
{
    EngineThread thread;
    PhotoScheduler scheduler(thread.engine());
    Record record;
    watch(thread.engine(), &scheduler, &record);
    const QStringList files = photos(40);
    for (int i = 0; i < files.size(); ++i)
        scheduler.addFile(i + 1, files.at(i));
    loadModel(thread.engine());
    // Twenty clicks, each given time to start its work, before the last one.
    for (quint64 id = 10; id < 30; ++id) {
        scheduler.select(id);
        QCoreApplication::processEvents(); // the selection's read and requests go out
    }
    scheduler.select(30);
    QTRY_VERIFY_WITH_TIMEOUT(record.finalOrder.contains(30), kTimeoutMs);
    // The earlier clicks' queued work was cancelled, not run before the last click's.
    const int before = int(record.finalOrder.indexOf(30));
    QVERIFY2(before <= 3, qPrintable(QStringLiteral("%1 photos finished first").arg(before)));
    QTRY_COMPARE_WITH_TIMEOUT(record.finalOrder.size(), 40, kTimeoutMs);
    QCOMPARE(QSet<quint64>(record.finalOrder.begin(), record.finalOrder.end()).size(), 40);
}

void TestPhotoScheduler::changingTheQualityRedoesEveryMask()
{
    EngineThread thread;
    PhotoScheduler scheduler(thread.engine());
    Record record;
    watch(thread.engine(), &scheduler, &record);
    const QStringList files = photos(6);
    for (int i = 0; i < files.size(); ++i)
        scheduler.addFile(i + 1, files.at(i));
    loadModel(thread.engine());
    QTRY_COMPARE_WITH_TIMEOUT(record.finalOrder.size(), 6, kTimeoutMs);
    for (int i = 1; i <= 6; ++i)
        QVERIFY(scheduler.isDone(i));

    record.finalOrder.clear();
    scheduler.setQuality(Quality::Fast);
    for (int i = 1; i <= 6; ++i)
        QVERIFY(!scheduler.isDone(i));
    QTRY_COMPARE_WITH_TIMEOUT(record.finalOrder.size(), 6, kTimeoutMs);
    QCOMPARE(QSet<quint64>(record.finalOrder.begin(), record.finalOrder.end()).size(), 6);
}

QTEST_GUILESS_MAIN(TestPhotoScheduler)
#include "test_photoscheduler.moc"
