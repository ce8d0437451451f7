#pragma once

// Decides once, before loading, where the model runs, and how many threads it gets.

#include "engine/Types.h"

#include <QByteArray>
#include <QString>

#include <utility>
#include <vector>

namespace clearcut::inference {

struct DeviceChoice
{
    QString name;  // "cpu" or "cuda:0"; empty when the preference cannot be met
    QString error; // why, when name is empty
    bool isCuda() const { return name.startsWith(QLatin1String("cuda")); }
};

// Auto: CUDA when this LibTorch was built with it and a GPU is present, else CPU. A cheap probe:
// no model is loaded to find out.
DeviceChoice chooseDevice(DevicePreference preference);

// /proc/cpuinfo as (key, value) pairs in file order, read once; empty where there is none.
const std::vector<std::pair<QByteArray, QByteArray>> &cpuInfo();
// The first value of a /proc/cpuinfo key ("model name", "flags"), or empty.
QByteArray cpuInfoValue(const QByteArray &key);

// Physical cores (not SMT siblings): inference is compute bound and hyper-threads only contend.
int physicalCoreCount();

// Sets LibTorch's intra-op threads for the calling thread (OpenMP's setting is per thread, so this
// runs on the engine thread). Returns the count in force.
int configureThreads(int requested = 0);

// Which BLAS matrix multiplies go through, e.g. "OpenBLAS 0.3.21 ... (libblas.so.3)".
QString blasDescription();

// Whether the CPU computes bfloat16 dot products natively (AVX512-BF16 or AMX-BF16): there,
// the probe's bfloat16 convolution runs ~1.8x faster than float32 and ISNet ~2x; elsewhere oneDNN
// emulates bfloat16 slowly.
bool cpuHasNativeBf16();

QString torchVersion();
bool cudaCompiledIn();
// What chooseDevice(DevicePreference::Cuda) would find, without its message.
CudaSupport cudaSupport();

} // namespace clearcut::inference
