#include "TiledPass.h"

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>

namespace clearcut::TiledPass {
namespace {

// Start positions of tiles of `side` covering [0, length) with at least a quarter of overlap.
std::vector<int> starts(int length, int side)
{
    if (length <= side)
        return {0};
    const int stride = side * 3 / 4;
    const int count = (length - side + stride - 1) / stride + 1;
    std::vector<int> result;
    for (int i = 0; i < count; ++i)
        result.push_back(int(std::lround(double(length - side) * i / (count - 1))));
    return result;
}

// 1 in a tile's middle, falling linearly to a small value at its border, so overlapping tiles
// hand over smoothly and a tile's edge (where it lacks context) counts least.
cv::Mat tileWeights(const cv::Size &size)
{
    cv::Mat weights(size, CV_32FC1);
    const float ramp = float(std::min(size.width, size.height)) / 8.0f;
    for (int y = 0; y < size.height; ++y) {
        float *w = weights.ptr<float>(y);
        const float dy = float(std::min(y, size.height - 1 - y));
        for (int x = 0; x < size.width; ++x) {
            const float d = std::min(dy, float(std::min(x, size.width - 1 - x)));
            w[x] = std::clamp((d + 1.0f) / ramp, 0.01f, 1.0f);
        }
    }
    return weights;
}

} // namespace

cv::Size workingSize(const cv::Size &photo, int networkSide)
{
    const int longest = std::max(photo.width, photo.height);
    const double f = std::min(1.0, 2.0 * networkSide / longest);
    return {std::max(1, int(std::lround(photo.width * f))),
            std::max(1, int(std::lround(photo.height * f)))};
}

bool worthTiling(const cv::Size &photo, int networkSide)
{
    return std::max(photo.width, photo.height) > networkSide * 5 / 4;
}

std::vector<cv::Rect> tilesFor(const cv::Mat &globalAtWorking, int networkSide)
{
    CV_Assert(globalAtWorking.type() == CV_32FC1);
    const int side = std::min({networkSide, globalAtWorking.cols, globalAtWorking.rows});
    std::vector<cv::Rect> result;
    for (const int y : starts(globalAtWorking.rows, side)) {
        for (const int x : starts(globalAtWorking.cols, side)) {
            const cv::Rect tile(x, y, std::min(side, globalAtWorking.cols - x),
                                std::min(side, globalAtWorking.rows - y));
            cv::Mat band;
            cv::inRange(globalAtWorking(tile), kLow, kHigh, band);
            if (cv::countNonZero(band) > 0)
                result.push_back(tile);
        }
    }
    return result;
}

cv::Mat combine(const cv::Mat &globalAtWorking, const std::vector<cv::Rect> &tiles,
                const std::vector<cv::Mat> &tileProbabilities, int reach)
{
    CV_Assert(globalAtWorking.type() == CV_32FC1 && tiles.size() == tileProbabilities.size());
    cv::Mat sum(globalAtWorking.size(), CV_32FC1, cv::Scalar(0)),
        weight(globalAtWorking.size(), CV_32FC1, cv::Scalar(0));
    for (size_t i = 0; i < tiles.size(); ++i) {
        cv::Mat p;
        cv::resize(tileProbabilities[i], p, tiles[i].size(), 0, 0, cv::INTER_LINEAR);
        const cv::Mat w = tileWeights(tiles[i].size());
        cv::Mat s = sum(tiles[i]), ww = weight(tiles[i]);
        cv::accumulateProduct(p, w, s);
        ww += w;
    }
    cv::Mat band;
    cv::inRange(globalAtWorking, kLow, kHigh, band);
    if (reach > 0)
        cv::dilate(band, band, cv::Mat::ones(2 * reach + 1, 2 * reach + 1, CV_8U));

    cv::Mat out = globalAtWorking.clone();
    for (int y = 0; y < out.rows; ++y) {
        const uchar *b = band.ptr<uchar>(y);
        const float *s = sum.ptr<float>(y), *w = weight.ptr<float>(y);
        float *o = out.ptr<float>(y);
        for (int x = 0; x < out.cols; ++x) {
            if (b[x] && w[x] > 0.0f)
                o[x] = std::clamp(s[x] / w[x], 0.0f, 1.0f);
        }
    }
    return out;
}

Result run(const cv::Mat &photoBgr, const cv::Size &networkInput, const Network &network)
{
    Result result;
    const cv::Mat global = network(photoBgr, networkInput);
    const int side = std::max(networkInput.width, networkInput.height);
    if (global.empty() || !worthTiling(photoBgr.size(), side)) {
        result.probability = global;
        return result;
    }
    const cv::Size working = workingSize(photoBgr.size(), side);
    cv::Mat image, globalAtWorking;
    cv::resize(photoBgr, image, working, 0, 0, cv::INTER_AREA);
    cv::resize(global, globalAtWorking, working, 0, 0, cv::INTER_LINEAR);

    const std::vector<cv::Rect> tiles = tilesFor(globalAtWorking, side);
    std::vector<cv::Mat> probabilities;
    for (const cv::Rect &tile : tiles) {
        // Each tile at 1:1 in the working image (its size is the network's own, rounded up to
        // the multiple of 32 the network needs when the image is smaller than that).
        const cv::Size input((tile.width + 31) / 32 * 32, (tile.height + 31) / 32 * 32);
        cv::Mat p = network(image(tile), input);
        if (p.empty())
            return {};
        probabilities.push_back(std::move(p));
    }
    result.tilesRun = int(tiles.size());
    // One network pixel of the global pass is ~2 working pixels: reach a little past the band.
    result.probability = combine(globalAtWorking, tiles, probabilities, 4);
    return result;
}

} // namespace clearcut::TiledPass
