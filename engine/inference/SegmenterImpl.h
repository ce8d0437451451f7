#pragma once

// Private to the inference library: the torch side of Segmenter.

#include "Segmenter.h"

#include <torch/script.h>

namespace clearcut::inference {

class TorchSegmenter final : public Segmenter
{
public:
    // bfloat16: the module's weights are bfloat16 and channels-last; inputs are made so too.
    TorchSegmenter(torch::jit::Module module, torch::Device device, ModelSpec spec, bool bfloat16);

    const ModelSpec &spec() const override { return m_spec; }
    QString device() const override;
    Run run(const cv::Mat &bgr, const cv::Size &inputSize) override;

    torch::jit::Module &module() { return m_module; }

private:
    // Packs the photo into a normalised NCHW float tensor of inputSize on the model's device.
    torch::Tensor preprocess(const cv::Mat &bgr, const cv::Size &inputSize) const;
    // The network's probability map as [H,W] float on the CPU; throws on an unexpected output.
    torch::Tensor infer(const torch::Tensor &input);

    torch::jit::Module m_module;
    torch::Device m_device;
    ModelSpec m_spec;
    bool m_bfloat16;
};

} // namespace clearcut::inference
