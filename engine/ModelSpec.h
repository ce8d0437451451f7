#pragma once

// How to feed a TorchScript model: read from the JSON sidecar next to the .pt file, or from a
// built-in preset for files whose origin is known (transparent-background's ckpt_*.pt).

#include "Types.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <opencv2/core/types.hpp>

#include <array>
#include <optional>

namespace clearcut {

struct ModelSpec
{
    enum class Policy
    {
        Fixed,  // the network takes exactly width x height (the photo is stretched)
        Longest // longest side = side, aspect kept, both sides multiples of `multiple`
    };
    enum class Output
    {
        Probability,
        Logits
    };

    QString name;
    QString family;
    Policy policy = Policy::Fixed;
    int width = 1024;
    int height = 1024;
    int side = 1024;
    int multiple = 32;
    int fastSide = 0; // 0: the model has no fast size
    // ResizeMode::Dynamic on a fixed-size model: the longest side follows the photo's, from
    // `side` up to this (multiples of `multiple`); 0: side * 5 / 4 (1280 for ISNet's 1024).
    int dynamicSide = 0;
    double scale = 1.0;
    std::array<double, 3> mean{0, 0, 0}; // RGB, applied as (v * scale - mean) / std, v in 0..255
    std::array<double, 3> std{1, 1, 1};
    Output output = Output::Probability;
    bool minmax = false;
    bool dynamicSizes = true; // false for traced models that only run at their own size

    // A quantised network (tools/quantize_isnet.py), run on LibTorch's onednn quantized engine;
    // false for a float one. Sidecar: "precision": "int8" (or "float32", the default).
    bool int8 = false;
    // What the sidecar's "quantization" record says was measured against the float32 network,
    // on photos the network was not calibrated on ("accuracy": {photo: {"mean_abs", "iou"}}).
    struct Accuracy
    {
        QString photo;
        double meanAbs = 0; // mean absolute mask difference, 0..255
        double iou = 0;     // intersection over union of mask > 127
    };
    QList<Accuracy> accuracy;
    QStringList floatBlocks; // the blocks kept in float ("float_blocks"), for the record

    static std::optional<ModelSpec> fromJson(const QByteArray &json, QString *error);
    static ModelSpec inspyrenet(int size);

    // The sidecar `<stem>.json` when present, else a preset recognised from the file name.
    static std::optional<ModelSpec> forModelFile(const QString &modelPath, QString *error);
    static QString sidecarPath(const QString &modelPath);

    // The network input size for a photo of `photo` pixels.
    cv::Size inputSizeFor(const cv::Size &photo, const SegmentOptions &options) const;
};

// The parity bounds an int8 network must meet, on every photo measured, for the Auto precision
// to run it instead of a float one: mean absolute mask difference against float32 at most
// kInt8MeanAbsBound (of 255) and IoU of mask > 127 at least kInt8IouBound.
constexpr double kInt8MeanAbsBound = 2.0;
constexpr double kInt8IouBound = 0.98;

// Why Auto must not run this int8 network (no accuracy measured, or a photo outside the
// bounds, named with its numbers); empty when it may.
QString int8ParityProblem(const ModelSpec &spec);

// Where the int8 variant of a float model is looked for: <stem>-int8.pt beside it
// (tools/fetch_model.sh writes isnet-int8.pt beside isnet.pt).
QString int8VariantPath(const QString &modelPath);

// Where the default model (isnet.pt) is looked for, in order: the folder CLEARCUT_MODEL_DIR
// names (then nowhere else); the user's model folder, where setup puts it
// (~/.local/share/ClearCut/models on Linux); each installed data folder's clearcut/models
// (XDG_DATA_DIRS on Linux: /usr/share/clearcut/models for the package); <program>/../share/
// clearcut/models (and, on macOS, the bundle's Resources/models).
QStringList defaultModelCandidates();

// The first candidate that exists; the user's folder when none does.
QString defaultModelPath();

// Why the default model cannot be loaded when no candidate exists: where it was looked for and
// how to install it.
QString missingDefaultModelMessage();

} // namespace clearcut
