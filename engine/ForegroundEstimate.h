#pragma once

// Approximate foreground colours (Forte & Pitie's two-pass "blur fusion"), so semi-transparent
// edges such as hair do not carry the old background's colour. The cut-out's colours come from
// here (Compositor::composite, rgba).

#include <opencv2/core/mat.hpp>

namespace clearcut::ForegroundEstimate {

// photoBgr: CV_8UC3; mask: CV_8UC1 of the same size. Only pixels with 0 < mask < 253 are
// estimated; (nearly) opaque pixels keep the photo's colour and transparent ones become 0.
cv::Mat estimate(const cv::Mat &photoBgr, const cv::Mat &mask);

// The same into out: CV_8UC3, or CV_8UC4 whose alpha is set to the mask too (writing BGRA
// directly saves a 24 MP channel merge).
void estimateInto(const cv::Mat &photoBgr, const cv::Mat &mask, cv::Mat &out);

} // namespace clearcut::ForegroundEstimate
