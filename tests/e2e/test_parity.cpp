// End-to-end parity with the reference runtime (@imgly/background-removal-node 1.4.5): the real
// default model's masks for real photos against the masks that runtime produced (committed in
// tests/data/reference, made by tools/reference/reference_masks.mjs).
//
// Each photo runs three times: in float32, which must match the reference to a rounding step; in
// bfloat16 (autocast), which must stay within the parity bounds (mean difference <= 2/255,
// IoU >= 0.98) to be allowed on by default; and at the default precision (auto: the int8 variant
// where setup made one within the bounds, else bfloat16 on CPUs with native bfloat16, else
// float32), which must stay within the same bounds.

#include "RealModel.h"

#include "engine/Engine.h"
#include "engine/EngineThread.h"
#include "engine/ImageIO.h"
#include "engine/MaskRefiner.h"

#include <QDir>
#include <QSignalSpy>

#include <opencv2/core.hpp>

#include <map>

using namespace clearcut;

class TestParity : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void maskMatchesReference_data();
    void maskMatchesReference();

private:
    struct Loaded
    {
        std::unique_ptr<EngineThread> thread;
        QString precision; // what runs: Auto's pick, or the one asked for
    };
    std::map<Precision, Loaded> m_engines; // float32, bfloat16 and the default (Auto)
};

namespace {

// The engine with the default model loaded in `precision` (Auto: whichever it picks), and the
// precision that runs in *loaded.
std::unique_ptr<EngineThread> loadedEngine(Precision precision, QString *error, QString *loaded)
{
    auto thread = std::make_unique<EngineThread>();
    Engine *engine = thread->engine();
    QSignalSpy ready(engine, &Engine::modelReady);
    QSignalSpy failed(engine, &Engine::modelFailed);
    LoadOptions options;
    options.precision = precision;
    QMetaObject::invokeMethod(
        engine, [engine, options] { engine->loadModel(defaultModelPath(), options); },
        Qt::QueuedConnection);
    if (!QTest::qWaitFor([&] { return !ready.isEmpty() || !failed.isEmpty(); }, 120000))
        *error = QStringLiteral("the model did not load in 120 s");
    else if (!failed.isEmpty())
        *error = failed.first().first().toString();
    else if (precision != Precision::Auto &&
             ready.first().first().value<ModelInfo>().precision !=
                 (precision == Precision::Float32 ? QLatin1String("float32")
                                                  : QLatin1String("bfloat16")))
        *error = QStringLiteral("the model did not load in the precision asked for");
    if (error->isEmpty())
        *loaded = ready.first().first().value<ModelInfo>().precision;
    return error->isEmpty() ? std::move(thread) : nullptr;
}

} // namespace

void TestParity::initTestCase()
{
    REQUIRE_REAL_MODEL();
    for (const Precision precision : {Precision::Float32, Precision::BFloat16, Precision::Auto}) {
        QString error;
        Loaded &loaded = m_engines[precision];
        loaded.thread = loadedEngine(precision, &error, &loaded.precision);
        QVERIFY2(loaded.thread, qPrintable(error));
    }
    qInfo("the default precision here: %s", qPrintable(m_engines[Precision::Auto].precision));
}

void TestParity::maskMatchesReference_data()
{
    QTest::addColumn<QString>("photo");
    QTest::addColumn<QString>("reference");
    QTest::addColumn<int>("precisionValue"); // a Precision
    QTest::addColumn<double>("maxMeanAbs");
    QTest::addColumn<double>("minIou");
    const QDir photos(QStringLiteral(CLEARCUT_TEST_DATA "/photos"));
    const QDir references(QStringLiteral(CLEARCUT_TEST_DATA "/reference"));
    const QStringList names = references.entryList({QStringLiteral("*.png")}, QDir::Files);
    QVERIFY(names.size() >= 3);
    for (const QString &name : names) {
        const QString stem = QFileInfo(name).completeBaseName();
        const QStringList matches = photos.entryList({stem + QStringLiteral(".*")}, QDir::Files);
        QVERIFY2(matches.size() == 1, qPrintable(stem));
        QTest::addRow("%s float32", qPrintable(stem))
            << photos.filePath(matches.first()) << references.filePath(name)
            << int(Precision::Float32) << 0.1 << 0.999;
        QTest::addRow("%s bfloat16", qPrintable(stem))
            << photos.filePath(matches.first()) << references.filePath(name)
            << int(Precision::BFloat16) << 2.0 << 0.98;
        QTest::addRow("%s default", qPrintable(stem))
            << photos.filePath(matches.first()) << references.filePath(name) << int(Precision::Auto)
            << 2.0 << 0.98;
    }
}

void TestParity::maskMatchesReference()
{
    QFETCH(QString, photo);
    QFETCH(QString, reference);
    QFETCH(int, precisionValue);
    const auto precision = Precision(precisionValue);
    QFETCH(double, maxMeanAbs);
    QFETCH(double, minIou);
    const Loaded &loaded = m_engines.at(precision);
    Engine *engine = loaded.thread->engine();
    const DecodeResult decoded = ImageIO::decodeFile(photo);
    QVERIFY2(decoded.image, qPrintable(decoded.error));
    const DecodeResult expected = ImageIO::decodeFile(reference);
    QVERIFY2(expected.image, qPrintable(expected.error));
    cv::Mat expectedMask;
    cv::extractChannel(expected.image->bgr, expectedMask, 0);

    SegmentRequest request;
    request.id = 1;
    request.bgr = std::make_shared<const cv::Mat>(decoded.image->bgr);
    QSignalSpy segmented(engine, &Engine::segmented);
    QMetaObject::invokeMethod(
        engine, [engine, request] { engine->segment(request); }, Qt::QueuedConnection);
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
    qInfo("%s, %s: mean abs diff %.3f/255, IoU %.4f", qPrintable(QFileInfo(photo).fileName()),
          qPrintable(loaded.precision), meanAbs, iou);
    QVERIFY2(meanAbs <= maxMeanAbs, qPrintable(QString::number(meanAbs)));
    QVERIFY2(iou >= minIou, qPrintable(QString::number(iou)));
}

QTEST_GUILESS_MAIN(TestParity)
#include "test_parity.moc"
