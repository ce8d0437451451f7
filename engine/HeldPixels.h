#pragma once

// Full-resolution photos in memory, counted. A 24 MP photo is ~72 MB: the window keeps only a
// bounded number of them (PhotoScheduler), and tests and benchmarks check the bound with these
// counts.

#include <opencv2/core/mat.hpp>

#include <memory>

namespace clearcut::HeldPixels {

// Takes the pixels over; the count drops when the last reference goes.
std::shared_ptr<const cv::Mat> hold(cv::Mat bgr);

int alive(); // full-resolution images held now
int peak();  // the most held at once since resetPeak()
void resetPeak();

} // namespace clearcut::HeldPixels
