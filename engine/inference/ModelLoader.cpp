#include "ModelLoader.h"

#include "Device.h"
#include "SegmenterImpl.h"
#include "TorchError.h"
#include "engine/ModelSpec.h"

#include <caffe2/serialize/read_adapter_interface.h>
#include <torch/csrc/jit/passes/freeze_module.h>
#include <torch/csrc/jit/passes/frozen_graph_optimizations.h>
#include <torch/csrc/jit/runtime/graph_executor.h>

#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>

#include <algorithm>
#include <mutex>

#ifdef Q_OS_UNIX
#include <cerrno>
#include <fcntl.h>
#include <unistd.h>
#endif

namespace clearcut::inference {
namespace {

constexpr qint64 kReadChunk = 8 << 20;

// Lets torch::jit::load read the open file at the positions it asks for: one copy, straight into
// each tensor's storage. Not a memory map: a model file truncated by another process while it is
// read would then be a SIGBUS; here it is a short read, which torch reports as an error.
class FileReader final : public caffe2::serialize::ReadAdapterInterface
{
public:
    FileReader(QFile &file, size_t size) : m_file(file), m_size(size) {}
    size_t size() const override { return m_size; }
    size_t read(uint64_t pos, void *buf, size_t n, const char *) const override
    {
        if (pos >= m_size)
            return 0;
        n = std::min<size_t>(n, m_size - pos);
        size_t done = 0;
#ifdef Q_OS_UNIX
        while (done < n) {
            const ssize_t got = ::pread(m_file.handle(), static_cast<char *>(buf) + done, n - done,
                                        off_t(pos + done));
            if (got < 0 && errno == EINTR)
                continue;
            if (got <= 0)
                break;
            done += size_t(got);
        }
#else
        const std::lock_guard lock(m_mutex);
        if (m_file.seek(qint64(pos)))
            done = size_t(std::max<qint64>(0, m_file.read(static_cast<char *>(buf), qint64(n))));
#endif
        return done;
    }

private:
    QFile &m_file;
    size_t m_size;
#ifndef Q_OS_UNIX
    mutable std::mutex m_mutex;
#endif
};

// Brings a part of the file into the page cache, so the Reading stage's progress is the disk's.
void readAhead(QFile &file, qint64 offset, qint64 n)
{
#ifdef Q_OS_LINUX
    ::readahead(file.handle(), off_t(offset), size_t(n));
#else
    Q_UNUSED(file);
    Q_UNUSED(offset);
    Q_UNUSED(n);
#endif
}

QString describeDeserializeError(const QString &message)
{
    if (message.contains(QLatin1String("central directory")) ||
        message.contains(QLatin1String("file not found")) ||
        message.contains(QLatin1String("PytorchStreamReader")))
        return QStringLiteral("not a TorchScript archive, or the file is truncated (%1)")
            .arg(message);
    return QStringLiteral("cannot deserialise the TorchScript module (%1)").arg(message);
}

QString optimizationName(Optimization o)
{
    switch (o) {
    case Optimization::None:
        return QStringLiteral("none");
    case Optimization::Freeze:
        return QStringLiteral("frozen");
    case Optimization::Full:
        return QStringLiteral("frozen + optimize_for_inference");
    }
    return {};
}

// The profiling executor specialises the graph to the shapes of its first runs and falls back to
// a slower path for other shapes: warmed up at 64x64 then fed 1024x1024, it ran 3x slower
// (7.8 s against 2.4 s); warming up at full size costs two slow profiling runs. Every
// optimisation we want happens in freeze/optimize_for_inference, so run graphs as they are.
void useSimpleExecutor()
{
    torch::jit::getExecutorMode() = false;
}

// The network in bfloat16 with 4-D weights channels-last: oneDNN's bfloat16 convolutions run on
// that layout directly, where NCHW costs a reorder around every one (measured, 1024x1024 ISNet
// on 2 Zen 4 cores: float32 1.68 s, bfloat16 autocast 1.25 s, this 0.85 s).
void toBFloat16ChannelsLast(torch::jit::Module &module)
{
    module.to(torch::kBFloat16);
    auto channelsLast = [](const torch::Tensor &t) {
        if (t.dim() == 4)
            t.set_data(t.contiguous(at::MemoryFormat::ChannelsLast));
    };
    for (const torch::Tensor &p : module.parameters())
        channelsLast(p);
    for (const torch::Tensor &b : module.buffers())
        channelsLast(b);
}

// Quantised networks run on LibTorch's onednn engine (VNNI on x86); Debian's LibTorch has no
// FBGEMM. Empty when it can, else why not.
QString selectOnednnEngine()
{
    const std::vector<at::QEngine> engines = at::globalContext().supportedQEngines();
    if (std::find(engines.begin(), engines.end(), at::QEngine::ONEDNN) == engines.end())
        return QStringLiteral("this LibTorch (%1) has no onednn quantized engine")
            .arg(torchVersion());
    at::globalContext().setQEngine(at::QEngine::ONEDNN);
    return QString();
}

// Whether this load runs the int8 variant beside a float model: its path, or empty with the
// reason in *why (empty too where int8 was not asked for and not chosen).
QString chooseInt8Variant(const QString &path, const LoadOptions &options, QString *why)
{
    if (options.precision != Precision::Int8 && options.precision != Precision::Auto)
        return QString();
    const QString variant = int8VariantPath(path);
    if (!QFileInfo::exists(variant)) {
        if (options.precision == Precision::Int8)
            *why = QStringLiteral("no int8 model (%1)").arg(QFileInfo(variant).fileName());
        return QString();
    }
    QString error;
    const std::optional<ModelSpec> spec = ModelSpec::forModelFile(variant, &error);
    if (!spec) {
        *why = error;
        return QString();
    }
    if (!spec->int8) {
        *why = QStringLiteral("%1's sidecar does not say int8").arg(QFileInfo(variant).fileName());
        return QString();
    }
    if (options.precision == Precision::Auto) {
        const QString problem = int8ParityProblem(*spec);
        if (!problem.isEmpty()) {
            *why = QStringLiteral("int8 not chosen: %1").arg(problem);
            return QString();
        }
    }
    return variant;
}

} // namespace

ModelLoader::Outcome ModelLoader::load(const QString &path, const LoadOptions &options,
                                       const Progress &progress)
{
    Outcome outcome;
    ModelInfo &info = outcome.info;
    info.path = path;
    auto fail = [&](const QString &reason) {
        outcome.error = QStringLiteral("%1: %2").arg(QFileInfo(path).fileName(), reason);
        return std::move(outcome);
    };
    QElapsedTimer total;
    total.start();
    useSimpleExecutor();
    // Auto's bfloat16 is a speed choice: a model that cannot take it loads again in float32.
    auto retryInFloat32 = [&](const QString &step, const std::exception &e) {
        qWarning("%s: %s failed (%s); loading it in float32",
                 qPrintable(QFileInfo(path).fileName()), qPrintable(step),
                 qPrintable(torchErrorMessage(e)));
        LoadOptions float32 = options;
        float32.precision = Precision::Float32;
        return load(path, float32, progress);
    };

    QString specError;
    const QFileInfo fileInfo(path);
    if (!fileInfo.exists())
        return fail(QStringLiteral("model file not found (%1)").arg(path));
    if (fileInfo.isDir())
        return fail(QStringLiteral("a folder, not a model file (choose the .pt file in it)"));
    if (!fileInfo.isFile())
        return fail(QStringLiteral("not a regular file (a FIFO, socket or device)"));
    const auto spec = ModelSpec::forModelFile(path, &specError);
    if (!spec)
        return fail(specError);
    info.name = spec->name;

    const DeviceChoice device = chooseDevice(options.device);
    if (!device.error.isEmpty())
        return fail(device.error);
    info.device = device.name;

    // int8: a quantised network, on the CPU. Asked for (or chosen by Auto) with a float model,
    // it is the variant beside it, loaded in its place; where that cannot be, the float model
    // runs as Auto would run it, and info.precisionNote says why.
    const bool int8 = spec->int8;
    if (int8) {
        if (options.precision == Precision::Float32 || options.precision == Precision::BFloat16)
            return fail(QStringLiteral("an int8 model: it runs only in int8 (the float model "
                                       "is the one to load for %1)")
                            .arg(options.precision == Precision::Float32 ? "float32" : "bfloat16"));
        if (device.isCuda())
            return fail(QStringLiteral("an int8 model runs on the CPU only"));
        const QString noEngine = selectOnednnEngine();
        if (!noEngine.isEmpty())
            return fail(noEngine);
    } else if (!device.isCuda()) {
        QString why;
        bool variantFailed = false;
        const QString variant = chooseInt8Variant(path, options, &why);
        if (!variant.isEmpty() && (why = selectOnednnEngine()).isEmpty()) {
            LoadOptions asInt8 = options;
            asInt8.precision = Precision::Int8;
            Outcome variantOutcome = load(variant, asInt8, progress);
            if (variantOutcome.segmenter) {
                variantOutcome.info.path = path;
                return variantOutcome;
            }
            why = variantOutcome.error;
            variantFailed = true;
        }
        if (options.precision == Precision::Int8)
            info.precisionNote = why;
        // Asked for, or chosen and failing to load: worth a word.
        if (!why.isEmpty() && (options.precision == Precision::Int8 || variantFailed))
            qWarning("%s: %s; running the float model", qPrintable(QFileInfo(path).fileName()),
                     qPrintable(why));
    } else if (options.precision == Precision::Int8) {
        info.precisionNote = QStringLiteral("int8 runs on the CPU only");
    }
    // bfloat16 is a CPU lever: on CUDA the network runs as converted.
    const bool bf16 =
        !int8 && !device.isCuda() &&
        (options.precision == Precision::BFloat16 ||
         ((options.precision == Precision::Auto || options.precision == Precision::Int8) &&
          cpuHasNativeBf16()));
    info.precision = int8   ? QStringLiteral("int8")
                     : bf16 ? QStringLiteral("bfloat16")
                            : QStringLiteral("float32");
    info.threads = configureThreads(options.threads);
    info.blas = blasDescription();
    info.torchVersion = torchVersion();

    // Reading: the file is mapped, not copied, and its pages are faulted in chunk by chunk so the
    // progress is real; torch::jit::load then copies each tensor once, straight into its own
    // storage. The mapping goes when the file closes.
    QElapsedTimer stage;
    stage.start();
    progress(LoadStage::Reading, 0.0);
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return fail(QStringLiteral("cannot open the model file (%1)").arg(file.errorString()));
    const qint64 size = file.size();
    if (size == 0)
        return fail(QStringLiteral("the model file is empty"));
    for (qint64 done = 0; done < size;) {
        const qint64 end = std::min(done + kReadChunk, size);
        readAhead(file, done, end - done);
        done = end;
        progress(LoadStage::Reading, double(done) / size);
    }
    info.readMs = stage.restart();

    // Deserialising.
    progress(LoadStage::Deserializing, 0.0);
    const torch::Device torchDevice(device.name.toStdString());
    torch::jit::Module module;
    try {
        module = torch::jit::load(std::make_shared<FileReader>(file, size_t(size)), torchDevice);
        file.close(); // the module holds the only copy of the weights now
        module.eval();
    } catch (const std::exception &e) {
        return fail(describeDeserializeError(torchErrorMessage(e)));
    }
    if (bf16) {
        try {
            toBFloat16ChannelsLast(module);
        } catch (const std::exception &e) {
            if (options.precision == Precision::Auto)
                return retryInFloat32(QStringLiteral("converting to bfloat16"), e);
            return fail(QStringLiteral("cannot convert the model to bfloat16 (%1)")
                            .arg(torchErrorMessage(e)));
        }
    }
    info.loadMs = stage.restart();
    progress(LoadStage::Deserializing, 1.0);

    // Optimising: freezing folds the weights into the graph; optimize_for_inference then turns
    // convolutions into oneDNN ones with pre-packed weights. A model that refuses either keeps the
    // last form that worked. In bfloat16 both are float32-minded: the unfrozen module ran as fast
    // (0.84 s, against 0.85 frozen and 0.87 with optimize_for_inference) and freezing costs
    // ~120 ms of the time to ready, so Full leaves it as it is there; Freeze still freezes.
    progress(LoadStage::Optimizing, 0.0);
    Optimization achieved = Optimization::None;
    const bool freeze = options.optimization == Optimization::Freeze ||
                        (options.optimization == Optimization::Full && !bf16);
    // optimize_for_inference is float-minded (it rewrites float convolutions for oneDNN); a
    // quantised network's convolutions are oneDNN's already.
    if (freeze) {
        try {
            // In place: torch::jit::freeze would clone every weight first (~40 ms, 176 MB).
            torch::jit::freeze_module_inplace(&module);
            auto graph = module.get_method("forward").graph();
            torch::jit::OptimizeFrozenGraph(graph, true);
            achieved = Optimization::Freeze;
            progress(LoadStage::Optimizing, 0.5);
            if (options.optimization == Optimization::Full && torchDevice.is_cpu() && !int8) {
                module = torch::jit::optimize_for_inference(module);
                achieved = Optimization::Full;
            }
        } catch (const std::exception &e) {
            qWarning("model optimisation stopped at '%s': %s",
                     qPrintable(optimizationName(achieved)), qPrintable(torchErrorMessage(e)));
        }
    }
    info.optimization = optimizationName(achieved);
    info.optimizeMs = stage.restart();
    progress(LoadStage::Optimizing, 1.0);

    // Warming up: one small run pays for the first call's one-off costs (operator dispatch
    // set-up, oneDNN initialisation; measured in float32: without it the first 1024x1024 photo
    // took 1.1x the steady time, with it 1.0x; a 32x32 run costs ~80 ms, ~160 ms in bfloat16,
    // whose first full-size photo still takes ~1.1x: oneDNN builds its kernels per shape, and a
    // larger warm-up, 64 to 256, did not lower that). Traced fixed-size models
    // must run at their own size. The run also proves the model's output has the shape we need.
    progress(LoadStage::WarmingUp, 0.0);
    auto segmenter = std::make_unique<TorchSegmenter>(std::move(module), torchDevice, *spec, bf16);
    const cv::Size warmupSize = spec->dynamicSizes ? cv::Size(spec->multiple, spec->multiple)
                                                   : cv::Size(spec->width, spec->height);
    const cv::Mat warmupImage(warmupSize, CV_8UC3, cv::Scalar(128, 128, 128));
    constexpr int kWarmupRuns = 1;
    for (int i = 0; i < kWarmupRuns; ++i) {
        const Segmenter::Run run = segmenter->run(warmupImage, warmupSize);
        if (!run.error.isEmpty() && bf16 && options.precision == Precision::Auto)
            return retryInFloat32(QStringLiteral("running in bfloat16"),
                                  std::runtime_error(run.error.toStdString()));
        if (!run.error.isEmpty())
            return fail(QStringLiteral("the model does not run: %1").arg(run.error));
        progress(LoadStage::WarmingUp, double(i + 1) / kWarmupRuns);
    }
    info.warmupMs = stage.elapsed();
    info.inputSize = QSize(spec->width, spec->height);
    info.totalMs = total.elapsed();
    outcome.segmenter = std::move(segmenter);
    return outcome;
}

} // namespace clearcut::inference
