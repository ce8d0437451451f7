#pragma once

// LibTorch lives in a library of its own (libclearcut_inference), loaded at run time on the
// engine thread: its static initialisation takes ~350 ms, which must not stand between a
// double-click and the window. This is the torch-free door to it.

#include "HardwareProbe.h"
#include "ModelLoader.h"

#include <QString>

namespace clearcut {
class WarmMemory;
}

namespace clearcut::inference {

struct InferenceApi
{
    int abiVersion;
    ModelLoader::Outcome (*loadModel)(const QString &path, const LoadOptions &options,
                                      const ModelLoader::Progress &progress);
    QString (*torchVersion)();
    HardwareReport (*probeHardware)(int threads); // on the calling thread, about a second
    CudaSupport (*cudaSupport)();
    void (*useWarmMemory)(WarmMemory *memory); // for the process's life; see WarmMemory.h
};

inline constexpr int kInferenceAbiVersion = 4;

// Loads the library the first time (searching CLEARCUT_INFERENCE_LIBRARY, then next to the
// executable, then the install's private library folder relative to it, e.g. ../lib/clearcut)
// and keeps it for the process's life. Returns null with *error set when it cannot be loaded.
const InferenceApi *inferenceApi(QString *error);

} // namespace clearcut::inference
