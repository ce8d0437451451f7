#pragma once

// The hardware reference (HardwareReport in engine/Types.h), measured with LibTorch.

#include "engine/Types.h"

namespace clearcut::inference {

// Configures the calling thread as ModelLoader does (threads 0: physical cores), then times
// conv2d([1,128,256,256], [128,128,3,3], padding 1; 19.3 GFLOP, the shape of ISNet's heavier
// layers) in inference mode: 2 warm-up runs, the median of 5; then in bfloat16 where native.
// Takes about two seconds; loads no model.
HardwareReport probeHardware(int threads);

} // namespace clearcut::inference
