#include "ModelLoader.h"

#include "Device.h"
#include "SegmenterImpl.h"
#include "TorchError.h"

#include <caffe2/serialize/read_adapter_interface.h>
#include <torch/csrc/jit/runtime/graph_executor.h>

#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>

#include <cstring>

namespace clearcut::inference {
namespace {

constexpr qint64 kReadChunk = 8 << 20;

// Lets torch::jit::load read the bytes we already hold, instead of a second pass over the file.
class ByteArrayReader final : public caffe2::serialize::ReadAdapterInterface
{
public:
    explicit ByteArrayReader(const QByteArray &bytes) : m_bytes(bytes) {}
    size_t size() const override { return size_t(m_bytes.size()); }
    size_t read(uint64_t pos, void *buf, size_t n, const char *) const override
    {
        if (pos >= size())
            return 0;
        n = std::min<size_t>(n, size() - pos);
        std::memcpy(buf, m_bytes.constData() + pos, n);
        return n;
    }

private:
    const QByteArray &m_bytes;
};

QString describeDeserializeError(const QString &message)
{
    if (message.contains(QLatin1String("central directory")) ||
        message.contains(QLatin1String("file not found")) ||
        message.contains(QLatin1String("PytorchStreamReader")))
        return QStringLiteral("not a TorchScript archive, or the file is truncated (%1)").arg(message);
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

    QString specError;
    const auto spec = ModelSpec::forModelFile(path, &specError);
    if (!QFileInfo::exists(path))
        return fail(QStringLiteral("model file not found (%1)").arg(path));
    if (!spec)
        return fail(specError);
    info.name = spec->name;

    const DeviceChoice device = chooseDevice(options.device);
    if (!device.error.isEmpty())
        return fail(device.error);
    info.device = device.name;
    info.threads = configureThreads(options.threads);
    info.blas = blasDescription();

    // Reading: the only stage whose progress can be measured in bytes.
    QElapsedTimer stage;
    stage.start();
    progress(LoadStage::Reading, 0.0);
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return fail(QStringLiteral("cannot open the model file (%1)").arg(file.errorString()));
    const qint64 size = file.size();
    if (size == 0)
        return fail(QStringLiteral("the model file is empty"));
    QByteArray bytes(size, Qt::Uninitialized);
    for (qint64 done = 0; done < size;) {
        const qint64 n = file.read(bytes.data() + done, std::min(kReadChunk, size - done));
        if (n <= 0)
            return fail(QStringLiteral("cannot read the model file (%1)").arg(file.errorString()));
        done += n;
        progress(LoadStage::Reading, double(done) / size);
    }
    file.close();
    info.readMs = stage.restart();

    // Deserialising.
    progress(LoadStage::Deserializing, 0.0);
    auto impl = std::make_unique<Segmenter::Impl>();
    impl->spec = *spec;
    impl->device = torch::Device(device.name.toStdString());
    try {
        torch::jit::Module module =
            torch::jit::load(std::make_shared<ByteArrayReader>(bytes), impl->device);
        bytes = QByteArray(); // the module holds its own copy of the weights now
        module.eval();
        impl->module = std::move(module);
    } catch (const std::exception &e) {
        return fail(describeDeserializeError(torchErrorMessage(e)));
    }
    info.loadMs = stage.restart();
    progress(LoadStage::Deserializing, 1.0);

    // Optimising: freezing folds the weights into the graph; optimize_for_inference then turns
    // convolutions into oneDNN ones with pre-packed weights. A model that refuses either keeps the
    // last form that worked.
    progress(LoadStage::Optimizing, 0.0);
    Optimization achieved = Optimization::None;
    if (options.optimization != Optimization::None) {
        try {
            torch::jit::Module frozen = torch::jit::freeze(impl->module);
            impl->module = std::move(frozen);
            achieved = Optimization::Freeze;
            progress(LoadStage::Optimizing, 0.5);
            if (options.optimization == Optimization::Full && impl->device.is_cpu()) {
                impl->module = torch::jit::optimize_for_inference(impl->module);
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

    // Warming up: the first runs of a TorchScript graph profile and specialise it, and the first
    // oneDNN call builds its kernels. Small inputs do that cheaply for models that accept any
    // size; traced fixed-size models must run at their own size. The run also proves the model's
    // output has the shape we need.
    progress(LoadStage::WarmingUp, 0.0);
    std::unique_ptr<Segmenter> segmenter(new Segmenter(std::move(impl)));
    const cv::Size warmupSize = spec->dynamicSizes
                                    ? cv::Size(spec->multiple * 2, spec->multiple * 2)
                                    : cv::Size(spec->width, spec->height);
    const cv::Mat warmupImage(warmupSize, CV_8UC3, cv::Scalar(128, 128, 128));
    constexpr int kWarmupRuns = 2;
    for (int i = 0; i < kWarmupRuns; ++i) {
        const Segmenter::Run run = segmenter->run(warmupImage, warmupSize);
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
