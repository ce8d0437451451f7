#include "HardwareProbe.h"

#include "Device.h"
#include "TorchError.h"

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include <QElapsedTimer>

#include <algorithm>
#include <vector>

namespace clearcut::inference {
namespace {

constexpr int kWarmupRuns = 2;
constexpr int kTimedRuns = 5;

} // namespace

HardwareReport probeHardware(int threads)
{
    HardwareReport report;
    const QByteArray model = cpuInfoValue("model name");
    report.cpu = model.isEmpty() ? QStringLiteral("unknown") : QString::fromUtf8(model);
    report.torch = torchVersion();
    try {
        report.threads = configureThreads(threads);
        report.blas = blasDescription();

        c10::InferenceMode inferenceMode;
        const auto time = [](at::ScalarType type, double *ms, double *gflops) {
            constexpr int64_t kChannels = 128, kSize = 256, kKernel = 3;
            const at::Tensor input = at::randn({1, kChannels, kSize, kSize}).to(type);
            const at::Tensor weight = at::randn({kChannels, kChannels, kKernel, kKernel}).to(type);
            at::Tensor output;
            for (int i = 0; i < kWarmupRuns; ++i)
                output = at::conv2d(input, weight, {}, /*stride=*/1, /*padding=*/1);
            std::vector<double> runs;
            for (int i = 0; i < kTimedRuns; ++i) {
                QElapsedTimer timer;
                timer.start();
                output = at::conv2d(input, weight, {}, /*stride=*/1, /*padding=*/1);
                runs.push_back(double(timer.nsecsElapsed()) / 1e6);
            }
            std::nth_element(runs.begin(), runs.begin() + kTimedRuns / 2, runs.end());
            *ms = runs[kTimedRuns / 2];
            const double flops = 2.0 * kChannels * kChannels * kKernel * kKernel *
                                 double(output.size(2)) * double(output.size(3));
            *gflops = flops / (*ms * 1e6);
        };
        time(at::kFloat, &report.convMs, &report.convGflops);
        if (cpuHasNativeBf16())
            time(at::kBFloat16, &report.convBf16Ms, &report.convBf16Gflops);
    } catch (const std::exception &e) {
        report.error = torchErrorMessage(e);
    }
    return report;
}

} // namespace clearcut::inference
