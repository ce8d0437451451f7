#pragma once

// Small value types that cross the engine's thread boundary through queued signals.

#include <QMetaType>
#include <QSize>
#include <QString>

#include <opencv2/core/mat.hpp>

#include <atomic>
#include <memory>

namespace clearcut {

enum class DevicePreference
{
    Auto,
    Cpu,
    Cuda
};

// Whether models can run on CUDA here (Engine::cudaSupport), and if not, why.
enum class CudaSupport
{
    Available,
    NotBuiltIn,        // this LibTorch was built without CUDA
    NoDevice,          // built with it, but no CUDA device (or driver) is present
    NoInferenceLibrary // LibTorch itself could not be loaded
};

enum class LoadStage
{
    Reading,
    Deserializing,
    Optimizing,
    WarmingUp
};

QString loadStageName(LoadStage stage);

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
    Auto,     // int8 where its variant is within the parity bounds, else bfloat16 on CPUs that
              // compute it natively (AVX512-BF16, AMX), else float32
    Float32,  // exactly the converted network
    BFloat16, // the whole network in bfloat16, channels-last (oneDNN's native layout for it)
    Int8      // the quantised variant (<stem>-int8.pt beside the model, tools/quantize_isnet.py)
              // on LibTorch's onednn engine; where there is none, the float model as Auto runs
              // it. Auto picks int8 too, when the variant's recorded accuracy is within the
              // parity bounds (ModelSpec: int8ParityProblem).
};

// How a model is loaded and run.
struct LoadOptions
{
    DevicePreference device = DevicePreference::Auto;
    Optimization optimization = Optimization::Full;
    Precision precision = Precision::Auto;
    int threads = 0; // 0: the machine's physical cores
    // More than any machine this runs on has; an absurd count made LibTorch try to start them.
    static constexpr int kMaxThreads = 1024;
};

// A hardware reference for benchmarks (Engine::probeHardware): how fast this machine runs one
// large fp32 convolution through LibTorch, with the threads a model would get. ISNet is almost all
// convolutions, so the model's achieved GFLOP/s over this figure says how much of the machine
// inference uses.
struct HardwareReport
{
    double convGflops = 0.0; // 2*Cin*Cout*kh*kw*Hout*Wout / the median run
    double convMs = 0.0;     // the median run
    // The same convolution in bfloat16, on CPUs that compute it natively (else 0): the ceiling
    // for the bfloat16 precision.
    double convBf16Gflops = 0.0;
    double convBf16Ms = 0.0;
    int threads = 0;
    QString cpu;   // "model name" from /proc/cpuinfo
    QString blas;  // as blasDescription()
    QString torch; // LibTorch's version
    QString error; // set when the convolution could not run, or LibTorch could not be loaded
};

// Overall load progress in [0,1] from a stage and the fraction done within it, weighted by how
// long each stage takes for a typical model.
double overallLoadFraction(LoadStage stage, double fraction);

// How the photo is resized for the network, as transparent-background's --resize.
enum class ResizeMode
{
    Static, // the model's own input size (fixed models: exactly that size, stretched)
    Dynamic // keep the aspect ratio, longest side = the model's size, multiples of 32
};

enum class Quality
{
    Best, // the model's full input size
    Fast  // the model's "fast" size (e.g. 512 for ISNet)
};

struct ModelInfo
{
    QString name;
    QString path;
    QString device;        // "cpu", "cuda:0"
    QString blas;          // the BLAS library matrix multiplies go through
    QString optimization;  // what the optimise stage kept
    QString precision;     // what runs: "float32", "bfloat16" or "int8"
    QString precisionNote; // why int8, asked for, does not run (empty otherwise)
    QString torchVersion;
    int threads = 0;
    QSize inputSize;
    qint64 readMs = 0;
    qint64 loadMs = 0;
    qint64 optimizeMs = 0;
    qint64 warmupMs = 0;
    qint64 totalMs = 0;      // loadModel() call to ready
    qint64 readyMs = 0;      // since process start
    qint64 warmMemoryMb = 0; // faulted in ahead for the model (WarmMemory); 0 when off
};

struct SegmentOptions
{
    ResizeMode resize = ResizeMode::Static;
    Quality quality = Quality::Best;
    // TiledPass: a second, tiled pass at twice the scale where the mask is uncertain (large
    // photos; several times the inference cost).
    bool tiled = false;
};

using CancelFlag = std::shared_ptr<std::atomic_bool>;

struct SegmentRequest
{
    // Unique across the process (the engine's results are broadcast to every client): use
    // nextId().
    static quint64 nextId();
    quint64 id = 0;
    std::shared_ptr<const cv::Mat> bgr; // CV_8UC3, any size
    SegmentOptions options;
    CancelFlag cancel; // optional; set it to drop the request if it has not started
    // Served before every request that is not: the photo the user is looking at. Urgent requests
    // keep their order among themselves.
    bool urgent = false;
};

struct SegmentResult
{
    quint64 id = 0;
    std::shared_ptr<const cv::Mat> probability; // CV_32FC1 in [0,1] at the network's resolution
    QSize inputSize;                            // the size the photo was fed at
    double preprocessMs = 0;
    double inferMs = 0;
};

} // namespace clearcut

Q_DECLARE_METATYPE(clearcut::LoadStage)
Q_DECLARE_METATYPE(clearcut::ModelInfo)
Q_DECLARE_METATYPE(clearcut::SegmentRequest)
Q_DECLARE_METATYPE(clearcut::SegmentResult)
