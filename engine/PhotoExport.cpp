#include "PhotoExport.h"

#include "Compositor.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>

namespace clearcut::PhotoExport {
namespace {

double msSince(const QElapsedTimer &timer)
{
    return double(timer.nsecsElapsed()) / 1e6;
}

cv::Size outputSize(const cv::Size &photo, int longest)
{
    const int side = std::max(photo.width, photo.height);
    if (longest <= 0 || side <= longest)
        return photo;
    const double scale = double(longest) / side;
    return {std::max(1, int(std::lround(photo.width * scale))),
            std::max(1, int(std::lround(photo.height * scale)))};
}

// Creates dir; on failure says why in words a user can act on (QDir::mkpath gives no reason).
QString makeFolder(const QString &dir)
{
    if (QDir().mkpath(dir))
        return QString();
    const QString shown = QDir::toNativeSeparators(dir);
    QFileInfo ancestor(dir);
    while (!ancestor.exists() && !ancestor.isSymLink() && !ancestor.isRoot()) {
        const QString parent = ancestor.absolutePath();
        if (parent == ancestor.absoluteFilePath())
            break;
        ancestor = QFileInfo(parent);
    }
    if (ancestor.exists() && !ancestor.isDir())
        return QStringLiteral("cannot create the folder %1: %2 is a file, not a folder")
            .arg(shown, QDir::toNativeSeparators(ancestor.absoluteFilePath()));
    if (ancestor.exists() && !ancestor.isWritable())
        return QStringLiteral("cannot create the folder %1: permission denied").arg(shown);
    return QStringLiteral("cannot create the folder %1").arg(shown);
}

} // namespace

LoadedBackground loadBackground(const OutputType &type)
{
    LoadedBackground background;
    if (type.kind != OutputType::Kind::BackgroundImage)
        return background;
    background.path = type.backgroundPath;
    DecodeResult decoded = ImageIO::decodeFile(type.backgroundPath);
    if (decoded.image)
        background.bgr = std::make_shared<const cv::Mat>(std::move(decoded.image->bgr));
    else
        background.error = QStringLiteral("background image %1: %2")
                               .arg(QDir::toNativeSeparators(type.backgroundPath), decoded.error);
    return background;
}

cv::Mat render(const Job &job, QString *error, double *decodeMs)
{
    const PhotoDocument &document = job.document;
    auto fail = [&](const QString &message) {
        if (error)
            *error = message;
        return cv::Mat();
    };
    if (decodeMs)
        *decodeMs = 0;
    if (document.lowResMask.empty())
        return fail(QStringLiteral("there is no mask yet"));

    std::shared_ptr<const cv::Mat> pixels = document.pixels;
    if (!pixels) {
        QElapsedTimer timer;
        timer.start();
        DecodeResult decoded = ImageIO::decodeFile(document.sourcePath);
        if (decodeMs)
            *decodeMs = msSince(timer);
        if (!decoded.image)
            return fail(QStringLiteral("%1: %2").arg(QDir::toNativeSeparators(document.sourcePath),
                                                     decoded.error));
        pixels = std::make_shared<const cv::Mat>(std::move(decoded.image->bgr));
    }

    // Resizing before compositing makes a smaller output cheaper all the way through; the mask is
    // upsampled straight to the output size.
    const cv::Size size = outputSize(pixels->size(), job.resizeLongest);
    cv::Mat photo = *pixels;
    if (size != pixels->size())
        cv::resize(*pixels, photo, size, 0, 0, cv::INTER_AREA);
    const Adjustments &adjustments = document.adjustments;
    const bool maskMade = document.finishedMask && document.finishedMask->size() == photo.size();
    const cv::Mat mask =
        maskMade ? *document.finishedMask
                 : MaskRefiner::finished(photo, document.lowResMask, adjustments.adjust,
                                         document.strokes, double(photo.cols) / pixels->cols);
    const Framer::Framed framed = Framer::apply(photo, mask, adjustments.framing);
    if (!framed.error.isEmpty())
        return fail(document.sourcePath.isEmpty()
                        ? framed.error
                        : QStringLiteral("%1: %2").arg(
                              QDir::toNativeSeparators(document.sourcePath), framed.error));
    QString composeError;
    cv::Mat image =
        Compositor::composite(framed.photo, framed.mask, adjustments.type, job.background,
                              &composeError, adjustments.adjust.cleanColours);
    if (image.empty())
        return fail(composeError.isEmpty() ? QStringLiteral("cannot composite the result")
                                           : composeError);
    return image;
}

namespace {

// render(), with the cut-out on white when the format has no alpha: what gets encoded.
cv::Mat renderForFormat(const Job &job, QString *error, double *decodeMs = nullptr)
{
    cv::Mat image = render(job, error, decodeMs);
    if (image.channels() == 4 && !ImageIO::formatSupportsAlpha(job.encode.format))
        image = Compositor::flattenOnto(image, OutputType::kWhite);
    return image;
}

} // namespace

QByteArray encoded(const Job &job, QString *error)
{
    const cv::Mat image = renderForFormat(job, error);
    return image.empty() ? QByteArray() : ImageIO::encode(image, job.encode, error);
}

Outcome write(const Job &job, const std::atomic_bool *cancel)
{
    Outcome outcome;
    if (cancel && cancel->load()) {
        outcome.dropped = true;
        return outcome;
    }
    QElapsedTimer timer;
    timer.start();
    const cv::Mat image = renderForFormat(job, &outcome.error, &outcome.decodeMs);
    if (image.empty()) {
        if (!job.output.isEmpty() && !outcome.error.contains(QDir::toNativeSeparators(job.output)))
            outcome.error = QStringLiteral("cannot write %1: %2")
                                .arg(QDir::toNativeSeparators(job.output), outcome.error);
        return outcome;
    }
    outcome.postMs = msSince(timer) - outcome.decodeMs;

    // The last point where a cancel drops this photo; past it, writeImageAtomic either writes the
    // whole file or leaves nothing.
    if (cancel && cancel->load()) {
        outcome.dropped = true;
        return outcome;
    }
    timer.restart();
    outcome.error = makeFolder(QFileInfo(job.output).absolutePath());
    if (outcome.error.isEmpty())
        outcome.error = ImageIO::writeImageAtomic(job.output, image, job.encode);
    outcome.encodeMs = msSince(timer);
    return outcome;
}

} // namespace clearcut::PhotoExport
