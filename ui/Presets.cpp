#include "Presets.h"

#include "AppSettings.h"

#include "engine/AdjustmentsJson.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSettings>

namespace clearcut::ui::Presets {
namespace {

const QString kSettingsKey = QStringLiteral("presets/json");

} // namespace

QByteArray toJson(const QList<Preset> &presets)
{
    QJsonArray list;
    for (const Preset &preset : presets)
        list.append(QJsonObject{
            {QStringLiteral("name"), preset.name},
            {QStringLiteral("format"), preset.format},
            {QStringLiteral("adjustments"), AdjustmentsJson::toJson(preset.adjustments)}});
    return QJsonDocument(QJsonObject{{QStringLiteral("presets"), list}}).toJson();
}

std::optional<QList<Preset>> fromJson(const QByteArray &json, QString *error)
{
    auto fail = [&](const QString &message) {
        if (error)
            *error = message;
        return std::nullopt;
    };
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject())
        return fail(QStringLiteral("not a presets file (expected {\"presets\": [...]})"));
    const QJsonValue list = document.object().value(QStringLiteral("presets"));
    if (!list.isArray())
        return fail(QStringLiteral("not a presets file (expected {\"presets\": [...]})"));
    QList<Preset> presets;
    int index = 0;
    for (const QJsonValue &value : list.toArray()) {
        ++index;
        const QJsonObject o = value.toObject();
        Preset preset;
        preset.name = o.value(QStringLiteral("name")).toString().trimmed();
        if (preset.name.isEmpty())
            return fail(QStringLiteral("preset %1: it has no name").arg(index));
        const QString format = o.value(QStringLiteral("format")).toString(preset.format);
        if (!AppSettings::outputFormats().contains(format))
            return fail(QStringLiteral("preset %1 (%2): unknown format \"%3\"")
                            .arg(index)
                            .arg(preset.name, format));
        preset.format = format;
        QString why;
        const auto adjustments =
            AdjustmentsJson::fromJson(o.value(QStringLiteral("adjustments")).toObject(), &why);
        if (!adjustments)
            return fail(QStringLiteral("preset %1 (%2): %3").arg(index).arg(preset.name, why));
        preset.adjustments = *adjustments;
        presets = withPreset(presets, preset);
    }
    return presets;
}

QList<Preset> load(QSettings &settings)
{
    return fromJson(settings.value(kSettingsKey).toByteArray()).value_or(QList<Preset>());
}

void save(QSettings &settings, const QList<Preset> &presets)
{
    settings.setValue(kSettingsKey, toJson(presets));
}

QList<Preset> withPreset(QList<Preset> presets, const Preset &preset)
{
    for (Preset &existing : presets) {
        if (existing.name == preset.name) {
            existing = preset;
            return presets;
        }
    }
    presets.append(preset);
    return presets;
}

} // namespace clearcut::ui::Presets
