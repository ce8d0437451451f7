#include "MaskRefiner.h"

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

namespace clearcut::MaskRefiner {

cv::Mat toFullResolution(const cv::Mat &prob, const cv::Size &size)
{
    CV_Assert(prob.type() == CV_32FC1 && !prob.empty() && size.width > 0 && size.height > 0);
    // NaN would survive the resize and convert to an arbitrary value; make it 0 up front (the
    // low-resolution map is small, so this costs nothing).
    cv::Mat clean = prob;
    if (!cv::checkRange(prob, true)) {
        clean = prob.clone();
        cv::patchNaNs(clean, 0.0);
    }
    // Resizing in float and rounding once is exact; converting to 8 bits first would round twice
    // (off by one on ~1/4 of edge pixels) for no measurable speed gain.
    cv::Mat full;
    if (clean.size() == size)
        full = clean;
    else
        cv::resize(clean, full, size, 0, 0, cv::INTER_LINEAR);
    cv::Mat mask;
    full.convertTo(mask, CV_8U, 255.0); // saturating: clamps to [0,1]
    return mask;
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
