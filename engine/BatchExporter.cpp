#include "BatchExporter.h"

#include "Edits.h"
#include "Engine.h"
#include "EngineThread.h"
#include "ImageIO.h"
#include "OutputNaming.h"
#include "PhotoExport.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <map>

#ifdef __GLIBC__
#include <malloc.h>
#endif

namespace clearcut {
namespace {

// Photos between the start of their decode and the end of their write: one being encoded, one in
// the engine, one decoded and waiting for it. Enough to keep the engine busy, few enough that
// memory stays flat (three 24 MP photos are ~220 MB of pixels).
constexpr size_t kMaxInFlight = 3;
constexpr int kProgressIntervalMs = 100;
double msSince(const QElapsedTimer &timer)
{
    return double(timer.nsecsElapsed()) / 1e6;
}

// Per run, on the encode thread: the background image is decoded once, not once per photo.
struct EncodeCache
{
    bool backgroundLoaded = false;
    LoadedBackground background;
};

// Mask, composite and atomic write of one photo, on the encode thread, through the one export
// path the window's Save also takes. morePhotos: others are still being decoded or inferred, so
// the cores are busy and the encoder should spend the least CPU in all; the last photo (or a lone
// one) has the machine to itself and encodes on all cores.
PhotoExport::Outcome postAndWrite(const BatchOptions &options, const std::atomic_bool &cancel,
                                  EncodeCache &cache, const QString &source, const QString &output,
                                  std::shared_ptr<const cv::Mat> bgr, const cv::Mat &probability,
                                  bool morePhotos)
{
    if (cancel.load()) {
        PhotoExport::Outcome dropped;
        dropped.dropped = true;
        return dropped;
    }
    if (!cache.backgroundLoaded) {
        cache.background = PhotoExport::loadBackground(options.type);
        cache.backgroundLoaded = true;
    }
    if (!cache.background.error.isEmpty()) {
        PhotoExport::Outcome failed;
        failed.error = cache.background.error;
        return failed;
    }
    PhotoExport::Job job;
    job.document.pixels = std::move(bgr);
    job.document.lowResMask = MaskRefiner::quantized(probability);
    job.document.adjustments = {options.type, options.adjust, options.framing};
    if (options.strokes) {
        job.document.strokes = *options.strokes;
    } else {
        QString error;
        if (auto edits = Edits::readBeside(source, &error)) {
            job.document.strokes = std::move(edits->strokes);
            if (edits->adjustments)
                job.document.adjustments = *edits->adjustments;
        } else if (!error.isEmpty()) {
            PhotoExport::Outcome failed;
            failed.error = error;
            return failed;
        }
        if (const auto held = options.heldStrokes.constFind(source);
            held != options.heldStrokes.cend())
            job.document.strokes = *held;
    }
    const OutputType &type = job.document.adjustments.type;
    if (type.kind == OutputType::Kind::BackgroundImage &&
        type.backgroundPath != cache.background.path) {
        // The photo's edits file asks for a background of its own.
        const LoadedBackground own = PhotoExport::loadBackground(type);
        if (!own.bgr) {
            PhotoExport::Outcome failed;
            failed.error = own.error;
            return failed;
        }
        job.background = *own.bgr;
    } else if (cache.background.bgr) {
        job.background = *cache.background.bgr;
    }
    job.resizeLongest = options.resizeLongest;
    job.encode.format = options.format;
    job.encode.quality = options.quality;
    job.encode.webpLossless = options.webpLossless;
    job.encode.leastCpu = morePhotos;
    job.output = output;
    return PhotoExport::write(job, &cancel);
}

// glibc keeps what every thread frees in that thread's arena for reuse; with the tens-of-MB
// buffers a photo frees, and several threads allocating, the arenas fragment and RSS creeps up
// photo after photo. Handing whole free pages back after each photo keeps it flat. (Under
// tcmalloc, which the executables link, this finds glibc's arenas nearly empty and costs nothing;
// tcmalloc's own cache is what keeps inference from faulting its memory in again.)
void releaseFreedMemory()
{
#ifdef __GLIBC__
    malloc_trim(0);
#endif
}

} // namespace

void registerBatchMetaTypes()
{
    registerEngineMetaTypes();
    qRegisterMetaType<BatchProgress>();
    qRegisterMetaType<BatchItemResult>();
    qRegisterMetaType<BatchSummary>();
}

QJsonObject BatchSummary::toJson() const
{
    QJsonArray failureList;
    for (const BatchItemResult &failure : failures)
        failureList.append(QJsonObject{{QStringLiteral("source"), failure.source},
                                       {QStringLiteral("output"), failure.output},
                                       {QStringLiteral("reason"), failure.reason}});
    return QJsonObject{{QStringLiteral("total"), total},
                       {QStringLiteral("done"), done},
                       {QStringLiteral("skipped"), skipped},
                       {QStringLiteral("failed"), failed},
                       {QStringLiteral("cancelled"), cancelled},
                       {QStringLiteral("seconds"), seconds},
                       {QStringLiteral("photos_per_minute"), photosPerMinute},
                       {QStringLiteral("failures"), failureList}};
}

QString BatchSummary::toText() const
{
    QString text = QStringLiteral("done %1, skipped %2, failed %3 in %4 s (%5 photos/min)")
                       .arg(done)
                       .arg(skipped)
                       .arg(failed)
                       .arg(seconds, 0, 'f', 1)
                       .arg(photosPerMinute, 0, 'f', 1);
    if (cancelled)
        text += QStringLiteral(", cancelled");
    return text;
}

// One photo in the pipeline; main thread only.
struct BatchExporter::Item
{
    enum class Stage
    {
        Decoding,
        Segmenting,
        Writing
    };
    Stage stage = Stage::Decoding;
    QString output;
    std::shared_ptr<const cv::Mat> bgr; // until it is handed to the encode job
    BatchItemTimings timings;
    QElapsedTimer clock;
};

// One start() to finished(). Jobs hold it by shared pointer, so a job of a cancelled run can
// still finish safely after a new run began; each part is touched by one thread only.
struct BatchExporter::Run
{
    // Read-only after start().
    QList<BatchInput> inputs;
    BatchOptions options;
    QString optionsError; // every photo fails with it
    CancelFlag cancel = std::make_shared<std::atomic_bool>(false);

    // Decode thread only.
    OutputNaming::Claims claims;

    // Encode thread only.
    EncodeCache encodeCache;

    // Main thread only.
    int next = 0;
    std::map<int, Item> items;       // in the pipeline, by input index
    std::map<quint64, int> requests; // engine request id -> input index
    int writing = 0;                 // encode jobs handed out and not reported back
    bool cancelled = false;
    bool finishQueued = false;
    BatchSummary summary;
    QElapsedTimer clock;
    double firstProcessedMs = -1;
    double lastProcessedMs = -1;
    double latencySumSeconds = 0;
    int latencyCount = 0;
    double lastProgressMs = -1e9;

    int processed() const { return summary.done + summary.failed; }
};

BatchExporter::BatchExporter(Engine *engine, QObject *parent) : QObject(parent), m_engine(engine)
{
    Q_ASSERT(engine);
    registerBatchMetaTypes();
    m_decodePool.setMaxThreadCount(1);
    m_decodePool.setObjectName(QStringLiteral("ClearCut batch decode"));
    m_encodePool.setMaxThreadCount(1);
    m_encodePool.setObjectName(QStringLiteral("ClearCut batch encode"));
    m_progressTimer.setInterval(kProgressIntervalMs);
    connect(&m_progressTimer, &QTimer::timeout, this, [this] { emitProgress(); });
    // Queued: the engine lives on its own thread.
    connect(engine, &Engine::segmented, this, &BatchExporter::onSegmented, Qt::QueuedConnection);
    connect(engine, &Engine::segmentFailed, this, &BatchExporter::onSegmentFailed,
            Qt::QueuedConnection);
}

BatchExporter::~BatchExporter()
{
    if (m_run)
        m_run->cancel->store(true);
    // Jobs capture `this` for their reply; the reply is dropped with the object, but the jobs
    // themselves must be done before the pools go.
    m_encodePool.waitForDone();
    m_decodePool.waitForDone();
}

QList<BatchInput> BatchExporter::collectInputs(const QStringList &paths)
{
    return PhotoFinder::find(paths).inputs;
}

void BatchExporter::start(const QList<BatchInput> &inputs, const BatchOptions &options)
{
    if (m_run) {
        qWarning("BatchExporter::start: a batch is already running");
        return;
    }
    auto run = std::make_shared<Run>();
    run->inputs = inputs;
    run->options = options;
    run->summary.total = int(inputs.size());
    run->clock.start();
    if (options.destination.isEmpty())
        run->optionsError = QStringLiteral("no destination folder");
    else if (ImageIO::suffixForFormat(options.format).isEmpty())
        run->optionsError = QStringLiteral("unsupported output format \"%1\"").arg(options.format);
    else
        run->optionsError = OutputNaming::checkNamePattern(options.namePattern);
    m_run = run;
    m_progressTimer.start();
    // Queued, so the caller has connected and returned before the first signal.
    QMetaObject::invokeMethod(this, &BatchExporter::pump, Qt::QueuedConnection);
}

void BatchExporter::cancel()
{
    const std::shared_ptr<Run> run = m_run;
    if (!run || run->cancelled)
        return;
    run->cancelled = true;
    run->summary.cancelled = true;
    // Requests still queued in the engine are dropped there; decode jobs that have not started
    // return at once; the encode job checks the flag just before it writes.
    run->cancel->store(true);
    run->requests.clear();
    for (auto it = run->items.begin(); it != run->items.end();)
        it = it->second.stage == Item::Stage::Writing ? std::next(it) : run->items.erase(it);
    emitProgress();
    finishIfDone();
}

void BatchExporter::pump()
{
    const std::shared_ptr<Run> run = m_run;
    if (!run || run->cancelled)
        return;
    while (run->items.size() < kMaxInFlight && run->next < run->inputs.size()) {
        const int index = run->next++;
        Item &item = run->items[index];
        item.clock.start();
        m_decodePool.start([this, run, index] {
            if (run->cancel->load())
                return;
            const BatchInput &input = run->inputs.at(index);
            const BatchOptions &options = run->options;
            if (!run->optionsError.isEmpty()) {
                QMetaObject::invokeMethod(
                    this,
                    [this, run, index] {
                        onResolvedAndDecoded(run, index, QString(), false, run->optionsError,
                                             nullptr, 0);
                    },
                    Qt::QueuedConnection);
                return;
            }
            // Resolved here, on the one decode thread, in input order: the numbering is the same
            // on every run and the main thread never waits on the file system.
            const OutputNaming::Claim claim = run->claims.claim(
                OutputNaming::outputPathFor(input, index, int(run->inputs.size()), options),
                options.collision, run->inputs);
            const QString &output = claim.output;
            const bool skip = claim.skip;
            QString error = claim.error;

            std::shared_ptr<const cv::Mat> bgr;
            double decodeMs = 0;
            if (!skip && error.isEmpty() && !run->cancel->load()) {
                QElapsedTimer timer;
                timer.start();
                DecodeResult decoded = ImageIO::decodeFile(input.path);
                decodeMs = msSince(timer);
                if (decoded.image)
                    bgr = std::make_shared<const cv::Mat>(std::move(decoded.image->bgr));
                else
                    error = decoded.error;
            }
            QMetaObject::invokeMethod(
                this,
                [this, run, index, output, skip, error, bgr = std::move(bgr), decodeMs] {
                    onResolvedAndDecoded(run, index, output, skip, error, bgr, decodeMs);
                },
                Qt::QueuedConnection);
        });
    }
    finishIfDone();
}

void BatchExporter::onResolvedAndDecoded(const std::shared_ptr<Run> &run, int index, QString output,
                                         bool skip, QString error,
                                         std::shared_ptr<const cv::Mat> bgr, double decodeMs)
{
    if (run != m_run || run->cancelled)
        return;
    Item &item = run->items.at(index);
    item.output = std::move(output);
    item.timings.decodeMs = decodeMs;
    if (skip)
        return finishItem(index, BatchItemResult::Status::Skipped,
                          QStringLiteral("the output exists"));
    if (!error.isEmpty())
        return finishItem(index, BatchItemResult::Status::Failed, error);

    item.stage = Item::Stage::Segmenting;
    item.bgr = std::move(bgr);
    SegmentRequest request;
    request.id = SegmentRequest::nextId();
    request.bgr = item.bgr;
    request.options = run->options.segment;
    request.cancel = run->cancel;
    run->requests[request.id] = index;
    QMetaObject::invokeMethod(
        m_engine, [engine = m_engine, request] { engine->segment(request); }, Qt::QueuedConnection);
}

void BatchExporter::onSegmentFailed(quint64 id, const QString &reason)
{
    const std::shared_ptr<Run> run = m_run;
    if (!run)
        return;
    const auto it = run->requests.find(id);
    if (it == run->requests.end())
        return; // another client's request, or one of ours from before a cancel
    const int index = it->second;
    run->requests.erase(it);
    finishItem(index, BatchItemResult::Status::Failed, reason);
}

void BatchExporter::onSegmented(const SegmentResult &result)
{
    const std::shared_ptr<Run> run = m_run;
    if (!run)
        return;
    const auto it = run->requests.find(result.id);
    if (it == run->requests.end())
        return;
    const int index = it->second;
    run->requests.erase(it);
    Item &item = run->items.at(index);
    item.stage = Item::Stage::Writing;
    item.timings.preprocessMs = result.preprocessMs;
    item.timings.inferMs = result.inferMs;
    ++run->writing;
    const bool morePhotos =
        run->next < run->inputs.size() ||
        std::any_of(run->items.begin(), run->items.end(),
                    [](const auto &entry) { return entry.second.stage != Item::Stage::Writing; });

    m_encodePool.start([this, run, index, source = run->inputs.at(index).path, output = item.output,
                        bgr = std::move(item.bgr), probability = result.probability,
                        morePhotos]() mutable {
        const PhotoExport::Outcome outcome =
            postAndWrite(run->options, *run->cancel, run->encodeCache, source, output,
                         std::move(bgr), *probability, morePhotos);
        probability.reset();
        releaseFreedMemory();
        QMetaObject::invokeMethod(
            this,
            [this, run, index, outcome] {
                onWritten(run, index, outcome.error, outcome.dropped, outcome.postMs,
                          outcome.encodeMs);
            },
            Qt::QueuedConnection);
    });
}

void BatchExporter::onWritten(const std::shared_ptr<Run> &run, int index, QString error,
                              bool dropped, double postMs, double encodeMs)
{
    if (run != m_run)
        return;
    --run->writing;
    if (dropped) {
        run->items.erase(index);
        return finishIfDone();
    }
    Item &item = run->items.at(index);
    item.timings.postMs = postMs;
    item.timings.encodeMs = encodeMs;
    if (error.isEmpty())
        finishItem(index, BatchItemResult::Status::Done, QString());
    else
        finishItem(index, BatchItemResult::Status::Failed, error);
}

void BatchExporter::finishItem(int index, BatchItemResult::Status status, const QString &reason)
{
    const std::shared_ptr<Run> run = m_run;
    const auto it = run->items.find(index);
    Q_ASSERT(it != run->items.end());

    BatchItemResult result;
    result.source = run->inputs.at(index).path;
    result.output = it->second.output;
    result.status = status;
    result.reason = reason;
    result.seconds = msSince(it->second.clock) / 1000.0;
    result.timings = it->second.timings;
    run->items.erase(it);

    BatchSummary &summary = run->summary;
    switch (status) {
    case BatchItemResult::Status::Done:
        ++summary.done;
        break;
    case BatchItemResult::Status::Skipped:
        ++summary.skipped;
        break;
    case BatchItemResult::Status::Failed:
        ++summary.failed;
        summary.failures.append(result);
        break;
    }
    if (status != BatchItemResult::Status::Skipped) {
        const double now = msSince(run->clock);
        if (run->firstProcessedMs < 0)
            run->firstProcessedMs = now;
        run->lastProcessedMs = now;
        if (status == BatchItemResult::Status::Done) {
            run->latencySumSeconds += result.seconds;
            ++run->latencyCount;
        }
    }

    Q_EMIT itemFinished(result);
    // A slot may have cancelled (or even finished and restarted) the batch meanwhile.
    if (run != m_run)
        return;
    emitProgress(true);
    if (run->cancelled)
        return finishIfDone();
    pump();
}

void BatchExporter::emitProgress(bool force)
{
    const std::shared_ptr<Run> run = m_run;
    if (!run)
        return;
    const double now = msSince(run->clock);
    if (!force && now - run->lastProgressMs < kProgressIntervalMs * 0.9)
        return;
    run->lastProgressMs = now;

    const BatchSummary &summary = run->summary;
    BatchProgress progress;
    progress.total = summary.total;
    progress.done = summary.done;
    progress.skipped = summary.skipped;
    progress.failed = summary.failed;

    // Seconds per photo: the interval between completions once the pipeline is full, which is
    // what the rest will take; the first photo's latency (model warm-up included) until then.
    const int processed = run->processed();
    double secondsPerPhoto = -1;
    if (processed >= 2)
        secondsPerPhoto = (run->lastProcessedMs - run->firstProcessedMs) / 1000.0 / (processed - 1);
    else if (processed == 1)
        secondsPerPhoto = run->firstProcessedMs / 1000.0;
    if (secondsPerPhoto > 0) {
        progress.photosPerMinute = 60.0 / secondsPerPhoto;
        const int remaining = summary.total - summary.done - summary.skipped - summary.failed;
        const double sinceLast = (now - run->lastProcessedMs) / 1000.0;
        progress.secondsRemaining =
            std::max(0.0, remaining * secondsPerPhoto - std::min(sinceLast, secondsPerPhoto));
    }

    if (!run->cancelled && !run->items.empty()) {
        const auto &[index, item] = *run->items.begin();
        progress.current = run->inputs.at(index).path;
        double stage = 0;
        if (item.stage == Item::Stage::Segmenting)
            stage = 0.15;
        else if (item.stage == Item::Stage::Writing)
            stage = 0.75;
        double byTime = 0;
        if (run->latencyCount > 0)
            byTime = msSince(item.clock) / 1000.0 / (run->latencySumSeconds / run->latencyCount);
        progress.currentFraction = std::clamp(std::max(stage, byTime), 0.0, 0.99);
    }
    Q_EMIT this->progress(progress);
}

void BatchExporter::finishIfDone()
{
    const std::shared_ptr<Run> run = m_run;
    if (!run || run->finishQueued)
        return;
    const bool drained =
        run->cancelled ? run->writing == 0 : run->items.empty() && run->next >= run->inputs.size();
    if (!drained)
        return;
    run->finishQueued = true;
    // Queued, so finished() never arrives inside the caller's own cancel() or start().
    QMetaObject::invokeMethod(
        this,
        [this, run] {
            if (run != m_run)
                return;
            BatchSummary summary = run->summary;
            summary.seconds = msSince(run->clock) / 1000.0;
            if (summary.seconds > 0)
                summary.photosPerMinute = run->processed() * 60.0 / summary.seconds;
            m_progressTimer.stop();
            m_run.reset();
            Q_EMIT finished(summary);
        },
        Qt::QueuedConnection);
}

} // namespace clearcut
