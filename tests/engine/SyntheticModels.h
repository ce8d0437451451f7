#pragma once

// Tiny TorchScript models built in C++ (Module::define), saved to disk with sidecars, so engine
// tests run in seconds without the real network.

#include <QString>

namespace clearcut::test {

enum class SyntheticModel
{
    RedIsForeground, // probability 1 where the photo's red channel > 128, else 0; same size as
                     // input
    TupleOutput,     // the same mask as the first element of a tuple, a side output after it
    Logits,          // logits: +8 where red > 128, -8 elsewhere (needs sigmoid)
    WrongShape,      // returns the 3-channel input unchanged
    Throws,          // fails inside forward (an impossible reshape)
    Float32Only,     // RedIsForeground through an op with no bfloat16 kernel (a determinant)
    NanOutput,       // the right shape, every value NaN (a damaged model)
    TwoInputs,       // forward(x, y): one input more than the engine gives
};

// Writes <dir>/<name>.pt and <dir>/<name>.json (input fixed at size x size, ISNet normalisation)
// and returns the .pt path.
QString writeSyntheticModel(const QString &dir, const QString &name, SyntheticModel kind,
                            int size = 64);

// Writes <dir>/<floatName>-int8.pt and its sidecar: the int8 variant the engine looks for beside
// <floatName>.pt. Its network takes the input through LibTorch's 8-bit quantize and back (a
// quantised op), and marks the BLUE half as the subject, so a test sees which of the two ran. The
// sidecar says "precision": "int8" and records `meanAbs` and `iou` as the accuracy measured
// against float32 on one photo. Returns the .pt path.
QString writeSyntheticInt8Variant(const QString &dir, const QString &floatName, double meanAbs,
                                  double iou, int size = 64);

} // namespace clearcut::test
