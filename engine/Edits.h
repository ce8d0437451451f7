#pragma once

// A photo's edits: the adjustments it was saved with and the brush strokes painted over its
// mask. They are kept beside the photo as NAME.clearcut.json, are picked up when the photo is
// opened again, and are what `clearcut-cli --edits FILE` and a batch export with:
// {"adjustments": {...AdjustmentsJson...}, "strokes": [...Strokes::fromJson...]}. Both keys are
// optional; unknown keys are ignored; a bad value is an error that names the file.

#include "PhotoExport.h"
#include "Strokes.h"

#include <QByteArray>
#include <QString>

#include <optional>
#include <vector>

namespace clearcut {

struct PhotoEdits
{
    std::optional<Adjustments> adjustments; // none: the photo follows the adjustments given
    std::vector<Stroke> strokes;

    friend bool operator==(const PhotoEdits &a, const PhotoEdits &b)
    {
        return a.adjustments == b.adjustments && a.strokes == b.strokes;
    }
};

namespace Edits {

// Where a photo's edits are kept: beside it, as <stem>.clearcut.json.
QString pathFor(const QString &photoPath);

// On a bad value returns nullopt and sets *error ("stroke 3: radius must be a number above 0").
std::optional<PhotoEdits> fromJson(const QByteArray &json, QString *error = nullptr);
QByteArray toJson(const PhotoEdits &edits);

// The file `path`; errors name it.
std::optional<PhotoEdits> readFile(const QString &path, QString *error = nullptr);
// The photo's file beside it: nullopt when there is none (*error empty) or it cannot be read
// (*error names it and says why).
std::optional<PhotoEdits> readBeside(const QString &photoPath, QString *error);
// Written whole or not at all (a temporary file renamed over it). Returns an empty string, or
// the reason naming the file.
QString writeFile(const QString &path, const PhotoEdits &edits);

} // namespace Edits
} // namespace clearcut
