#include "ScanReport.h"

#include "engine/PhotoFinder.h"

#include <QCoreApplication>
#include <QDir>

#include <algorithm>

namespace clearcut::ui {

QStringList scanNotes(const FoundPhotos &found, const QStringList &searched)
{
    QStringList notes;
    if (!found.cancelled && found.inputs.isEmpty()) {
        QStringList shown;
        for (const QString &path : searched)
            shown << QDir::toNativeSeparators(path);
        notes << QCoreApplication::translate("ScanReport", "No photos found in %1")
                     .arg(shown.join(QStringLiteral(", ")));
    }
    constexpr qsizetype kListed = 3;
    const qsizetype listed = std::min(found.problems.size(), kListed);
    notes << found.problems.mid(0, listed);
    if (found.problems.size() > listed)
        notes << QCoreApplication::translate("ScanReport", "… and %1 more problems")
                     .arg(found.problems.size() - listed);
    return notes;
}

} // namespace clearcut::ui
