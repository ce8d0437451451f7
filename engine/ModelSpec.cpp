#include "ModelSpec.h"

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

bool readTriple(const QJsonObject &o, const QString &key, std::array<double, 3> &out,
                QString *error)
{
    if (!o.contains(key))
        return true;
    const QJsonArray a = o.value(key).toArray();
    if (a.size() != 3) {
        *error = QStringLiteral("\"%1\" must be an array of 3 numbers").arg(key);
        return false;
    }
    for (int i = 0; i < 3; ++i)
        out[i] = a.at(i).toDouble();
    return true;
}

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
    ModelSpec spec;
    spec.name = o.value(QStringLiteral("name")).toString(QStringLiteral("model"));
    spec.family = o.value(QStringLiteral("family")).toString();

    const QJsonObject input = o.value(QStringLiteral("input")).toObject();
    const QString policy = input.value(QStringLiteral("policy")).toString(QStringLiteral("fixed"));
    if (policy == QLatin1String("fixed")) {
        spec.policy = Policy::Fixed;
    } else if (policy == QLatin1String("longest")) {
        spec.policy = Policy::Longest;
    } else {
        *error = QStringLiteral("unknown input policy \"%1\" (fixed or longest)").arg(policy);
        return std::nullopt;
    }
    spec.width = input.value(QStringLiteral("width")).toInt(1024);
    spec.height = input.value(QStringLiteral("height")).toInt(spec.width);
    spec.side = input.value(QStringLiteral("side")).toInt(std::max(spec.width, spec.height));
    spec.multiple = input.value(QStringLiteral("multiple")).toInt(32);
    spec.fastSide = input.value(QStringLiteral("fast_side")).toInt(0);
    spec.dynamicSide = input.value(QStringLiteral("dynamic_side")).toInt(0);
    spec.dynamicSizes = input.value(QStringLiteral("dynamic")).toBool(true);
    if (spec.width <= 0 || spec.height <= 0 || spec.side <= 0 || spec.multiple <= 0 ||
        spec.fastSide < 0 || spec.dynamicSide < 0) {
        *error = QStringLiteral("input sizes must be positive");
        return std::nullopt;
    }

    spec.scale = o.value(QStringLiteral("scale")).toDouble(1.0);
    if (!readTriple(o, QStringLiteral("mean"), spec.mean, error) ||
        !readTriple(o, QStringLiteral("std"), spec.std, error))
        return std::nullopt;
    if (std::any_of(spec.std.begin(), spec.std.end(), [](double s) { return s == 0.0; })) {
        *error = QStringLiteral("\"std\" must not contain 0");
        return std::nullopt;
    }
    const QString output =
        o.value(QStringLiteral("output")).toString(QStringLiteral("probability"));
    if (output == QLatin1String("probability")) {
        spec.output = Output::Probability;
    } else if (output == QLatin1String("logits")) {
        spec.output = Output::Logits;
    } else {
        *error = QStringLiteral("unknown output kind \"%1\" (probability or logits)").arg(output);
        return std::nullopt;
    }
    spec.minmax = o.value(QStringLiteral("minmax")).toBool(false);
    return spec;
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
    QFile file(sidecar);
    if (file.exists()) {
        if (!file.open(QIODevice::ReadOnly)) {
            *error = QStringLiteral("cannot read %1: %2").arg(sidecar, file.errorString());
            return std::nullopt;
        }
        QString why;
        auto spec = fromJson(file.readAll(), &why);
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
