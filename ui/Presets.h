#pragma once

// Named adjustments a designer reuses (a product-photo look: white, cropped, square): saved from
// the panel, picked in the window and in Batch Export, kept in the settings, and moved between
// machines as a small JSON file: {"presets": [{"name": "...", "format": "png",
// "adjustments": {...AdjustmentsJson...}}]}.

#include "engine/PhotoExport.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <optional>

class QSettings;

namespace clearcut::ui {

struct Preset
{
    QString name;
    Adjustments adjustments;
    QString format = QStringLiteral("png"); // the save and export format

    friend bool operator==(const Preset &a, const Preset &b)
    {
        return a.name == b.name && a.adjustments == b.adjustments && a.format == b.format;
    }
};

namespace Presets {

QByteArray toJson(const QList<Preset> &presets);
// On a bad file returns nullopt and sets *error ("preset 2 (Shop): feather must be ...").
std::optional<QList<Preset>> fromJson(const QByteArray &json, QString *error = nullptr);

// In the settings as that JSON (one key): unreadable means none.
QList<Preset> load(QSettings &settings);
void save(QSettings &settings, const QList<Preset> &presets);

// presets with `preset` added, or replacing the one of the same name.
QList<Preset> withPreset(QList<Preset> presets, const Preset &preset);

} // namespace Presets
} // namespace clearcut::ui
