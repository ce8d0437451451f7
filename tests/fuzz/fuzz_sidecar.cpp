// Fuzz target: a model's JSON sidecar (ModelSpec::fromJson), and on success what the engine does
// with the sizes and statistics it gives: ModelSpec::inputSizeFor for photos of every shape, in
// each resize mode and quality, TiledPass's sizes from that input size, and the normalisation
// coefficients TorchSegmenter::preprocess derives. A sidecar comes with a model file anyone can
// download, so absurd values must be refused when it is read, not met later by the preprocessing.

#include "FuzzCommon.h"

#include "engine/ModelSpec.h"
#include "engine/TiledPass.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace {

using namespace clearcut;

// The largest network input side the preprocessing can take: 1x3xSxS floats are 3 GiB at 16384,
// and Resampler::bilinear's int row length (side * channels) must not overflow long before that.
constexpr int kMaxInputSide = 16384;

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    QString error;
    const auto spec = ModelSpec::fromJson(fuzz::rawBytes(data, size), &error);
    if (!spec) {
        FUZZ_CHECK(!error.isEmpty());
        return 0;
    }
    // What fromJson promises.
    FUZZ_CHECK(spec->width > 0 && spec->height > 0 && spec->side > 0 && spec->multiple > 0);
    FUZZ_CHECK(spec->fastSide >= 0 && spec->dynamicSide >= 0);
    FUZZ_CHECK(std::none_of(spec->std.begin(), spec->std.end(), [](double s) { return s == 0.0; }));

    // TorchSegmenter::preprocess's coefficients, and the values they make from samples 0..255:
    // float32 in the tensor, so they must stay within float's range, or the network sees inf/NaN.
    const auto fitsFloat = [](double v) {
        return std::isfinite(v) && std::abs(v) <= double(std::numeric_limits<float>::max());
    };
    for (size_t c = 0; c < 3; ++c) {
        const double alpha = spec->scale / spec->std[c];
        const double beta = -spec->mean[c] / spec->std[c];
        FUZZ_CHECK(fitsFloat(alpha) && fitsFloat(beta) && fitsFloat(255.0 * alpha + beta));
    }

    const cv::Size photos[] = {{1, 1},       {2, 3},     {640, 480}, {1023, 1},     {1024, 1024},
                               {6000, 4000}, {1, 20000}, {20000, 1}, {32767, 32767}};
    const SegmentOptions choices[] = {
        {ResizeMode::Static, Quality::Best, false},
        {ResizeMode::Dynamic, Quality::Best, false},
        {ResizeMode::Static, Quality::Fast, false},
        {ResizeMode::Dynamic, Quality::Fast, false},
    };
    for (const cv::Size &photo : photos) {
        for (const SegmentOptions &options : choices) {
            const cv::Size input = spec->inputSizeFor(photo, options);
            // Resampler::bilinear asserts a positive size; torch::empty refuses a negative one.
            FUZZ_CHECK(input.width > 0 && input.height > 0);
            FUZZ_CHECK(input.width <= kMaxInputSide && input.height <= kMaxInputSide);
            // The tiled pass (Quality::Best) cuts tiles of the input's longest side.
            const int side = std::max(input.width, input.height);
            if (TiledPass::worthTiling(photo, side)) {
                const cv::Size working = TiledPass::workingSize(photo, side);
                FUZZ_CHECK(working.width > 0 && working.height > 0);
                FUZZ_CHECK(working.width <= photo.width && working.height <= photo.height);
            }
        }
    }
    return 0;
}
