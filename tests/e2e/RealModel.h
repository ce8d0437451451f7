#pragma once

// The real default model, as setup installs it. Tests that use it fail (not skip) when it is
// missing: `tools/setup.sh` always provides it.

#include "engine/ModelSpec.h"

#include <QFileInfo>
#include <QTest>

#define REQUIRE_REAL_MODEL()                                                                       \
    do {                                                                                           \
        if (!QFileInfo::exists(clearcut::defaultModelPath()))                                      \
            QFAIL(qPrintable(QStringLiteral("the default model %1 is missing: run tools/setup.sh") \
                                 .arg(clearcut::defaultModelPath())));                             \
    } while (false)
