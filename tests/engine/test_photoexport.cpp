// The one export path: a document's pixels are read from its file when not held, a cut-out saved
// without alpha is flattened onto white, and a failure or a cancel leaves no file.

#include "engine/Compositor.h"
#include "engine/ImageIO.h"
#include "engine/MaskRefiner.h"
#include "engine/PhotoExport.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include <opencv2/core.hpp>

using namespace clearcut;

namespace {

constexpr int kWidth = 120, kHeight = 80;

// Left half red, right half blue; the mask keeps the left half.
cv::Mat photo()
{
    cv::Mat bgr(kHeight, kWidth, CV_8UC3, cv::Scalar(255, 0, 0));
    bgr(cv::Rect(0, 0, kWidth / 2, kHeight)).setTo(cv::Scalar(0, 0, 255));
    return bgr;
}

cv::Mat lowResMask()
{
    cv::Mat probability(32, 32, CV_32FC1, cv::Scalar(0.0f));
    probability(cv::Rect(0, 0, 16, 32)).setTo(1.0f);
    return MaskRefiner::quantized(probability);
}

QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace

class TestPhotoExport : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void quantizedMaskGivesTheSameResultAsTheNetworkOutput();
    void pixelsAreReadFromTheSourceWhenNotHeld();
    void aCutOutSavedAsJpegIsFlattenedOntoWhite();
    void aFailureNamesTheFileAndLeavesNothing();
    void aCancelledJobWritesNothing();
    void withoutRefinementTheResultIsTheUpsampledMasks();
};

void TestPhotoExport::quantizedMaskGivesTheSameResultAsTheNetworkOutput()
{
    // A document keeps 1 byte a pixel of the network's output: the full-resolution mask made
    // from it is the one made from the float map.
    cv::Mat probability(40, 40, CV_32FC1);
    cv::randu(probability, -0.2, 1.2);
    const cv::Mat fromFloat = MaskRefiner::toFullResolution(probability, cv::Size(301, 217));
    const cv::Mat fromBytes =
        MaskRefiner::toFullResolution(MaskRefiner::quantized(probability), cv::Size(301, 217));
    QCOMPARE(cv::norm(fromFloat, fromBytes, cv::NORM_INF), 0.0);
}

void TestPhotoExport::pixelsAreReadFromTheSourceWhenNotHeld()
{
    QTemporaryDir dir;
    const QString source = dir.filePath(QStringLiteral("photo.png"));
    QCOMPARE(ImageIO::writeImageAtomic(source, photo()), QString());

    PhotoExport::Job held;
    held.document.pixels = std::make_shared<const cv::Mat>(photo());
    held.document.lowResMask = lowResMask();
    held.output = dir.filePath(QStringLiteral("held.png"));
    PhotoExport::Job fromFile = held;
    fromFile.document.pixels.reset();
    fromFile.document.sourcePath = source;
    fromFile.output = dir.filePath(QStringLiteral("from-file.png"));

    const PhotoExport::Outcome a = PhotoExport::write(held);
    const PhotoExport::Outcome b = PhotoExport::write(fromFile);
    QVERIFY2(a.error.isEmpty(), qPrintable(a.error));
    QVERIFY2(b.error.isEmpty(), qPrintable(b.error));
    QCOMPARE(a.decodeMs, 0.0);
    QVERIFY(b.decodeMs > 0.0);
    const QByteArray bytes = readAll(held.output);
    QVERIFY(!bytes.isEmpty());
    QCOMPARE(readAll(fromFile.output), bytes);

    const DecodeResult decoded = ImageIO::decodeFile(held.output);
    QVERIFY(decoded.image);
    QCOMPARE(decoded.image->sourceChannels, 4);
}

void TestPhotoExport::aCutOutSavedAsJpegIsFlattenedOntoWhite()
{
    QTemporaryDir dir;
    PhotoExport::Job job;
    job.document.pixels = std::make_shared<const cv::Mat>(photo());
    job.document.lowResMask = lowResMask();
    job.encode.format = QStringLiteral("jpg");
    job.output = dir.filePath(QStringLiteral("cut.jpg"));
    const PhotoExport::Outcome outcome = PhotoExport::write(job);
    QVERIFY2(outcome.error.isEmpty(), qPrintable(outcome.error));
    const DecodeResult decoded = ImageIO::decodeFile(job.output);
    QVERIFY2(decoded.image, qPrintable(decoded.error));
    const cv::Vec3b right = decoded.image->bgr.at<cv::Vec3b>(kHeight / 2, kWidth - 10);
    const cv::Vec3b left = decoded.image->bgr.at<cv::Vec3b>(kHeight / 2, 10);
    QVERIFY2(right[0] > 245 && right[1] > 245 && right[2] > 245, "the background is white");
    QVERIFY2(left[2] > 230 && left[0] < 30, "the kept half is red");
}

void TestPhotoExport::aFailureNamesTheFileAndLeavesNothing()
{
    QTemporaryDir dir;
    PhotoExport::Job job;
    job.document.sourcePath = dir.filePath(QStringLiteral("gone.png"));
    job.document.lowResMask = lowResMask();
    job.output = dir.filePath(QStringLiteral("out.png"));
    const PhotoExport::Outcome outcome = PhotoExport::write(job);
    QVERIFY(outcome.error.contains(QDir::toNativeSeparators(job.document.sourcePath)));
    QVERIFY(outcome.error.contains(QDir::toNativeSeparators(job.output)));
    QVERIFY(!QFileInfo::exists(job.output));

    // No mask yet.
    job.document.sourcePath.clear();
    job.document.pixels = std::make_shared<const cv::Mat>(photo());
    job.document.lowResMask.release();
    QVERIFY(PhotoExport::write(job).error.contains(QStringLiteral("no mask")));
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden), QStringList());
}

void TestPhotoExport::aCancelledJobWritesNothing()
{
    QTemporaryDir dir;
    PhotoExport::Job job;
    job.document.pixels = std::make_shared<const cv::Mat>(photo());
    job.document.lowResMask = lowResMask();
    job.output = dir.filePath(QStringLiteral("out.png"));
    const std::atomic_bool cancelled{true};
    const PhotoExport::Outcome outcome = PhotoExport::write(job, &cancelled);
    QVERIFY(outcome.dropped);
    QVERIFY(outcome.error.isEmpty());
    QVERIFY(!QFileInfo::exists(job.output));
}

void TestPhotoExport::withoutRefinementTheResultIsTheUpsampledMasks()
{
    // --refine off is the path as it was before refinement: the mask upsampled, adjusted and
    // composited, nothing else.
    cv::Mat probability(32, 32, CV_32FC1);
    cv::randu(probability, 0.0, 1.0);
    const cv::Mat low = MaskRefiner::quantized(probability);
    cv::Mat pixels(kHeight, kWidth, CV_8UC3);
    cv::randu(pixels, 0, 256);
    for (const char *typeName : {"rgba", "map", "green", "blur"}) {
        PhotoExport::Job job;
        job.document.pixels = std::make_shared<const cv::Mat>(pixels);
        job.document.lowResMask = low;
        job.document.adjustments.type = *OutputType::parse(QString::fromLatin1(typeName));
        job.document.adjustments.adjust.refine = false;
        job.document.adjustments.adjust.threshold = 0.3;
        QString error;
        const cv::Mat rendered = PhotoExport::render(job, &error);
        QVERIFY2(!rendered.empty(), qPrintable(error));
        const cv::Mat mask = MaskRefiner::adjusted(
            MaskRefiner::toFullResolution(low, pixels.size()), job.document.adjustments.adjust);
        const cv::Mat expected = Compositor::composite(pixels, mask, job.document.adjustments.type);
        QCOMPARE(rendered.type(), expected.type());
        QVERIFY2(cv::norm(rendered, expected, cv::NORM_INF) == 0.0, typeName);
    }
}

QTEST_GUILESS_MAIN(TestPhotoExport)
#include "test_photoexport.moc"
