#pragma once

// A hardware reference for benchmarks: how fast this machine runs one large fp32 convolution
// through LibTorch, with the threads a model would get. ISNet is almost all convolutions, so the
// model's achieved GFLOP/s over this figure says how much of the machine inference uses.

#include <QString>

namespace clearcut::inference {

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
    QString error; // set when the convolution could not run
};

// Configures the calling thread as ModelLoader does (threads 0: physical cores), then times
// conv2d([1,128,256,256], [128,128,3,3], padding 1; 19.3 GFLOP, the shape of ISNet's heavier
// layers) in inference mode: 2 warm-up runs, the median of 5; then in bfloat16 where native.
// Takes about two seconds; loads no model.
HardwareReport probeHardware(int threads);

} // namespace clearcut::inference
