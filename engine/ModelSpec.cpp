#include "ModelSpec.h"

#include "FileRead.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QStandardPaths>

#include <algorithm>
#include <cmath>

namespace clearcut {
namespace {

// Every field is checked when the sidecar is read, with the field's name and its limits in the
// message: a value of the wrong type, out of range or not finite never falls back to a default
// silently, and never reaches an allocation (a 10^9-pixel input) or OpenCV.
class Fields
{
public:
    explicit Fields(QString *error) : m_error(error) {}

    bool failed() const { return m_failed; }

    QString string(const QJsonObject &o, const QString &path, const QString &key,
                   const QString &fallback)
    {
        const QJsonValue v = o.value(key);
        if (v.isUndefined())
            return fallback;
        if (!v.isString()) {
            fail(path + key, QStringLiteral("must be a string"), v);
            return fallback;
        }
        return v.toString();
    }

    bool boolean(const QJsonObject &o, const QString &path, const QString &key, bool fallback)
    {
        const QJsonValue v = o.value(key);
        if (v.isUndefined())
            return fallback;
        if (!v.isBool()) {
            fail(path + key, QStringLiteral("must be true or false"), v);
            return fallback;
        }
        return v.toBool();
    }

    int integer(const QJsonObject &o, const QString &path, const QString &key, int fallback,
                int min, int max)
    {
        const QJsonValue v = o.value(key);
        if (v.isUndefined())
            return fallback;
        const double d = v.toDouble(std::nan(""));
        if (!v.isDouble() || !std::isfinite(d) || d != std::floor(d) || d < min || d > max) {
            fail(path + key,
                 QStringLiteral("must be a whole number from %1 to %2").arg(min).arg(max), v);
            return fallback;
        }
        return int(d);
    }

    double number(const QJsonValue &v, const QString &name, double min, double max)
    {
        const double d = v.toDouble(std::nan(""));
        if (!v.isDouble() || !std::isfinite(d) || d < min || d > max) {
            fail(name, QStringLiteral("must be a number from %1 to %2").arg(min).arg(max), v);
            return 0;
        }
        return d;
    }

    void triple(const QJsonObject &o, const QString &key, std::array<double, 3> &out, double min,
                double max)
    {
        const QJsonValue v = o.value(key);
        if (v.isUndefined())
            return;
        const QJsonArray a = v.toArray();
        if (!v.isArray() || a.size() != 3)
            return fail(key, QStringLiteral("must be an array of 3 numbers"));
        for (int i = 0; i < 3; ++i)
            out[size_t(i)] = number(a.at(i), QStringLiteral("%1[%2]").arg(key).arg(i), min, max);
    }

    QJsonObject object(const QJsonObject &o, const QString &key)
    {
        const QJsonValue v = o.value(key);
        if (!v.isUndefined() && !v.isObject())
            fail(key, QStringLiteral("must be an object"));
        return v.toObject();
    }

    void fail(const QString &name, const QString &rule, const QJsonValue &got = QJsonValue())
    {
        if (m_failed)
            return; // the first problem is the one reported
        m_failed = true;
        *m_error = QStringLiteral("\"%1\" %2").arg(name, rule);
        if (!got.isUndefined()) {
            QString shown = got.isString()   ? QStringLiteral("\"%1\"").arg(got.toString())
                            : got.isDouble() ? QString::number(got.toDouble(), 'g', 12)
                            : got.isBool()   ? QString::fromLatin1(got.toBool() ? "true" : "false")
                            : got.isNull()   ? QStringLiteral("null")
                            : got.isArray()  ? QStringLiteral("an array")
                                             : QStringLiteral("an object");
            if (shown.size() > 40)
                shown = shown.left(37) + QStringLiteral("...");
            *m_error += QStringLiteral(" (got %1)").arg(shown);
        }
    }

private:
    QString *m_error;
    bool m_failed = false;
};

int roundToMultiple(double v, int multiple)
{
    return std::max(multiple, int(std::lround(v / multiple)) * multiple);
}

} // namespace

std::optional<ModelSpec> ModelSpec::fromJson(const QByteArray &json, QString *error)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (!doc.isObject()) {
        *error = QStringLiteral("not a JSON object (%1)").arg(parseError.errorString());
        return std::nullopt;
    }
    const QJsonObject o = doc.object();
    Fields fields(error);
    ModelSpec spec;
    spec.name = fields.string(o, QString(), QStringLiteral("name"), QStringLiteral("model"));
    spec.family = fields.string(o, QString(), QStringLiteral("family"), QString());

    const QJsonObject input = fields.object(o, QStringLiteral("input"));
    const QString in = QStringLiteral("input.");
    const QString policy =
        fields.string(input, in, QStringLiteral("policy"), QStringLiteral("fixed"));
    if (policy == QLatin1String("fixed")) {
        spec.policy = Policy::Fixed;
    } else if (policy == QLatin1String("longest")) {
        spec.policy = Policy::Longest;
    } else if (!fields.failed()) {
        *error = QStringLiteral("unknown input policy \"%1\" (fixed or longest)").arg(policy);
        return std::nullopt;
    }
    // A network input beyond 8192 pixels a side would take tens of GB of activations.
    constexpr int kMaxSide = 8192;
    spec.width = fields.integer(input, in, QStringLiteral("width"), 1024, 1, kMaxSide);
    spec.height = fields.integer(input, in, QStringLiteral("height"), spec.width, 1, kMaxSide);
    spec.side = fields.integer(input, in, QStringLiteral("side"), std::max(spec.width, spec.height),
                               1, kMaxSide);
    spec.multiple = fields.integer(input, in, QStringLiteral("multiple"), 32, 1, 1024);
    spec.fastSide = fields.integer(input, in, QStringLiteral("fast_side"), 0, 0, kMaxSide);
    spec.dynamicSide = fields.integer(input, in, QStringLiteral("dynamic_side"), 0, 0, kMaxSide);
    spec.dynamicSizes = fields.boolean(input, in, QStringLiteral("dynamic"), true);

    const QJsonValue scale = o.value(QStringLiteral("scale"));
    if (!scale.isUndefined())
        spec.scale = fields.number(scale, QStringLiteral("scale"), 1e-9, 1e9);
    fields.triple(o, QStringLiteral("mean"), spec.mean, -1e9, 1e9);
    fields.triple(o, QStringLiteral("std"), spec.std, -1e9, 1e9);
    // Divided by: a tiny one makes the network's input infinite (fuzz_sidecar found 1e-308).
    if (!fields.failed() &&
        std::any_of(spec.std.begin(), spec.std.end(), [](double v) { return std::abs(v) < 1e-6; }))
        fields.fail(QStringLiteral("std"),
                    QStringLiteral("must not contain 0 or values smaller than 1e-6"));
    const QString output =
        fields.string(o, QString(), QStringLiteral("output"), QStringLiteral("probability"));
    spec.minmax = fields.boolean(o, QString(), QStringLiteral("minmax"), false);
    if (fields.failed())
        return std::nullopt;
    const QString precision =
        fields.string(o, QString(), QStringLiteral("precision"), QStringLiteral("float32"));
    if (precision == QLatin1String("int8")) {
        spec.int8 = true;
    } else if (precision != QLatin1String("float32")) {
        *error = QStringLiteral("unknown precision \"%1\" (float32 or int8)").arg(precision);
        return std::nullopt;
    }
    const QJsonObject quantization = fields.object(o, QStringLiteral("quantization"));
    const QJsonObject accuracy = fields.object(quantization, QStringLiteral("accuracy"));
    // A photo's name is only shown; the count is bounded like everything else read from here.
    constexpr int kMaxAccuracyPhotos = 1000;
    if (accuracy.size() > kMaxAccuracyPhotos)
        fields.fail(QStringLiteral("quantization.accuracy"),
                    QStringLiteral("must have at most %1 photos").arg(kMaxAccuracyPhotos));
    for (auto it = accuracy.begin(); it != accuracy.end() && !fields.failed(); ++it) {
        const QString at = QStringLiteral("quantization.accuracy.%1.").arg(it.key().left(40));
        if (!it.value().isObject()) {
            fields.fail(at.chopped(1), QStringLiteral("must be an object"));
            break;
        }
        const QJsonObject photo = it.value().toObject();
        ModelSpec::Accuracy a;
        a.photo = it.key();
        a.meanAbs = fields.number(photo.value(QStringLiteral("mean_abs")),
                                  at + QStringLiteral("mean_abs"), 0, 255);
        a.iou = fields.number(photo.value(QStringLiteral("iou")), at + QStringLiteral("iou"), 0, 1);
        spec.accuracy << a;
    }
    const QJsonValue floatBlocks = quantization.value(QStringLiteral("float_blocks"));
    if (!floatBlocks.isUndefined()) {
        const QJsonArray blocks = floatBlocks.toArray();
        if (!floatBlocks.isArray() || blocks.size() > 1000)
            fields.fail(QStringLiteral("quantization.float_blocks"),
                        QStringLiteral("must be an array of at most 1000 names"));
        for (const QJsonValue &block : blocks)
            spec.floatBlocks << block.toString();
    }
    if (fields.failed())
        return std::nullopt;
    if (output == QLatin1String("probability")) {
        spec.output = Output::Probability;
    } else if (output == QLatin1String("logits")) {
        spec.output = Output::Logits;
    } else {
        *error = QStringLiteral("unknown output kind \"%1\" (probability or logits)").arg(output);
        return std::nullopt;
    }
    return spec;
}

QString int8ParityProblem(const ModelSpec &spec)
{
    if (!spec.int8)
        return QStringLiteral("not an int8 model");
    if (spec.accuracy.isEmpty())
        return QStringLiteral("its sidecar records no accuracy against float32");
    for (const ModelSpec::Accuracy &a : spec.accuracy) {
        if (a.meanAbs > kInt8MeanAbsBound || a.iou < kInt8IouBound)
            return QStringLiteral("on %1 its mask differs from float32's by %2 of 255 on "
                                  "average, IoU %3 (bounds: at most %4, at least %5)")
                .arg(a.photo)
                .arg(a.meanAbs, 0, 'f', 2)
                .arg(a.iou, 0, 'f', 4)
                .arg(kInt8MeanAbsBound)
                .arg(kInt8IouBound);
    }
    return QString();
}

QString int8VariantPath(const QString &modelPath)
{
    const QFileInfo info(modelPath);
    return info.dir().filePath(info.completeBaseName() + QStringLiteral("-int8.pt"));
}

ModelSpec ModelSpec::inspyrenet(int size)
{
    // transparent-background's --jit files: traced at a fixed size with strict=True, RGB/255 with
    // ImageNet statistics, output already sigmoid + min-max normalised (min-max again is harmless).
    ModelSpec spec;
    spec.name =
        size >= 1024 ? QStringLiteral("InSPyReNet (base)") : QStringLiteral("InSPyReNet (fast)");
    spec.family = QStringLiteral("inspyrenet");
    spec.policy = Policy::Fixed;
    spec.width = spec.height = spec.side = size;
    spec.scale = 1.0 / 255.0;
    spec.mean = {0.485, 0.456, 0.406};
    spec.std = {0.229, 0.224, 0.225};
    spec.output = Output::Probability;
    spec.minmax = true;
    spec.dynamicSizes = false;
    return spec;
}

QString ModelSpec::sidecarPath(const QString &modelPath)
{
    const QFileInfo info(modelPath);
    return info.dir().filePath(info.completeBaseName() + QStringLiteral(".json"));
}

std::optional<ModelSpec> ModelSpec::forModelFile(const QString &modelPath, QString *error)
{
    const QString sidecar = sidecarPath(modelPath);
    if (QFileInfo(sidecar).exists() || QFileInfo(sidecar).isSymLink()) {
        constexpr qint64 kMaxSidecarBytes = 1 << 20; // ISNet's is 648 bytes
        const FileRead::Result read = FileRead::regularFile(sidecar, kMaxSidecarBytes);
        if (!read.ok()) {
            *error = QStringLiteral("cannot read %1: %2").arg(sidecar, read.error);
            return std::nullopt;
        }
        QString why;
        auto spec = fromJson(read.bytes, &why);
        if (!spec)
            *error = QStringLiteral("invalid model sidecar %1: %2").arg(sidecar, why);
        return spec;
    }
    const QString fileName = QFileInfo(modelPath).fileName();
    static const QRegularExpression base(QStringLiteral("^ckpt_base(_nightly)?_.*\\.pt$"));
    static const QRegularExpression fast(QStringLiteral("^ckpt_fast_.*\\.pt$"));
    if (base.match(fileName).hasMatch())
        return inspyrenet(1024);
    if (fast.match(fileName).hasMatch())
        return inspyrenet(384);
    *error = QStringLiteral("%1 has no sidecar %2 saying how to feed it, and is not a known "
                            "preset (transparent-background ckpt_base_*.pt / ckpt_fast_*.pt)")
                 .arg(modelPath, QFileInfo(sidecar).fileName());
    return std::nullopt;
}

cv::Size ModelSpec::inputSizeFor(const cv::Size &photo, const SegmentOptions &options) const
{
    const bool fast = options.quality == Quality::Fast && fastSide > 0 && dynamicSizes;
    const bool keepAspect =
        dynamicSizes && (policy == Policy::Longest || options.resize == ResizeMode::Dynamic);
    if (!keepAspect) {
        if (!fast)
            return {width, height};
        const double f = double(fastSide) / std::max(width, height);
        return {roundToMultiple(width * f, multiple), roundToMultiple(height * f, multiple)};
    }
    int longest = fast ? fastSide : side;
    if (!fast && policy == Policy::Fixed) {
        // Dynamic on a fixed-size model: more of a large photo's detail, up to dynamicSide.
        const int limit = dynamicSide > 0 ? dynamicSide : side * 5 / 4;
        longest = std::clamp(roundToMultiple(std::max(photo.width, photo.height), multiple), side,
                             std::max(side, limit));
    }
    const double f = double(longest) / std::max(photo.width, photo.height);
    return {roundToMultiple(photo.width * f, multiple),
            roundToMultiple(photo.height * f, multiple)};
}

QStringList defaultModelCandidates()
{
    const QString file = QStringLiteral("isnet.pt");
    const QString dir = qEnvironmentVariable("CLEARCUT_MODEL_DIR");
    if (!dir.isEmpty())
        return {QDir(dir).filePath(file)};

    // Not QStandardPaths::AppLocalDataLocation: it depends on the QCoreApplication's names,
    // and the CLI, the GUI and the tests must all find the same file.
    const QString user = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation);
    QStringList result{user + QStringLiteral("/ClearCut/models/") + file};
    // The installed data folders: XDG_DATA_DIRS on Linux (/usr/share when unset).
    for (const QString &data :
         QStandardPaths::standardLocations(QStandardPaths::GenericDataLocation)) {
        if (data != user)
            result << data + QStringLiteral("/clearcut/models/") + file;
    }
    // Installs that keep their data beside the program: Windows' install folder, a package
    // tree unpacked anywhere, a macOS bundle's Resources.
    if (QCoreApplication::instance()) {
        const QDir exe(QCoreApplication::applicationDirPath());
        result << QDir::cleanPath(exe.filePath(QStringLiteral("../share/clearcut/models/") + file));
#ifdef Q_OS_MACOS
        result << QDir::cleanPath(exe.filePath(QStringLiteral("../Resources/models/") + file));
#endif
    }
    result.removeDuplicates();
    return result;
}

QString defaultModelPath()
{
    const QStringList candidates = defaultModelCandidates();
    for (const QString &candidate : candidates) {
        if (QFileInfo(candidate).isFile())
            return candidate;
    }
    return candidates.constFirst(); // where setup installs it, for the message that it is missing
}

QString missingDefaultModelMessage()
{
    QStringList folders;
    for (const QString &candidate : defaultModelCandidates())
        folders << QDir::toNativeSeparators(QFileInfo(candidate).absolutePath());
    return QStringLiteral("the default model (isnet.pt) is not installed: looked in %1. Install "
                          "the clearcut-model-isnet package, or run tools/setup.sh from the "
                          "source, or choose a model file")
        .arg(folders.join(QStringLiteral(", ")));
}

} // namespace clearcut
