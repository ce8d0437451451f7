#pragma once

// cv::Mat <-> QImage at the ui/engine boundary. Deep copies: the QImage owns its pixels.

#include <QImage>

#include <opencv2/core/mat.hpp>

namespace clearcut::ui {

// CV_8UC1 -> Grayscale8, CV_8UC3 (BGR) -> RGB888, CV_8UC4 (BGRA) -> ARGB32 (straight alpha).
QImage toQImage(const cv::Mat &mat);

// Any QImage -> CV_8UC3 BGR (alpha dropped).
cv::Mat toBgr(const QImage &image);

} // namespace clearcut::ui
