#include "RemoveParams.h"

#include "engine/Framing.h"
#include "engine/MaskRefiner.h"
#include "engine/OutputType.h"

#include <QRegularExpression>

namespace clearcut::server {

std::optional<RemoveParams> parseRemoveQuery(const QUrlQuery &query, QString *error)
{
    RemoveParams p;
    const auto fail = [&](const QString &why) {
        *error = why;
        return std::nullopt;
    };
    const auto has = [&](const char *key) {
        return query.hasQueryItem(QLatin1String(key));
    };
    const auto text = [&](const char *key) {
        return query.queryItemValue(QLatin1String(key), QUrl::FullyDecoded).trimmed();
    };
    const auto onOff = [&](const char *key, bool *value) {
        if (!has(key))
            return true;
        const QString v = text(key).toLower();
        if (v == QLatin1String("on") || v == QLatin1String("true") || v == QLatin1String("1"))
            *value = true;
        else if (v == QLatin1String("off") || v == QLatin1String("false") ||
                 v == QLatin1String("0"))
            *value = false;
        else
            return false;
        return true;
    };
    const auto number = [&](const char *key, double min, double max, double *value) {
        if (!has(key))
            return true;
        bool ok = false;
        const double v = text(key).toDouble(&ok);
        if (!ok || !(v >= min && v <= max)) // "nan" parses, and fails both comparisons
            return false;
        *value = v;
        return true;
    };
    const auto whole = [&](const char *key, int min, int max, int *value) {
        if (!has(key))
            return true;
        bool ok = false;
        const int v = text(key).toInt(&ok);
        if (!ok || v < min || v > max)
            return false;
        *value = v;
        return true;
    };

    if (has("type")) {
        QString why;
        const auto type = OutputType::parse(text("type"), &why);
        if (!type)
            return fail(why);
        // The server reads no files of its own on a client's say-so.
        if (type->kind == OutputType::Kind::BackgroundImage)
            return fail(QStringLiteral("type: a background image file is not offered by the "
                                       "server (rgba, map, green, white, [r,g,b], blur, overlay)"));
        p.adjustments.type = *type;
    }
    MaskAdjust &a = p.adjustments.adjust;
    if (has("threshold")) {
        double t = 0;
        if (!number("threshold", 0.0, 1.0, &t))
            return fail(QStringLiteral("threshold must be a number from 0 to 1"));
        a.threshold = t;
    }
    if (!onOff("reverse", &a.reverse))
        return fail(QStringLiteral("reverse must be on or off"));
    if (!onOff("refine", &a.refine))
        return fail(QStringLiteral("refine must be on or off"));
    if (!number("refine_strength", 0.0, 1.0, &a.refineStrength))
        return fail(QStringLiteral("refine_strength must be a number from 0 to 1"));
    if (!onOff("foreground_estimate", &a.cleanColours))
        return fail(QStringLiteral("foreground_estimate must be on or off"));
    if (!whole("feather", 0, MaskAdjust::kMaxEdgePixels, &a.feather))
        return fail(QStringLiteral("feather must be a whole number from 0 to %1")
                        .arg(MaskAdjust::kMaxEdgePixels));
    if (!whole("shift_edge", -MaskAdjust::kMaxEdgePixels, MaskAdjust::kMaxEdgePixels, &a.shiftEdge))
        return fail(QStringLiteral("shift_edge must be a whole number from -%1 to %1")
                        .arg(MaskAdjust::kMaxEdgePixels));
    if (has("crop") || has("canvas")) {
        QString why;
        const auto framing = Framing::parse(text("crop"), text("canvas"), &why);
        if (!framing)
            return fail(why);
        p.adjustments.framing = *framing;
    }
    if (!whole("resize_longest", 0, 100000, &p.resizeLongest))
        return fail(QStringLiteral("resize_longest must be a whole number of pixels (0: keep)"));
    if (has("mode")) {
        const QString mode = text("mode").toLower();
        if (mode == QLatin1String("fast"))
            p.segment.quality = Quality::Fast;
        else if (mode == QLatin1String("dynamic"))
            p.segment.resize = ResizeMode::Dynamic;
        else if (mode != QLatin1String("base"))
            return fail(QStringLiteral("mode must be base, fast or dynamic"));
    }

    // As clearcut-cli: PNG by default and for every result with alpha; lossy WebP at quality 95.
    QString format = text("format").toLower();
    if (format.startsWith(QLatin1Char('.')))
        format.remove(0, 1);
    if (format.isEmpty() || p.adjustments.type.hasAlpha())
        format = QStringLiteral("png");
    if (ImageIO::suffixForFormat(format).isEmpty())
        return fail(
            QStringLiteral("format must be png, jpg, webp, tif or bmp, not %1").arg(format));
    p.encode.format = format;
    p.encode.webpLossless = false;
    return p;
}

QByteArray contentTypeFor(const QString &format)
{
    const QString suffix = ImageIO::suffixForFormat(format);
    if (suffix == QLatin1String("jpg"))
        return "image/jpeg";
    if (suffix == QLatin1String("tif"))
        return "image/tiff";
    return "image/" + suffix.toLatin1();
}

QByteArray photoBytes(const QByteArray &contentType, const QByteArray &body, QString *error)
{
    if (!contentType.trimmed().toLower().startsWith("multipart/form-data"))
        return body;
    // boundary=... (maybe quoted)
    QByteArray boundary;
    for (QByteArray part : contentType.split(';')) {
        part = part.trimmed();
        if (part.toLower().startsWith("boundary=")) {
            boundary = part.mid(9);
            if (boundary.size() >= 2 && boundary.startsWith('"') && boundary.endsWith('"'))
                boundary = boundary.mid(1, boundary.size() - 2);
        }
    }
    if (boundary.isEmpty()) {
        *error = QStringLiteral("multipart/form-data without a boundary");
        return QByteArray();
    }
    const QByteArray delimiter = "--" + boundary;
    qsizetype at = body.indexOf(delimiter);
    while (at >= 0) {
        const qsizetype headersStart = at + delimiter.size() + 2; // past "\r\n"
        const qsizetype headersEnd = body.indexOf("\r\n\r\n", headersStart);
        if (headersEnd < 0)
            break;
        const QByteArray headers = body.mid(headersStart, headersEnd - headersStart).toLower();
        const qsizetype next = body.indexOf("\r\n" + delimiter, headersEnd + 4);
        if (next < 0)
            break;
        // The field's own name, not filename="image" in another field (found by reading it
        // while fuzzing).
        static const QRegularExpression imageField(
            QStringLiteral(R"((?:^|[;\s])name\s*=\s*"image"(?:[;\s]|$))"),
            QRegularExpression::CaseInsensitiveOption);
        if (imageField.match(QString::fromLatin1(headers)).hasMatch())
            return body.mid(headersEnd + 4, next - (headersEnd + 4));
        at = next + 2;
    }
    *error = QStringLiteral("multipart/form-data without an \"image\" field");
    return QByteArray();
}

} // namespace clearcut::server
