#pragma once

// Makes LibTorch's CPU allocator take large blocks (weights, activations) from the engine's
// WarmMemory, whose pages a background thread has already faulted in; everything else, and
// whatever does not fit, goes to the allocator that was there before.

namespace clearcut {
class WarmMemory;
}

namespace clearcut::inference {

// Installs the allocator the first time; later calls (a second model) keep the first region.
// memory must outlive every tensor: the engine keeps it for the process's life.
void useWarmMemory(WarmMemory *memory);

} // namespace clearcut::inference
