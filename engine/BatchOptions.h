#pragma once

// What a batch export makes of its photos: where, in which format, named how, composited how.

#include "Framing.h"
#include "MaskRefiner.h"
#include "OutputType.h"
#include "Strokes.h"
#include "Types.h"

#include <QHash>
#include <QString>

#include <optional>
#include <vector>

namespace clearcut {

enum class CollisionPolicy
{
    Skip,      // keep the existing file: a re-run finishes only what is missing
    AddNumber, // "name_2.png", "name_3.png" ...
    Overwrite
};

struct BatchOptions
{
    QString destination;                    // folder; created if missing
    QString format = QStringLiteral("png"); // png, webp, jpg, tif, bmp (ImageIO's names)
    int quality = 95;                       // JPEG and lossy WebP
    bool webpLossless = true;
    OutputType type; // formats without alpha get white behind rgba
    MaskAdjust adjust;
    Framing framing; // crop to the subject / place it on a canvas
    // Strokes for every photo (clearcut-cli --edits; its adjustments are the ones above then).
    // Without them, a photo with an edits file beside it (Edits::pathFor) gets that file's
    // strokes, and its adjustments when it has them (type, mask and framing; format, size and
    // naming stay the batch's).
    std::optional<std::vector<Stroke>> strokes;
    // Strokes the window holds for a photo (by its path), saved or not: they replace those of
    // its edits file.
    QHash<QString, std::vector<Stroke>> heldStrokes;
    SegmentOptions segment;
    int resizeLongest = 0; // 0: keep the size; else the longest side becomes this (never enlarged)
    // {stem}, {type}, {index} (1-based, zero-padded to the width of the input count)
    QString namePattern = QStringLiteral("{stem}_{type}");
    bool keepStructure = true; // outputs go to destination/relativeDir
    CollisionPolicy collision = CollisionPolicy::AddNumber;
};

} // namespace clearcut
