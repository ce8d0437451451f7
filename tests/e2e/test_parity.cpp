// End-to-end parity with the reference runtime (@imgly/background-removal-node 1.4.5): the real
// default model's masks for real photos against the masks that runtime produced (committed in
// tests/data/reference, made by tools/reference/reference_masks.mjs).

#include "RealModel.h"

#include "engine/Engine.h"
#include "engine/EngineThread.h"
#include "engine/ImageIO.h"
#include "engine/MaskRefiner.h"

#include <QDir>
#include <QSignalSpy>

#include <opencv2/core.hpp>

using namespace clearcut;

class TestParity : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void maskMatchesReference_data();
    void maskMatchesReference();

private:
    std::unique_ptr<EngineThread> m_thread;
};

void TestParity::initTestCase()
{
    REQUIRE_REAL_MODEL();
    m_thread = std::make_unique<EngineThread>();
    QSignalSpy ready(m_thread->engine(), &Engine::modelReady);
    QSignalSpy failed(m_thread->engine(), &Engine::modelFailed);
    QMetaObject::invokeMethod(
        m_thread->engine(),
        [engine = m_thread->engine()] { engine->loadModel(defaultModelPath(), {}); },
        Qt::QueuedConnection);
    QTRY_VERIFY_WITH_TIMEOUT(!ready.isEmpty() || !failed.isEmpty(), 120000);
    QVERIFY2(failed.isEmpty(), qPrintable(failed.value(0).value(0).toString()));
}

void TestParity::maskMatchesReference_data()
{
    QTest::addColumn<QString>("photo");
    QTest::addColumn<QString>("reference");
    const QDir photos(QStringLiteral(CLEARCUT_TEST_DATA "/photos"));
    const QDir references(QStringLiteral(CLEARCUT_TEST_DATA "/reference"));
    const QStringList names = references.entryList({QStringLiteral("*.png")}, QDir::Files);
    QVERIFY(names.size() >= 3);
    for (const QString &name : names) {
        const QString stem = QFileInfo(name).completeBaseName();
        const QStringList matches = photos.entryList({stem + QStringLiteral(".*")}, QDir::Files);
        QVERIFY2(matches.size() == 1, qPrintable(stem));
        QTest::newRow(qPrintable(stem))
            << photos.filePath(matches.first()) << references.filePath(name);
    }
}

void TestParity::maskMatchesReference()
{
    QFETCH(QString, photo);
    QFETCH(QString, reference);
    const DecodeResult decoded = ImageIO::decodeFile(photo);
    QVERIFY2(decoded.image, qPrintable(decoded.error));
    const DecodeResult expected = ImageIO::decodeFile(reference);
    QVERIFY2(expected.image, qPrintable(expected.error));
    cv::Mat expectedMask;
    cv::extractChannel(expected.image->bgr, expectedMask, 0);

    SegmentRequest request;
    request.id = 1;
    request.bgr = std::make_shared<const cv::Mat>(decoded.image->bgr);
    QSignalSpy segmented(m_thread->engine(), &Engine::segmented);
    QMetaObject::invokeMethod(
        m_thread->engine(), [engine = m_thread->engine(), request] { engine->segment(request); },
        Qt::QueuedConnection);
    QTRY_VERIFY_WITH_TIMEOUT(!segmented.isEmpty(), 60000);
    const auto result = segmented.first().first().value<SegmentResult>();
    const cv::Mat mask = MaskRefiner::toFullResolution(*result.probability, request.bgr->size());
    QCOMPARE(mask.size(), expectedMask.size());

    cv::Mat diff;
    cv::absdiff(mask, expectedMask, diff);
    const double meanAbs = cv::mean(diff)[0];
    const cv::Mat ours = mask >= 128, theirs = expectedMask >= 128;
    const double intersection = cv::countNonZero(ours & theirs);
    const double unionArea = cv::countNonZero(ours | theirs);
    const double iou = unionArea > 0 ? intersection / unionArea : 1.0;
    qInfo("%s: mean abs diff %.3f/255, IoU %.4f", qPrintable(QFileInfo(photo).fileName()), meanAbs,
          iou);
    QVERIFY2(meanAbs <= 2.0, qPrintable(QString::number(meanAbs)));
    QVERIFY2(iou >= 0.98, qPrintable(QString::number(iou)));
}

QTEST_GUILESS_MAIN(TestParity)
#include "test_parity.moc"
