#include "WarmAllocator.h"

#include "engine/WarmMemory.h"

#include <c10/core/CPUAllocator.h>

#include <atomic>
#include <mutex>

namespace clearcut::inference {
namespace {

// Below this the previous allocator's own caches do well, and a region's 4 KB granularity
// would waste most of each block.
constexpr size_t kSmallest = size_t(256) << 10;

std::atomic<WarmMemory *> g_memory{nullptr};
c10::Allocator *g_previous = nullptr;
c10::DeleterFnPtr g_previousDeleter = nullptr;

// One deleter for both kinds of block, as raw_deallocate() (oneDNN's scratch memory) needs.
void deleteBlock(void *p)
{
    WarmMemory *memory = g_memory.load(std::memory_order_acquire);
    if (memory && memory->release(p))
        return;
    g_previousDeleter(p);
}

class WarmAllocator final : public c10::Allocator
{
public:
    c10::DataPtr allocate(size_t n) const override
    {
        if (n >= kSmallest) {
            if (WarmMemory *memory = g_memory.load(std::memory_order_acquire)) {
                if (void *p = memory->allocate(n))
                    return {p, p, &deleteBlock, c10::Device(c10::DeviceType::CPU)};
            }
        }
        return g_previous->allocate(n); // keeps its own deleter
    }
    c10::DeleterFnPtr raw_deleter() const override { return &deleteBlock; }
};

WarmAllocator g_allocator;

} // namespace

void useWarmMemory(WarmMemory *memory)
{
    if (!memory)
        return;
    static std::once_flag installed;
    std::call_once(installed, [memory] {
        g_previous = c10::GetCPUAllocator();
        g_previousDeleter = g_previous->raw_deleter();
        if (!g_previousDeleter)
            return; // an allocator without raw blocks: leave it alone
        g_memory.store(memory, std::memory_order_release);
        // Priority above the default's (0), so this one is what GetCPUAllocator() answers.
        c10::SetCPUAllocator(&g_allocator, 1);
    });
}

} // namespace clearcut::inference
