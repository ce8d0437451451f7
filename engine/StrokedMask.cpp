#include "StrokedMask.h"

#include <algorithm>

namespace clearcut {

StrokedMask::StrokedMask(cv::Mat base, cv::Mat photoBgr, double scale)
    : m_base(std::move(base)), m_photo(std::move(photoBgr)), m_scale(scale), m_painted(m_base)
{
    CV_Assert(m_base.type() == CV_8UC1 && m_photo.type() == CV_8UC3 &&
              m_photo.size() == m_base.size() && scale > 0);
}

cv::Rect StrokedMask::update(const std::vector<Stroke> &strokes)
{
    if (isNull() || strokes == m_strokes)
        return {};
    const bool extends = strokes.size() > m_strokes.size() &&
                         std::equal(m_strokes.begin(), m_strokes.end(), strokes.begin());
    const auto first =
        extends ? strokes.begin() + std::ptrdiff_t(m_strokes.size()) : strokes.begin();
    const std::vector<Stroke> added(first, strokes.end());
    // A new mat each time (the old one may be in another thread's hands); a copy of 24 MP is a
    // few milliseconds, against the seconds of making the base.
    cv::Mat painted = (extends ? m_painted : m_base).clone();
    Strokes::paint(painted, m_photo, added, m_scale);

    cv::Rect changed;
    for (const Stroke &stroke : added)
        changed |= Strokes::bounds(stroke, m_scale, m_base.size());
    if (!extends) // strokes taken away: where they were changes back too
        for (const Stroke &stroke : m_strokes)
            changed |= Strokes::bounds(stroke, m_scale, m_base.size());
    m_painted = painted;
    m_strokes = strokes;
    return changed;
}

} // namespace clearcut
