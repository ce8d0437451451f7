#include "Device.h"

#include <ATen/Context.h>
#include <ATen/Parallel.h>
#include <torch/cuda.h>
#include <torch/version.h>

#include <QFile>
#include <QFileInfo>
#include <QSet>
#include <QThread>

#if defined(Q_OS_UNIX)
#include <dlfcn.h>
#endif

namespace clearcut::inference {

DeviceChoice chooseDevice(DevicePreference preference)
{
    const bool cudaAvailable = torch::cuda::is_available();
    switch (preference) {
    case DevicePreference::Cpu:
        return {QStringLiteral("cpu"), {}};
    case DevicePreference::Cuda:
        if (cudaAvailable)
            return {QStringLiteral("cuda:0"), {}};
        return {{},
                cudaCompiledIn()
                    ? QStringLiteral("CUDA was requested but no CUDA device is available")
                    : QStringLiteral("CUDA was requested but this LibTorch build has no CUDA "
                                     "support")};
    case DevicePreference::Auto:
        break;
    }
    return {cudaAvailable ? QStringLiteral("cuda:0") : QStringLiteral("cpu"), {}};
}

const std::vector<std::pair<QByteArray, QByteArray>> &cpuInfo()
{
    static const std::vector<std::pair<QByteArray, QByteArray>> entries = [] {
        std::vector<std::pair<QByteArray, QByteArray>> result;
#ifdef Q_OS_LINUX
        QFile file(QStringLiteral("/proc/cpuinfo"));
        if (file.open(QIODevice::ReadOnly)) {
            const QList<QByteArray> lines = file.readAll().split('\n');
            for (const QByteArray &line : lines) {
                const int colon = line.indexOf(':');
                if (colon > 0)
                    result.emplace_back(line.left(colon).trimmed(), line.mid(colon + 1).trimmed());
            }
        }
#endif
        return result;
    }();
    return entries;
}

QByteArray cpuInfoValue(const QByteArray &key)
{
    for (const auto &[k, value] : cpuInfo())
        if (k == key)
            return value;
    return {};
}

int physicalCoreCount()
{
    QSet<QByteArray> cores;
    QByteArray physicalId;
    for (const auto &[key, value] : cpuInfo()) {
        if (key == "physical id")
            physicalId = value;
        else if (key == "core id")
            cores.insert(physicalId + '/' + value);
    }
    if (!cores.isEmpty())
        return int(cores.size());
    return std::max(1, QThread::idealThreadCount());
}

int configureThreads(int requested)
{
    at::init_num_threads();
    at::set_num_threads(requested > 0 ? requested : physicalCoreCount());
    return at::get_num_threads();
}

QString blasDescription()
{
#if !defined(Q_OS_UNIX)
    return QStringLiteral("unknown"); // LibTorch's Windows builds use MKL, linked in
#else
    void *sgemm = dlsym(RTLD_DEFAULT, "sgemm_");
    QString library;
    Dl_info info{};
    if (sgemm && dladdr(sgemm, &info) && info.dli_fname)
        library = QFileInfo(QString::fromLocal8Bit(info.dli_fname)).canonicalFilePath();
    using ConfigFn = char *(*)();
    if (auto config = reinterpret_cast<ConfigFn>(dlsym(RTLD_DEFAULT, "openblas_get_config")))
        return QStringLiteral("%1 (%2)").arg(QString::fromLatin1(config()).trimmed(), library);
    if (library.isEmpty())
        return QStringLiteral("unknown");
    return QStringLiteral("%1 (not OpenBLAS: matrix multiplies may be slow)").arg(library);
#endif
}

bool cpuHasNativeBf16()
{
    const QList<QByteArray> flags = cpuInfoValue("flags").split(' ');
    return flags.contains("avx512_bf16") || flags.contains("amx_bf16");
}

QString torchVersion()
{
    return QStringLiteral(TORCH_VERSION);
}

bool cudaCompiledIn()
{
    return at::Context::hasCUDA();
}

CudaSupport cudaSupport()
{
    if (!cudaCompiledIn())
        return CudaSupport::NotBuiltIn;
    return torch::cuda::is_available() ? CudaSupport::Available : CudaSupport::NoDevice;
}

} // namespace clearcut::inference
