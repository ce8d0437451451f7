#pragma once

// A finished mask kept together with the brush strokes painted over it, so that one more stroke
// costs what that stroke covers, not what the photo holds. The window keeps one for its current
// photo at the display copy's size (the view's result) and one at full resolution (what Save,
// Copy and drag-out cut with).

#include "Strokes.h"

#include <opencv2/core/mat.hpp>

#include <vector>

namespace clearcut {

class StrokedMask
{
public:
    StrokedMask() = default;
    // base: the finished mask without strokes (CV_8UC1); photoBgr: the photo at base's size, for
    // the edge-aware brush; scale: base's pixels per full-resolution pixel (Strokes::paint).
    StrokedMask(cv::Mat base, cv::Mat photoBgr, double scale);

    bool isNull() const { return m_base.empty(); }
    const cv::Mat &base() const { return m_base; }
    // The base with strokes() painted over it.
    const cv::Mat &painted() const { return m_painted; }
    const std::vector<Stroke> &strokes() const { return m_strokes; }

    // Brings painted() to `strokes`. When they begin with the strokes painted so far (a stroke
    // added), only the new ones are painted; otherwise (an undo, a reset) the base is painted
    // afresh. Either way the result is what Strokes::paint makes from the base. The mask painted()
    // returned before is never written to, so another thread may still be reading it. Returns the
    // part that changed (empty when nothing did).
    cv::Rect update(const std::vector<Stroke> &strokes);

private:
    cv::Mat m_base;
    cv::Mat m_photo;
    double m_scale = 1.0;
    cv::Mat m_painted;
    std::vector<Stroke> m_strokes;
};

} // namespace clearcut
