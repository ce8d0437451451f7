#include "AppSettings.h"

#include "engine/ModelSpec.h"

#include <QSettings>

#include <cmath>

namespace clearcut::ui {

namespace {

const QString kModelPath = QStringLiteral("model/path");
const QString kDevice = QStringLiteral("model/device");
const QString kQuality = QStringLiteral("model/quality");
const QString kOutputFormat = QStringLiteral("output/format");
const QString kOutputFolder = QStringLiteral("output/folder");
const QString kOutputType = QStringLiteral("output/type");
const QString kThreshold = QStringLiteral("adjust/threshold");
const QString kReverse = QStringLiteral("adjust/reverse");
const QString kTheme = QStringLiteral("appearance/theme");

// An INI value with an unquoted comma (a hand-written "[255,0,0]") reads back as a list.
QString readString(QSettings &settings, const QString &key)
{
    const QVariant value = settings.value(key);
    if (value.typeId() == QMetaType::QStringList)
        return value.toStringList().join(QLatin1Char(','));
    return value.toString();
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

    bool ok = false;
    const double threshold = readString(settings, kThreshold).trimmed().toDouble(&ok);
    if (ok && std::isfinite(threshold) && threshold >= 0.0 && threshold <= 1.0)
        result.adjust.threshold = threshold;

    const QString reverse = readString(settings, kReverse).trimmed().toLower();
    result.adjust.reverse = reverse == QLatin1String("true") || reverse == QLatin1String("1");

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
    if (adjust.threshold)
        settings.setValue(kThreshold, *adjust.threshold);
    else
        settings.remove(kThreshold);
    settings.setValue(kReverse, adjust.reverse);
    settings.setValue(kTheme, themeKey(theme));
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
