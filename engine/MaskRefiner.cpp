#include "MaskRefiner.h"

#include "Resampler.h"

#include <opencv2/core.hpp>

#include <algorithm>
#include <cmath>

namespace clearcut::MaskRefiner {

cv::Mat quantized(const cv::Mat &prob)
{
    CV_Assert(prob.type() == CV_32FC1 && !prob.empty());
    // The low-resolution map is small (~1 MP): a plain loop costs ~1 ms. Upsampling 8-bit data
    // afterwards is ~10x faster than resizing floats to 24 MP.
    cv::Mat low(prob.size(), CV_8UC1);
    for (int y = 0; y < prob.rows; ++y) {
        const float *p = prob.ptr<float>(y);
        uchar *m = low.ptr<uchar>(y);
        for (int x = 0; x < prob.cols; ++x) {
            const float v = std::isnan(p[x]) ? 0.0f : std::clamp(p[x], 0.0f, 1.0f);
            m[x] = uchar(v * 255.0f); // truncates, as the reference's Uint8Array does
        }
    }
    return low;
}

cv::Mat toFullResolution(const cv::Mat &low, const cv::Size &size)
{
    CV_Assert((low.type() == CV_32FC1 || low.type() == CV_8UC1) && !low.empty() && size.width > 0 &&
              size.height > 0);
    const cv::Mat mask = low.type() == CV_8UC1 ? low : quantized(low);
    return mask.size() == size ? mask : Resampler::bilinear(mask, size);
}

cv::Mat adjusted(const cv::Mat &mask8u, const MaskAdjust &adjust)
{
    CV_Assert(mask8u.type() == CV_8UC1);
    if (adjust.isNoOp())
        return mask8u;
    // Both steps are per-value, so they fold into one table lookup.
    cv::Mat table(1, 256, CV_8U);
    for (int v = 0; v < 256; ++v) {
        int out = v;
        if (adjust.threshold)
            out = v / 255.0 >= *adjust.threshold ? 255 : 0;
        if (adjust.reverse)
            out = 255 - out;
        table.at<uchar>(v) = uchar(out);
    }
    cv::Mat result;
    cv::LUT(mask8u, table, result);
    return result;
}

} // namespace clearcut::MaskRefiner
