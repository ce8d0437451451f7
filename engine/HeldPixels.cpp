#include "HeldPixels.h"

#include <atomic>

namespace clearcut::HeldPixels {
namespace {

std::atomic_int g_alive{0};
std::atomic_int g_peak{0};

} // namespace

std::shared_ptr<const cv::Mat> hold(cv::Mat bgr)
{
    const int now = g_alive.fetch_add(1) + 1;
    int peakSoFar = g_peak.load();
    while (now > peakSoFar && !g_peak.compare_exchange_weak(peakSoFar, now)) {
    }
    return std::shared_ptr<const cv::Mat>(new cv::Mat(std::move(bgr)), [](const cv::Mat *mat) {
        delete mat;
        g_alive.fetch_sub(1);
    });
}

int alive()
{
    return g_alive.load();
}

int peak()
{
    return g_peak.load();
}

void resetPeak()
{
    g_peak.store(g_alive.load());
}

} // namespace clearcut::HeldPixels
