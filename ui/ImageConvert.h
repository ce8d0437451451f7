#pragma once

// cv::Mat <-> QImage at the ui/engine boundary. Deep copies: the QImage owns its pixels.

#include <QImage>

#include <opencv2/core/mat.hpp>

namespace clearcut::ui {

// CV_8UC1 -> Grayscale8, CV_8UC3 (BGR) -> RGB888, CV_8UC4 (BGRA) -> ARGB32 (straight alpha).
QImage toQImage(const cv::Mat &mat);

// For the view: CV_8UC3 (BGR) -> RGB32, CV_8UC4 (BGRA) -> ARGB32_Premultiplied, the formats
// the raster engine blends fastest and CompareView keeps as they are. Converting a 2560 px
// display copy takes 40-50 ms while the model warms up: make it on a pool thread, not the UI's.
// Other types as toQImage.
QImage toDisplayImage(const cv::Mat &mat);

// Any QImage -> CV_8UC3 BGR (alpha dropped).
cv::Mat toBgr(const QImage &image);

} // namespace clearcut::ui
