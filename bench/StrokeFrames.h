#pragma once

// Brush strokes sent to a CompareView as a hand would paint them, timed frame by frame: a press,
// moves along a smooth random curve within the visible image, a release. Each move is timed from
// the event to the end of the repaint it causes (the events are processed after each one, so the
// paint happens inside the measurement). Shared by the benchmarks that paint on a bare view and on
// the real window's.

#include <functional>
#include <random>
#include <vector>

namespace clearcut::ui {
class CompareView;
}

namespace clearcut::bench {

struct FrameStats
{
    int strokes = 0;
    int frames = 0;        // timed moves
    int repaints = 0;      // paint events the view received during the moves
    double medianMs = 0.0; // per move: the event plus its repaint
    double p95Ms = 0.0;
    double worstMs = 0.0;
    double meanPaintedShare = 0.0; // a repaint's area as a share of the view's, on average
};

// The view must show a photo with a result and have a brush set. `movesPerStroke` moves of a few
// widget pixels each; the curve keeps away from a split view's divider where it starts (a press
// there would grab the divider instead of painting).
// afterEachStroke, when given, runs after each release (outside the timed frames): a benchmark
// waits there for what the stroke sets off.
FrameStats measureStrokeFrames(ui::CompareView &view, int strokes, std::mt19937 &rng,
                               int movesPerStroke = 25,
                               const std::function<void()> &afterEachStroke = {});

// The times' median, 95th percentile and worst (milliseconds); zeros for none.
void summarise(std::vector<double> timesMs, FrameStats &stats);

} // namespace clearcut::bench
