// Fuzz target: a photo's bytes as the server, the batch and the window get them. ImageHeader::read
// on the raw bytes; ImageIO::decodeBytes with a 4 MP limit; then, on success, what happens to the
// pixels before the network sees them: ModelSpec::inputSizeFor, Resampler::bilinear to that size
// and the per-channel normalisation of TorchSegmenter::preprocess (repeated here, without torch:
// that one writes into a tensor), and the preview's Resampler::scaledToFit.

#include "FuzzCommon.h"

#include "engine/ImageHeader.h"
#include "engine/ImageIO.h"
#include "engine/ModelSpec.h"
#include "engine/Resampler.h"

#include <opencv2/core.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

namespace {

using namespace clearcut;

// Small enough that a decode stays in milliseconds, large enough for every code path.
constexpr qint64 kMaxPixels = 4'000'000;

// ISNet's sidecar (~/.local/share/ClearCut/models/isnet.json): the sizes the engine picks.
constexpr char kIsnetSidecar[] =
    "{\"name\": \"ISNet (DIS)\", \"family\": \"isnet\", \"input\": {\"policy\": \"fixed\", "
    "\"width\": 1024, \"height\": 1024, \"multiple\": 32, \"fast_side\": 512}, \"scale\": 1.0, "
    "\"mean\": [128.0, 128.0, 128.0], \"std\": [256.0, 256.0, 256.0], "
    "\"output\": \"probability\", \"minmax\": false}";

ModelSpec parsedSpec(const char *json)
{
    QString error;
    const auto spec = ModelSpec::fromJson(json, &error);
    FUZZ_CHECK(spec.has_value());
    return *spec;
}

const ModelSpec &isnet()
{
    static const ModelSpec spec = parsedSpec(kIsnetSidecar);
    return spec;
}

// The same model at a small network size, so resampling and normalising every input stays fast
// while photos are both enlarged and reduced to it.
const ModelSpec &smallModel()
{
    static const ModelSpec spec = [] {
        ModelSpec s = isnet();
        s.width = s.height = s.side = 96;
        s.fastSide = 48;
        s.multiple = 16;
        s.dynamicSide = 128;
        return s;
    }();
    return spec;
}

// TorchSegmenter::preprocess without torch: three float planes, RGB, (v * scale - mean) / std.
std::vector<float> preprocess(const cv::Mat &bgr, const cv::Size &inputSize, const ModelSpec &spec)
{
    const cv::Mat resized = bgr.size() == inputSize ? bgr : Resampler::bilinear(bgr, inputSize);
    FUZZ_CHECK(resized.size() == inputSize && resized.type() == CV_8UC3);
    cv::Mat channels[3];
    cv::split(resized, channels);
    const size_t plane = size_t(inputSize.width) * size_t(inputSize.height);
    std::vector<float> input(3 * plane);
    for (int c = 0; c < 3; ++c) {
        cv::Mat dst(inputSize, CV_32FC1, input.data() + c * plane);
        const double alpha = spec.scale / spec.std[size_t(c)];
        const double beta = -spec.mean[size_t(c)] / spec.std[size_t(c)];
        channels[2 - c].convertTo(dst, CV_32F, alpha, beta);
        FUZZ_CHECK(dst.data == reinterpret_cast<uchar *>(input.data() + c * plane));
        // Every value is what a sample of 0..255 normalises to.
        const double lo = std::min(beta, 255.0 * alpha + beta) - 1e-3;
        const double hi = std::max(beta, 255.0 * alpha + beta) + 1e-3;
        for (size_t i = 0; i < plane; ++i) {
            const float v = input[c * plane + i];
            FUZZ_CHECK(std::isfinite(v) && v >= lo && v <= hi);
        }
    }
    return input;
}

bool multipleOf(const cv::Size &size, int multiple)
{
    return size.width % multiple == 0 && size.height % multiple == 0;
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    cv::setNumThreads(1); // Resampler's parallel_for_ on this thread: reproducible, one core
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray bytes = fuzz::rawBytes(data, size);

    const ImageHeader::Header header = ImageHeader::read(bytes);
    FUZZ_CHECK(header.width >= 0 && header.height >= 0);
    FUZZ_CHECK(header.format == ImageHeader::Format::Unknown || !header.name.isEmpty());

    const DecodeResult decoded = ImageIO::decodeBytes(bytes, kMaxPixels);
    if (!decoded.image) {
        FUZZ_CHECK(!decoded.error.isEmpty());
        return 0;
    }
    FUZZ_CHECK(decoded.error.isEmpty() && !decoded.tooLarge);
    const DecodedImage &image = *decoded.image;
    const cv::Mat &bgr = image.bgr;
    FUZZ_CHECK(!bgr.empty() && bgr.type() == CV_8UC3);
    FUZZ_CHECK(qint64(bgr.cols) * bgr.rows <= kMaxPixels);
    FUZZ_CHECK(image.originalSize == QSize(bgr.cols, bgr.rows));

    // The sizes the engine would feed ISNet at, for each resize mode and quality.
    const SegmentOptions choices[] = {
        {ResizeMode::Static, Quality::Best, false},
        {ResizeMode::Dynamic, Quality::Best, false},
        {ResizeMode::Static, Quality::Fast, false},
        {ResizeMode::Dynamic, Quality::Fast, false},
    };
    for (const SegmentOptions &options : choices) {
        const cv::Size input = isnet().inputSizeFor(bgr.size(), options);
        FUZZ_CHECK(input.width > 0 && input.height > 0 && multipleOf(input, 32));
        FUZZ_CHECK(std::max(input.width, input.height) <= 1280);
    }

    // One of them, picked by the input, at the small size: resampled and normalised.
    const SegmentOptions &options = choices[size % 4];
    const ModelSpec &model = smallModel();
    const cv::Size input = model.inputSizeFor(bgr.size(), options);
    FUZZ_CHECK(input.width > 0 && input.height > 0 && multipleOf(input, model.multiple));
    FUZZ_CHECK(std::max(input.width, input.height) <= model.dynamicSide);
    preprocess(bgr, input, model);

    // The window's preview of a large photo.
    const cv::Mat preview = Resampler::scaledToFit(bgr, 64);
    FUZZ_CHECK(!preview.empty() && preview.type() == CV_8UC3);
    FUZZ_CHECK(std::max(preview.cols, preview.rows) <= std::max({64, bgr.cols, bgr.rows}));
    FUZZ_CHECK(std::max(bgr.cols, bgr.rows) <= 64 || std::max(preview.cols, preview.rows) == 64);
    return 0;
}
