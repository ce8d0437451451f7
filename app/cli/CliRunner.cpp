#include "CliRunner.h"

#include "engine/Compositor.h"
#include "engine/Engine.h"
#include "engine/MaskRefiner.h"
#include "engine/ProcessClock.h"

#include <QCollator>
#include <QDir>
#include <QDirIterator>
#include <QFileInfo>
#include <QJsonDocument>
#include <QThreadPool>

#include <cstdio>

namespace clearcut::cli {
namespace {

// Decoded photos waiting for or inside the engine, plus the one being written: enough to keep
// the engine busy, few enough that memory stays flat for any number of photos.
constexpr size_t kMaxInFlight = 3;

const QStringList &imageNameFilters()
{
    static const QStringList filters{QStringLiteral("*.jpg"),  QStringLiteral("*.jpeg"),
                                     QStringLiteral("*.png"),  QStringLiteral("*.webp"),
                                     QStringLiteral("*.bmp"),  QStringLiteral("*.tif"),
                                     QStringLiteral("*.tiff"), QStringLiteral("*.jfif")};
    return filters;
}

void printError(const QString &line)
{
    std::fprintf(stderr, "%s\n", qPrintable(line));
}

double msSince(const QElapsedTimer &t)
{
    return t.nsecsElapsed() / 1e6;
}

} // namespace

CliRunner::CliRunner(CliOptions options, QObject *parent)
    : QObject(parent), m_options(std::move(options))
{
    Engine *engine = m_engineThread.engine();
    connect(engine, &Engine::modelReady, this, [this](const ModelInfo &info) {
        m_modelReady = true;
        m_modelTimings = QJsonObject{{QStringLiteral("name"), info.name},
                                     {QStringLiteral("device"), info.device},
                                     {QStringLiteral("threads"), info.threads},
                                     {QStringLiteral("blas"), info.blas},
                                     {QStringLiteral("optimization"), info.optimization},
                                     {QStringLiteral("read_ms"), info.readMs},
                                     {QStringLiteral("load_ms"), info.loadMs},
                                     {QStringLiteral("optimize_ms"), info.optimizeMs},
                                     {QStringLiteral("warmup_ms"), info.warmupMs},
                                     {QStringLiteral("ready_ms"), info.readyMs}};
        if (!m_options.quiet)
            std::fprintf(stderr, "model ready: %s on %s, %d threads (%lld ms)\n",
                         qPrintable(info.name), qPrintable(info.device), info.threads,
                         info.totalMs);
    });
    connect(engine, &Engine::modelFailed, this, [this](const QString &reason) {
        printError(QStringLiteral("model error: %1").arg(reason));
        finish(2);
    });
    connect(engine, &Engine::segmented, this, &CliRunner::onSegmented);
    connect(engine, &Engine::segmentFailed, this, &CliRunner::failItem);
}

CliRunner::~CliRunner()
{
    // Post-processing jobs capture `this`; let them land before the object goes.
    QThreadPool::globalInstance()->waitForDone();
}

void CliRunner::start()
{
    m_clock.start();
    const QFileInfo source(m_options.source);
    if (source.isDir()) {
        QDirIterator it(source.filePath(), imageNameFilters(), QDir::Files | QDir::Readable);
        while (it.hasNext())
            m_sources << it.next();
        QCollator collator;
        collator.setNumericMode(true);
        std::sort(m_sources.begin(), m_sources.end(), collator);
        if (m_sources.isEmpty()) {
            printError(QStringLiteral("%1: no photos found").arg(m_options.source));
            return finish(2);
        }
    } else if (source.exists()) {
        m_sources << source.filePath();
    } else {
        printError(QStringLiteral("%1: no such file or folder").arg(m_options.source));
        return finish(2);
    }

    const QString dest = m_options.dest.isEmpty() ? QDir::currentPath() : m_options.dest;
    if (!QDir().mkpath(dest)) {
        printError(QStringLiteral("%1: cannot create the output folder").arg(dest));
        return finish(2);
    }
    m_options.dest = dest;

    if (m_options.type.kind == OutputType::Kind::BackgroundImage) {
        DecodeResult bg = ImageIO::decodeFile(m_options.type.backgroundPath);
        if (!bg.image) {
            printError(QStringLiteral("%1: %2").arg(m_options.type.backgroundPath, bg.error));
            return finish(2);
        }
        m_background = bg.image->bgr;
    }

    // The model loads on the engine thread while the first photos decode here.
    QMetaObject::invokeMethod(
        m_engineThread.engine(),
        [engine = m_engineThread.engine(), path = m_options.modelPath, load = m_options.load] {
            engine->loadModel(path, load);
        },
        Qt::QueuedConnection);
    startDecodes();
}

QString CliRunner::outputPathFor(const QString &source) const
{
    const QString stem = QFileInfo(source).completeBaseName();
    const QString name =
        QStringLiteral("%1_%2.%3")
            .arg(stem, m_options.type.name(), ImageIO::suffixForFormat(m_options.format));
    return QDir(m_options.dest).filePath(name);
}

void CliRunner::startDecodes()
{
    while (!m_finished && m_items.size() < kMaxInFlight &&
           m_nextSource < quint64(m_sources.size())) {
        const quint64 id = m_nextSource++;
        Item &item = m_items[id];
        item.source = m_sources.at(int(id));
        item.output = outputPathFor(item.source);
        QThreadPool::globalInstance()->start([this, id, path = item.source] {
            QElapsedTimer timer;
            timer.start();
            DecodeResult result = ImageIO::decodeFile(path);
            const double ms = msSince(timer);
            QMetaObject::invokeMethod(
                this, [this, id, result = std::move(result), ms] { onDecoded(id, result, ms); },
                Qt::QueuedConnection);
        });
    }
    finishIfDone();
}

void CliRunner::onDecoded(quint64 id, DecodeResult result, double ms)
{
    if (m_finished)
        return;
    Item &item = m_items.at(id);
    item.decodeMs = ms;
    if (!result.image)
        return failItem(id, result.error);
    item.bgr = std::make_shared<const cv::Mat>(std::move(result.image->bgr));
    SegmentRequest request;
    request.id = id;
    request.bgr = item.bgr;
    request.options = m_options.segment;
    QMetaObject::invokeMethod(
        m_engineThread.engine(),
        [engine = m_engineThread.engine(), request] { engine->segment(request); },
        Qt::QueuedConnection);
}

void CliRunner::onSegmented(const SegmentResult &result)
{
    if (m_finished)
        return;
    Item &item = m_items.at(result.id);
    item.preprocessMs = result.preprocessMs;
    item.inferMs = result.inferMs;
    QThreadPool::globalInstance()->start([this, id = result.id, bgr = item.bgr,
                                          probability = result.probability, output = item.output,
                                          options = m_options, background = m_background] {
        QElapsedTimer timer;
        timer.start();
        const cv::Mat mask = MaskRefiner::adjusted(
            MaskRefiner::toFullResolution(*probability, bgr->size()), options.adjust);
        cv::Mat image = Compositor::composite(*bgr, mask, options.type, background);
        if (image.channels() == 4 && !ImageIO::formatSupportsAlpha(options.format))
            image = Compositor::flattenOnto(image, cv::Vec3b(255, 255, 255));
        const double postMs = msSince(timer);
        timer.restart();
        ImageIO::EncodeOptions encode;
        encode.format = options.format;
        const QString error = ImageIO::writeImageAtomic(output, image, encode);
        const double encodeMs = msSince(timer);
        QMetaObject::invokeMethod(
            this, [this, id, error, postMs, encodeMs] { onWritten(id, error, postMs, encodeMs); },
            Qt::QueuedConnection);
    });
}

void CliRunner::onWritten(quint64 id, const QString &error, double postMs, double encodeMs)
{
    if (m_finished)
        return;
    if (!error.isEmpty())
        return failItem(id, error);
    Item &item = m_items.at(id);
    item.postMs = postMs;
    item.encodeMs = encodeMs;
    ++m_written;
    if (!m_options.quiet)
        std::printf("%s\n", qPrintable(item.output));
    m_imageTimings.append(QJsonObject{{QStringLiteral("file"), item.source},
                                      {QStringLiteral("decode_ms"), item.decodeMs},
                                      {QStringLiteral("preprocess_ms"), item.preprocessMs},
                                      {QStringLiteral("infer_ms"), item.inferMs},
                                      {QStringLiteral("post_ms"), item.postMs},
                                      {QStringLiteral("encode_ms"), item.encodeMs}});
    m_items.erase(id);
    startDecodes();
}

void CliRunner::failItem(quint64 id, const QString &reason)
{
    if (m_finished)
        return;
    printError(QStringLiteral("%1: %2").arg(m_items.at(id).source, reason));
    ++m_failed;
    m_items.erase(id);
    startDecodes();
}

void CliRunner::finishIfDone()
{
    if (!m_finished && m_items.empty() && m_nextSource == quint64(m_sources.size()))
        finish(m_failed > 0 ? 1 : 0);
}

void CliRunner::finish(int exitCode)
{
    if (m_finished)
        return;
    m_finished = true;
    if (m_options.timings) {
        const QJsonObject report{
            {QStringLiteral("model"), m_modelTimings},
            {QStringLiteral("images"), m_imageTimings},
            {QStringLiteral("written"), m_written},
            {QStringLiteral("failed"), m_failed},
            {QStringLiteral("total_ms"), msSince(m_clock)},
            {QStringLiteral("process_ms"), ProcessClock::msSinceProcessStart()}};
        std::fprintf(stderr, "%s\n",
                     QJsonDocument(report).toJson(QJsonDocument::Compact).constData());
    }
    Q_EMIT finished(exitCode);
}

} // namespace clearcut::cli
