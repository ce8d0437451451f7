#include "AppSettings.h"

#include "engine/ModelSpec.h"

#include <QSettings>

#include <cmath>
#include <optional>

namespace clearcut::ui {

namespace {

const QString kModelPath = QStringLiteral("model/path");
const QString kDevice = QStringLiteral("model/device");
const QString kQuality = QStringLiteral("model/quality");
const QString kOutputFormat = QStringLiteral("output/format");
const QString kOutputFolder = QStringLiteral("output/folder");
const QString kOutputType = QStringLiteral("output/type");
const QString kAdjustPrefix = QStringLiteral("adjust/");
const QString kTheme = QStringLiteral("appearance/theme");

// An INI value with an unquoted comma (a hand-written "[255,0,0]") reads back as a list.
QString readString(QSettings &settings, const QString &key)
{
    const QVariant value = settings.value(key);
    if (value.typeId() == QMetaType::QStringList)
        return value.toStringList().join(QLatin1Char(','));
    return value.toString();
}

bool readBool(QSettings &settings, const QString &key, bool fallback)
{
    const QString text = readString(settings, key).trimmed().toLower();
    if (text == QLatin1String("true") || text == QLatin1String("1"))
        return true;
    if (text == QLatin1String("false") || text == QLatin1String("0"))
        return false;
    return fallback;
}

std::optional<double> readDouble(QSettings &settings, const QString &key, double low, double high)
{
    bool ok = false;
    const double value = readString(settings, key).trimmed().toDouble(&ok);
    if (!ok || !std::isfinite(value) || value < low || value > high)
        return std::nullopt;
    return value;
}

QString deviceKey(DevicePreference device)
{
    switch (device) {
    case DevicePreference::Cpu:
        return QStringLiteral("cpu");
    case DevicePreference::Cuda:
        return QStringLiteral("cuda");
    case DevicePreference::Auto:
        break;
    }
    return QStringLiteral("auto");
}

} // namespace

const QStringList &AppSettings::outputFormats()
{
    static const QStringList formats{QStringLiteral("png"), QStringLiteral("webp"),
                                     QStringLiteral("jpg"), QStringLiteral("tif"),
                                     QStringLiteral("bmp")};
    return formats;
}

AppSettings AppSettings::load(QSettings &settings)
{
    AppSettings result;

    result.modelPath = readString(settings, kModelPath).trimmed();

    const QString device = readString(settings, kDevice).trimmed().toLower();
    if (device == QLatin1String("cpu"))
        result.device = DevicePreference::Cpu;
    else if (device == QLatin1String("cuda"))
        result.device = DevicePreference::Cuda;

    if (readString(settings, kQuality).trimmed().toLower() == QLatin1String("fast"))
        result.quality = Quality::Fast;

    QString format = readString(settings, kOutputFormat).trimmed().toLower();
    if (format == QLatin1String("jpeg"))
        format = QStringLiteral("jpg");
    else if (format == QLatin1String("tiff"))
        format = QStringLiteral("tif");
    if (outputFormats().contains(format))
        result.outputFormat = format;

    result.outputFolder = readString(settings, kOutputFolder).trimmed();

    // A background image that has since been deleted no longer parses: back to transparent.
    if (const auto type = OutputType::parse(readString(settings, kOutputType)))
        result.outputType = *type;

    result.adjust = loadMaskAdjust(settings, kAdjustPrefix);
    result.framing = loadFraming(settings, kAdjustPrefix);

    result.theme = themeFromKey(readString(settings, kTheme));

    return result;
}

void AppSettings::save(QSettings &settings) const
{
    settings.setValue(kModelPath, modelPath);
    settings.setValue(kDevice, deviceKey(device));
    settings.setValue(kQuality,
                      quality == Quality::Fast ? QStringLiteral("fast") : QStringLiteral("best"));
    settings.setValue(kOutputFormat, outputFormat);
    settings.setValue(kOutputFolder, outputFolder);
    settings.setValue(kOutputType, outputType.toString());
    saveMaskAdjust(settings, kAdjustPrefix, adjust);
    saveFraming(settings, kAdjustPrefix, framing);
    settings.setValue(kTheme, themeKey(theme));
}

MaskAdjust loadMaskAdjust(QSettings &settings, const QString &prefix)
{
    MaskAdjust adjust;
    adjust.threshold = readDouble(settings, prefix + QLatin1String("threshold"), 0.0, 1.0);
    adjust.reverse = readBool(settings, prefix + QLatin1String("reverse"), false);
    adjust.refine = readBool(settings, prefix + QLatin1String("refine"), adjust.refine);
    adjust.refineStrength = readDouble(settings, prefix + QLatin1String("refineStrength"), 0.0, 1.0)
                                .value_or(adjust.refineStrength);
    adjust.cleanColours =
        readBool(settings, prefix + QLatin1String("cleanColours"), adjust.cleanColours);
    // Whole pixels; the panel that shows them keeps them to its own range.
    constexpr double kMaxPixels = 100000;
    if (const auto feather = readDouble(settings, prefix + QLatin1String("feather"), 0, kMaxPixels))
        adjust.feather = int(std::lround(*feather));
    if (const auto shift =
            readDouble(settings, prefix + QLatin1String("shiftEdge"), -kMaxPixels, kMaxPixels))
        adjust.shiftEdge = int(std::lround(*shift));
    return adjust;
}

void saveMaskAdjust(QSettings &settings, const QString &prefix, const MaskAdjust &adjust)
{
    if (adjust.threshold)
        settings.setValue(prefix + QLatin1String("threshold"), *adjust.threshold);
    else
        settings.remove(prefix + QLatin1String("threshold"));
    settings.setValue(prefix + QLatin1String("reverse"), adjust.reverse);
    settings.setValue(prefix + QLatin1String("refine"), adjust.refine);
    settings.setValue(prefix + QLatin1String("refineStrength"), adjust.refineStrength);
    settings.setValue(prefix + QLatin1String("cleanColours"), adjust.cleanColours);
    settings.setValue(prefix + QLatin1String("feather"), adjust.feather);
    settings.setValue(prefix + QLatin1String("shiftEdge"), adjust.shiftEdge);
}

Framing loadFraming(QSettings &settings, const QString &prefix)
{
    // The command line's words ("20px", "square", "2000x1500"): readable, and one parser.
    return Framing::parse(readString(settings, prefix + QLatin1String("crop")),
                          readString(settings, prefix + QLatin1String("canvas")))
        .value_or(Framing());
}

void saveFraming(QSettings &settings, const QString &prefix, const Framing &framing)
{
    settings.setValue(prefix + QLatin1String("crop"), framing.cropText());
    settings.setValue(prefix + QLatin1String("canvas"), framing.canvasText());
}

QString AppSettings::effectiveModelPath() const
{
    return modelPath.isEmpty() ? defaultModelPath() : modelPath;
}

std::unique_ptr<QSettings> openSettings()
{
    return std::make_unique<QSettings>(QSettings::IniFormat, QSettings::UserScope,
                                       QStringLiteral("ClearCut"), QStringLiteral("ClearCut"));
}

} // namespace clearcut::ui
