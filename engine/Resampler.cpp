#include "Resampler.h"

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

namespace clearcut::Resampler {
namespace {

struct Tap
{
    int a;   // first source index (already times channels for x)
    int b;   // second source index, clamped to the edge
    float w; // weight of b
};

std::vector<Tap> taps(int srcLen, int dstLen, int channels)
{
    std::vector<Tap> result(static_cast<size_t>(dstLen));
    const double ratio = double(srcLen) / dstLen;
    for (int i = 0; i < dstLen; ++i) {
        const double s = i * ratio;
        const int a = std::min(int(std::floor(s)), srcLen - 1);
        const int b = std::min(a + 1, srcLen - 1);
        result[size_t(i)] = {a * channels, b * channels, float(s - a)};
    }
    return result;
}

} // namespace

cv::Mat bilinear(const cv::Mat &src, const cv::Size &size)
{
    CV_Assert(src.depth() == CV_8U && !src.empty() && size.width > 0 && size.height > 0);
    if (src.size() == size)
        return src.clone();
    const int cn = src.channels();
    const std::vector<Tap> xs = taps(src.cols, size.width, cn);
    const std::vector<Tap> ys = taps(src.rows, size.height, 1);
    cv::Mat dst(size, src.type());
    const int rowLen = size.width * cn;

    cv::parallel_for_(cv::Range(0, size.height), [&](const cv::Range &range) {
        // Horizontally interpolated source rows, reused while consecutive output rows map to
        // the same pair (the common case when upsampling).
        std::vector<float> upper(static_cast<size_t>(rowLen)), lower(static_cast<size_t>(rowLen));
        int upperRow = -1, lowerRow = -1;
        auto horizontal = [&](int row, std::vector<float> &out) {
            const uchar *s = src.ptr<uchar>(row);
            for (int x = 0; x < size.width; ++x) {
                const Tap &t = xs[size_t(x)];
                for (int c = 0; c < cn; ++c) {
                    const float p = s[t.a + c];
                    out[size_t(x * cn + c)] = p + t.w * (float(s[t.b + c]) - p);
                }
            }
        };
        for (int y = range.start; y < range.end; ++y) {
            const Tap &t = ys[size_t(y)];
            if (t.a != upperRow) {
                if (t.a == lowerRow) {
                    std::swap(upper, lower);
                    std::swap(upperRow, lowerRow);
                } else {
                    horizontal(t.a, upper);
                    upperRow = t.a;
                }
            }
            if (t.b != lowerRow) {
                horizontal(t.b, lower);
                lowerRow = t.b;
            }
            uchar *d = dst.ptr<uchar>(y);
            const float w = t.w;
            for (int i = 0; i < rowLen; ++i) {
                const float v = upper[size_t(i)] + w * (lower[size_t(i)] - upper[size_t(i)]);
                d[i] = uchar(std::min(255.0f, v + 0.5f)); // v >= 0: truncation rounds half up
            }
        }
    });
    return dst;
}

cv::Mat scaledToFit(const cv::Mat &src, int maxSide)
{
    const int longest = std::max(src.cols, src.rows);
    if (longest <= maxSide)
        return src;
    const double f = double(maxSide) / longest;
    cv::Mat scaled;
    cv::resize(src, scaled,
               cv::Size(std::max(1, int(std::lround(src.cols * f))),
                        std::max(1, int(std::lround(src.rows * f)))),
               0, 0, cv::INTER_AREA);
    return scaled;
}

} // namespace clearcut::Resampler
