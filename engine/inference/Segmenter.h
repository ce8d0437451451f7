#pragma once

// Runs one photo through a loaded network. Lives on the engine thread; made by ModelLoader inside
// the inference library, used through this torch-free interface.

#include "engine/ModelSpec.h"

#include <QString>

#include <opencv2/core/mat.hpp>

namespace clearcut::inference {

class Segmenter
{
public:
    struct Run
    {
        cv::Mat probability; // CV_32FC1 in [0,1] at the network's output resolution; empty on error
        QString error;
        double preprocessMs = 0;
        double inferMs = 0;
    };

    Segmenter() = default;
    virtual ~Segmenter() = default;
    Segmenter(const Segmenter &) = delete;
    Segmenter &operator=(const Segmenter &) = delete;

    virtual const ModelSpec &spec() const = 0;
    virtual QString device() const = 0;

    // bgr: CV_8UC3 photo of any size; inputSize: what ModelSpec::inputSizeFor chose.
    virtual Run run(const cv::Mat &bgr, const cv::Size &inputSize) = 0;
};

} // namespace clearcut::inference
