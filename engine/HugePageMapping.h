#pragma once

// Anonymous memory laid out for transparent huge pages: the model's region (WarmMemory) and large
// image buffers (LargePages) both start on a 2 MB boundary, so that every whole 2 MB of them can
// be one huge page (512 times fewer first-write faults than 4 KB pages).

#include <cstddef>

namespace clearcut::HugePageMapping {

inline constexpr size_t kPage = 4096;
inline constexpr size_t kHugePage = size_t(2) << 20;

inline size_t roundUp(size_t n, size_t to)
{
    return (n + to - 1) / to * to;
}

// A mapping of exactly `bytes` (a multiple of kPage) starting on a huge page's boundary, marked
// for huge pages (a hint: where the system refuses, 4 KB pages); a tail under 2 MB stays in 4 KB
// pages, so nothing is rounded up. `noReserve`: no swap space is set aside for it. Null when the
// system refuses the mapping. Give it back with unmap(p, bytes), or any page-aligned part of it.
void *map(size_t bytes, bool noReserve = false);
void unmap(void *p, size_t bytes);

} // namespace clearcut::HugePageMapping
