#pragma once

// From the network's low-resolution probability map to the mask the photo is cut with.

#include "Strokes.h"

#include <opencv2/core/mat.hpp>

#include <optional>
#include <vector>

namespace clearcut {

// What the user adjusts about the mask and its edge. Everything here is applied to the mask a
// photo keeps (its quantized network output), so changing it never re-runs the network.
struct MaskAdjust
{
    std::optional<double> threshold; // in [0,1]: mask/255 >= t -> 255, else 0
    bool reverse = false;            // applied last: 255 - mask

    // Full-resolution edge refinement (MaskRefiner::refined): the upsampled mask follows the
    // photo's own edges inside the uncertain band around the subject.
    bool refine = true;
    double refineStrength = 1.0; // 0..1: how far the band moves from the upsampled mask
    // Colour clean-up: the cut-out's semi-transparent edge gets estimated foreground colours
    // (ForegroundEstimate) instead of the photo's, which still carry the old background.
    bool cleanColours = true;
    int shiftEdge = 0; // px at the result's size: > 0 grows the subject, < 0 shrinks it
    int feather = 0;   // px at the result's size: softens the edge
    // Feather and |shift edge| past this are surely typos (the command line and edits files
    // refuse them).
    static constexpr int kMaxEdgePixels = 500;

    // The steps adjusted() makes (refine and cleanColours need the photo: see finished()).
    bool isNoOp() const { return !threshold && !reverse && shiftEdge == 0 && feather == 0; }

    friend bool operator==(const MaskAdjust &a, const MaskAdjust &b)
    {
        return a.threshold == b.threshold && a.reverse == b.reverse && a.refine == b.refine &&
               a.refineStrength == b.refineStrength && a.cleanColours == b.cleanColours &&
               a.shiftEdge == b.shiftEdge && a.feather == b.feather;
    }
    friend bool operator!=(const MaskAdjust &a, const MaskAdjust &b) { return !(a == b); }
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

// The band refined() works in: mask values in [kBandLow, kBandHigh] are uncertain; the band is
// every pixel within bandReach() of one. Outside it the mask is returned unchanged, so
// solid subject and clear background are never touched. ISNet's mask tops out at 254 and its
// background carries faint 1-2 values: neither is an edge.
constexpr int kBandLow = 3;
constexpr int kBandHigh = 252;

// For a mask upsampled by `scale` (photo side / mask side): the radius of the window the local
// subject and background colours are taken from (about five network pixels, past the blur the
// network and the upsampling leave; a window three times wider where that one lacks them), and
// how far the band reaches past the uncertain values (one network pixel).
int refineRadius(double scale);
int bandReach(double scale);

// Full-resolution edge refinement, tile by tile, only in the band. Around each band pixel, the
// mean colours of the pixels the mask is about sure are subject (F) and background (B) are taken;
// the pixel's alpha is its colour projected on the line from B to F (I = aF + (1-a)B solved). How
// much that replaces the upsampled mask depends on how far apart F and B are against how much
// each varies, and how well the pixel fits between them: where the photo shows the edge (a blurred
// step, a strand of hair) the mask follows it at full resolution; where subject and background look
// alike, or the pixel is a colour neither explains, the mask stays as the network made it.
// photoBgr: CV_8UC3; mask: CV_8UC1 of the same size (toFullResolution's output); scale as for
// refineRadius. strength 0 returns the mask itself.
cv::Mat refined(const cv::Mat &photoBgr, const cv::Mat &mask, double scale, double strength = 1.0);

// mask8u: CV_8UC1. Threshold, shift edge, feather, reverse, in that order. Returns a new mat, or
// mask8u itself (shared) when adjust is a no-op.
cv::Mat adjusted(const cv::Mat &mask8u, const MaskAdjust &adjust);

// Everything from the kept low-resolution mask to the mask a result is cut with, at the photo's
// size: upsampled, refined against photoBgr (when adjust.refine), adjusted(), then the brush
// strokes painted over it (Strokes::paint; strokeScale: photoBgr's pixels per full-resolution
// pixel, below 1 for the view's copy or a resized export). lowResMask is never written to.
cv::Mat finished(const cv::Mat &photoBgr, const cv::Mat &lowResMask, const MaskAdjust &adjust,
                 const std::vector<Stroke> &strokes = {}, double strokeScale = 1.0);

} // namespace MaskRefiner
} // namespace clearcut
