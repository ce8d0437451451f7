#pragma once

// Memory for the network's weights and activations, faulted in ahead of use by a background
// thread while LibTorch loads.
//
// Touching fresh memory is the largest part of a model's start on a virtual machine: a first
// write to a page costs ~12 us on the 2-core test machine (400 MB: 1.2 s with 4 KB pages). Loading
// ISNet and running its first 1024x1024 photo touches ~400 MB (weights in float32, then in
// bfloat16, then the activations), all of it on the engine thread, while the second core idles
// through LibTorch's half-second dynamic loading. Here that second core does the touching, on a
// region marked for transparent huge pages (where the system allows them: 512 times fewer
// faults), and the inference library's allocator takes large blocks from its warm part. Freed
// blocks stay in the region for the next photo, so the memory is touched once per process.
//
// torch-free: the engine starts it before loading the inference library, which then adopts it
// (inference/WarmAllocator).

#include <QtGlobal>

#include <atomic>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>

namespace clearcut {

class WarmMemory
{
public:
    // Reserves `bytes` of address space and starts a thread that faults it in, from the start
    // up. Null where the system refuses the reservation.
    static std::unique_ptr<WarmMemory> start(size_t bytes);
    ~WarmMemory(); // waits for the touching thread: destroy only when nothing uses the memory

    WarmMemory(const WarmMemory &) = delete;
    WarmMemory &operator=(const WarmMemory &) = delete;

    // A block of at least n bytes from the part already touched, aligned to 64 bytes; null when
    // no free block there is large enough (the caller then allocates elsewhere). Thread-safe.
    void *allocate(size_t n);
    // Returns a block from allocate(). False, doing nothing, for a pointer that is not one.
    bool release(void *p);
    bool owns(const void *p) const;

    size_t size() const { return m_size; }
    size_t warmBytes() const { return m_warm.load(std::memory_order_acquire); }
    size_t usedBytes() const;
    size_t peakUsedBytes() const;
    // Waits until the whole region is touched (tests and benchmarks).
    void waitUntilWarm();
    // Stops the touching thread where it is and waits for it; the memory stays usable (what is
    // not warm yet is then never handed out). For exit: no thread of ours outlives main().
    void stopTouching();

private:
    WarmMemory(char *base, size_t size);
    void touch();

    char *m_base;
    size_t m_size;
    std::atomic<size_t> m_warm{0};
    std::atomic<bool> m_stop{false};
    mutable std::mutex m_mutex;
    std::map<size_t, size_t> m_free;           // offset -> length, address order, coalesced
    std::unordered_map<size_t, size_t> m_used; // offset -> length
    size_t m_usedBytes = 0;
    size_t m_peakUsedBytes = 0;
    std::thread m_toucher;
};

} // namespace clearcut
