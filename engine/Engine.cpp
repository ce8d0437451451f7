#include "Engine.h"

#include "ModelSpec.h"
#include "ProcessClock.h"
#include "TiledPass.h"
#include "WarmMemory.h"
#include "inference/InferenceLibrary.h"
#include "inference/Segmenter.h"

#include <QFileInfo>
#include <QMetaObject>

#include <algorithm>
#include <cstdlib>

#ifdef Q_OS_UNIX
#include <unistd.h>
#endif

namespace clearcut {
namespace {

// How much memory to fault in ahead for a model: what it needs at its peak, the larger of the load
// (the weights as stored, converted tensor by tensor) and a photo at the model's input size
// (weights in bfloat16 plus the activations), and half as much again: the weights end up spread
// between the activations' blocks. Measured with ISNet (176 MB file, 1024x1024): 214 MB at the
// peak; with 1.1x this estimate (244 MB) a 64 MB activation found no room in 84 MB free, with
// 1.5x (333 MB) every block fits.
double physicalMemoryBytes()
{
#ifdef Q_OS_UNIX
    const long pages = sysconf(_SC_PHYS_PAGES), pageSize = sysconf(_SC_PAGESIZE);
    if (pages > 0 && pageSize > 0)
        return double(pages) * double(pageSize);
#endif
    return 4.0 * (1 << 30);
}

size_t warmMemoryBytes(const QString &modelPath)
{
    const qint64 fileBytes = QFileInfo(modelPath).size();
    QString error;
    const std::optional<ModelSpec> spec = ModelSpec::forModelFile(modelPath, &error);
    if (fileBytes <= 0 || !spec)
        return 0;
    constexpr double kActivationBytesPerPixel = 128; // ISNet in bfloat16: 126 MB at 1024x1024
    const double photo =
        fileBytes / 2.0 + kActivationBytesPerPixel * double(spec->width) * spec->height;
    // Never more than a quarter of the machine's memory (a model for 8192x8192 input would ask
    // for gigabytes): beyond the region, blocks come from the ordinary allocator.
    const double cap = std::min(4.0 * (1 << 30), physicalMemoryBytes() / 4.0);
    return size_t(std::min(cap, 1.5 * std::max(double(fileBytes), photo)));
}

// The region for the process's models, started once, before LibTorch loads so that its thread
// works through the load; kept (never unmapped) because tensors may live until exit, but its
// touching thread is stopped and joined at exit (a process that ends during the load does not
// leave it running through the static destructors).
// CLEARCUT_WARM_MEMORY=off turns it off (the benchmarks' baseline).
WarmMemory *warmMemory(const QString &modelPath)
{
    static WarmMemory *const memory = [&]() -> WarmMemory * {
        if (qEnvironmentVariable("CLEARCUT_WARM_MEMORY") == QLatin1String("off"))
            return nullptr;
        const size_t bytes = warmMemoryBytes(modelPath);
        WarmMemory *started = bytes ? WarmMemory::start(bytes).release() : nullptr;
        if (started)
            std::atexit([] { memory->stopTouching(); }); // runs after `memory` is set
        return started;
    }();
    return memory;
}

} // namespace

Engine::Engine(QObject *parent) : QObject(parent) {}

Engine::~Engine() = default;

HardwareReport Engine::probeHardware(int threads)
{
    QString error;
    const inference::InferenceApi *api = inference::inferenceApi(&error);
    if (!api) {
        HardwareReport report;
        report.error = error;
        return report;
    }
    return api->probeHardware(threads);
}

CudaSupport Engine::cudaSupport()
{
    const inference::InferenceApi *api = inference::inferenceApi(nullptr);
    return api ? api->cudaSupport() : CudaSupport::NoInferenceLibrary;
}

void Engine::loadInferenceLibrary()
{
    warmMemory(defaultModelPath());
    inference::inferenceApi(nullptr);
}

void Engine::loadModel(const QString &path, const LoadOptions &options)
{
    Q_EMIT loadStarted(path);
    // Progress is emitted only when it moves by a visible step, not once per chunk.
    LoadStage lastStage = LoadStage::Reading;
    double lastFraction = -1.0;
    auto progress = [&](LoadStage stage, double fraction) {
        if (stage == lastStage && fraction < 1.0 && fraction - lastFraction < 0.01)
            return;
        lastStage = stage;
        lastFraction = fraction;
        Q_EMIT loadProgress(stage, fraction);
    };
    // The first load also loads LibTorch (~0.45 s), shown as the start of "Reading", unless
    // loadInferenceLibrary() did it before.
    progress(LoadStage::Reading, 0.0);
    if (!QFileInfo::exists(path) && path == defaultModelPath()) {
        Q_EMIT modelFailed(missingDefaultModelMessage());
        return;
    }
    WarmMemory *memory = warmMemory(path);
    QString libraryError;
    const inference::InferenceApi *api = inference::inferenceApi(&libraryError);
    if (!api) {
        Q_EMIT modelFailed(libraryError);
        return;
    }
    api->useWarmMemory(memory);
    inference::ModelLoader::Outcome outcome = api->loadModel(path, options, progress);
    if (!outcome.segmenter) {
        // The previous model, if any, stays in service.
        Q_EMIT modelFailed(outcome.error);
        return;
    }
    m_segmenter = std::move(outcome.segmenter);
    outcome.info.readyMs = ProcessClock::msSinceProcessStart();
    outcome.info.warmMemoryMb = memory ? qint64(memory->size() >> 20) : 0;
    Q_EMIT modelReady(outcome.info);
    scheduleServe();
}

void Engine::segment(const SegmentRequest &request)
{
    if (request.urgent)
        m_pending.insert(std::find_if(m_pending.begin(), m_pending.end(),
                                      [](const SegmentRequest &queued) { return !queued.urgent; }),
                         request);
    else
        m_pending.push_back(request);
    scheduleServe();
}

void Engine::scheduleServe()
{
    if (!m_segmenter || m_serveScheduled || m_pending.empty())
        return;
    // One request per event-loop turn, so a loadModel() queued meanwhile is not starved.
    m_serveScheduled = true;
    QMetaObject::invokeMethod(this, &Engine::serveOne, Qt::QueuedConnection);
}

void Engine::serveOne()
{
    m_serveScheduled = false;
    if (!m_segmenter || m_pending.empty())
        return;
    const SegmentRequest request = std::move(m_pending.front());
    m_pending.pop_front();

    if (request.cancel && request.cancel->load()) {
        Q_EMIT segmentCancelled(request.id);
    } else if (!request.bgr || request.bgr->empty()) {
        Q_EMIT segmentFailed(request.id, QStringLiteral("no image data"));
    } else {
        const cv::Mat &bgr = *request.bgr;
        const cv::Size inputSize = m_segmenter->spec().inputSizeFor(bgr.size(), request.options);
        inference::Segmenter::Run run;
        if (request.options.tiled && request.options.quality == Quality::Best) {
            // The tiled pass calls the network several times; its result replaces the run's.
            double preprocessMs = 0, inferMs = 0;
            QString error;
            const TiledPass::Result tiled =
                TiledPass::run(bgr, inputSize, [&](const cv::Mat &image, const cv::Size &size) {
                    inference::Segmenter::Run one = m_segmenter->run(image, size);
                    preprocessMs += one.preprocessMs;
                    inferMs += one.inferMs;
                    if (!one.error.isEmpty())
                        error = one.error;
                    return one.probability;
                });
            run.probability = tiled.probability;
            run.error = tiled.probability.empty() && error.isEmpty()
                            ? QStringLiteral("the tiled pass failed")
                            : error;
            run.preprocessMs = preprocessMs;
            run.inferMs = inferMs;
        } else {
            run = m_segmenter->run(bgr, inputSize);
        }
        if (!run.error.isEmpty()) {
            Q_EMIT segmentFailed(request.id, run.error);
        } else {
            SegmentResult result;
            result.id = request.id;
            result.probability = std::make_shared<const cv::Mat>(std::move(run.probability));
            result.inputSize = QSize(inputSize.width, inputSize.height);
            result.preprocessMs = run.preprocessMs;
            result.inferMs = run.inferMs;
            Q_EMIT segmented(result);
        }
    }
    scheduleServe();
}

} // namespace clearcut
