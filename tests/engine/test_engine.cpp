// Engine behaviour on synthetic TorchScript models: the load's signal sequence, queued requests,
// failures and recovery, device and thread choice.

#include "SyntheticModels.h"

#include "engine/Engine.h"
#include "engine/EngineThread.h"
#include "engine/ModelSpec.h"
#include "engine/inference/Device.h"

#include <QDir>
#include <QFile>
#include <QMap>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#ifdef Q_OS_UNIX
#include <sys/stat.h>
#endif

#include <opencv2/core.hpp>

using namespace clearcut;

Q_DECLARE_METATYPE(clearcut::Precision)
using test::SyntheticModel;

namespace {

// Half red (left), half blue (right): RedIsForeground gives 1 on the left, 0 on the right.
std::shared_ptr<const cv::Mat> halfRedPhoto(int width = 200, int height = 100)
{
    auto photo = std::make_shared<cv::Mat>(height, width, CV_8UC3, cv::Scalar(255, 0, 0));
    (*photo)(cv::Rect(0, 0, width / 2, height)).setTo(cv::Scalar(0, 0, 255));
    return photo;
}

SegmentRequest requestFor(quint64 id, std::shared_ptr<const cv::Mat> photo = halfRedPhoto())
{
    SegmentRequest request;
    request.id = id;
    request.bgr = std::move(photo);
    return request;
}

void queueLoad(Engine *engine, const QString &path, LoadOptions options = {})
{
    QMetaObject::invokeMethod(
        engine, [engine, path, options] { engine->loadModel(path, options); },
        Qt::QueuedConnection);
}

void queueSegment(Engine *engine, const SegmentRequest &request)
{
    QMetaObject::invokeMethod(
        engine, [engine, request] { engine->segment(request); }, Qt::QueuedConnection);
}

// Records the engine's signals in arrival order, on the test thread.
class EventLog : public QObject
{
public:
    explicit EventLog(Engine *engine)
    {
        connect(engine, &Engine::loadProgress, this, [this](LoadStage stage, double fraction) {
            progress.append({stage, fraction});
            events << QStringLiteral("progress");
        });
        connect(engine, &Engine::modelReady, this, [this](const ModelInfo &info) {
            ready = info;
            events << QStringLiteral("ready");
        });
        connect(engine, &Engine::modelFailed, this, [this](const QString &reason) {
            failure = reason;
            events << QStringLiteral("failed");
        });
        connect(engine, &Engine::segmented, this, [this](const SegmentResult &result) {
            results.append(result);
            events << QStringLiteral("segmented:%1").arg(result.id);
        });
        connect(engine, &Engine::segmentFailed, this, [this](quint64 id, const QString &reason) {
            failure = reason;
            events << QStringLiteral("segmentFailed:%1").arg(id);
        });
        connect(engine, &Engine::segmentCancelled, this,
                [this](quint64 id) { events << QStringLiteral("cancelled:%1").arg(id); });
    }
    QList<QPair<LoadStage, double>> progress;
    QStringList events;
    ModelInfo ready;
    QString failure;
    QList<SegmentResult> results;
};

// Why loading `model` at `precision` fails, on an engine of its own (empty if it loads, or if
// it has not answered within 30 s).
QString loadFailure(const QString &model, Precision precision)
{
    EngineThread thread;
    EventLog log(thread.engine());
    LoadOptions options;
    options.precision = precision;
    queueLoad(thread.engine(), model, options);
    const bool answered = QTest::qWaitFor(
        [&log] {
            return log.events.contains(QLatin1String("failed")) ||
                   log.events.contains(QLatin1String("ready"));
        },
        30000);
    return answered ? log.failure : QString();
}

} // namespace

class TestEngine : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void aMissingDefaultModelSaysWhereItWasLookedFor();
    void loadEmitsStagesInOrderEndingAtOne();
    void modelInfoDescribesTheLoad_data();
    void modelInfoDescribesTheLoad();
    void autoPrecisionFallsBackToFloat32();
    void int8Variant_data();
    void int8Variant();
    void anInt8ModelRunsOnlyInInt8();
    void requestBeforeReadyIsServedAfterReady();
    void segmentsKnownMask_data();
    void segmentsKnownMask();
    void cancelledRequestIsNotRun();
    void loadFailures_data();
    void loadFailures();
    void failedReloadKeepsPreviousModel();
    void inferenceFailureIsReportedAndEngineGoesOn();
    void deviceChoice();
    void threadsDefaultToPhysicalCores();
    void engineRunsOnItsOwnNamedThread();

private:
    QTemporaryDir m_dir;
    QString m_good;
};

void TestEngine::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_good = test::writeSyntheticModel(m_dir.path(), QStringLiteral("good"),
                                       SyntheticModel::RedIsForeground);
}

void TestEngine::loadEmitsStagesInOrderEndingAtOne()
{
    EngineThread thread;
    EventLog log(thread.engine());
    queueLoad(thread.engine(), m_good);
    QTRY_VERIFY_WITH_TIMEOUT(log.events.contains(QStringLiteral("ready")), 30000);

    QVERIFY(!log.progress.isEmpty());
    QCOMPARE(log.progress.first().first, LoadStage::Reading);
    QCOMPARE(log.progress.last().first, LoadStage::WarmingUp);
    QCOMPARE(log.progress.last().second, 1.0);
    double previous = -1;
    QList<LoadStage> seen;
    for (const auto &[stage, fraction] : log.progress) {
        const double overall = overallLoadFraction(stage, fraction);
        QVERIFY2(overall >= previous, "overall progress went backwards");
        previous = overall;
        if (seen.isEmpty() || seen.last() != stage)
            seen << stage;
    }
    QCOMPARE(previous, 1.0);
    const QList<LoadStage> expected{LoadStage::Reading, LoadStage::Deserializing,
                                    LoadStage::Optimizing, LoadStage::WarmingUp};
    QCOMPARE(seen, expected);
    QCOMPARE(log.events.last(), QStringLiteral("ready"));
}

void TestEngine::modelInfoDescribesTheLoad_data()
{
    QTest::addColumn<Precision>("precision");
    QTest::addColumn<QString>("expectedPrecision");
    QTest::addColumn<QString>("expectedOptimization");
    QTest::newRow("float32") << Precision::Float32 << QStringLiteral("float32")
                             << QStringLiteral("frozen + optimize_for_inference");
    // bfloat16 runs unfrozen: freezing bought no speed there (see ModelLoader).
    QTest::newRow("bfloat16") << Precision::BFloat16 << QStringLiteral("bfloat16")
                              << QStringLiteral("none");
}

void TestEngine::modelInfoDescribesTheLoad()
{
    QFETCH(Precision, precision);
    QFETCH(QString, expectedPrecision);
    QFETCH(QString, expectedOptimization);
    EngineThread thread;
    EventLog log(thread.engine());
    LoadOptions options;
    options.precision = precision;
    queueLoad(thread.engine(), m_good, options);
    QTRY_VERIFY_WITH_TIMEOUT(log.events.contains(QStringLiteral("ready")), 30000);
    QCOMPARE(log.ready.name, QStringLiteral("good"));
    QCOMPARE(log.ready.path, m_good);
    QCOMPARE(log.ready.device, QStringLiteral("cpu"));
    QCOMPARE(log.ready.inputSize, QSize(64, 64));
    QVERIFY(!log.ready.blas.isEmpty());
    QCOMPARE(log.ready.precision, expectedPrecision);
    QCOMPARE(log.ready.optimization, expectedOptimization);
    QVERIFY(log.ready.readyMs > 0);
    QVERIFY(log.ready.totalMs >= log.ready.readMs + log.ready.loadMs);

    // And it segments: the synthetic model's mask survives the precision.
    queueSegment(thread.engine(), requestFor(7));
    QTRY_VERIFY_WITH_TIMEOUT(!log.results.isEmpty(), 30000);
}

void TestEngine::autoPrecisionFallsBackToFloat32()
{
    // bfloat16 is Auto's speed choice, not a requirement: a model that cannot run in it loads in
    // float32 (where the CPU has no native bfloat16, Auto is float32 to begin with).
    const QString model = test::writeSyntheticModel(m_dir.path(), QStringLiteral("float32only"),
                                                    SyntheticModel::Float32Only);
    EngineThread thread;
    EventLog log(thread.engine());
    queueLoad(thread.engine(), model);
    QTRY_VERIFY_WITH_TIMEOUT(log.events.contains(QStringLiteral("ready")) ||
                                 log.events.contains(QStringLiteral("failed")),
                             30000);
    QVERIFY2(log.events.contains(QStringLiteral("ready")), qPrintable(log.events.join(' ')));
    QCOMPARE(log.ready.precision, QStringLiteral("float32"));
    queueSegment(thread.engine(), requestFor(9));
    QTRY_VERIFY_WITH_TIMEOUT(!log.results.isEmpty(), 30000);

    // Asked for explicitly, bfloat16 is not silently replaced: the load fails and says why.
    const QString failure = loadFailure(model, Precision::BFloat16);
    QVERIFY2(failure.contains(QLatin1String("float32only.pt")), qPrintable(failure));
}

void TestEngine::int8Variant_data()
{
    QTest::addColumn<Precision>("precision");
    QTest::addColumn<double>("meanAbs"); // the variant's recorded accuracy; < 0: no variant
    QTest::addColumn<double>("iou");
    QTest::addColumn<bool>("runsInt8");
    QTest::addColumn<QString>("note"); // in ModelInfo::precisionNote
    QTest::addColumn<bool>("cut");     // the variant's file cut in half (its sidecar intact)
    QTest::newRow("auto, within the bounds")
        << Precision::Auto << 0.5 << 0.995 << true << "" << false;
    QTest::newRow("auto, at the bounds") << Precision::Auto << 2.0 << 0.98 << true << "" << false;
    QTest::newRow("auto, mean difference too large")
        << Precision::Auto << 2.01 << 0.999 << false << "" << false;
    QTest::newRow("auto, IoU too small") << Precision::Auto << 0.3 << 0.979 << false << "" << false;
    QTest::newRow("auto, no variant") << Precision::Auto << -1.0 << 0.0 << false << "" << false;
    QTest::newRow("int8 asked, outside the bounds")
        << Precision::Int8 << 9.0 << 0.5 << true << "" << false;
    QTest::newRow("int8 asked, no variant")
        << Precision::Int8 << -1.0 << 0.0 << false << "no int8 model (float-int8.pt)" << false;
    // Within the bounds on paper, but its file is cut: the float model runs either way; asked
    // for, int8 says why.
    QTest::newRow("auto, variant cut") << Precision::Auto << 0.5 << 0.995 << false << "" << true;
    QTest::newRow("int8 asked, variant cut")
        << Precision::Int8 << 0.5 << 0.995 << false
        << "float-int8.pt: not a TorchScript archive, or the file is truncated" << true;
    QTest::newRow("float32 asked") << Precision::Float32 << 0.5 << 0.995 << false << "" << false;
}

void TestEngine::int8Variant()
{
    QFETCH(Precision, precision);
    QFETCH(double, meanAbs);
    QFETCH(double, iou);
    QFETCH(bool, runsInt8);
    QFETCH(QString, note);
    QFETCH(bool, cut);
    const QTemporaryDir dir;
    const QString model = test::writeSyntheticModel(dir.path(), QStringLiteral("float"),
                                                    SyntheticModel::RedIsForeground);
    if (meanAbs >= 0) {
        const QString variant =
            test::writeSyntheticInt8Variant(dir.path(), QStringLiteral("float"), meanAbs, iou);
        if (cut) {
            QFile file(variant);
            QVERIFY(file.open(QIODevice::ReadWrite));
            QVERIFY(file.resize(file.size() / 2));
        }
    }
    EngineThread thread;
    EventLog log(thread.engine());
    LoadOptions options;
    options.precision = precision;
    queueLoad(thread.engine(), model, options);
    queueSegment(thread.engine(), requestFor(3));
    QTRY_VERIFY_WITH_TIMEOUT(!log.results.isEmpty() || log.events.contains(QLatin1String("failed")),
                             30000);
    QVERIFY2(!log.results.isEmpty(), qPrintable(log.failure));
    QCOMPARE(log.ready.precision == QLatin1String("int8"), runsInt8);
    QCOMPARE(log.ready.path, model); // the model asked for, whichever file of it ran
    if (cut && !note.isEmpty())      // the rest of the reason is LibTorch's
        QVERIFY2(log.ready.precisionNote.startsWith(note), qPrintable(log.ready.precisionNote));
    else
        QCOMPARE(log.ready.precisionNote, note);
    // The int8 variant marks the blue (right) half, the float model the red (left) one: the
    // mask shows which network ran, not just the label.
    const cv::Mat &p = *log.results.first().probability;
    QCOMPARE(p.at<float>(32, 4) > 0.5f, !runsInt8);
    QCOMPARE(p.at<float>(32, 59) > 0.5f, runsInt8);
}

void TestEngine::anInt8ModelRunsOnlyInInt8()
{
    const QTemporaryDir dir;
    test::writeSyntheticModel(dir.path(), QStringLiteral("base"), SyntheticModel::RedIsForeground);
    const QString int8 =
        test::writeSyntheticInt8Variant(dir.path(), QStringLiteral("base"), 9, 0.5);
    // Loaded itself, it runs in int8 under Auto whatever its recorded accuracy: nothing else of
    // it exists to run.
    EngineThread thread;
    EventLog log(thread.engine());
    queueLoad(thread.engine(), int8);
    QTRY_VERIFY_WITH_TIMEOUT(log.events.contains(QLatin1String("ready")), 30000);
    QCOMPARE(log.ready.precision, QStringLiteral("int8"));
    // A float precision asked for it: refused, with the reason.
    const QString failure = loadFailure(int8, Precision::Float32);
    QVERIFY2(failure.contains(QLatin1String("base-int8.pt: an int8 model")), qPrintable(failure));
}

void TestEngine::requestBeforeReadyIsServedAfterReady()
{
    EngineThread thread;
    EventLog log(thread.engine());
    queueSegment(thread.engine(), requestFor(1));
    queueSegment(thread.engine(), requestFor(2));
    // Nothing is served while there is no model: once the engine has taken both requests (a
    // blocking call queued behind them returns), and whatever it emitted has arrived here.
    QMetaObject::invokeMethod(
        thread.engine(), [] {}, Qt::BlockingQueuedConnection);
    QCoreApplication::processEvents();
    QVERIFY(log.results.isEmpty());

    queueLoad(thread.engine(), m_good);
    QTRY_COMPARE_WITH_TIMEOUT(log.results.size(), 2, 30000);
    const int ready = log.events.indexOf(QStringLiteral("ready"));
    QVERIFY(ready >= 0);
    QCOMPARE(log.events.indexOf(QStringLiteral("segmented:1")), ready + 1);
    QCOMPARE(log.events.indexOf(QStringLiteral("segmented:2")), ready + 2);
}

void TestEngine::segmentsKnownMask_data()
{
    QTest::addColumn<int>("kind");
    QTest::addColumn<QSize>("photoSize");
    QTest::newRow("probability") << int(SyntheticModel::RedIsForeground) << QSize(200, 100);
    QTest::newRow("tuple output") << int(SyntheticModel::TupleOutput) << QSize(200, 100);
    QTest::newRow("logits") << int(SyntheticModel::Logits) << QSize(200, 100);
    QTest::newRow("portrait photo") << int(SyntheticModel::RedIsForeground) << QSize(90, 300);
}

void TestEngine::segmentsKnownMask()
{
    QFETCH(int, kind);
    QFETCH(QSize, photoSize);
    const QString path = test::writeSyntheticModel(m_dir.path(), QStringLiteral("mask%1").arg(kind),
                                                   SyntheticModel(kind));
    EngineThread thread;
    EventLog log(thread.engine());
    queueLoad(thread.engine(), path);
    queueSegment(thread.engine(),
                 requestFor(7, halfRedPhoto(photoSize.width(), photoSize.height())));
    QTRY_COMPARE_WITH_TIMEOUT(log.results.size(), 1, 30000);

    const SegmentResult &result = log.results.first();
    QCOMPARE(result.id, quint64(7));
    QCOMPARE(result.inputSize, QSize(64, 64));
    const cv::Mat &p = *result.probability;
    QCOMPARE(p.type(), CV_32FC1);
    QCOMPARE(p.cols, 64);
    QCOMPARE(p.rows, 64);
    // Well inside each half; the resize blends a column or two at the border.
    QVERIFY(p.at<float>(32, 4) > 0.99f);
    QVERIFY(p.at<float>(32, 59) < 0.01f);
    double lo = 0, hi = 0;
    cv::minMaxLoc(p, &lo, &hi);
    QVERIFY(lo >= 0.0 && hi <= 1.0);
}

void TestEngine::cancelledRequestIsNotRun()
{
    EngineThread thread;
    EventLog log(thread.engine());
    SegmentRequest cancelled = requestFor(1);
    cancelled.cancel = std::make_shared<std::atomic_bool>(true);
    queueSegment(thread.engine(), cancelled);
    queueSegment(thread.engine(), requestFor(2));
    queueLoad(thread.engine(), m_good);
    QTRY_COMPARE_WITH_TIMEOUT(log.results.size(), 1, 30000);
    QCOMPARE(log.results.first().id, quint64(2));
    QVERIFY(log.events.contains(QStringLiteral("cancelled:1")));
}

void TestEngine::aMissingDefaultModelSaysWhereItWasLookedFor()
{
    QTemporaryDir dir;
    const QString user = dir.filePath(QStringLiteral("home-data"));
    const QString system = dir.filePath(QStringLiteral("usr-share"));
    const QByteArray modelDir = qgetenv("CLEARCUT_MODEL_DIR");
    qunsetenv("CLEARCUT_MODEL_DIR");
    qputenv("XDG_DATA_HOME", user.toUtf8());
    qputenv("XDG_DATA_DIRS", system.toUtf8());

    EngineThread thread;
    QSignalSpy failed(thread.engine(), &Engine::modelFailed);
    queueLoad(thread.engine(), defaultModelPath());
    QTRY_VERIFY_WITH_TIMEOUT(!failed.isEmpty(), 30000);
    const QString reason = failed.first().first().toString();
    QVERIFY2(reason.contains(QLatin1String("not installed")), qPrintable(reason));
    QVERIFY2(reason.contains(user + QStringLiteral("/ClearCut/models")), qPrintable(reason));
    QVERIFY2(reason.contains(system + QStringLiteral("/clearcut/models")), qPrintable(reason));
    QVERIFY2(reason.contains(QLatin1String("clearcut-model-isnet")), qPrintable(reason));

    qunsetenv("XDG_DATA_HOME");
    qunsetenv("XDG_DATA_DIRS");
    if (!modelDir.isNull())
        qputenv("CLEARCUT_MODEL_DIR", modelDir);
}

void TestEngine::loadFailures_data()
{
    QTest::addColumn<QString>("fileName");
    QTest::addColumn<QString>("expected"); // a part of the message

    QTest::newRow("missing file") << QStringLiteral("missing.pt") << QStringLiteral("not found");
    QTest::newRow("not TorchScript")
        << QStringLiteral("text.pt") << QStringLiteral("not a TorchScript archive");
    QTest::newRow("truncated") << QStringLiteral("truncated.pt") << QStringLiteral("truncated");
    QTest::newRow("empty") << QStringLiteral("empty.pt") << QStringLiteral("empty");
    QTest::newRow("no sidecar") << QStringLiteral("nosidecar.pt") << QStringLiteral("sidecar");
    QTest::newRow("bad sidecar") << QStringLiteral("badsidecar.pt")
                                 << QStringLiteral("invalid model sidecar");
    QTest::newRow("wrong output shape")
        << QStringLiteral("wrongshape.pt") << QStringLiteral("unexpected output shape [1,3,32,32]");
    QTest::newRow("forward raises")
        << QStringLiteral("throws.pt") << QStringLiteral("is invalid for input of size");
    // Issue 14's broken models: each fails once, naming the file and the reason, and a good model
    // loads afterwards (below).
    QTest::newRow("random bytes") << QStringLiteral("random.pt")
                                  << QStringLiteral("not a TorchScript archive");
    QTest::newRow("a zip that is not TorchScript")
        << QStringLiteral("zip.pt") << QStringLiteral("not a TorchScript archive");
    QTest::newRow("truncated at 5%") << QStringLiteral("cut5.pt") << QStringLiteral("truncated");
    QTest::newRow("truncated at 90%") << QStringLiteral("cut90.pt") << QStringLiteral("truncated");
    QTest::newRow("truncated at 99.9%")
        << QStringLiteral("cut999.pt") << QStringLiteral("truncated");
    QTest::newRow("wrong input count")
        << QStringLiteral("twoinputs.pt") << QStringLiteral("the model does not run");
    QTest::newRow("NaN outputs") << QStringLiteral("nan.pt")
                                 << QStringLiteral("the model's output is not a number (NaN)");
    QTest::newRow("a folder") << QStringLiteral("folder.pt")
                              << QStringLiteral("a folder, not a model file");
    QTest::newRow("sidecar with a huge size")
        << QStringLiteral("hugesize.pt")
        << QStringLiteral("\"input.width\" must be a whole number from 1 to 8192");
    QTest::newRow("sidecar with a negative size")
        << QStringLiteral("negsize.pt") << QStringLiteral("\"input.height\"");
    QTest::newRow("sidecar with a size as a string")
        << QStringLiteral("stringsize.pt") << QStringLiteral("\"input.width\"");
    QTest::newRow("sidecar that is not JSON")
        << QStringLiteral("garbage.pt") << QStringLiteral("not a JSON object");
    QTest::newRow("sidecar that is a FIFO")
        << QStringLiteral("fifo.pt") << QStringLiteral("not a regular file (a FIFO)");
}

void TestEngine::loadFailures()
{
    QFETCH(QString, fileName);
    QFETCH(QString, expected);
    const QString dir = m_dir.path();
    const QString path = dir + QLatin1Char('/') + fileName;
    const QString stem = QFileInfo(path).completeBaseName();
    // Checked where it is called: a QVERIFY in a lambda would only leave the lambda.
    const auto writeFile = [](const QString &p, const QByteArray &bytes) {
        QFile f(p);
        return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
    };
    const auto goodBytes = [this] {
        QFile good(m_good);
        return good.open(QIODevice::ReadOnly) ? good.readAll() : QByteArray();
    };
    const QStringList withGoodSidecar{
        QStringLiteral("text"),       QStringLiteral("truncated"), QStringLiteral("empty"),
        QStringLiteral("badsidecar"), QStringLiteral("random"),    QStringLiteral("zip"),
        QStringLiteral("cut5"),       QStringLiteral("cut90"),     QStringLiteral("cut999")};
    if (withGoodSidecar.contains(stem))
        QFile::copy(ModelSpec::sidecarPath(m_good), ModelSpec::sidecarPath(path));
    const QMap<QString, QByteArray> hostileSidecars{
        {QStringLiteral("hugesize"), R"({"input":{"width":1000000000}})"},
        {QStringLiteral("negsize"), R"({"input":{"height":-1}})"},
        {QStringLiteral("stringsize"), R"({"input":{"width":"big"}})"},
        {QStringLiteral("garbage"), "\x89PNG not json"}};
    if (hostileSidecars.contains(stem)) {
        QFile::copy(m_good, path);
        QVERIFY(writeFile(ModelSpec::sidecarPath(path), hostileSidecars.value(stem)));
    }
    if (stem == QLatin1String("text")) {
        QVERIFY(writeFile(path, "this is not a model\n"));
    } else if (stem == QLatin1String("truncated")) {
        QFile good(m_good);
        QVERIFY(good.open(QIODevice::ReadOnly));
        QVERIFY(writeFile(path, good.readAll().left(int(good.size() / 2))));
    } else if (stem == QLatin1String("empty")) {
        QVERIFY(writeFile(path, {}));
    } else if (stem == QLatin1String("nosidecar")) {
        QFile::copy(m_good, path);
    } else if (stem == QLatin1String("badsidecar")) {
        QFile::copy(m_good, path);
        QVERIFY(writeFile(ModelSpec::sidecarPath(path), "{\"input\": {\"policy\": \"sideways\"}}"));
    } else if (stem == QLatin1String("wrongshape")) {
        test::writeSyntheticModel(dir, stem, SyntheticModel::WrongShape);
    } else if (stem == QLatin1String("throws")) {
        test::writeSyntheticModel(dir, stem, SyntheticModel::Throws);
    } else if (stem == QLatin1String("random")) {
        QByteArray noise(64 * 1024, '\0');
        quint32 state = 12345;
        for (char &c : noise)
            c = char((state = state * 1664525u + 1013904223u) >> 24);
        QVERIFY(writeFile(path, noise));
    } else if (stem == QLatin1String("zip")) {
        // A real zip archive (the good model's own container format) holding no TorchScript.
        QByteArray zip = goodBytes();
        QVERIFY(!zip.isEmpty());
        const QByteArray marker("data.pkl");
        for (qsizetype at = zip.indexOf(marker); at >= 0; at = zip.indexOf(marker, at + 1))
            zip.replace(at, marker.size(), "nope.pkl");
        QVERIFY(writeFile(path, zip));
    } else if (stem.startsWith(QLatin1String("cut"))) {
        const QByteArray bytes = goodBytes();
        const double keep = stem == QLatin1String("cut5")    ? 0.05
                            : stem == QLatin1String("cut90") ? 0.90
                                                             : 0.999;
        QVERIFY(writeFile(path, bytes.left(qsizetype(bytes.size() * keep))));
    } else if (stem == QLatin1String("twoinputs")) {
        test::writeSyntheticModel(dir, stem, SyntheticModel::TwoInputs);
    } else if (stem == QLatin1String("nan")) {
        test::writeSyntheticModel(dir, stem, SyntheticModel::NanOutput);
    } else if (stem == QLatin1String("folder")) {
        QVERIFY(QDir(dir).mkpath(fileName));
    } else if (stem == QLatin1String("fifo")) {
#ifdef Q_OS_UNIX
        QFile::copy(m_good, path);
        QVERIFY(::mkfifo(QFile::encodeName(ModelSpec::sidecarPath(path)).constData(), 0600) == 0);
#else
        QSKIP("FIFOs are POSIX");
#endif
    }

    EngineThread thread;
    EventLog log(thread.engine());
    QSignalSpy failed(thread.engine(), &Engine::modelFailed);
    queueLoad(thread.engine(), path);
    QTRY_VERIFY_WITH_TIMEOUT(!failed.isEmpty(), 30000);
    const QString reason = failed.first().first().toString();
    QVERIFY2(reason.contains(expected), qPrintable(reason));
    QVERIFY2(reason.contains(fileName), qPrintable(reason)); // names the file
    QCOMPARE(failed.size(), 1);                              // once, no retries
    QVERIFY(!log.events.contains(QStringLiteral("ready")));

    // The engine stays usable: loading a good model is the retry.
    queueSegment(thread.engine(), requestFor(3));
    queueLoad(thread.engine(), m_good);
    QTRY_COMPARE_WITH_TIMEOUT(log.results.size(), 1, 30000);
    QCOMPARE(failed.size(), 1);
}

void TestEngine::failedReloadKeepsPreviousModel()
{
    EngineThread thread;
    EventLog log(thread.engine());
    queueLoad(thread.engine(), m_good);
    queueLoad(thread.engine(), m_dir.filePath(QStringLiteral("does-not-exist.pt")));
    queueSegment(thread.engine(), requestFor(5));
    QTRY_COMPARE_WITH_TIMEOUT(log.results.size(), 1, 30000);
    QVERIFY(log.events.contains(QStringLiteral("failed")));
    QCOMPARE(log.results.first().id, quint64(5));
}

void TestEngine::inferenceFailureIsReportedAndEngineGoesOn()
{
    EngineThread thread;
    EventLog log(thread.engine());
    queueLoad(thread.engine(), m_good);
    SegmentRequest empty;
    empty.id = 1;
    queueSegment(thread.engine(), empty);
    queueSegment(thread.engine(), requestFor(2));
    QTRY_COMPARE_WITH_TIMEOUT(log.results.size(), 1, 30000);
    QVERIFY(log.events.contains(QStringLiteral("segmentFailed:1")));
    QCOMPARE(log.results.first().id, quint64(2));
}

void TestEngine::deviceChoice()
{
    QCOMPARE(inference::chooseDevice(DevicePreference::Cpu).name, QStringLiteral("cpu"));
    const auto automatic = inference::chooseDevice(DevicePreference::Auto);
    const auto cuda = inference::chooseDevice(DevicePreference::Cuda);
    if (cuda.name.isEmpty()) {
        // No GPU here: auto falls back to the CPU, an explicit CUDA request says why it can't.
        QCOMPARE(automatic.name, QStringLiteral("cpu"));
        QVERIFY(cuda.error.contains(QLatin1String("CUDA")));
    } else {
        QCOMPARE(automatic.name, QStringLiteral("cuda:0"));
        QVERIFY(cuda.isCuda());
    }
}

void TestEngine::threadsDefaultToPhysicalCores()
{
    QVERIFY(inference::physicalCoreCount() >= 1);
    QVERIFY(inference::physicalCoreCount() <= QThread::idealThreadCount());

    EngineThread thread;
    EventLog log(thread.engine());
    queueLoad(thread.engine(), m_good);
    QTRY_VERIFY_WITH_TIMEOUT(log.events.contains(QStringLiteral("ready")), 30000);
    QCOMPARE(log.ready.threads, inference::physicalCoreCount());

    LoadOptions one;
    one.threads = 1;
    queueLoad(thread.engine(), m_good, one);
    QTRY_COMPARE_WITH_TIMEOUT(log.events.count(QStringLiteral("ready")), 2, 30000);
    QCOMPARE(log.ready.threads, 1);
}

void TestEngine::engineRunsOnItsOwnNamedThread()
{
    EngineThread thread;
    QThread *engineThread = thread.engine()->thread();
    QVERIFY(engineThread != QThread::currentThread());
    QCOMPARE(engineThread->objectName(), QStringLiteral("ClearCut engine"));
    QVERIFY(engineThread->isRunning());
}

QTEST_GUILESS_MAIN(TestEngine)
#include "test_engine.moc"
