#include "AdjustmentsJson.h"

#include <QJsonValue>

#include <cmath>

namespace clearcut::AdjustmentsJson {
namespace {

bool readBool(const QJsonObject &o, const char *key, bool *out, QString *why)
{
    const QJsonValue v = o.value(QLatin1String(key));
    if (v.isUndefined())
        return true;
    if (!v.isBool()) {
        *why = QStringLiteral("%1 must be true or false").arg(QLatin1String(key));
        return false;
    }
    *out = v.toBool();
    return true;
}

bool readNumber(const QJsonObject &o, const char *key, double min, double max, double *out,
                QString *why)
{
    const QJsonValue v = o.value(QLatin1String(key));
    if (v.isUndefined())
        return true;
    if (!v.isDouble() || !std::isfinite(v.toDouble()) || v.toDouble() < min || v.toDouble() > max) {
        *why = QStringLiteral("%1 must be a number from %2 to %3")
                   .arg(QLatin1String(key))
                   .arg(min)
                   .arg(max);
        return false;
    }
    *out = v.toDouble();
    return true;
}

bool readPixels(const QJsonObject &o, const char *key, int min, int *out, QString *why)
{
    double value = *out;
    if (!readNumber(o, key, min, MaskAdjust::kMaxEdgePixels, &value, why))
        return false;
    if (value != std::floor(value)) {
        *why = QStringLiteral("%1 must be a whole number of pixels").arg(QLatin1String(key));
        return false;
    }
    *out = int(value);
    return true;
}

} // namespace

QJsonObject toJson(const Adjustments &adjustments)
{
    const MaskAdjust &a = adjustments.adjust;
    return QJsonObject{
        {QStringLiteral("type"), adjustments.type.toString()},
        {QStringLiteral("threshold"), a.threshold ? QJsonValue(*a.threshold) : QJsonValue()},
        {QStringLiteral("reverse"), a.reverse},
        {QStringLiteral("refine"), a.refine},
        {QStringLiteral("refine_strength"), a.refineStrength},
        {QStringLiteral("colour_cleanup"), a.cleanColours},
        {QStringLiteral("feather"), a.feather},
        {QStringLiteral("shift_edge"), a.shiftEdge},
        {QStringLiteral("crop"), adjustments.framing.cropText()},
        {QStringLiteral("canvas"), adjustments.framing.canvasText()},
    };
}

std::optional<Adjustments> fromJson(const QJsonObject &o, QString *error)
{
    Adjustments result;
    QString why;
    auto fail = [&] {
        if (error)
            *error = why;
        return std::nullopt;
    };
    if (o.contains(QStringLiteral("type"))) {
        const auto type = OutputType::parse(o.value(QStringLiteral("type")).toString(), &why);
        if (!type) {
            why = QStringLiteral("type: %1").arg(why);
            return fail();
        }
        result.type = *type;
    }
    MaskAdjust &a = result.adjust;
    const QJsonValue threshold = o.value(QStringLiteral("threshold"));
    if (!threshold.isUndefined() && !threshold.isNull()) {
        double t = 0;
        if (!readNumber(o, "threshold", 0, 1, &t, &why))
            return fail();
        a.threshold = t;
    }
    if (!readBool(o, "reverse", &a.reverse, &why) || !readBool(o, "refine", &a.refine, &why) ||
        !readNumber(o, "refine_strength", 0, 1, &a.refineStrength, &why) ||
        !readBool(o, "colour_cleanup", &a.cleanColours, &why) ||
        !readPixels(o, "feather", 0, &a.feather, &why) ||
        !readPixels(o, "shift_edge", -MaskAdjust::kMaxEdgePixels, &a.shiftEdge, &why))
        return fail();
    const auto framing = Framing::parse(o.value(QStringLiteral("crop")).toString(),
                                        o.value(QStringLiteral("canvas")).toString(), &why);
    if (!framing)
        return fail();
    result.framing = *framing;
    return result;
}

} // namespace clearcut::AdjustmentsJson
