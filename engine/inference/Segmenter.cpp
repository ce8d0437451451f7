#include "SegmenterImpl.h"
#include "TorchError.h"

#include <QElapsedTimer>
#include <QStringList>

#include "engine/Resampler.h"

#include <opencv2/core.hpp>

namespace clearcut::inference {
namespace {

double msSince(const QElapsedTimer &timer)
{
    return timer.nsecsElapsed() / 1e6;
}

QString shapeText(const torch::Tensor &t)
{
    QStringList dims;
    for (const auto d : t.sizes())
        dims << QString::number(d);
    return QLatin1Char('[') + dims.join(QLatin1Char(',')) + QLatin1Char(']');
}

// The first tensor of whatever forward() returned: a tensor, or a tuple/list whose first element
// is the main output (side outputs follow it).
torch::Tensor firstTensor(const c10::IValue &value)
{
    if (value.isTensor())
        return value.toTensor();
    if (value.isTuple() && !value.toTupleRef().elements().empty())
        return firstTensor(value.toTupleRef().elements()[0]);
    if (value.isList() && value.toListRef().size() > 0)
        return firstTensor(value.toListRef().front());
    throw std::runtime_error("the model returned " + value.tagKind() + ", not a tensor");
}

} // namespace

torch::Tensor TorchSegmenter::preprocess(const cv::Mat &bgr, const cv::Size &inputSize) const
{
    const cv::Mat resized = bgr.size() == inputSize ? bgr : Resampler::bilinear(bgr, inputSize);
    cv::Mat channels[3];
    cv::split(resized, channels);

    auto input = torch::empty({1, 3, inputSize.height, inputSize.width}, torch::kFloat32);
    float *data = input.data_ptr<float>();
    const size_t plane = size_t(inputSize.width) * inputSize.height;
    for (int c = 0; c < 3; ++c) {
        // Network channel c is RGB; OpenCV's channel 2 - c. convertTo writes straight into the
        // tensor's memory because the destination already has the right size and type.
        cv::Mat dst(inputSize, CV_32FC1, data + c * plane);
        const double alpha = m_spec.scale / m_spec.std[c];
        const double beta = -m_spec.mean[c] / m_spec.std[c];
        channels[2 - c].convertTo(dst, CV_32F, alpha, beta);
    }
    if (m_bfloat16)
        return input.to(m_device, torch::kBFloat16).contiguous(at::MemoryFormat::ChannelsLast);
    return m_device.is_cpu() ? input : input.to(m_device);
}

torch::Tensor TorchSegmenter::infer(const torch::Tensor &input)
{
    torch::Tensor out = firstTensor(m_module.forward({input}));
    if (out.dim() == 4 && out.size(0) == 1 && out.size(1) == 1)
        out = out[0][0];
    else if (out.dim() == 3 && out.size(0) == 1)
        out = out[0];
    if (out.dim() != 2 || out.size(0) < 1 || out.size(1) < 1)
        throw std::runtime_error("unexpected output shape " + shapeText(out).toStdString() +
                                 " (expected [1,1,H,W])");
    out = out.to(torch::kCPU, torch::kFloat32);
    // Clamping would turn NaN into an empty, fully transparent cut-out with no error.
    if (torch::isnan(out).any().item<bool>())
        throw std::runtime_error("the model's output is not a number (NaN): the model file may be "
                                 "damaged, or the model cannot run at this precision");
    if (m_spec.output == ModelSpec::Output::Logits)
        out = out.sigmoid();
    if (m_spec.minmax) {
        const auto lo = out.min();
        const auto hi = out.max();
        out = (out - lo) / (hi - lo + 1e-8);
    }
    return out.clamp(0.0, 1.0).contiguous();
}

TorchSegmenter::TorchSegmenter(torch::jit::Module module, torch::Device device, ModelSpec spec,
                               bool bfloat16)
    : m_module(std::move(module)), m_device(device), m_spec(std::move(spec)), m_bfloat16(bfloat16)
{}

QString TorchSegmenter::device() const
{
    return QString::fromStdString(m_device.str());
}

Segmenter::Run TorchSegmenter::run(const cv::Mat &bgr, const cv::Size &inputSize)
{
    Run result;
    if (bgr.empty() || bgr.type() != CV_8UC3) {
        result.error = QStringLiteral("internal error: expected an 8-bit BGR image");
        return result;
    }
    try {
        c10::InferenceMode inferenceMode;
        QElapsedTimer timer;
        timer.start();
        const torch::Tensor input = preprocess(bgr, inputSize);
        result.preprocessMs = msSince(timer);
        timer.restart();
        const torch::Tensor prob = infer(input);
        result.probability =
            cv::Mat(int(prob.size(0)), int(prob.size(1)), CV_32FC1, prob.data_ptr<float>()).clone();
        result.inferMs = msSince(timer);
    } catch (const std::exception &e) {
        result.error = QStringLiteral("inference failed: %1").arg(torchErrorMessage(e));
    }
    return result;
}

} // namespace clearcut::inference
