#pragma once

// Turns a TorchScript file into a ready Segmenter, in stages that report real progress:
// reading the bytes, deserialising, optimising, warming up. Runs on the engine thread; one copy of
// the weights stays in memory.

#include "engine/Types.h"

#include <QString>

#include <functional>
#include <memory>

namespace clearcut::inference {

class Segmenter;

enum class Optimization
{
    None,   // run the module as saved
    Freeze, // torch::jit::freeze: weights become constants, attribute lookups fold away
    Full    // the fastest form: float32, freeze + optimize_for_inference (oneDNN convolutions with
            // pre-packed weights); bfloat16, the module as it is (freezing gained nothing there)
};

// The arithmetic convolutions and matrix multiplies run in.
enum class Precision
{
    Auto,    // bfloat16 on CPUs that compute it natively (AVX512-BF16, AMX), else float32
    Float32, // exactly the converted network
    BFloat16 // the whole network in bfloat16, channels-last (oneDNN's native layout for it)
};

struct LoadOptions
{
    DevicePreference device = DevicePreference::Auto;
    Optimization optimization = Optimization::Full;
    Precision precision = Precision::Auto;
    int threads = 0; // 0: the machine's physical cores
};

class ModelLoader final
{
public:
    using Progress = std::function<void(LoadStage, double)>;

    struct Outcome
    {
        std::unique_ptr<Segmenter> segmenter; // null on failure
        ModelInfo info;
        QString error; // one line naming the file and the reason
    };

    static Outcome load(const QString &path, const LoadOptions &options, const Progress &progress);
};

} // namespace clearcut::inference
