#pragma once

// From the network's low-resolution probability map to the mask the photo is cut with.

#include <opencv2/core/mat.hpp>

#include <optional>

namespace clearcut {

struct MaskAdjust
{
    std::optional<double> threshold; // in [0,1]: mask/255 >= t -> 255, else 0
    bool reverse = false;            // applied after the threshold: 255 - mask

    bool isNoOp() const { return !threshold && !reverse; }
};

namespace MaskRefiner {

// prob: CV_32FC1, any size, nominally [0,1] (values outside are clamped, NaN becomes 0).
// Returns CV_8UC1 of the same size: the probability truncated to 8 bits (p * 255), as the
// reference runtime makes its alpha. This is the mask a photo keeps (1 byte a pixel at the
// network's resolution): every output is made from it, so nothing is lost by keeping only it.
cv::Mat quantized(const cv::Mat &prob);

// low: the network's output as CV_32FC1 (quantized first) or as quantized() made it (CV_8UC1).
// Returns CV_8UC1 of `size`, upsampled with Resampler::bilinear: the same sampling convention
// the photo was downsampled with, so the mask lines up with the photo.
cv::Mat toFullResolution(const cv::Mat &low, const cv::Size &size);

// mask8u: CV_8UC1. Returns a new mat, or mask8u itself (shared) when adjust is a no-op.
cv::Mat adjusted(const cv::Mat &mask8u, const MaskAdjust &adjust);

} // namespace MaskRefiner
} // namespace clearcut
