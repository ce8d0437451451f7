// LargePages: cv::Mat's large buffers in mappings of their own, on huge pages where the system
// allows them, kept for reuse up to a bound.

#include "engine/LargePages.h"

#include <QFile>
#include <QTest>

#include <opencv2/core.hpp>

#include <cstdint>
#include <vector>

using namespace clearcut;

namespace {

constexpr size_t kHugePage = size_t(2) << 20;

// Rows of a 24 MP photo's BGR buffer, and a width whose rows are no multiple of 4 KB.
constexpr int kRows = 4000, kCols = 6000;

// What a mapping for n bytes holds: whole 4 KB pages.
size_t inPages(size_t n)
{
    return (n + 4095) / 4096 * 4096;
}

bool transparentHugePagesOff()
{
    QFile setting(QStringLiteral("/sys/kernel/mm/transparent_hugepage/enabled"));
    return !setting.open(QIODevice::ReadOnly) || setting.readAll().contains("[never]");
}

// AnonHugePages of the mapping that holds `p`, in kB, from /proc/self/smaps (-1: not found).
long hugePagesKbAt(const void *p)
{
    QFile smaps(QStringLiteral("/proc/self/smaps"));
    if (!smaps.open(QIODevice::ReadOnly))
        return -1;
    const auto at = reinterpret_cast<uintptr_t>(p);
    bool inside = false;
    for (const QByteArray &line : smaps.readAll().split('\n')) {
        const int dash = line.indexOf('-'), space = line.indexOf(' ');
        if (dash > 0 && space > dash) {
            bool okStart = false, okEnd = false;
            const uintptr_t start = line.left(dash).toULongLong(&okStart, 16);
            const uintptr_t end = line.mid(dash + 1, space - dash - 1).toULongLong(&okEnd, 16);
            if (okStart && okEnd) {
                inside = start <= at && at < end;
                continue;
            }
        }
        if (inside && line.startsWith("AnonHugePages:"))
            return line.mid(14).trimmed().split(' ').first().toLong();
    }
    return -1;
}

} // namespace

class TestLargePages : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        if (!LargePages::kAvailable)
            QSKIP("an AddressSanitizer build keeps OpenCV's allocator");
        LargePages::install();
    }
    void init() { LargePages::releaseKept(); } // each test starts with nothing kept
    void largeImagesGetAlignedMappingsOfTheirOwn();
    void aFreedMappingServesTheNextImages();
    void smallImagesAndCallersMemoryAreOpenCvs();
    void keptMappingsStayUnderTheBound();
    void aLimitOfNothingKeepsNothing();
    void largeImagesAreOnHugePages();
    void imagesBehaveAsImages();
};

void TestLargePages::largeImagesGetAlignedMappingsOfTheirOwn()
{
    const size_t before = LargePages::counts().mapped;
    cv::Mat image(kRows, kCols + 1, CV_8UC3); // an odd width: the size is no multiple of 4 KB
    QCOMPARE(LargePages::counts().mapped, before + 1);
    QCOMPARE(reinterpret_cast<uintptr_t>(image.data) % kHugePage, uintptr_t(0));
    QVERIFY(image.isContinuous());
    QCOMPARE(image.step[0], size_t(3 * (kCols + 1)));
    // Every byte is writable and reads back, the last one included.
    image.setTo(cv::Scalar(1, 2, 3));
    QCOMPARE(image.at<cv::Vec3b>(kRows - 1, kCols), cv::Vec3b(1, 2, 3));
    QCOMPARE(cv::sum(image)[2], 3.0 * kRows * (kCols + 1));
}

void TestLargePages::aFreedMappingServesTheNextImages()
{
    const uchar *first = nullptr;
    {
        cv::Mat image(kRows, kCols, CV_8UC4);
        first = image.data;
    }
    LargePages::Counts before = LargePages::counts();
    QCOMPARE(before.keptBytes, inPages(size_t(kRows) * kCols * 4));
    {
        cv::Mat again(kRows, kCols, CV_8UC4);
        QCOMPARE(again.data, first);
        QCOMPARE(LargePages::counts().reused, before.reused + 1);
        QCOMPARE(LargePages::counts().keptBytes, size_t(0));
    }
    // A smaller image takes the same mapping, cut to its size: the rest goes back.
    before = LargePages::counts();
    {
        cv::Mat smaller(kRows, kCols, CV_8UC3);
        QCOMPARE(smaller.data, first);
        QCOMPARE(LargePages::counts().reused, before.reused + 1);
        QCOMPARE(LargePages::counts().keptBytes, size_t(0));
        smaller.setTo(cv::Scalar::all(9)); // all of it still there
        QCOMPARE(smaller.at<cv::Vec3b>(kRows - 1, kCols - 1), cv::Vec3b(9, 9, 9));
    }
    QCOMPARE(LargePages::counts().keptBytes, inPages(size_t(kRows) * kCols * 3));
    // A larger one is a new mapping; the kept one stays.
    before = LargePages::counts();
    cv::Mat larger(kRows, kCols, CV_8UC4);
    QCOMPARE(LargePages::counts().mapped, before.mapped + 1);
    QCOMPARE(LargePages::counts().keptBytes, before.keptBytes);
    LargePages::releaseKept();
    QCOMPARE(LargePages::counts().keptBytes, size_t(0));
}

void TestLargePages::smallImagesAndCallersMemoryAreOpenCvs()
{
    const LargePages::Counts before = LargePages::counts();
    cv::Mat small(512, 512, CV_8UC3); // 768 KB
    std::vector<uchar> own(size_t(kRows) * kCols);
    cv::Mat wrapped(kRows, kCols, CV_8UC1, own.data());
    const LargePages::Counts after = LargePages::counts();
    QCOMPARE(after.mapped, before.mapped);
    QCOMPARE(after.reused, before.reused);
    QCOMPARE(static_cast<const void *>(wrapped.data), static_cast<const void *>(own.data()));
    QVERIFY(small.u && small.u->currAllocator == cv::Mat::getStdAllocator());
}

void TestLargePages::keptMappingsStayUnderTheBound()
{
    // Many images of different sizes, freed one after another: what is kept never passes the
    // bound, and the newest are the ones kept.
    constexpr size_t kImageBytes = size_t(kRows) * kCols * 3; // 72 MB
    {
        std::vector<cv::Mat> images;
        for (int i = 0; i < 12; ++i)
            images.emplace_back(kRows + i, kCols, CV_8UC3); // 864 MB in all
        for (cv::Mat &image : images)
            image.release(); // in order: the first is the oldest
    }
    const LargePages::Counts counts = LargePages::counts();
    QVERIFY2(counts.keptBytes <= LargePages::kKeptBytes,
             qPrintable(QString::number(counts.keptBytes)));
    QVERIFY(counts.keptBytes + kImageBytes + 12 * size_t(kCols) * 3 > LargePages::kKeptBytes);
    // The newest is kept whole; the oldest is gone, so nothing kept fits the one after the
    // newest (larger than all of them).
    cv::Mat newest(kRows + 11, kCols, CV_8UC3);
    QCOMPARE(LargePages::counts().reused, counts.reused + 1);
    cv::Mat beyond(kRows + 12, kCols, CV_8UC3);
    QCOMPARE(LargePages::counts().mapped, counts.mapped + 1);
}

void TestLargePages::aLimitOfNothingKeepsNothing()
{
    {
        cv::Mat kept(kRows, kCols, CV_8UC3);
    }
    QVERIFY(LargePages::counts().keptBytes > 0);
    LargePages::setKeptLimit(0); // what is kept goes at once
    QCOMPARE(LargePages::counts().keptBytes, size_t(0));
    const LargePages::Counts before = LargePages::counts();
    {
        cv::Mat freed(kRows, kCols, CV_8UC3);
    }
    QCOMPARE(LargePages::counts().keptBytes, size_t(0));
    cv::Mat again(kRows, kCols, CV_8UC3);
    QCOMPARE(LargePages::counts().mapped, before.mapped + 2);
    QCOMPARE(LargePages::counts().reused, before.reused);
    LargePages::setKeptLimit(LargePages::kKeptBytes);
}

void TestLargePages::largeImagesAreOnHugePages()
{
    if (transparentHugePagesOff())
        QSKIP("transparent huge pages are off on this system");
    cv::Mat image(kRows + 100, kCols, CV_8UC3);
    image.setTo(cv::Scalar::all(7));
    const long kb = hugePagesKbAt(image.data);
    QVERIFY2(kb > 0, qPrintable(QStringLiteral("AnonHugePages %1 kB").arg(kb)));
}

void TestLargePages::imagesBehaveAsImages()
{
    // Views, copies and conversions of a large image, as the pipeline uses them.
    cv::Mat image(kRows, kCols, CV_8UC3);
    cv::randu(image, 0, 256);
    const cv::Mat view = image(cv::Rect(100, 200, 3000, 2000));
    QCOMPARE(view.step[0], image.step[0]);
    const cv::Mat copy = image.clone();
    QCOMPARE(cv::norm(copy, image, cv::NORM_INF), 0.0);
    cv::Mat wide;
    image.convertTo(wide, CV_32FC3);
    QCOMPARE(double(wide.at<cv::Vec3f>(kRows - 1, kCols - 1)[1]),
             double(image.at<cv::Vec3b>(kRows - 1, kCols - 1)[1]));
    // A three-dimensional one: its steps are the element size times the inner extents.
    const int sizes[] = {4, 1024, 1024};
    cv::Mat cube(3, sizes, CV_32F);
    QCOMPARE(cube.step[2], size_t(4));
    QCOMPARE(cube.step[1], size_t(4 * 1024));
    QCOMPARE(cube.step[0], size_t(4 * 1024 * 1024));
    cube.setTo(1.0f);
    QCOMPARE(cv::sum(cube)[0], 4.0 * 1024 * 1024);
}

QTEST_GUILESS_MAIN(TestLargePages)
#include "test_largepages.moc"
