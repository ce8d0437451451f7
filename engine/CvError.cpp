#include "CvError.h"

#include <opencv2/core.hpp>

#include <new>

namespace clearcut {

QString describeException(const std::exception &e)
{
    if (dynamic_cast<const std::bad_alloc *>(&e))
        return QStringLiteral("out of memory");
    const auto *cv = dynamic_cast<const cv::Exception *>(&e);
    if (!cv)
        return QString::fromLocal8Bit(e.what()).trimmed();
    if (cv->code == cv::Error::StsNoMem)
        return QStringLiteral("out of memory");
    const QString function = QString::fromStdString(cv->func).section(QLatin1String("::"), -1);
    const QString where =
        function.isEmpty() ? QStringLiteral("OpenCV") : QStringLiteral("OpenCV's %1").arg(function);
    // e.g. "(-215:Assertion failed) !img.empty()" becomes "refused its input (!img.empty())".
    const QString detail = QString::fromStdString(cv->err).trimmed();
    return QStringLiteral("%1 refused the image (the image is too large, empty or of an "
                          "unsupported kind%2)")
        .arg(where, detail.isEmpty() ? QString() : QStringLiteral(": ") + detail);
}

} // namespace clearcut
