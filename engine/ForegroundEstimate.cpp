#include "ForegroundEstimate.h"

#include <opencv2/core.hpp>
#include <opencv2/core/hal/intrin.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace clearcut::ForegroundEstimate {
namespace {

// Blur fusion runs its wide pass (~90 px box, as in the paper) on 8x8 block means: that pass is
// a low-pass filter anyway, and at full resolution it would dominate the cost on 24 MP.
constexpr int kBlock = 8;
constexpr int kWideKernelBlocks = 11; // 88 px
constexpr int kNarrowRadius = 3;      // the second pass: a 7x7 box at full resolution
constexpr int kBandRows = 64;         // the narrow pass works band by band, in parallel,
constexpr int kTileColumns = 256;     // and tile by tile within a band
constexpr float kEps = 1e-5f;
// From this mask value up, a pixel keeps the photo's colour: the estimate would differ from it by
// (1 - a) times a mix of colours, under 1% (~2 levels). ISNet's masks top out at 254 (the
// probability never reaches 1, and the reference truncates), so without this the whole subject
// would go through the estimate: on the test photos, 10-50% of all pixels are 253 or 254.
constexpr uchar kOpaqueColour = 253;

// The wide pass: local means of the foreground (I*a) and background (I*(1-a)) colours.
struct WideEstimate
{
    cv::Mat foreground; // CV_32FC3 per block, 0..255
    cv::Mat background; // CV_32FC3 per block, 0..255
};

WideEstimate wideEstimate(const cv::Mat &photo, const cv::Mat &mask)
{
    const int cols = (photo.cols + kBlock - 1) / kBlock;
    const int rows = (photo.rows + kBlock - 1) / kBlock;
    cv::Mat alphaMean(rows, cols, CV_32FC1), fgMean(rows, cols, CV_32FC3),
        bgMean(rows, cols, CV_32FC3);

    cv::parallel_for_(cv::Range(0, rows), [&](const cv::Range &range) {
        // Per block, exact integer sums of m, of I and of I*m (an 8x8 block's I*m stays below
        // 2^22); I*a = I*m / 255 and I*(1-a) = I - I*m / 255 follow at the end.
        std::vector<std::int32_t> sums(size_t(cols) * 7);
        for (int by = range.start; by < range.end; ++by) {
            std::fill(sums.begin(), sums.end(), 0);
            const int y0 = by * kBlock, y1 = std::min(photo.rows, y0 + kBlock);
            for (int y = y0; y < y1; ++y) {
                const uchar *p = photo.ptr<uchar>(y);
                const uchar *m = mask.ptr<uchar>(y);
                for (int bx = 0; bx < cols; ++bx) {
                    const int x0 = bx * kBlock, x1 = std::min(photo.cols, x0 + kBlock);
                    std::int32_t sm = 0, s0 = 0, s1 = 0, s2 = 0, sm0 = 0, sm1 = 0, sm2 = 0;
                    for (int x = x0; x < x1; ++x) {
                        const std::int32_t a = m[x];
                        const std::int32_t c0 = p[3 * x], c1 = p[3 * x + 1], c2 = p[3 * x + 2];
                        sm += a;
                        s0 += c0;
                        s1 += c1;
                        s2 += c2;
                        sm0 += c0 * a;
                        sm1 += c1 * a;
                        sm2 += c2 * a;
                    }
                    std::int32_t *s = &sums[size_t(bx) * 7];
                    s[0] += sm;
                    s[1] += s0;
                    s[2] += s1;
                    s[3] += s2;
                    s[4] += sm0;
                    s[5] += sm1;
                    s[6] += sm2;
                }
            }
            float *am = alphaMean.ptr<float>(by);
            float *fm = fgMean.ptr<float>(by);
            float *bm = bgMean.ptr<float>(by);
            for (int bx = 0; bx < cols; ++bx) {
                const int width = std::min(photo.cols, (bx + 1) * kBlock) - bx * kBlock;
                const float inv = 1.0f / float(width * (y1 - y0));
                const std::int32_t *s = &sums[size_t(bx) * 7];
                am[bx] = float(s[0]) * (1.0f / 255.0f) * inv;
                for (int c = 0; c < 3; ++c) {
                    const float foreground = float(s[4 + c]) * (1.0f / 255.0f);
                    fm[3 * bx + c] = foreground * inv;
                    bm[3 * bx + c] = (float(s[1 + c]) - foreground) * inv;
                }
            }
        }
    });

    const cv::Size kernel(kWideKernelBlocks, kWideKernelBlocks);
    cv::blur(alphaMean, alphaMean, kernel);
    cv::blur(fgMean, fgMean, kernel);
    cv::blur(bgMean, bgMean, kernel);
    for (int y = 0; y < rows; ++y) {
        const float *am = alphaMean.ptr<float>(y);
        float *fm = fgMean.ptr<float>(y);
        float *bm = bgMean.ptr<float>(y);
        for (int x = 0; x < cols; ++x) {
            const float toF = 1.0f / (am[x] + kEps);
            const float toB = 1.0f / (1.0f - am[x] + kEps);
            for (int c = 0; c < 3; ++c) {
                fm[3 * x + c] *= toF;
                bm[3 * x + c] *= toB;
            }
        }
    }
    return {fgMean, bgMean};
}

// Columns [first, last] of the semi-transparent pixels in each row (last < 0: none).
struct RowSpan
{
    int first;
    int last;
};

} // namespace

// out: CV_8UC3, or CV_8UC4 whose alpha is set to the mask too (writing BGRA directly saves a
// 24 MP channel merge).
void estimateInto(const cv::Mat &photoBgr, const cv::Mat &mask, cv::Mat &out)
{
    const int width = photoBgr.cols, height = photoBgr.rows;
    const int n = out.channels();
    std::vector<RowSpan> spans(size_t(height), RowSpan{width, -1});

    // Opaque pixels (and nearly opaque ones, see kOpaqueColour) keep their colour, transparent
    // ones become 0; note where the rest are.
    cv::parallel_for_(cv::Range(0, height), [&](const cv::Range &range) {
        for (int y = range.start; y < range.end; ++y) {
            const uchar *p = photoBgr.ptr<uchar>(y);
            const uchar *m = mask.ptr<uchar>(y);
            uchar *o = out.ptr<uchar>(y);
            RowSpan &span = spans[size_t(y)];
            const auto noteSpan = [&](int x) {
                if (m[x] != 0 && m[x] < kOpaqueColour) {
                    span.first = std::min(span.first, x);
                    span.last = x;
                }
            };
            int x = 0;
            // Sixteen pixels at a time; the span's ends are found within a chunk only where one
            // of its pixels is semi-transparent.
            const cv::v_uint8x16 opaque = cv::v_setall_u8(kOpaqueColour), zero = cv::v_setzero_u8();
            for (; x + 16 <= width; x += 16) {
                cv::v_uint8x16 b, g, r;
                cv::v_load_deinterleave(p + 3 * x, b, g, r);
                const cv::v_uint8x16 alpha = cv::v_load(m + x);
                const cv::v_uint8x16 keep = alpha >= opaque;
                b &= keep;
                g &= keep;
                r &= keep;
                if (n == 4)
                    cv::v_store_interleave(o + 4 * x, b, g, r, alpha);
                else
                    cv::v_store_interleave(o + 3 * x, b, g, r);
                if (cv::v_check_any((alpha != zero) & ~keep)) {
                    for (int i = x; i < x + 16; ++i)
                        noteSpan(i);
                }
            }
            for (; x < width; ++x) {
                const uchar keep = m[x] >= kOpaqueColour ? 0xFF : 0;
                for (int c = 0; c < 3; ++c)
                    o[n * x + c] = p[3 * x + c] & keep;
                if (n == 4)
                    o[n * x + 3] = m[x];
                noteSpan(x);
            }
        }
    });
    if (std::all_of(spans.begin(), spans.end(), [](const RowSpan &s) { return s.last < 0; }))
        return; // a hard mask: nothing to estimate

    const WideEstimate wide = wideEstimate(photoBgr, mask);
    const int bands = (height + kBandRows - 1) / kBandRows;
    const int r = kNarrowRadius;

    cv::parallel_for_(cv::Range(0, bands), [&](const cv::Range &range) {
        std::vector<float> alpha3, toF3, toB3; // per-thread row scratch
        std::vector<uchar> result;
        for (int band = range.start; band < range.end; ++band) {
            const int y0 = band * kBandRows, y1 = std::min(height, y0 + kBandRows);
            int first = width, last = -1;
            for (int y = y0; y < y1; ++y) {
                first = std::min(first, spans[size_t(y)].first);
                last = std::max(last, spans[size_t(y)].last);
            }
            if (last < 0)
                continue;
            // Tile by tile across the band's semi-transparent columns, so that a tile's seven
            // float maps stay in the core's cache between the passes over them.
            for (int tx0 = first; tx0 <= last; tx0 += kTileColumns) {
                const int tx1 = std::min(last + 1, tx0 + kTileColumns);
                // Output columns [tx0, tx1) plus the narrow box's reach.
                const cv::Rect region(
                    cv::Point(std::max(0, tx0 - r), std::max(0, y0 - r)),
                    cv::Point(std::min(width, tx1 + r), std::min(height, y1 + r)));
                cv::Mat alpha(region.size(), CV_32FC1), fgA(region.size(), CV_32FC3),
                    bgA(region.size(), CV_32FC3);

                // The wide means at full resolution over the region: bilinear with block centres at
                // kBlock * (j + 0.5), which is cv::resize's convention for an integer factor. A
                // block of margin where there is one keeps the region's edges interpolating between
                // the right neighbours; at the image's edges resize clamps to the edge block. The
                // upsampled blocks always cover the region: they reach one block past its last
                // pixel.
                const int blockCols = wide.foreground.cols, blockRows = wide.foreground.rows;
                const cv::Rect blocks(
                    cv::Point(std::max(0, region.x / kBlock - 1),
                              std::max(0, region.y / kBlock - 1)),
                    cv::Point(std::min(blockCols, (region.br().x - 1) / kBlock + 2),
                              std::min(blockRows, (region.br().y - 1) / kBlock + 2)));
                cv::Mat fgWide, bgWide;
                const cv::Size upSize(blocks.width * kBlock, blocks.height * kBlock);
                cv::resize(wide.foreground(blocks), fgWide, upSize, 0, 0, cv::INTER_LINEAR);
                cv::resize(wide.background(blocks), bgWide, upSize, 0, 0, cv::INTER_LINEAR);
                const cv::Point offset(region.x - blocks.x * kBlock, region.y - blocks.y * kBlock);
                // First-pass foreground F1 = Fw + a (I - a Fw - (1-a) Bw) from the wide means,
                // then the narrow pass's inputs F1*a and Bw*(1-a): flat loops over the row's
                // samples, with the alpha spread over the channels first, so they vectorise.
                const int samples = 3 * region.width;
                alpha3.resize(size_t(samples));
                for (int ry = 0; ry < region.height; ++ry) {
                    const int y = region.y + ry;
                    const float *fw = fgWide.ptr<float>(offset.y + ry) + 3 * offset.x;
                    const float *bw = bgWide.ptr<float>(offset.y + ry) + 3 * offset.x;
                    const uchar *p = photoBgr.ptr<uchar>(y) + 3 * region.x;
                    const uchar *m = mask.ptr<uchar>(y) + region.x;
                    float *al = alpha.ptr<float>(ry);
                    float *fa = fgA.ptr<float>(ry);
                    float *ba = bgA.ptr<float>(ry);
                    float *a3 = alpha3.data();
                    for (int rx = 0; rx < region.width; ++rx) {
                        const float a = m[rx] * (1.0f / 255.0f);
                        al[rx] = a;
                        a3[3 * rx] = a3[3 * rx + 1] = a3[3 * rx + 2] = a;
                    }
                    for (int i = 0; i < samples; ++i) {
                        const float a = a3[i];
                        const float f =
                            std::min(255.0f, std::max(0.0f, fw[i] + a * (float(p[i]) - a * fw[i] -
                                                                         (1.0f - a) * bw[i])));
                        fa[i] = f * a;
                        ba[i] = bw[i] * (1.0f - a);
                    }
                }

                const cv::Size kernel(2 * r + 1, 2 * r + 1);
                cv::blur(alpha, alpha, kernel);
                cv::blur(fgA, fgA, kernel);
                cv::blur(bgA, bgA, kernel);

                // F = Fb + a (I - a Fb - (1-a) Bb) over each row's semi-transparent span, computed
                // for every sample of the span (vectorised) and stored where 0 < m < kOpaqueColour.
                for (int y = y0; y < y1; ++y) {
                    const RowSpan &span = spans[size_t(y)];
                    if (span.last < 0)
                        continue;
                    const int xs = std::max(span.first, tx0), xe = std::min(span.last, tx1 - 1);
                    if (xs > xe)
                        continue;
                    const int ry = y - region.y;
                    const int rx0 = xs - region.x;
                    const int count = xe - xs + 1;
                    const uchar *p = photoBgr.ptr<uchar>(y) + 3 * xs;
                    const uchar *m = mask.ptr<uchar>(y) + xs;
                    const float *al = alpha.ptr<float>(ry) + rx0;
                    const float *fa = fgA.ptr<float>(ry) + 3 * rx0;
                    const float *ba = bgA.ptr<float>(ry) + 3 * rx0;
                    float *a3 = alpha3.data();
                    toF3.resize(size_t(3 * count));
                    toB3.resize(size_t(3 * count));
                    result.resize(size_t(3 * count));
                    for (int x = 0; x < count; ++x) {
                        const float a = m[x] * (1.0f / 255.0f);
                        const float toF = 1.0f / (al[x] + kEps);
                        const float toB = 1.0f / (1.0f - al[x] + kEps);
                        for (int c = 0; c < 3; ++c) {
                            a3[3 * x + c] = a;
                            toF3[size_t(3 * x + c)] = toF;
                            toB3[size_t(3 * x + c)] = toB;
                        }
                    }
                    const float *tf = toF3.data(), *tb = toB3.data();
                    uchar *res = result.data();
                    for (int i = 0; i < 3 * count; ++i) {
                        const float a = a3[i];
                        const float fb = fa[i] * tf[i];
                        const float bb = ba[i] * tb[i];
                        const float f = fb + a * (float(p[i]) - a * fb - (1.0f - a) * bb);
                        res[i] = uchar(std::min(255.0f, std::max(0.0f, f)) + 0.5f);
                    }
                    uchar *o = out.ptr<uchar>(y) + n * xs;
                    for (int x = 0; x < count; ++x) {
                        if (m[x] == 0 || m[x] >= kOpaqueColour)
                            continue;
                        for (int c = 0; c < 3; ++c)
                            o[n * x + c] = res[3 * x + c];
                    }
                }
            }
        }
    });
}

cv::Mat estimate(const cv::Mat &photoBgr, const cv::Mat &mask)
{
    CV_Assert(photoBgr.type() == CV_8UC3 && mask.type() == CV_8UC1 &&
              photoBgr.size() == mask.size() && !photoBgr.empty());
    cv::Mat out(photoBgr.size(), CV_8UC3);
    estimateInto(photoBgr, mask, out);
    return out;
}

} // namespace clearcut::ForegroundEstimate
