#include "CliRunner.h"

#include "engine/Engine.h"
#include "engine/FileRead.h"
#include "engine/ImageIO.h"
#include "engine/InputList.h"
#include "engine/OutputNaming.h"
#include "engine/PhotoFinder.h"
#include "engine/ProcessClock.h"
#include "engine/Sharding.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSaveFile>

#include <algorithm>
#include <csignal>
#include <cstdio>

namespace clearcut::cli {
namespace {

void printError(const QString &line)
{
    std::fprintf(stderr, "%s\n", qPrintable(line));
}

double msSince(const QElapsedTimer &t)
{
    return double(t.nsecsElapsed()) / 1e6;
}

// Through QSaveFile, like the images: a report is whole or absent.
QString writeReport(const QString &path, const QByteArray &json)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(json) != json.size() || !file.commit())
        return QStringLiteral("cannot write the report %1: %2").arg(path, file.errorString());
    return QString();
}

} // namespace

int runHardwareProbe(const CliOptions &options)
{
    const HardwareReport report = Engine::probeHardware(options.load.threads);
    if (!report.error.isEmpty()) {
        printError(QStringLiteral("hardware probe: %1").arg(report.error));
        return 2;
    }
    const QJsonObject json{{QStringLiteral("conv_gflops"), report.convGflops},
                           {QStringLiteral("conv_ms"), report.convMs},
                           {QStringLiteral("conv_bf16_gflops"), report.convBf16Gflops},
                           {QStringLiteral("conv_bf16_ms"), report.convBf16Ms},
                           {QStringLiteral("threads"), report.threads},
                           {QStringLiteral("cpu"), report.cpu},
                           {QStringLiteral("blas"), report.blas},
                           {QStringLiteral("torch"), report.torch}};
    std::printf("%s\n", QJsonDocument(json).toJson(QJsonDocument::Compact).constData());
    return 0;
}

CliRunner::CliRunner(CliOptions options, QObject *parent)
    : QObject(parent), m_options(std::move(options)), m_exporter(m_engineThread.engine())
{
    Engine *engine = m_engineThread.engine();
    connect(engine, &Engine::modelReady, this, [this](const ModelInfo &info) {
        m_modelTimings = QJsonObject{{QStringLiteral("name"), info.name},
                                     {QStringLiteral("device"), info.device},
                                     {QStringLiteral("threads"), info.threads},
                                     {QStringLiteral("blas"), info.blas},
                                     {QStringLiteral("optimization"), info.optimization},
                                     {QStringLiteral("precision"), info.precision},
                                     {QStringLiteral("read_ms"), info.readMs},
                                     {QStringLiteral("load_ms"), info.loadMs},
                                     {QStringLiteral("optimize_ms"), info.optimizeMs},
                                     {QStringLiteral("warmup_ms"), info.warmupMs},
                                     {QStringLiteral("ready_ms"), info.readyMs},
                                     {QStringLiteral("started_ms"), info.readyMs - info.totalMs},
                                     {QStringLiteral("warm_memory_mb"), info.warmMemoryMb}};
        if (!info.precisionNote.isEmpty())
            m_modelTimings.insert(QStringLiteral("precision_note"), info.precisionNote);
        if (!m_options.quiet)
            std::fprintf(
                stderr, "model ready: %s on %s, %s, %d threads (%lld ms)%s\n",
                qPrintable(info.name), qPrintable(info.device), qPrintable(info.precision),
                info.threads, info.totalMs,
                info.precisionNote.isEmpty()
                    ? ""
                    : qPrintable(QStringLiteral(" (not int8: %1)").arg(info.precisionNote)));
    });
    connect(engine, &Engine::modelFailed, this, [this](const QString &reason) {
        printError(QStringLiteral("model error: %1").arg(reason));
        // Photos waiting for the model would wait for ever.
        m_exporter.cancel();
        finish(2, BatchSummary());
    });
    connect(&m_exporter, &BatchExporter::itemFinished, this, &CliRunner::onItemFinished);
    connect(&m_exporter, &BatchExporter::finished, this, &CliRunner::onBatchFinished);
}

CliRunner::~CliRunner() = default;

void CliRunner::start()
{
    m_clock.start();
    QList<BatchInput> inputs;
    const bool fromList = !m_options.inputList.isEmpty();
    if (fromList) {
        // Through the same finder as --source: a listed file is taken as given (one that is
        // missing fails as that photo), a file listed twice is done once.
        QString listError;
        const std::optional<QStringList> listed = InputList::read(m_options.inputList, &listError);
        if (!listed) {
            printError(listError);
            return finish(2, BatchSummary());
        }
        inputs = findPhotos(*listed);
        if (inputs.isEmpty()) {
            printError(QStringLiteral("%1: no photos listed").arg(m_options.inputList));
            return finish(2, BatchSummary());
        }
    } else {
        const QFileInfo source(m_options.source);
        if (!source.exists()) {
            printError(QStringLiteral("%1: %2").arg(m_options.source,
                                                    FileRead::whyMissing(source.filePath())));
            return finish(2, BatchSummary());
        }
        // A folder is searched recursively and its structure kept under the destination.
        inputs = findPhotos({source.filePath()});
        if (inputs.isEmpty()) {
            printError(QStringLiteral("%1: no photos found").arg(m_options.source));
            return finish(2, BatchSummary());
        }
    }

    // A source photo is never overwritten, by a report either.
    if (!m_options.reportPath.isEmpty()) {
        const QFileInfo report(m_options.reportPath);
        const QString target = report.canonicalFilePath();
        const bool isSource = !target.isEmpty() &&
                              std::any_of(inputs.begin(), inputs.end(), [&](const BatchInput &in) {
                                  return QFileInfo(in.path).canonicalFilePath() == target;
                              });
        if (isSource || report.isDir()) {
            printError(QStringLiteral("--report %1: %2")
                           .arg(m_options.reportPath,
                                isSource ? QStringLiteral("is one of the photos to process; a "
                                                          "source photo is never overwritten")
                                         : QStringLiteral("is a folder")));
            return finish(2, BatchSummary());
        }
    }

    const QString dest = m_options.dest.isEmpty() ? QDir::currentPath() : m_options.dest;
    if (!QDir().mkpath(dest)) {
        printError(QStringLiteral("%1: cannot create the output folder").arg(dest));
        return finish(2, BatchSummary());
    }
    if (m_options.type.kind == OutputType::Kind::BackgroundImage) {
        // Checked here so a bad background is a usage error, not one failure per photo.
        const DecodeResult bg = ImageIO::decodeFile(m_options.type.backgroundPath);
        if (!bg.image) {
            printError(QStringLiteral("%1: %2").arg(m_options.type.backgroundPath, bg.error));
            return finish(2, BatchSummary());
        }
    }

    BatchOptions batch;
    batch.destination = dest;
    batch.format = m_options.format;
    batch.webpLossless = false; // as before the batch engine: ImageIO's lossy default
    batch.type = m_options.type;
    batch.adjust = m_options.adjust;
    batch.framing = m_options.framing;
    batch.strokes = m_options.strokes;
    batch.segment = m_options.segment;
    batch.resizeLongest = m_options.resizeLongest;
    batch.namePattern = m_options.namePattern;
    // A list has no source folder to keep the structure of.
    batch.keepStructure = !fromList;
    batch.collision = m_options.collision;

    // With --dest in the source folder, the last run's cut-outs are in the walk: never inputs.
    QStringList earlier;
    inputs = OutputNaming::withoutEarlierOutputs(inputs, batch, &earlier);
    if (!m_options.quiet) {
        for (const QString &line : earlier)
            std::fprintf(stderr, "%s\n", qPrintable(line));
    }
    if (inputs.isEmpty())
        return onBatchFinished(BatchSummary());

    if (m_options.shard) {
        const Shard &shard = *m_options.shard;
        if (shard.count > 1) {
            if (const QString clash = findOutputClash(inputs, batch); !clash.isEmpty()) {
                printError(QStringLiteral("--shard: %1; add {index} to --name").arg(clash));
                return finish(2, BatchSummary());
            }
        }
        const qsizetype listed = inputs.size();
        inputs = shardOf(inputs, shard);
        if (!m_options.quiet)
            std::fprintf(stderr, "shard %d/%d: %lld of %lld photos\n", shard.index, shard.count,
                         qlonglong(inputs.size()), qlonglong(listed));
        // More workers than photos: this one has nothing to do, which is no error.
        if (inputs.isEmpty())
            return onBatchFinished(BatchSummary());
    }

    // The model loads on the engine thread while the first photos decode; photos sent before it
    // is ready wait for it there.
    QMetaObject::invokeMethod(
        m_engineThread.engine(),
        [engine = m_engineThread.engine(), path = m_options.modelPath, load = m_options.load] {
            engine->loadModel(path, load);
        },
        Qt::QueuedConnection);
    m_exporter.start(inputs, batch);
}

void CliRunner::interrupt(int signal)
{
    if (m_finished || m_signal)
        return;
    m_signal = signal;
    if (!m_options.quiet)
        std::fprintf(stderr, "%s: stopping; photos being written are finished\n",
                     signal == SIGINT ? "interrupted" : "SIGTERM");
    if (m_exporter.isRunning())
        m_exporter.cancel(); // batchFinished follows once the writes in flight are done
    else
        finish(128 + signal, BatchSummary());
}

QList<BatchInput> CliRunner::findPhotos(const QStringList &paths)
{
    // What the walk could not take (an unreadable folder, a link loop, a FIFO named like a photo)
    // is reported and makes the run a partial failure; the photos it found go on.
    const FoundPhotos found = PhotoFinder::find(paths);
    for (const QString &problem : found.problems)
        printError(problem);
    m_walkProblems = int(found.problems.size());
    return found.inputs;
}

void CliRunner::onItemFinished(const BatchItemResult &result)
{
    if (m_finished)
        return;
    switch (result.status) {
    case BatchItemResult::Status::Done: {
        if (!m_options.quiet) {
            std::printf("%s\n", qPrintable(result.output));
            std::fflush(stdout); // a line a photo, as it is written, also into a pipe
        }
        const BatchItemTimings &t = result.timings;
        m_imageTimings.append(QJsonObject{{QStringLiteral("file"), result.source},
                                          {QStringLiteral("decode_ms"), t.decodeMs},
                                          {QStringLiteral("preprocess_ms"), t.preprocessMs},
                                          {QStringLiteral("infer_ms"), t.inferMs},
                                          {QStringLiteral("post_ms"), t.postMs},
                                          {QStringLiteral("encode_ms"), t.encodeMs}});
        break;
    }
    case BatchItemResult::Status::Skipped:
        if (!m_options.quiet)
            std::fprintf(stderr, "%s: skipped, %s exists\n", qPrintable(result.source),
                         qPrintable(result.output));
        break;
    case BatchItemResult::Status::Failed:
        printError(QStringLiteral("%1: %2").arg(result.source, result.reason));
        break;
    }
}

void CliRunner::onBatchFinished(const BatchSummary &summary)
{
    if (m_finished)
        return;
    if (!m_options.reportPath.isEmpty()) {
        const QString error = writeReport(
            m_options.reportPath, QJsonDocument(summary.toJson()).toJson(QJsonDocument::Indented));
        if (!error.isEmpty()) {
            printError(error);
            return finish(2, summary);
        }
    }
    if (!m_options.quiet)
        std::fprintf(stderr, "%s\n", qPrintable(summary.toText()));
    if (m_signal)
        return finish(128 + m_signal, summary);
    finish(summary.failed > 0 || m_walkProblems > 0 ? 1 : 0, summary);
}

void CliRunner::finish(int exitCode, const BatchSummary &summary)
{
    if (m_finished)
        return;
    m_finished = true;
    std::fflush(stdout);
    if (m_options.timings) {
        // The last line on stderr, whatever was printed before it.
        const QJsonObject report{
            {QStringLiteral("model"), m_modelTimings},
            {QStringLiteral("images"), m_imageTimings},
            {QStringLiteral("written"), summary.done},
            {QStringLiteral("skipped"), summary.skipped},
            {QStringLiteral("failed"), summary.failed},
            {QStringLiteral("total_ms"), msSince(m_clock)},
            {QStringLiteral("process_ms"), ProcessClock::msSinceProcessStart()}};
        std::fprintf(stderr, "%s\n",
                     QJsonDocument(report).toJson(QJsonDocument::Compact).constData());
    }
    Q_EMIT finished(exitCode);
}

} // namespace clearcut::cli
