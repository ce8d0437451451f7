#pragma once

// Turns a TorchScript file into a ready Segmenter, in stages that report real progress:
// reading the bytes, deserialising, optimising, warming up. Runs on the engine thread; one copy of
// the weights stays in memory.

#include "engine/Types.h"

#include <QString>

#include <functional>
#include <memory>

namespace clearcut::inference {

class Segmenter;

// LoadOptions, Optimization and Precision are the engine's own types (engine/Types.h).

class ModelLoader final
{
public:
    using Progress = std::function<void(LoadStage, double)>;

    struct Outcome
    {
        std::unique_ptr<Segmenter> segmenter; // null on failure
        ModelInfo info;
        QString error; // one line naming the file and the reason
    };

    static Outcome load(const QString &path, const LoadOptions &options, const Progress &progress);
};

} // namespace clearcut::inference
