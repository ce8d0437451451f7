#pragma once

// A photo's adjustments as JSON, for presets and edits files:
// {"type": "rgba", "threshold": null | 0..1, "reverse": false, "refine": true,
//  "refine_strength": 1, "colour_cleanup": true, "feather": 0, "shift_edge": 0, "crop": "20px",
//  "canvas": "square"}. Every key is optional (a missing one keeps the default); unknown keys are
// ignored.

#include "PhotoExport.h"

#include <QJsonObject>
#include <QString>

#include <optional>

namespace clearcut::AdjustmentsJson {

QJsonObject toJson(const Adjustments &adjustments);
// On a bad value returns nullopt and sets *error ("feather must be a whole number from 0 to 500").
std::optional<Adjustments> fromJson(const QJsonObject &object, QString *error = nullptr);

} // namespace clearcut::AdjustmentsJson
