#pragma once

// A PNG encoder for big results, rows Up-filtered. Soonest: the rows deflated by zlib in
// independent strips on all cores (each strip a raw deflate stream ended by a sync flush, so the
// strips join into one zlib stream), run-length matching at the fast levels: a 24 MP RGBA result
// in ~0.18 s on 2 cores, against ~1.1 s for OpenCV's encoder at the same level with its adaptive
// filtering, at the same size. LeastCpu: libdeflate over the whole image in one thread.

#include <QByteArray>
#include <QString>

#include <opencv2/core/mat.hpp>

namespace clearcut::PngWriter {

enum class Effort
{
    // Done soonest: strips deflated by zlib on all cores (a photo exported on its own).
    Soonest,
    // The least CPU time in all: one thread, libdeflate over the whole image, ~25% less CPU than
    // zlib and ~14% smaller, for a batch, whose other cores are busy with the next photo. Holds
    // the whole filtered image (4 bytes a pixel for RGBA) while it works, so images over 400 MB
    // of samples take the strips instead.
    LeastCpu
};

// img: CV_8UC1 (grey), CV_8UC3 (BGR) or CV_8UC4 (BGRA), written as 8-bit grey, RGB or RGBA.
// level: zlib's 0-9 (libdeflate's levels of the same number). Returns empty bytes and sets *error
// on failure.
QByteArray encode(const cv::Mat &img, int level, QString *error = nullptr,
                  Effort effort = Effort::Soonest);

} // namespace clearcut::PngWriter
