#pragma once

// Bilinear resampling with the sampling convention of the reference runtime
// (@imgly/background-removal): source = destination * (srcSize / dstSize), no half-pixel
// offset, no area averaging, round half up. The network was tuned on inputs made this way and
// parity with the reference's masks depends on it (OpenCV's half-pixel INTER_LINEAR alone moves the
// mean mask difference by ~1/255).

#include <opencv2/core/mat.hpp>

namespace clearcut::Resampler {

// src: CV_8UC1/3/4. Parallel over rows; cheap enough to upsample a mask to 24 MP.
cv::Mat bilinear(const cv::Mat &src, const cv::Size &size);

// For display copies, previews and thumbnails (not for the network): the image scaled so its
// longest side is at most maxSide (never enlarged; then src itself, shared), with area
// averaging.
cv::Mat scaledToFit(const cv::Mat &src, int maxSide);

} // namespace clearcut::Resampler
