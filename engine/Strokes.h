#pragma once

// Brush strokes a designer paints over the model's mask: Erase marks pixels as background,
// Restore as subject. They are part of a photo's document and are applied on top of the mask the
// adjustments made, so they survive a change of background, threshold, refinement or model.
// Coordinates are full-resolution pixels of the upright photo, whatever the zoom they were
// painted at; a smaller copy of the photo (the view's, a resized export) scales them.

#include <QJsonArray>
#include <QJsonValue>
#include <QString>

#include <opencv2/core/mat.hpp>
#include <opencv2/core/types.hpp>

#include <optional>
#include <vector>

namespace clearcut {

struct Stroke
{
    enum class Mode
    {
        Erase,
        Restore
    };
    Mode mode = Mode::Erase;
    double radius = 20;     // px at full resolution, > 0
    double hardness = 1.0;  // 0..1: the share of the radius painted at full strength
    bool edgeAware = false; // follow the photo's edges inside the brush
    std::vector<cv::Point2d> points;

    friend bool operator==(const Stroke &a, const Stroke &b)
    {
        return a.mode == b.mode && a.radius == b.radius && a.hardness == b.hardness &&
               a.edgeAware == b.edgeAware && a.points == b.points;
    }
};

namespace Strokes {

// The edits file's stroke part (see Edits.h): [{"mode": "erase"|"restore", "radius": R,
// "hardness": 0..1, "edge_aware": true|false, "points": [[x, y], ...]}]. Unknown keys are
// ignored; undefined (no "strokes") is no strokes. On a bad value returns nullopt and sets *error
// ("stroke 3: radius must be a number above 0").
std::optional<std::vector<Stroke>> fromJson(const QJsonValue &list, QString *error = nullptr);
QJsonArray toJson(const std::vector<Stroke> &strokes);

// Where paint() may change a mask of `size` for this stroke (its path grown by the radius);
// empty for a stroke with no points or wholly outside.
cv::Rect bounds(const Stroke &stroke, double scale, const cv::Size &size);

// Paints the strokes into mask (CV_8UC1) in order. photoBgr: CV_8UC3 of the mask's size (the
// edge-aware brush reads its colours). scale: mask pixels per full-resolution pixel (1 at full
// resolution). Erase multiplies alpha by (1 - coverage), Restore moves it towards 255 by the
// coverage; coverage is 1 within hardness * radius of the stroke's path and falls to 0 at the
// radius. The edge-aware brush paints fully near the path (30% of the radius) and weighs the
// coverage beyond by colour: a pixel like the path's colour, or a mix of it with a colour already
// on the stroke's side (a thin thing's soft edge over a background already gone), is painted; one
// like a colour the stroke would otherwise change (the subject an Erase reaches into) is not. So a
// stroke along an edge stays on its side of it, and one along a stem keeps the antenna crossing it.
void paint(cv::Mat &mask, const cv::Mat &photoBgr, const std::vector<Stroke> &strokes,
           double scale = 1.0);

} // namespace Strokes
} // namespace clearcut
