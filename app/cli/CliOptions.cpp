#include "CliOptions.h"

#include "app/CommandLine.h"
#include "engine/Edits.h"
#include "engine/ModelSpec.h"
#include "engine/OutputNaming.h"

#include <QCommandLineParser>
#include <QRegularExpression>

namespace clearcut::cli {
namespace {

std::optional<DevicePreference> parseDevice(const QString &text)
{
    const QString t = text.toLower();
    if (t == QLatin1String("auto") || t.isEmpty())
        return DevicePreference::Auto;
    if (t == QLatin1String("cpu"))
        return DevicePreference::Cpu;
    static const QRegularExpression cuda(QStringLiteral("^cuda(:\\d+)?$"));
    if (cuda.match(t).hasMatch())
        return DevicePreference::Cuda;
    return std::nullopt;
}

} // namespace

ParseResult parseCommandLine(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Removes the background from photos. Flags follow transparent-background's CLI."));
    const QCommandLineOption source(
        {QStringLiteral("s"), QStringLiteral("source")},
        QStringLiteral("A photo, or a folder of photos (searched recursively; "
                       "its structure is kept under --dest). Or give --input-list."),
        QStringLiteral("path"));
    const QCommandLineOption inputList(
        QStringLiteral("input-list"),
        QStringLiteral("Instead of --source: a text file with one photo path a line (blank "
                       "lines and lines starting with # skipped; relative paths are from the "
                       "list's folder). Outputs go flat into --dest (use {index} in --name "
                       "if stems repeat). A listed file that is missing fails as that photo."),
        QStringLiteral("file"));
    const QCommandLineOption shard(
        QStringLiteral("shard"),
        QStringLiteral("Export only part I of N (I from 0): the photos at positions I, I+N, "
                       "I+2N ... of the list (or of --source's photos, in their order), so N "
                       "workers over one list write every photo once; with --collision skip a "
                       "re-run resumes. {index} stays the place in the whole list."),
        QStringLiteral("I/N"));
    const QCommandLineOption dest({QStringLiteral("d"), QStringLiteral("dest")},
                                  QStringLiteral("Output folder (default: the current folder)."),
                                  QStringLiteral("folder"));
    const QCommandLineOption type(
        {QStringLiteral("t"), QStringLiteral("type")},
        QStringLiteral("rgba, map, green, white, [r,g,b], blur, overlay, or a background image "
                       "file (default: rgba)."),
        QStringLiteral("type"), QStringLiteral("rgba"));
    const QCommandLineOption threshold(QStringLiteral("threshold"),
                                       QStringLiteral("Hard mask: alpha 1 where the mask >= T."),
                                       QStringLiteral("T"));
    const QCommandLineOption reverse(QStringLiteral("reverse"),
                                     QStringLiteral("Keep the background instead."));
    const QCommandLineOption refine(
        QStringLiteral("refine"),
        QStringLiteral("Full-resolution edge refinement: on or off (default: on)."),
        QStringLiteral("on|off"), QStringLiteral("on"));
    const QCommandLineOption refineStrength(
        QStringLiteral("refine-strength"),
        QStringLiteral("How far refinement moves the edge, 0 to 1 (default: 1)."),
        QStringLiteral("S"), QStringLiteral("1"));
    const QCommandLineOption foregroundEstimate(
        QStringLiteral("foreground-estimate"),
        QStringLiteral("Colour clean-up: estimate the cut-out's edge colours without the old "
                       "background, on or off (default: on)."),
        QStringLiteral("on|off"), QStringLiteral("on"));
    const QCommandLineOption feather(QStringLiteral("feather"),
                                     QStringLiteral("Soften the edge by N pixels (default: 0)."),
                                     QStringLiteral("N"), QStringLiteral("0"));
    const QCommandLineOption shiftEdge(
        QStringLiteral("shift-edge"),
        QStringLiteral("Grow (N > 0) or shrink (N < 0) the subject by N pixels (default: 0)."),
        QStringLiteral("N"), QStringLiteral("0"));
    const QCommandLineOption crop(
        QStringLiteral("crop"),
        QStringLiteral("Crop to the subject with this margin: pixels (20) or percent of the "
                       "subject's size (5%)."),
        QStringLiteral("margin"));
    const QCommandLineOption canvas(
        QStringLiteral("canvas"),
        QStringLiteral("Fill frame: the subject centred on a square canvas, or on exactly WxH "
                       "pixels (implies cropping; --crop sets the padding)."),
        QStringLiteral("WxH|square"));
    const QCommandLineOption edits(
        QStringLiteral("edits"),
        QStringLiteral("A NAME.clearcut.json edits file for every photo: its brush strokes, and "
                       "its adjustments where no option here says otherwise (without it, a "
                       "photo's own NAME.clearcut.json beside it is used)."),
        QStringLiteral("file"));
    const QCommandLineOption format(
        {QStringLiteral("f"), QStringLiteral("format")},
        QStringLiteral("png, jpg, webp, tiff, bmp (rgba is always png)."), QStringLiteral("ext"));
    const QCommandLineOption resize(QStringLiteral("resize"),
                                    QStringLiteral("static (the model's size) or dynamic (keep "
                                                   "the aspect ratio, as --mode dynamic)."),
                                    QStringLiteral("mode"), QStringLiteral("static"));
    const QCommandLineOption mode(
        QStringLiteral("mode"),
        QStringLiteral("base (1024 square), fast (512), dynamic (aspect kept, longest side up to "
                       "1280) or tiled (base, then tiles at twice the scale along the edge)."),
        QStringLiteral("mode"), QStringLiteral("base"));
    const QCommandLineOption ckpt({QStringLiteral("c"), QStringLiteral("ckpt")},
                                  QStringLiteral("A TorchScript model (default: ISNet)."),
                                  QStringLiteral("file"));
    const QCommandLineOption device({QStringLiteral("D"), QStringLiteral("device")},
                                    QStringLiteral("auto, cpu or cuda (default: auto)."),
                                    QStringLiteral("device"), QStringLiteral("auto"));
    const QCommandLineOption threads(QStringLiteral("threads"),
                                     QStringLiteral("Inference threads (default: physical cores)."),
                                     QStringLiteral("n"));
    const QCommandLineOption optimize(
        QStringLiteral("optimize"),
        QStringLiteral("Graph optimisation: none, freeze or full (default: full)."),
        QStringLiteral("level"), QStringLiteral("full"));
    const QCommandLineOption precision(
        QStringLiteral("precision"),
        QStringLiteral("auto, int8, float32 or bfloat16 (default: auto = int8 where the "
                       "model's int8 variant is within its parity bounds, else bfloat16 where "
                       "the CPU has native bfloat16, else float32)."),
        QStringLiteral("type"), QStringLiteral("auto"));
    const QCommandLineOption timings(QStringLiteral("timings"),
                                     QStringLiteral("Print stage timings as JSON on stderr."));
    const QCommandLineOption jit(
        QStringLiteral("jit"), QStringLiteral("Accepted for compatibility (always TorchScript)."));
    const QCommandLineOption quiet({QStringLiteral("q"), QStringLiteral("quiet")},
                                   QStringLiteral("Print only errors."));
    const QCommandLineOption name(
        QStringLiteral("name"),
        QStringLiteral("Output name: {stem}, {type}, {index} (default: {stem}_{type})."),
        QStringLiteral("pattern"), QStringLiteral("{stem}_{type}"));
    const QCommandLineOption collision(
        QStringLiteral("collision"),
        QStringLiteral("When the output exists: skip, number (add _2, _3 ...) or overwrite "
                       "(default: overwrite). A source photo is never overwritten."),
        QStringLiteral("policy"), QStringLiteral("overwrite"));
    const QCommandLineOption resizeLongest(
        QStringLiteral("resize-longest"),
        QStringLiteral("Scale outputs down so the longest side is N pixels (default: keep)."),
        QStringLiteral("N"));
    const QCommandLineOption report(QStringLiteral("report"),
                                    QStringLiteral("Write the summary as JSON to this file."),
                                    QStringLiteral("file"));
    const QCommandLineOption probeHardware(
        QStringLiteral("probe-hardware"),
        QStringLiteral("Print the GFLOP/s of one large convolution on the inference threads as "
                       "JSON, and exit (loads no model)."));
    const QCommandLineOption help = parser.addHelpOption();
    const QCommandLineOption version = parser.addVersionOption();
    parser.addOptions({source, inputList, shard});
    parser.addOptions({dest, type, threshold, reverse, format, resize, mode, ckpt, device, threads,
                       optimize, timings, jit, quiet, name, collision, resizeLongest, report});
    parser.addOptions(
        {refine, refineStrength, foregroundEstimate, feather, shiftEdge, crop, canvas, edits});
    parser.addOption(probeHardware);
    parser.addOption(precision);

    ParseResult result;
    if (!app::parseCommon(parser, arguments, help, version, "clearcut-cli",
                          QStringLiteral(" (use --source)"), result))
        return result;

    CliOptions o;
    o.probeHardware = parser.isSet(probeHardware);
    o.source = parser.value(source);
    o.inputList = parser.value(inputList);
    if (parser.isSet(source) && parser.isSet(inputList)) {
        result.error = QStringLiteral("give --source or --input-list, not both");
        return result;
    }
    if (o.source.isEmpty() && o.inputList.isEmpty() && !o.probeHardware) {
        result.error = QStringLiteral("--source (or --input-list) is required");
        return result;
    }
    if (parser.isSet(shard)) {
        QString shardError;
        o.shard = parseShard(parser.value(shard), &shardError);
        if (!o.shard) {
            result.error = QStringLiteral("--shard %1").arg(shardError);
            return result;
        }
    }
    o.dest = parser.value(dest);

    // An edits file's adjustments are where the options start from; an option given on the
    // command line still wins.
    bool adjustmentsFromFile = false;
    if (parser.isSet(edits)) {
        QString editsError;
        const auto read = Edits::readFile(parser.value(edits), &editsError);
        if (!read) {
            result.error = QStringLiteral("--edits %1").arg(editsError);
            return result;
        }
        o.strokes = read->strokes;
        if (read->adjustments) {
            adjustmentsFromFile = true;
            o.type = read->adjustments->type;
            o.adjust = read->adjustments->adjust;
            o.framing = read->adjustments->framing;
        }
    }
    const auto given = [&](const QCommandLineOption &option) {
        return !adjustmentsFromFile || parser.isSet(option);
    };

    if (given(type)) {
        QString typeError;
        const auto parsedType = OutputType::parse(parser.value(type), &typeError);
        if (!parsedType) {
            result.error = typeError;
            return result;
        }
        o.type = *parsedType;
    }

    if (parser.isSet(threshold)) {
        bool ok = false;
        const double t = parser.value(threshold).toDouble(&ok);
        if (!ok || !(t >= 0.0 && t <= 1.0)) { // "nan" parses, and fails both comparisons
            result.error = QStringLiteral("--threshold must be a number between 0 and 1");
            return result;
        }
        o.adjust.threshold = t;
    }
    if (given(reverse))
        o.adjust.reverse = parser.isSet(reverse);

    const auto onOff = [&](const QCommandLineOption &option, bool *value) {
        if (!given(option))
            return true;
        const QString text = parser.value(option).toLower();
        if (text != QLatin1String("on") && text != QLatin1String("off")) {
            result.error =
                QStringLiteral("--%1 must be on or off").arg(option.names().constFirst());
            return false;
        }
        *value = text == QLatin1String("on");
        return true;
    };
    if (!onOff(refine, &o.adjust.refine) || !onOff(foregroundEstimate, &o.adjust.cleanColours))
        return result;
    if (given(refineStrength)) {
        bool ok = false;
        o.adjust.refineStrength = parser.value(refineStrength).toDouble(&ok);
        if (!ok || !(o.adjust.refineStrength >= 0.0 && o.adjust.refineStrength <= 1.0)) {
            result.error = QStringLiteral("--refine-strength must be a number between 0 and 1");
            return result;
        }
    }
    const auto pixels = [&](const QCommandLineOption &option, int min, int *value) {
        if (!given(option))
            return true;
        bool ok = false;
        *value = parser.value(option).toInt(&ok);
        if (!ok || *value < min || *value > MaskAdjust::kMaxEdgePixels) {
            result.error = QStringLiteral("--%1 must be a whole number of pixels from %2 to %3")
                               .arg(option.names().constFirst())
                               .arg(min)
                               .arg(MaskAdjust::kMaxEdgePixels);
            return false;
        }
        return true;
    };
    if (!pixels(feather, 0, &o.adjust.feather) ||
        !pixels(shiftEdge, -MaskAdjust::kMaxEdgePixels, &o.adjust.shiftEdge))
        return result;
    if (given(crop) || given(canvas)) {
        QString framingError;
        const auto framing = Framing::parse(
            parser.isSet(crop) || !adjustmentsFromFile ? parser.value(crop) : o.framing.cropText(),
            parser.isSet(canvas) || !adjustmentsFromFile ? parser.value(canvas)
                                                         : o.framing.canvasText(),
            &framingError);
        if (!framing) {
            result.error = framingError;
            return result;
        }
        o.framing = *framing;
    }

    o.format = parser.value(format).toLower();
    if (o.format.startsWith(QLatin1Char('.')))
        o.format.remove(0, 1);
    if (o.format.isEmpty() || o.type.hasAlpha())
        o.format = QStringLiteral("png");
    if (ImageIO::suffixForFormat(o.format).isEmpty()) {
        result.error = QStringLiteral("unsupported --format %1").arg(o.format);
        return result;
    }

    const QString resizeText = parser.value(resize).toLower();
    if (resizeText == QLatin1String("static")) {
        o.segment.resize = ResizeMode::Static;
    } else if (resizeText == QLatin1String("dynamic")) {
        o.segment.resize = ResizeMode::Dynamic;
    } else {
        result.error = QStringLiteral("--resize must be static or dynamic");
        return result;
    }
    const QString modeText = parser.value(mode).toLower();
    if (modeText == QLatin1String("fast")) {
        o.segment.quality = Quality::Fast;
    } else if (modeText.startsWith(QLatin1String("base"))) {
        o.segment.quality = Quality::Best;
    } else if (modeText == QLatin1String("dynamic")) {
        o.segment.resize = ResizeMode::Dynamic;
    } else if (modeText == QLatin1String("tiled")) {
        o.segment.tiled = true;
    } else {
        result.error = QStringLiteral("--mode must be base, fast, dynamic or tiled");
        return result;
    }

    o.modelPath = parser.isSet(ckpt) ? parser.value(ckpt) : defaultModelPath();
    const auto devicePreference = parseDevice(parser.value(device));
    if (!devicePreference) {
        result.error = QStringLiteral("--device must be auto, cpu or cuda");
        return result;
    }
    o.load.device = *devicePreference;
    if (parser.isSet(threads)) {
        bool ok = false;
        o.load.threads = parser.value(threads).toInt(&ok);
        if (!ok || o.load.threads < 1 || o.load.threads > LoadOptions::kMaxThreads) {
            result.error = QStringLiteral("--threads must be a whole number from 1 to %1")
                               .arg(LoadOptions::kMaxThreads);
            return result;
        }
    }
    const QString optimizeText = parser.value(optimize).toLower();
    if (optimizeText == QLatin1String("none")) {
        o.load.optimization = Optimization::None;
    } else if (optimizeText == QLatin1String("freeze")) {
        o.load.optimization = Optimization::Freeze;
    } else if (optimizeText == QLatin1String("full")) {
        o.load.optimization = Optimization::Full;
    } else {
        result.error = QStringLiteral("--optimize must be none, freeze or full");
        return result;
    }
    const QString precisionText = parser.value(precision).toLower();
    if (precisionText == QLatin1String("auto")) {
        o.load.precision = Precision::Auto;
    } else if (precisionText == QLatin1String("float32") ||
               precisionText == QLatin1String("fp32")) {
        o.load.precision = Precision::Float32;
    } else if (precisionText == QLatin1String("bfloat16") ||
               precisionText == QLatin1String("bf16")) {
        o.load.precision = Precision::BFloat16;
    } else if (precisionText == QLatin1String("int8")) {
        o.load.precision = Precision::Int8;
    } else {
        result.error = QStringLiteral("--precision must be auto, int8, float32 or bfloat16");
        return result;
    }
    o.namePattern = parser.value(name);
    const QString patternError = OutputNaming::checkNamePattern(o.namePattern);
    if (!patternError.isEmpty()) {
        result.error = QStringLiteral("--name: %1").arg(patternError);
        return result;
    }
    const QString collisionText = parser.value(collision).toLower();
    if (collisionText == QLatin1String("skip")) {
        o.collision = CollisionPolicy::Skip;
    } else if (collisionText == QLatin1String("number")) {
        o.collision = CollisionPolicy::AddNumber;
    } else if (collisionText == QLatin1String("overwrite")) {
        o.collision = CollisionPolicy::Overwrite;
    } else {
        result.error = QStringLiteral("--collision must be skip, number or overwrite");
        return result;
    }
    if (parser.isSet(resizeLongest)) {
        bool ok = false;
        o.resizeLongest = parser.value(resizeLongest).toInt(&ok);
        if (!ok || o.resizeLongest < 1) {
            result.error = QStringLiteral("--resize-longest must be a positive number");
            return result;
        }
    }
    o.reportPath = parser.value(report);
    o.timings = parser.isSet(timings);
    o.quiet = parser.isSet(quiet);
    result.options = o;
    return result;
}

} // namespace clearcut::cli
