#include "HugePageMapping.h"

#include <sys/mman.h>

#include <cstdint>

namespace clearcut::HugePageMapping {

void *map(size_t bytes, bool noReserve)
{
    // One huge page more, then the unaligned head and the tail beyond `bytes` go back.
    const size_t mapped = bytes + kHugePage;
    void *mapping = mmap(nullptr, mapped, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS | (noReserve ? MAP_NORESERVE : 0), -1, 0);
    if (mapping == MAP_FAILED)
        return nullptr;
    const auto start = reinterpret_cast<uintptr_t>(mapping);
    const uintptr_t aligned = roundUp(start, kHugePage);
    if (aligned > start)
        munmap(mapping, aligned - start);
    const size_t tail = start + mapped - (aligned + bytes);
    if (tail > 0)
        munmap(reinterpret_cast<void *>(aligned + bytes), tail);
    void *p = reinterpret_cast<void *>(aligned);
#ifdef MADV_HUGEPAGE
    madvise(p, bytes, MADV_HUGEPAGE);
#endif
    return p;
}

void unmap(void *p, size_t bytes)
{
    munmap(p, bytes);
}

} // namespace clearcut::HugePageMapping
