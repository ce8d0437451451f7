#pragma once

// Builds the output image from the full-resolution photo and its (already adjusted) mask.

#include "MaskRefiner.h"
#include "OutputType.h"

#include <QString>

#include <opencv2/core/mat.hpp>

namespace clearcut::Compositor {

// photo: CV_8UC3 BGR; mask: CV_8UC1 of the same size.
// Rgba -> CV_8UC4 BGRA, alpha = mask, colour = ForegroundEstimate::estimate() (the photo's own
//   colour when cleanColours is false; 0 where alpha is 0);
// Map -> CV_8UC1, a copy of the mask;
// Colour, Blur, BackgroundImage -> CV_8UC3 photo*a + background*(1-a);
// Overlay -> CV_8UC3 photo with the foreground tinted green and its outline drawn.
// For BackgroundImage, backgroundBgr (any size, CV_8UC1/3/4, decoded once by the caller:
// PhotoExport::loadBackground) is scaled to cover the photo and centred; without it returns an
// empty mat and sets *error. Nothing here reads or writes a file.
cv::Mat composite(const cv::Mat &photoBgr, const cv::Mat &mask, const OutputType &type,
                  const cv::Mat &backgroundBgr = {}, QString *error = nullptr,
                  bool cleanColours = true);

// Flattens a BGRA result onto a colour, for formats without alpha (rgba saved as JPEG).
cv::Mat flattenOnto(const cv::Mat &bgra, const cv::Vec3b &colourRgb);

// The building blocks, public for tests and benchmarks.

// fg*a + bg*(1-a) per channel, rounded; exact at a = 0 and a = 255.
cv::Mat blend(const cv::Mat &fgBgr, const cv::Mat &bgBgr, const cv::Mat &mask);
cv::Mat blendOnColour(const cv::Mat &fgBgr, const cv::Vec3b &colourBgr, const cv::Mat &mask);

// Gaussian blur with sigma 15 (transparent-background's "blur"), computed at a quarter of the
// resolution: mean difference from the exact blur 0.6/255, and 45 ms instead of 0.37 s on 24 MP.
cv::Mat blurredBackground(const cv::Mat &photoBgr);

// Scales image to cover `size` (keeping its aspect ratio) and crops the centre; the result is a
// view into the scaled image.
cv::Mat coverResize(const cv::Mat &image, const cv::Size &size);

} // namespace clearcut::Compositor
