#include "MaskRefiner.h"

#include "Resampler.h"

#include <opencv2/core.hpp>
#include <opencv2/core/hal/intrin.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

namespace clearcut::MaskRefiner {
namespace {

// The refinement runs on tiles of this size (plus its window around them): small enough to stay
// in cache and to skip the photo's large solid and empty areas, large enough that the window
// around a tile is not most of the work.
constexpr int kTile = 256;

// Pixels the mask is about sure of, whose colours say what the subject and the background look
// like near an edge. These values, kFit, kSpread and the window radius were chosen on
// bench/quality_eval's set (ground-truth composites): from 250/5 to 210/45 the total SAD fell by
// a further ~9% and the gradient error by ~20%, as the sure pixels then reach closer to the edge.
constexpr uchar kSureForeground = 210;
constexpr uchar kSureBackground = 45;
// A window needs this fraction of sure pixels of a kind before their mean colour is trusted.
constexpr float kMinSureFraction = 0.02f;
// Colour distances in [0,1] RGB units. Below ~kSeparation the subject and the background look
// alike and the photo cannot say where the edge is: the mask is kept. A pixel farther than
// ~kFit from the line between the two colours is neither, nor a mix of them (a third colour the
// window's means do not describe): the mask is kept there too.
constexpr float kSeparation = 0.12f;
constexpr float kFit = 0.16f;
// How much the sure pixels' own colour spread counts against trusting the estimate.
constexpr float kSpread = 1.0f;
// The far window, for pixels whose near window lacks sure pixels of a kind (the middle of a wide
// edge, a strand far from the subject), is this many times wider.
constexpr int kFarWindow = 3;

// Sums over rectangles of the sure pixels' weights and colours, from integral images: only the
// band's pixels need them, and each costs the same whatever the window's size.
class SureSums
{
public:
    SureSums(const cv::Mat &photo8u, const cv::Mat &mask8u)
    {
        // Every tile needs the same large buffers: each thread keeps its own, since allocating
        // and first touching them per tile (page faults) would cost more than the work.
        thread_local Buffers buffers;
        const cv::Size sums(mask8u.cols + 1, mask8u.rows + 1);
        m_weights = buffers.weightSums.view(sums, CV_32FC4);
        m_fg = buffers.fgSums.view(sums, CV_32FC4);
        m_bg = buffers.bgSums.view(sums, CV_32FC4);
        // The integral images in one pass over the tile, four channels to a vector: each row's
        // running sums added to the row above's. (Per-pixel values, then cv::integral, took three
        // passes and ~12% of a 24 MP batch's time: OpenCV's float integral is a scalar loop.) The
        // additions are the same, in the same order, as cv::integral's.
        std::fill_n(m_weights.ptr<float>(0), 4 * sums.width, 0.0f);
        std::fill_n(m_fg.ptr<float>(0), 4 * sums.width, 0.0f);
        std::fill_n(m_bg.ptr<float>(0), 4 * sums.width, 0.0f);
        for (int y = 0; y < photo8u.rows; ++y) {
            const uchar *m = mask8u.ptr<uchar>(y);
            const uchar *c = photo8u.ptr<uchar>(y);
            const float *wAbove = m_weights.ptr<float>(y);
            const float *fAbove = m_fg.ptr<float>(y), *bAbove = m_bg.ptr<float>(y);
            float *w = m_weights.ptr<float>(y + 1);
            float *fc = m_fg.ptr<float>(y + 1), *bc = m_bg.ptr<float>(y + 1);
            cv::v_float32x4 rowW = cv::v_setzero_f32(), rowF = rowW, rowB = rowW;
            cv::v_store(w, rowW);
            cv::v_store(fc, rowW);
            cv::v_store(bc, rowW);
            for (int x = 0; x < photo8u.cols; ++x) {
                const float fg = m[x] >= kSureForeground ? 1.0f : 0.0f;
                const float bg = m[x] <= kSureBackground ? 1.0f : 0.0f;
                const float v0 = c[3 * x] * (1.0f / 255.0f), v1 = c[3 * x + 1] * (1.0f / 255.0f),
                            v2 = c[3 * x + 2] * (1.0f / 255.0f);
                const float square = v0 * v0 + v1 * v1 + v2 * v2;
                const cv::v_float32x4 colour(v0, v1, v2, 0.0f);
                rowW += cv::v_float32x4(fg, bg, square * fg, square * bg);
                rowF += colour * cv::v_setall_f32(fg);
                rowB += colour * cv::v_setall_f32(bg);
                const int at = 4 * (x + 1);
                cv::v_store(w + at, cv::v_load(wAbove + at) + rowW);
                cv::v_store(fc + at, cv::v_load(fAbove + at) + rowF);
                cv::v_store(bc + at, cv::v_load(bAbove + at) + rowB);
            }
        }
    }

    // The window of `radius` around (x, y), clipped to the tile.
    struct Window
    {
        float fgCount, bgCount, fgSquare, bgSquare, area;
        float fg[4], bg[4]; // r, g, b and the sums' padding channel
        bool enough() const
        {
            return fgCount >= kMinSureFraction * area && bgCount >= kMinSureFraction * area;
        }
    };
    Window window(int x, int y, int radius) const
    {
        const int x0 = std::max(0, x - radius), y0 = std::max(0, y - radius);
        const int x1 = std::min(m_weights.cols - 1, x + radius + 1),
                  y1 = std::min(m_weights.rows - 1, y + radius + 1);
        Window w;
        w.area = float(x1 - x0) * float(y1 - y0);
        float counts[4];
        sum<4>(m_weights, x0, y0, x1, y1, counts);
        w.fgCount = counts[0];
        w.bgCount = counts[1];
        w.fgSquare = counts[2];
        w.bgSquare = counts[3];
        sum<4>(m_fg, x0, y0, x1, y1, w.fg);
        sum<4>(m_bg, x0, y0, x1, y1, w.bg);
        return w;
    }

private:
    // A buffer that grows to the largest tile it has seen and hands out views of it.
    struct Buffer
    {
        cv::Mat data;
        cv::Mat view(const cv::Size &size, int type)
        {
            if (data.type() != type || data.cols < size.width || data.rows < size.height)
                data.create(std::max(size.height, data.rows), std::max(size.width, data.cols),
                            type);
            return data(cv::Rect(0, 0, size.width, size.height));
        }
    };
    struct Buffers
    {
        Buffer weightSums, fgSums, bgSums;
    };

    template <int N>
    static void sum(const cv::Mat &integral, int x0, int y0, int x1, int y1, float *out)
    {
        const float *top = integral.ptr<float>(y0), *bottom = integral.ptr<float>(y1);
        for (int k = 0; k < N; ++k)
            out[k] =
                (bottom[N * x1 + k] - bottom[N * x0 + k]) - (top[N * x1 + k] - top[N * x0 + k]);
    }

    // CV_32FC4: (fg, bg, fg |I|^2, bg |I|^2) and the sure foreground's and background's colours
    // (r, g, b, 0); one row and column larger than the tile
    cv::Mat m_weights, m_fg, m_bg;
};

// One tile. Around each band pixel of `inner` (a rectangle of the padded photo8u / mask8u), the
// local mean colour of the sure foreground F and of the sure background B, and alpha as the
// photo's colour I projected on the line from B to F: the compositing equation I = aF + (1-a)B
// solved per pixel. The near window is used where it holds enough sure pixels of both kinds, else
// the far one (the middle of a wide edge, a strand far from the subject); with neither, the mask
// stays. How far the estimate replaces the mask: `strength` times how far apart F and B are and
// how well the pixel fits between them. Writes the inner rectangle of the result to `out`.
void refineTile(const cv::Mat &photo8u, const cv::Mat &mask8u, const cv::Mat &band,
                const cv::Rect &inner, int nearRadius, int farRadius, float strength, cv::Mat out)
{
    const SureSums sums(photo8u, mask8u);
    const float separation2 = kSeparation * kSeparation, fit2 = kFit * kFit;
    for (int y = inner.y; y < inner.y + inner.height; ++y) {
        const uchar *c = photo8u.ptr<uchar>(y);
        const uchar *m = mask8u.ptr<uchar>(y);
        const uchar *inBand = band.ptr<uchar>(y);
        uchar *o = out.ptr<uchar>(y - inner.y) - inner.x;
        for (int x = inner.x; x < inner.x + inner.width; ++x) {
            if (!inBand[x])
                continue;
            // The near window where it has enough sure pixels of both kinds, handing over
            // smoothly to the far one as they thin out (a hard switch would draw a line).
            const SureSums::Window far = sums.window(x, y, farRadius);
            if (!far.enough())
                continue; // no sure pixels of one kind nearby: nothing to compare with
            const SureSums::Window near = sums.window(x, y, nearRadius);
            const float nearShare = std::clamp(
                std::min(near.fgCount, near.bgCount) / (kMinSureFraction * near.area) - 1.0f, 0.0f,
                1.0f);
            float f[3], b[3];
            float fgSquare = 0.0f, bgSquare = 0.0f;
            const auto mix = [&](float nearValue, float nearCount, float farValue, float farCount) {
                const float farMean = farValue / farCount;
                return nearShare > 0.0f
                           ? nearShare * (nearValue / nearCount) + (1.0f - nearShare) * farMean
                           : farMean;
            };
            for (int k = 0; k < 3; ++k) {
                f[k] = mix(near.fg[k], near.fgCount, far.fg[k], far.fgCount);
                b[k] = mix(near.bg[k], near.bgCount, far.bg[k], far.bgCount);
            }
            fgSquare = mix(near.fgSquare, near.fgCount, far.fgSquare, far.fgCount);
            bgSquare = mix(near.bgSquare, near.bgCount, far.bgSquare, far.bgCount);
            float d[3], v[3], d2 = 0.0f, dv = 0.0f, f2 = 0.0f, b2 = 0.0f;
            for (int k = 0; k < 3; ++k) {
                d[k] = f[k] - b[k];
                v[k] = c[3 * x + k] * (1.0f / 255.0f) - b[k];
                d2 += d[k] * d[k];
                dv += d[k] * v[k];
                f2 += f[k] * f[k];
                b2 += b[k] * b[k];
            }
            // How much the sure pixels of each kind vary around their mean: a textured subject
            // or background makes one mean colour a poor description of it.
            const float spread = std::max(0.0f, fgSquare - f2) + std::max(0.0f, bgSquare - b2);
            const float alpha = std::clamp(dv / (d2 + 1e-6f), 0.0f, 1.0f);
            float residual2 = 0.0f;
            for (int k = 0; k < 3; ++k) {
                const float r = v[k] - alpha * d[k];
                residual2 += r * r;
            }
            const float trust =
                d2 / (d2 + separation2 + kSpread * spread) * (fit2 / (fit2 + residual2));
            const float value = float(m[x]) + strength * trust * (alpha * 255.0f - float(m[x]));
            o[x] = uchar(std::lround(std::clamp(value, 0.0f, 255.0f)));
        }
    }
}

// Which kTile x kTile cells of the mask hold an uncertain value.
cv::Mat cellsWithUncertainty(const cv::Mat &mask)
{
    const int cols = (mask.cols + kTile - 1) / kTile, rows = (mask.rows + kTile - 1) / kTile;
    cv::Mat cells(rows, cols, CV_8UC1, cv::Scalar(0));
    cv::parallel_for_(cv::Range(0, rows), [&](const cv::Range &range) {
        for (int cy = range.start; cy < range.end; ++cy) {
            uchar *cell = cells.ptr<uchar>(cy);
            for (int y = cy * kTile; y < std::min(mask.rows, (cy + 1) * kTile); ++y) {
                const uchar *m = mask.ptr<uchar>(y);
                for (int x = 0; x < mask.cols; ++x) {
                    if (m[x] >= kBandLow && m[x] <= kBandHigh)
                        cell[x / kTile] = 1;
                }
            }
        }
    });
    return cells;
}

// Grows (shift > 0) or shrinks the mask by |shift| px with a disc, so the outline keeps its
// shape instead of turning square. A large disc is the union of a few rectangles (each a fast
// separable max or min): the outline is within half a pixel of the disc's up to ~100 px, and
// shift 100 on 24 MP takes a fraction of a second instead of several.
cv::Mat shiftedEdge(const cv::Mat &mask, int shift)
{
    const int r = std::abs(shift);
    const auto apply = [&](const cv::Mat &kernel) {
        cv::Mat out;
        if (shift > 0)
            cv::dilate(mask, out, kernel);
        else
            cv::erode(mask, out, kernel);
        return out;
    };
    constexpr int kExactUpTo = 8;
    if (r <= kExactUpTo)
        return apply(cv::getStructuringElement(cv::MORPH_ELLIPSE, {2 * r + 1, 2 * r + 1}));
    constexpr int kRectangles = 8;
    cv::Mat result;
    for (int i = 0; i < kRectangles; ++i) {
        const double angle = (i + 0.5) * CV_PI / (2 * kRectangles);
        const int w = int(std::lround(r * std::cos(angle))),
                  h = int(std::lround(r * std::sin(angle)));
        const cv::Mat part = apply(cv::Mat::ones(2 * h + 1, 2 * w + 1, CV_8U));
        if (result.empty())
            result = part;
        else if (shift > 0)
            result = cv::max(result, part);
        else
            result = cv::min(result, part);
    }
    return result;
}

} // namespace

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

int refineRadius(double scale)
{
    return std::clamp(int(std::lround(5.0 * scale)), 5, 48);
}

int bandReach(double scale)
{
    return std::clamp(int(std::lround(scale)), 1, 32);
}

cv::Mat refined(const cv::Mat &photoBgr, const cv::Mat &mask, double scale, double strength)
{
    CV_Assert(photoBgr.type() == CV_8UC3 && mask.type() == CV_8UC1 &&
              photoBgr.size() == mask.size());
    static_assert(2 * 32 < kTile, "the reach must stay under a cell");
    strength = std::clamp(strength, 0.0, 1.0);
    if (strength == 0.0 || mask.empty())
        return mask;
    const int radius = refineRadius(scale);
    // The band reaches about one network pixel past the uncertain values: an edge or a strand the
    // upsampling put a little off.
    const int reach = bandReach(scale);
    const int farRadius = kFarWindow * radius;
    const int support = farRadius + reach;

    // A tile is refined when an uncertain pixel lies within reach of it: in its own cell or a
    // neighbouring one (the reach is under a cell).
    const cv::Mat cells = cellsWithUncertainty(mask);
    cv::Mat needed;
    cv::dilate(cells, needed, cv::Mat::ones(3, 3, CV_8U));
    std::vector<cv::Point> tiles;
    cv::findNonZero(needed, tiles);

    cv::Mat out = mask.clone();
    if (tiles.empty())
        return out;
    const cv::Rect whole(0, 0, mask.cols, mask.rows);
    const cv::Mat kernel = cv::Mat::ones(2 * reach + 1, 2 * reach + 1, CV_8U);
    cv::parallel_for_(cv::Range(0, int(tiles.size())), [&](const cv::Range &range) {
        for (int i = range.start; i < range.end; ++i) {
            const cv::Rect tile =
                cv::Rect(tiles[size_t(i)].x * kTile, tiles[size_t(i)].y * kTile, kTile, kTile) &
                whole;
            const cv::Rect padded = cv::Rect(tile.x - support, tile.y - support,
                                             tile.width + 2 * support, tile.height + 2 * support) &
                                    whole;
            const cv::Mat m = mask(padded);
            // The band: within reach of an uncertain value.
            cv::Mat band;
            cv::inRange(m, cv::Scalar(kBandLow), cv::Scalar(kBandHigh), band);
            cv::dilate(band, band, kernel);
            const cv::Rect inner(tile.x - padded.x, tile.y - padded.y, tile.width, tile.height);
            // Only the tile's band pixels and the far window around them need the sums: a tile
            // next to an uncertain cell often has no band pixel at all, or a corner of them.
            const cv::Rect banded = cv::boundingRect(band(inner)) + inner.tl();
            if (banded.empty())
                continue;
            const cv::Rect reached =
                cv::Rect(banded.x - farRadius, banded.y - farRadius, banded.width + 2 * farRadius,
                         banded.height + 2 * farRadius) &
                cv::Rect(0, 0, padded.width, padded.height);
            refineTile(photoBgr(padded)(reached), m(reached), band(reached), banded - reached.tl(),
                       radius, farRadius, float(strength), out(banded - inner.tl() + tile.tl()));
        }
    });
    return out;
}

cv::Mat adjusted(const cv::Mat &mask8u, const MaskAdjust &adjust)
{
    CV_Assert(mask8u.type() == CV_8UC1);
    if (adjust.isNoOp())
        return mask8u;
    cv::Mat result = mask8u;
    if (adjust.threshold) {
        cv::Mat table(1, 256, CV_8U);
        for (int v = 0; v < 256; ++v)
            table.at<uchar>(v) = v / 255.0 >= *adjust.threshold ? 255 : 0;
        cv::Mat thresholded;
        cv::LUT(result, table, thresholded);
        result = thresholded;
    }
    if (adjust.shiftEdge != 0)
        result = shiftedEdge(result, adjust.shiftEdge);
    if (adjust.feather > 0) {
        // A Gaussian's 10-90% rise is ~2.56 sigma: the edge softens over about `feather` px.
        const double sigma = adjust.feather / 2.56;
        cv::Mat soft;
        // A wide blur is as good made at a fraction of the size (it keeps nothing finer than
        // sigma) and the kernel's cost grows with sigma: feather 100 on 24 MP takes ~0.1 s this
        // way instead of seconds.
        const int step = std::max(1, int(sigma / 4.0));
        if (step == 1 || result.cols < 8 * step || result.rows < 8 * step) {
            cv::GaussianBlur(result, soft, cv::Size(), sigma);
        } else {
            cv::Mat small;
            cv::resize(result, small, cv::Size(), 1.0 / step, 1.0 / step, cv::INTER_AREA);
            cv::GaussianBlur(small, small, cv::Size(), sigma / step);
            cv::resize(small, soft, result.size(), 0, 0, cv::INTER_LINEAR);
        }
        result = soft;
    }
    if (adjust.reverse) {
        cv::Mat flipped;
        cv::bitwise_not(result, flipped);
        result = flipped;
    }
    return result;
}

cv::Mat finished(const cv::Mat &photoBgr, const cv::Mat &lowResMask, const MaskAdjust &adjust,
                 const std::vector<Stroke> &strokes, double strokeScale)
{
    cv::Mat mask = toFullResolution(lowResMask, photoBgr.size());
    if (adjust.refine) {
        const double scale = std::max(double(photoBgr.cols) / lowResMask.cols,
                                      double(photoBgr.rows) / lowResMask.rows);
        mask = refined(photoBgr, mask, scale, adjust.refineStrength);
    }
    mask = adjusted(mask, adjust);
    if (!strokes.empty()) {
        // Each step above may hand back its input: at the network's size, that is the kept mask.
        if (mask.data == lowResMask.data)
            mask = mask.clone();
        Strokes::paint(mask, photoBgr, strokes, strokeScale);
    }
    return mask;
}

} // namespace clearcut::MaskRefiner
