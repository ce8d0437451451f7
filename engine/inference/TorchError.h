#pragma once

// A readable one-line message from an exception thrown by LibTorch (whose what() carries a
// backtrace).

#include <QString>
#include <QStringList>

#include "engine/CvError.h"

#include <c10/util/Exception.h>

#include <exception>

namespace clearcut::inference {

inline QString torchErrorMessage(const std::exception &e)
{
    const auto *torchError = dynamic_cast<const c10::Error *>(&e);
    if (!torchError)
        return describeException(e); // OpenCV (preprocessing) or an allocation
    const char *text = torchError ? torchError->what_without_backtrace() : e.what();
    const QStringList lines = QString::fromUtf8(text).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    if (lines.isEmpty())
        return QStringLiteral("unknown error");
    // Errors raised inside a TorchScript graph start with a generic header and a TorchScript
    // traceback; the actual error is the last line.
    if (lines.first().startsWith(QLatin1String("The following operation failed")))
        return lines.last().trimmed();
    return lines.first().trimmed();
}

} // namespace clearcut::inference
