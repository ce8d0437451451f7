// WarmMemory: blocks come only from the touched part, never overlap, go back and merge with their
// neighbours, land in the hole that fits them best, and survive threads allocating at once.

#include "engine/WarmMemory.h"

#include <QTest>

#include <cstdint>
#include <cstring>
#include <random>
#include <thread>
#include <vector>

using namespace clearcut;

namespace {

constexpr size_t kMb = size_t(1) << 20;
constexpr size_t kPage = 4096;

std::unique_ptr<WarmMemory> warm(size_t bytes)
{
    std::unique_ptr<WarmMemory> memory = WarmMemory::start(bytes);
    if (memory)
        memory->waitUntilWarm();
    return memory;
}

} // namespace

class TestWarmMemory : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void blocksAreAlignedWritableAndDisjoint();
    void aBlockThatDoesNotFitIsRefused();
    void onlyItsOwnBlocksAreReleased();
    void releasedNeighboursMerge();
    void aBlockGoesToTheHoleThatFitsItBest();
    void threadsAllocatingAtOnceNeverShareBytes();
    void stoppingTheToucherKeepsWhatIsWarm();
};

void TestWarmMemory::blocksAreAlignedWritableAndDisjoint()
{
    const auto memory = warm(8 * kMb);
    QVERIFY(memory);
    QCOMPARE(memory->warmBytes(), memory->size());
    QVERIFY(memory->size() >= 8 * kMb);
    char *a = static_cast<char *>(memory->allocate(100));
    char *b = static_cast<char *>(memory->allocate(kMb + 1));
    QVERIFY(a && b);
    QCOMPARE(reinterpret_cast<uintptr_t>(a) % 64, uintptr_t(0));
    QCOMPARE(reinterpret_cast<uintptr_t>(b) % 64, uintptr_t(0));
    QVERIFY(memory->owns(a) && memory->owns(b) && memory->owns(b + kMb));
    std::memset(a, 0xAA, 100);
    std::memset(b, 0x55, kMb + 1);
    QCOMPARE(static_cast<unsigned char>(a[99]), 0xAAu);
    QVERIFY(a + 100 <= b || b + kMb + 1 <= a);
    // Sizes are counted in whole pages.
    QCOMPARE(memory->usedBytes(), kPage + kMb + kPage);
    QVERIFY(memory->release(a));
    QVERIFY(memory->release(b));
    QCOMPARE(memory->usedBytes(), size_t(0));
    QCOMPARE(memory->peakUsedBytes(), kPage + kMb + kPage);
}

void TestWarmMemory::aBlockThatDoesNotFitIsRefused()
{
    const auto memory = warm(4 * kMb);
    QVERIFY(memory);
    QVERIFY(!memory->allocate(memory->size() + 1));
    QVERIFY(!memory->allocate(0));
    void *all = memory->allocate(memory->size());
    QVERIFY(all);
    QVERIFY(!memory->allocate(1)); // full: the caller allocates elsewhere
    QVERIFY(memory->release(all));
    QVERIFY(memory->allocate(1));
}

void TestWarmMemory::onlyItsOwnBlocksAreReleased()
{
    const auto memory = warm(4 * kMb);
    QVERIFY(memory);
    int onTheStack = 0;
    std::vector<char> onTheHeap(64);
    QVERIFY(!memory->owns(&onTheStack));
    QVERIFY(!memory->release(&onTheStack));
    QVERIFY(!memory->release(onTheHeap.data()));
    char *p = static_cast<char *>(memory->allocate(3 * kPage));
    QVERIFY(p);
    QVERIFY(!memory->release(p + kPage)); // inside a block, not its start
    QVERIFY(memory->release(p));
    QVERIFY(!memory->release(p)); // twice
    QCOMPARE(memory->usedBytes(), size_t(0));
}

void TestWarmMemory::releasedNeighboursMerge()
{
    const auto memory = warm(4 * kMb);
    QVERIFY(memory);
    const size_t quarter = memory->size() / 4;
    void *blocks[4];
    for (void *&block : blocks)
        QVERIFY((block = memory->allocate(quarter)));
    QVERIFY(!memory->allocate(1));
    // Free the middle two, right one first: only merged do they hold half the region.
    QVERIFY(memory->release(blocks[2]));
    QVERIFY(memory->release(blocks[1]));
    void *half = memory->allocate(2 * quarter);
    QCOMPARE(half, blocks[1]);
    QVERIFY(memory->release(half));
    QVERIFY(memory->release(blocks[0]));
    QVERIFY(memory->release(blocks[3]));
    QCOMPARE(memory->allocate(memory->size()), blocks[0]);
}

void TestWarmMemory::aBlockGoesToTheHoleThatFitsItBest()
{
    const auto memory = warm(4 * kMb);
    QVERIFY(memory);
    // [big hole][kept][small hole][kept][rest]
    void *big = memory->allocate(8 * kPage);
    void *kept1 = memory->allocate(kPage);
    void *small = memory->allocate(2 * kPage);
    void *kept2 = memory->allocate(kPage);
    QVERIFY(big && kept1 && small && kept2);
    QVERIFY(memory->release(big));
    QVERIFY(memory->release(small));
    // First fit would split the big hole; best fit keeps it whole for a big block.
    QCOMPARE(memory->allocate(2 * kPage), small);
    QCOMPARE(memory->allocate(8 * kPage), big);
}

void TestWarmMemory::threadsAllocatingAtOnceNeverShareBytes()
{
    const auto memory = warm(32 * kMb);
    QVERIFY(memory);
    std::atomic<int> corrupted{0};
    std::atomic<int> served{0};
    auto worker = [&](unsigned seed) {
        std::mt19937 random(seed);
        std::vector<std::pair<unsigned char *, size_t>> held;
        for (int i = 0; i < 4000; ++i) {
            if (held.size() > 6 || (!held.empty() && random() % 2)) {
                const size_t k = random() % held.size();
                auto [p, n] = held[k];
                const unsigned char mark = static_cast<unsigned char>(seed);
                if (p[0] != mark || p[n / 2] != mark || p[n - 1] != mark)
                    ++corrupted;
                memory->release(p);
                held.erase(held.begin() + std::ptrdiff_t(k));
            } else {
                const size_t n = 1 + random() % (2 * kMb);
                auto *p = static_cast<unsigned char *>(memory->allocate(n));
                if (!p)
                    continue;
                ++served;
                std::memset(p, static_cast<unsigned char>(seed), n);
                held.emplace_back(p, n);
            }
        }
        for (auto [p, n] : held)
            memory->release(p);
    };
    std::thread a(worker, 1u), b(worker, 2u), c(worker, 3u);
    a.join();
    b.join();
    c.join();
    QCOMPARE(corrupted.load(), 0);
    QVERIFY(served.load() > 1000);
    QCOMPARE(memory->usedBytes(), size_t(0));
    QCOMPARE(memory->allocate(memory->size()) != nullptr, true); // all merged back into one
}

void TestWarmMemory::stoppingTheToucherKeepsWhatIsWarm()
{
    // Stopped at once: a large region is not warm yet, and what is not warm is never handed out.
    const auto memory = WarmMemory::start(1024 * kMb);
    QVERIFY(memory);
    memory->stopTouching();
    const size_t warmBytes = memory->warmBytes();
    QVERIFY(warmBytes < memory->size());
    memory->stopTouching(); // twice is harmless
    QCOMPARE(memory->warmBytes(), warmBytes);
    QVERIFY(!memory->allocate(warmBytes + kPage));
    if (warmBytes >= kPage) {
        auto *block = static_cast<char *>(memory->allocate(kPage));
        QVERIFY(block);
        std::memset(block, 1, kPage);
        QVERIFY(memory->release(block));
    }
    memory->waitUntilWarm(); // returns: nothing left to wait for
}

QTEST_GUILESS_MAIN(TestWarmMemory)
#include "test_warmmemory.moc"
