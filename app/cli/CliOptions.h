#pragma once

// clearcut-cli's command line, compatible with transparent-background's flags.

#include "engine/BatchExporter.h"
#include "engine/Framing.h"
#include "engine/ImageIO.h"
#include "engine/MaskRefiner.h"
#include "engine/OutputType.h"
#include "engine/Sharding.h"
#include "engine/Strokes.h"
#include "engine/Types.h"

#include <QString>
#include <QStringList>

#include <optional>

class QCoreApplication;

namespace clearcut::cli {

struct CliOptions
{
    QString source;             // a photo or a folder, or instead:
    QString inputList;          // a file listing photos, one a line (outputs flat in dest)
    std::optional<Shard> shard; // --shard I/N: only the photos at I, I+N, ... of the list
    QString dest;
    OutputType type;
    MaskAdjust adjust;
    Framing framing;
    std::optional<std::vector<Stroke>> strokes; // --edits
    QString format;                             // empty: png
    SegmentOptions segment;
    QString modelPath;
    LoadOptions load;
    QString namePattern = QStringLiteral("{stem}_{type}");
    // Overwrite, as transparent-background does: running the same command again gives the same
    // files. (The dialog defaults to AddNumber.) A source photo is never overwritten.
    CollisionPolicy collision = CollisionPolicy::Overwrite;
    int resizeLongest = 0;
    QString reportPath; // the BatchSummary as JSON
    bool timings = false;
    bool quiet = false;
    bool probeHardware = false; // print the hardware reference as JSON and exit; no model
};

struct ParseResult
{
    std::optional<CliOptions> options;
    QString error;        // usage error: print it and exit 2
    bool exitNow = false; // --help / --version handled
};

ParseResult parseCommandLine(const QStringList &arguments);

} // namespace clearcut::cli
