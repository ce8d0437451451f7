#pragma once

// Runs one photo through the loaded network. Lives on the engine thread; built by ModelLoader.

#include "engine/ModelSpec.h"

#include <QString>

#include <opencv2/core/mat.hpp>

#include <memory>

namespace clearcut::inference {

class Segmenter final
{
public:
    struct Run
    {
        cv::Mat probability; // CV_32FC1 in [0,1] at the network's output resolution; empty on error
        QString error;
        double preprocessMs = 0;
        double inferMs = 0;
    };

    ~Segmenter();
    Segmenter(const Segmenter &) = delete;
    Segmenter &operator=(const Segmenter &) = delete;

    const ModelSpec &spec() const;
    QString device() const;

    // bgr: CV_8UC3 photo of any size; inputSize: what ModelSpec::inputSizeFor chose.
    Run run(const cv::Mat &bgr, const cv::Size &inputSize);

private:
    friend class ModelLoader;
    struct Impl;
    explicit Segmenter(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> d;
};

} // namespace clearcut::inference
