#include "WarmMemory.h"

#include "HugePageMapping.h"

#ifdef Q_OS_LINUX
#include <pthread.h>
#include <sched.h>
#endif

#include <algorithm>

namespace clearcut {

using HugePageMapping::kHugePage;
using HugePageMapping::kPage;
using HugePageMapping::roundUp;

std::unique_ptr<WarmMemory> WarmMemory::start(size_t bytes)
{
    const size_t size = roundUp(std::max<size_t>(bytes, kHugePage), kHugePage);
    char *base = static_cast<char *>(HugePageMapping::map(size, /*noReserve=*/true));
    if (!base)
        return nullptr;
    std::unique_ptr<WarmMemory> memory(new WarmMemory(base, size));
    memory->m_toucher = std::thread([m = memory.get()] { m->touch(); });
    return memory;
}

WarmMemory::WarmMemory(char *base, size_t size) : m_base(base), m_size(size)
{
    m_free.emplace(0, size);
}

WarmMemory::~WarmMemory()
{
    stopTouching();
    HugePageMapping::unmap(m_base, m_size);
}

void WarmMemory::touch()
{
#ifdef Q_OS_LINUX
    // Only on a core nothing else wants: it runs beside LibTorch's single-threaded loading, and
    // gives way to the warm-up's threads (measured: ready 1190 ms against 1264 at normal priority).
    const sched_param idle{};
    pthread_setschedparam(pthread_self(), SCHED_IDLE, &idle);
#endif
    // Writing is what costs, so this writes: one byte a page, to pages no one has been given yet
    // (allocate() hands out only what lies below m_warm).
    constexpr size_t kStep = kHugePage;
    for (size_t done = 0; done < m_size && !m_stop.load(std::memory_order_relaxed);) {
        const size_t end = std::min(done + kStep, m_size);
        for (size_t at = done; at < end; at += kPage)
            *reinterpret_cast<volatile char *>(m_base + at) = 0;
        done = end;
        m_warm.store(done, std::memory_order_release);
    }
}

void WarmMemory::waitUntilWarm()
{
    if (m_toucher.joinable())
        m_toucher.join();
}

void WarmMemory::stopTouching()
{
    m_stop.store(true);
    if (m_toucher.joinable())
        m_toucher.join();
}

void *WarmMemory::allocate(size_t n)
{
    if (n == 0)
        return nullptr;
    const size_t need = roundUp(n, kPage);
    const size_t warm = warmBytes();
    const std::lock_guard lock(m_mutex);
    // Best fit (the smallest free block that is large enough, the lowest of equals): a photo's
    // large activations come and go around the weights, and first fit split the space they need
    // (measured with ISNet: a 64 MB block found no room in 84 MB free).
    auto best = m_free.end();
    for (auto it = m_free.begin(); it != m_free.end() && it->first + need <= warm; ++it) {
        if (it->second >= need && (best == m_free.end() || it->second < best->second))
            best = it;
    }
    if (best != m_free.end()) {
        const auto [offset, length] = *best;
        m_free.erase(best);
        if (length > need)
            m_free.emplace(offset + need, length - need);
        m_used.emplace(offset, need);
        m_usedBytes += need;
        m_peakUsedBytes = std::max(m_peakUsedBytes, m_usedBytes);
        return m_base + offset;
    }
    return nullptr;
}

bool WarmMemory::owns(const void *p) const
{
    const char *c = static_cast<const char *>(p);
    return c >= m_base && c < m_base + m_size;
}

bool WarmMemory::release(void *p)
{
    if (!owns(p))
        return false;
    const size_t offset = size_t(static_cast<char *>(p) - m_base);
    const std::lock_guard lock(m_mutex);
    const auto used = m_used.find(offset);
    if (used == m_used.end())
        return false;
    size_t start = offset;
    size_t length = used->second;
    m_used.erase(used);
    m_usedBytes -= length;
    // Coalesce with the free neighbours on both sides.
    auto next = m_free.lower_bound(offset);
    if (next != m_free.end() && next->first == offset + length) {
        length += next->second;
        next = m_free.erase(next);
    }
    if (next != m_free.begin()) {
        const auto previous = std::prev(next);
        if (previous->first + previous->second == start) {
            start = previous->first;
            length += previous->second;
            m_free.erase(previous);
        }
    }
    m_free.emplace(start, length);
    return true;
}

size_t WarmMemory::usedBytes() const
{
    const std::lock_guard lock(m_mutex);
    return m_usedBytes;
}

size_t WarmMemory::peakUsedBytes() const
{
    const std::lock_guard lock(m_mutex);
    return m_peakUsedBytes;
}

} // namespace clearcut
