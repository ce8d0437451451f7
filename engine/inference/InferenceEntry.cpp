// The inference library's one exported symbol.

#include "Device.h"
#include "HardwareProbe.h"
#include "InferenceLibrary.h"
#include "WarmAllocator.h"

#include <QtGlobal>

namespace {

// One entry a line, in the table's order.
// clang-format off
const clearcut::inference::InferenceApi kApi{
    clearcut::inference::kInferenceAbiVersion,
    &clearcut::inference::ModelLoader::load,
    &clearcut::inference::torchVersion,
    &clearcut::inference::probeHardware,
    &clearcut::inference::cudaSupport,
    &clearcut::inference::useWarmMemory,
};
// clang-format on

} // namespace

extern "C" Q_DECL_EXPORT const clearcut::inference::InferenceApi *clearcut_inference_api()
{
    return &kApi;
}
