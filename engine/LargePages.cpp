#include "LargePages.h"

#include "HugePageMapping.h"

#include <opencv2/core.hpp>

#include <QString>
#include <QtGlobal>

#include <list>
#include <mutex>
#include <utility>

namespace clearcut::LargePages {
namespace {

#ifdef Q_OS_LINUX

using HugePageMapping::kPage;
using HugePageMapping::roundUp;

// Image buffers' mappings (HugePageMapping: exactly their pages, so no rounding waste, which a
// window holding hundreds of display copies would feel), and the freed ones kept for reuse.
class Mappings
{
public:
    void *take(size_t bytes)
    {
        std::pair<size_t, void *> found{0, nullptr};
        {
            std::lock_guard lock(m_mutex);
            // The smallest kept mapping that is large enough, cut to size: what a photo freed
            // serves the next photo's buffers of any smaller size too, and the rest goes back.
            auto best = m_kept.end();
            for (auto it = m_kept.begin(); it != m_kept.end(); ++it) {
                if (it->first >= bytes && (best == m_kept.end() || it->first < best->first))
                    best = it;
            }
            if (best != m_kept.end()) {
                found = *best;
                m_kept.erase(best);
                m_keptBytes -= found.first;
                ++m_counts.reused;
            } else {
                ++m_counts.mapped;
            }
        }
        if (!found.second)
            return HugePageMapping::map(bytes);
        if (found.first > bytes) // both page multiples; the start stays on its huge page boundary
            HugePageMapping::unmap(static_cast<char *>(found.second) + bytes, found.first - bytes);
        return found.second;
    }

    // Lowering the limit gives back the oldest kept mappings until the rest fit.
    void setLimit(size_t bytes)
    {
        List released;
        {
            std::lock_guard lock(m_mutex);
            m_limit = bytes;
            released = overLimit();
        }
        unmapAll(released);
    }

    void releaseKept()
    {
        List released;
        {
            std::lock_guard lock(m_mutex);
            released.swap(m_kept);
            m_keptBytes = 0;
        }
        unmapAll(released);
    }

    void give(void *p, size_t bytes)
    {
        List released;
        {
            std::lock_guard lock(m_mutex);
            if (bytes > m_limit) {
                released.emplace_back(bytes, p); // never kept: the ones kept stay
            } else {
                m_kept.emplace_back(bytes, p);
                m_keptBytes += bytes;
                released = overLimit();
            }
        }
        unmapAll(released);
    }

    Counts counts() const
    {
        std::lock_guard lock(m_mutex);
        Counts c = m_counts;
        c.keptBytes = m_keptBytes;
        return c;
    }

private:
    using List = std::list<std::pair<size_t, void *>>; // (bytes, mapping)

    // With m_mutex held: the oldest kept mappings taken out until the rest fit the limit.
    List overLimit()
    {
        List released;
        while (m_keptBytes > m_limit) {
            released.splice(released.end(), m_kept, m_kept.begin());
            m_keptBytes -= released.back().first;
        }
        return released;
    }

    static void unmapAll(const List &mappings)
    {
        for (const auto &[size, mapping] : mappings)
            HugePageMapping::unmap(mapping, size);
    }

    mutable std::mutex m_mutex;
    List m_kept; // oldest first
    size_t m_keptBytes = 0;
    size_t m_limit = kKeptBytes;
    Counts m_counts;
};

Mappings &mappings()
{
    static Mappings *const instance = new Mappings; // never destroyed: images may outlive main()
    return *instance;
}

class Allocator final : public cv::MatAllocator
{
public:
    cv::UMatData *allocate(int dims, const int *sizes, int type, void *data, size_t *step,
                           cv::AccessFlag flags, cv::UMatUsageFlags usage) const override
    {
        // Memory the caller owns, and small images, are OpenCV's own allocator's business.
        size_t total = CV_ELEM_SIZE(type);
        bool fits = true;
        for (int i = dims - 1; i >= 0 && fits; --i)
            fits = !__builtin_mul_overflow(total, size_t(sizes[i]), &total);
        if (data || !fits || total < kMinBytes)
            return cv::Mat::getStdAllocator()->allocate(dims, sizes, type, data, step, flags,
                                                        usage);
        if (step) {
            size_t rowBytes = CV_ELEM_SIZE(type);
            for (int i = dims - 1; i >= 0; --i) {
                step[i] = rowBytes;
                rowBytes *= size_t(sizes[i]);
            }
        }
        const size_t bytes = roundUp(total, kPage);
        void *p = mappings().take(bytes);
        if (!p)
            CV_Error_(cv::Error::StsNoMem, ("cannot map %zu bytes for an image", bytes));
        auto *u = new cv::UMatData(this);
        u->data = u->origdata = static_cast<uchar *>(p);
        u->size = total;
        return u;
    }

    bool allocate(cv::UMatData *u, cv::AccessFlag, cv::UMatUsageFlags) const override
    {
        return u != nullptr;
    }

    void deallocate(cv::UMatData *u) const override
    {
        if (!u)
            return;
        CV_Assert(u->urefcount == 0 && u->refcount == 0);
        mappings().give(u->origdata, roundUp(u->size, kPage));
        u->origdata = nullptr;
        delete u;
    }
};

#endif // Q_OS_LINUX

} // namespace

void install()
{
#ifdef Q_OS_LINUX
    static Allocator *const allocator = []() -> Allocator * {
        // The benchmarks' baseline: OpenCV's own allocator.
        if (!kAvailable || qEnvironmentVariable("CLEARCUT_LARGE_PAGES") == QLatin1String("off"))
            return nullptr;
        auto *a = new Allocator; // never destroyed: images may outlive main()
        cv::Mat::setDefaultAllocator(a);
        return a;
    }();
    Q_UNUSED(allocator);
#endif
}

void setKeptLimit(size_t bytes)
{
#ifdef Q_OS_LINUX
    mappings().setLimit(bytes);
#else
    Q_UNUSED(bytes);
#endif
}

void releaseKept()
{
#ifdef Q_OS_LINUX
    mappings().releaseKept();
#endif
}

Counts counts()
{
#ifdef Q_OS_LINUX
    return mappings().counts();
#else
    return {};
#endif
}

} // namespace clearcut::LargePages
