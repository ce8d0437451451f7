#pragma once

// The tiled high-resolution pass for large photos. The network sees a whole photo at ~1 MP, so
// a 24 MP photo's thin structures are a fraction of a network pixel wide. Here it sees the photo
// again at twice that scale, tile by tile, only where the whole-photo mask is uncertain; the
// tiles' masks replace the whole-photo mask inside its uncertain band, and nowhere else (a tile
// alone lacks the context to tell the subject from the background away from the edge).

#include <opencv2/core/mat.hpp>

#include <functional>
#include <vector>

namespace clearcut::TiledPass {

// Runs the network on a BGR image at an input size; returns CV_32FC1 probabilities at the
// network's output size (empty on failure).
using Network = std::function<cv::Mat(const cv::Mat &bgr, const cv::Size &inputSize)>;

// The size the tiles are cut from: the photo scaled so its longest side is twice the network's
// side (never enlarged). A photo that is not larger than that by a quarter gets no tiles: the
// whole-photo pass already sees it at about its own scale.
cv::Size workingSize(const cv::Size &photo, int networkSide);
bool worthTiling(const cv::Size &photo, int networkSide);

// Square tiles of networkSide covering `working` with at least a quarter of overlap, keeping only
// those that hold a pixel of the band (globalAtWorking in [kLow, kHigh], CV_32FC1).
constexpr float kLow = 0.02f;
constexpr float kHigh = 0.98f;
std::vector<cv::Rect> tilesFor(const cv::Mat &globalAtWorking, int networkSide);

// The combined probability at the working size: the global one, replaced inside the band
// (dilated by `reach` px) by the tiles' (each CV_32FC1 of any size, resized onto its tile),
// blended where tiles overlap with weights that fall off towards each tile's border.
cv::Mat combine(const cv::Mat &globalAtWorking, const std::vector<cv::Rect> &tiles,
                const std::vector<cv::Mat> &tileProbabilities, int reach);

struct Result
{
    cv::Mat probability; // CV_32FC1 at workingSize (or the global output when not worth tiling)
    int tilesRun = 0;
};

// The whole pass: the global run at the network's own size, then the tiles. Empty probability
// when a run fails.
Result run(const cv::Mat &photoBgr, const cv::Size &networkInput, const Network &network);

} // namespace clearcut::TiledPass
