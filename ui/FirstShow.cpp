#include "FirstShow.h"

#include "engine/PoolThreads.h"

#include <QAccessible>
#include <QImageReader>
#include <QThreadPool>
#include <QVariantAnimation>

#include <opencv2/core/utility.hpp>

namespace clearcut::ui {

void prepareFirstShow()
{
    // Qt converts and scales large images on its global pool (the 512 px app icon already does).
    startThreadsNow(*QThreadPool::globalInstance());
    // The first widget that asks whether accessibility is on starts the AT-SPI bridge, which
    // connects to the session bus on a thread of its own.
    QAccessible::isActive();
    // No plugin claims "png", so Qt asks each image-format plugin whether it reads it: all load.
    QImageReader icon(QStringLiteral(":/icons/app/clearcut-16.png"));
    icon.read();
    // OpenCV's first parallel loop, on any thread, loads its parallel backend (TBB) as a plugin,
    // and the UI thread makes thumbnails and display copies with OpenCV.
    cv::parallel_for_(
        cv::Range(0, 2), [](const cv::Range &) {}, 2.0);
    // Animations share a per-thread timer; the first show's layout makes the UI thread's.
    QVariantAnimation animation;
    animation.setDuration(1);
    animation.start();
    animation.stop();
}

} // namespace clearcut::ui
