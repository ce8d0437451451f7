#pragma once

// Private to engine/inference: the torch side of Segmenter, shared with ModelLoader.

#include "Segmenter.h"

#include <torch/script.h>

namespace clearcut::inference {

struct Segmenter::Impl
{
    torch::jit::Module module;
    torch::Device device{torch::kCPU};
    ModelSpec spec;

    // Packs the photo into a normalised NCHW float tensor of inputSize on the model's device.
    torch::Tensor preprocess(const cv::Mat &bgr, const cv::Size &inputSize) const;
    // The network's probability map as [H,W] float on the CPU; throws on an unexpected output.
    torch::Tensor infer(const torch::Tensor &input);
};

} // namespace clearcut::inference
