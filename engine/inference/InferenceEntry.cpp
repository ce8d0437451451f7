// The inference library's one exported symbol.

#include "Device.h"
#include "HardwareProbe.h"
#include "InferenceLibrary.h"

#include <QtGlobal>

namespace {

const clearcut::inference::InferenceApi kApi{
    clearcut::inference::kInferenceAbiVersion,
    &clearcut::inference::ModelLoader::load,
    &clearcut::inference::torchVersion,
    &clearcut::inference::probeHardware,
};

} // namespace

extern "C" Q_DECL_EXPORT const clearcut::inference::InferenceApi *clearcut_inference_api()
{
    return &kApi;
}
