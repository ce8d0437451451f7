#pragma once

// Large pixel buffers on huge pages.
//
// A 24 MP photo passes through ~300 MB of fresh buffers (the decoded pixels, the full-size mask,
// the cut-out, the composite). On the 2-core test machine, a virtual machine, the first write to
// a 4 KB page costs ~12 us, so a fresh process spent ~0.9 s of a 24 MP photo faulting those
// buffers in, one 4 KB page at a time. With install(), every cv::Mat of at least kMinBytes gets a
// mapping of its own, marked for transparent huge pages (where the system allows them: 512
// times fewer faults); smaller ones keep OpenCV's allocator. Freed mappings are kept, up to a
// bound, for the next buffers: the smallest that fits is cut to size.

#include <cstddef>

namespace clearcut::LargePages {

inline constexpr size_t kMinBytes = size_t(4) << 20;
// Freed mappings kept for reuse, in all: a 24 MP photo's largest buffers (72 MB of pixels, 96 MB
// of cut-out, 24 MB masks).
inline constexpr size_t kKeptBytes = size_t(256) << 20;

// AddressSanitizer sees no overflow of memory it did not allocate: its builds keep OpenCV's
// allocator, so that image code stays checked.
#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool kAvailable = false;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
inline constexpr bool kAvailable = false;
#else
inline constexpr bool kAvailable = true;
#endif
#else
inline constexpr bool kAvailable = true;
#endif

// Makes the allocator above OpenCV's default for the process (where kAvailable). Call once,
// early (before other threads allocate images); later calls do nothing. CLEARCUT_LARGE_PAGES=off
// leaves OpenCV's (the benchmarks' baseline).
void install();

// How much freed memory to keep (kKeptBytes unless set): a batch reuses it photo after photo,
// a window holding hundreds of photos is better off without it.
void setKeptLimit(size_t bytes);

// Returns the kept mappings to the system (when the work is done and the memory is better
// elsewhere).
void releaseKept();

// How many mappings were made and how many reused since install() (tests and benchmarks).
struct Counts
{
    size_t mapped = 0;
    size_t reused = 0;
    size_t keptBytes = 0;
};
Counts counts();

} // namespace clearcut::LargePages
