#include "Compositor.h"

#include "ForegroundEstimate.h"

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace clearcut::Compositor {
namespace {

// Rounded x / 255 for x in [0, 255 * 255] in 16-bit arithmetic, which vectorises well.
inline uchar div255(std::uint16_t x)
{
    x = std::uint16_t(x + 128);
    return uchar((x + (x >> 8)) >> 8);
}

void checkInputs(const cv::Mat &photoBgr, const cv::Mat &mask)
{
    CV_Assert(photoBgr.type() == CV_8UC3 && mask.type() == CV_8UC1 &&
              photoBgr.size() == mask.size() && !photoBgr.empty());
}

// out = fg*a + bg*(1-a) for one row of 3-channel pixels. alpha3 is scratch space for 3*width
// values: spreading the mask over the channels first turns the blend into one flat loop that the
// compiler vectorises.
void blendRow(const uchar *fg, const uchar *bg, const uchar *m, uchar *out, int width,
              uchar *alpha3)
{
    for (int x = 0; x < width; ++x)
        alpha3[3 * x] = alpha3[3 * x + 1] = alpha3[3 * x + 2] = m[x];
    for (int i = 0; i < 3 * width; ++i) {
        const std::uint16_t a = alpha3[i];
        out[i] = div255(std::uint16_t(fg[i] * a + bg[i] * (255 - a)));
    }
}

// Runs body(y, alpha3) for every row in parallel, with per-thread scratch for blendRow().
template <typename Body> void forEachRow(int rows, int width, const Body &body)
{
    cv::parallel_for_(cv::Range(0, rows), [&](const cv::Range &range) {
        std::vector<uchar> alpha3(size_t(width) * 3);
        for (int y = range.start; y < range.end; ++y)
            body(y, alpha3.data());
    });
}

} // namespace

cv::Mat blend(const cv::Mat &fgBgr, const cv::Mat &bgBgr, const cv::Mat &mask)
{
    checkInputs(fgBgr, mask);
    CV_Assert(bgBgr.type() == CV_8UC3 && bgBgr.size() == fgBgr.size());
    cv::Mat out(fgBgr.size(), CV_8UC3);
    forEachRow(out.rows, out.cols, [&](int y, uchar *alpha3) {
        blendRow(fgBgr.ptr<uchar>(y), bgBgr.ptr<uchar>(y), mask.ptr<uchar>(y), out.ptr<uchar>(y),
                 out.cols, alpha3);
    });
    return out;
}

cv::Mat blendOnColour(const cv::Mat &fgBgr, const cv::Vec3b &colourBgr, const cv::Mat &mask)
{
    checkInputs(fgBgr, mask);
    cv::Mat out(fgBgr.size(), CV_8UC3);
    // One row of the colour, so the same loop as blend() serves.
    cv::Mat colourRow(1, out.cols, CV_8UC3, cv::Scalar(colourBgr[0], colourBgr[1], colourBgr[2]));
    forEachRow(out.rows, out.cols, [&](int y, uchar *alpha3) {
        blendRow(fgBgr.ptr<uchar>(y), colourRow.ptr<uchar>(), mask.ptr<uchar>(y), out.ptr<uchar>(y),
                 out.cols, alpha3);
    });
    return out;
}

cv::Mat blurredBackground(const cv::Mat &photoBgr)
{
    CV_Assert(photoBgr.type() == CV_8UC3 && !photoBgr.empty());
    // Two pyrDowns (variance 1 + 4 in full-resolution pixels), a Gaussian at quarter scale, and the
    // bilinear upsampling (variance ~16/6) add up to sigma 15: 15^2 = 5 + 16 s^2 + 2.7.
    constexpr double kQuarterSigma = 3.686;
    if (photoBgr.cols < 8 || photoBgr.rows < 8) {
        cv::Mat out;
        cv::GaussianBlur(photoBgr, out, cv::Size(), 15.0);
        return out;
    }
    cv::Mat half, quarter, out;
    cv::pyrDown(photoBgr, half);
    cv::pyrDown(half, quarter);
    cv::GaussianBlur(quarter, quarter, cv::Size(), kQuarterSigma, kQuarterSigma,
                     cv::BORDER_REFLECT);
    cv::resize(quarter, out, photoBgr.size(), 0, 0, cv::INTER_LINEAR);
    return out;
}

cv::Mat coverResize(const cv::Mat &image, const cv::Size &size)
{
    CV_Assert(!image.empty() && size.width > 0 && size.height > 0);
    const double scale =
        std::max(double(size.width) / image.cols, double(size.height) / image.rows);
    const cv::Size scaled(std::max(size.width, int(std::ceil(image.cols * scale - 1e-6))),
                          std::max(size.height, int(std::ceil(image.rows * scale - 1e-6))));
    cv::Mat resized;
    if (scaled == image.size())
        resized = image;
    else
        cv::resize(image, resized, scaled, 0, 0, scale < 1.0 ? cv::INTER_AREA : cv::INTER_LINEAR);
    const cv::Rect centre((scaled.width - size.width) / 2, (scaled.height - size.height) / 2,
                          size.width, size.height);
    return resized(centre);
}

cv::Mat flattenOnto(const cv::Mat &bgra, const cv::Vec3b &colourRgb)
{
    CV_Assert(bgra.type() == CV_8UC4);
    cv::Mat out(bgra.size(), CV_8UC3);
    const cv::Mat colourRow(1, out.cols, CV_8UC3,
                            cv::Scalar(colourRgb[2], colourRgb[1], colourRgb[0]));
    cv::parallel_for_(cv::Range(0, out.rows), [&](const cv::Range &range) {
        cv::Mat pixels(1, out.cols, CV_8UC3), alpha(1, out.cols, CV_8UC1);
        std::vector<uchar> alpha3(size_t(out.cols) * 3);
        cv::Mat split[] = {pixels, alpha};
        const int fromTo[] = {0, 0, 1, 1, 2, 2, 3, 3};
        for (int y = range.start; y < range.end; ++y) {
            const cv::Mat row = bgra.row(y);
            cv::mixChannels(&row, 1, split, 2, fromTo, 4);
            blendRow(pixels.ptr<uchar>(), colourRow.ptr<uchar>(), alpha.ptr<uchar>(),
                     out.ptr<uchar>(y), out.cols, alpha3.data());
        }
    });
    return out;
}

cv::Mat composite(const cv::Mat &photoBgr, const cv::Mat &mask, const OutputType &type,
                  const cv::Mat &backgroundBgr, QString *error, bool cleanColours)
{
    checkInputs(photoBgr, mask);
    const cv::Vec3b greenBgr(OutputType::kGreen[2], OutputType::kGreen[1], OutputType::kGreen[0]);

    switch (type.kind) {
    case OutputType::Kind::Rgba: {
        cv::Mat out(photoBgr.size(), CV_8UC4);
        if (cleanColours) {
            ForegroundEstimate::estimateInto(photoBgr, mask, out);
            return out;
        }
        // The photo's colours as they are (0 where nothing shows), so the estimate's effect can
        // be measured and turned off.
        out.setTo(cv::Scalar::all(0));
        cv::Mat colour;
        cv::cvtColor(photoBgr, colour, cv::COLOR_BGR2BGRA);
        colour.copyTo(out, mask);
        const int fromTo[] = {0, 3};
        cv::mixChannels(&mask, 1, &out, 1, fromTo, 1);
        return out;
    }
    case OutputType::Kind::Map:
        return mask.clone();
    case OutputType::Kind::Colour: {
        const cv::Vec3b &rgb = type.colourRgb;
        return blendOnColour(photoBgr, cv::Vec3b(rgb[2], rgb[1], rgb[0]), mask);
    }
    case OutputType::Kind::Blur:
        return blend(photoBgr, blurredBackground(photoBgr), mask);
    case OutputType::Kind::BackgroundImage: {
        // The caller decodes the file once (PhotoExport::loadBackground): composing only
        // composes, it never reads a file.
        cv::Mat background = backgroundBgr;
        if (background.empty()) {
            if (error)
                *error = QStringLiteral("no pixels for the background image %1")
                             .arg(type.backgroundPath);
            return {};
        }
        if (background.channels() == 4)
            cv::cvtColor(background, background, cv::COLOR_BGRA2BGR);
        else if (background.channels() == 1)
            cv::cvtColor(background, background, cv::COLOR_GRAY2BGR);
        return blend(photoBgr, coverResize(background, photoBgr.size()), mask);
    }
    case OutputType::Kind::Overlay: {
        // As transparent-background: the foreground blended half-way to green, outlined in green.
        cv::Mat tinted(photoBgr.size(), CV_8UC3);
        const cv::Mat greenRow(1, photoBgr.cols, CV_8UC3,
                               cv::Scalar(greenBgr[0], greenBgr[1], greenBgr[2]));
        cv::parallel_for_(cv::Range(0, tinted.rows), [&](const cv::Range &range) {
            cv::Mat half(1, tinted.cols, CV_8UC3);
            std::vector<uchar> alpha3(size_t(tinted.cols) * 3);
            for (int y = range.start; y < range.end; ++y) {
                const cv::Mat photoRow = photoBgr.row(y);
                cv::addWeighted(photoRow, 0.5, greenRow, 0.5, 0.0, half);
                blendRow(half.ptr<uchar>(), photoRow.ptr<uchar>(), mask.ptr<uchar>(y),
                         tinted.ptr<uchar>(y), tinted.cols, alpha3.data());
            }
        });
        cv::Mat hard;
        cv::threshold(mask, hard, 127, 255, cv::THRESH_BINARY);
        std::vector<std::vector<cv::Point>> contours;
        cv::findContours(hard, contours, cv::RETR_LIST, cv::CHAIN_APPROX_SIMPLE);
        const int thickness = std::max(1, int(std::lround(std::min(mask.cols, mask.rows) / 400.0)));
        cv::drawContours(tinted, contours, -1, cv::Scalar(greenBgr[0], greenBgr[1], greenBgr[2]),
                         thickness, cv::LINE_8);
        return tinted;
    }
    }
    return {};
}

} // namespace clearcut::Compositor
