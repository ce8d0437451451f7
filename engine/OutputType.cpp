#include "OutputType.h"

#include <QFileInfo>
#include <QRegularExpression>

namespace clearcut {

OutputType OutputType::colour(const cv::Vec3b &rgb)
{
    OutputType type;
    type.kind = Kind::Colour;
    type.colourRgb = rgb;
    return type;
}

OutputType OutputType::backgroundImage(const QString &path)
{
    OutputType type;
    type.kind = Kind::BackgroundImage;
    type.backgroundPath = QFileInfo(path).absoluteFilePath();
    return type;
}

std::optional<OutputType> OutputType::parse(const QString &text, QString *error)
{
    auto fail = [&](const QString &message) -> std::optional<OutputType> {
        if (error)
            *error = message;
        return std::nullopt;
    };
    const QString trimmed = text.trimmed();
    const QString word = trimmed.toLower();
    if (word.isEmpty())
        return fail(QStringLiteral("no output type given"));

    if (word == QLatin1String("rgba"))
        return OutputType{};
    if (word == QLatin1String("map"))
        return OutputType{Kind::Map, {}, {}};
    if (word == QLatin1String("green"))
        return colour(kGreen);
    if (word == QLatin1String("white"))
        return colour(kWhite);
    if (word == QLatin1String("blur"))
        return OutputType{Kind::Blur, {}, {}};
    if (word == QLatin1String("overlay"))
        return OutputType{Kind::Overlay, {}, {}};

    if (word.startsWith(QLatin1Char('['))) {
        static const QRegularExpression triple(
            QStringLiteral(R"(^\[\s*(\d{1,3})\s*,\s*(\d{1,3})\s*,\s*(\d{1,3})\s*\]$)"));
        const QRegularExpressionMatch match = triple.match(word);
        cv::Vec3b rgb;
        bool ok = match.hasMatch();
        for (int i = 0; ok && i < 3; ++i) {
            const int value = match.captured(i + 1).toInt();
            ok = value <= 255;
            rgb[i] = uchar(value);
        }
        if (!ok)
            return fail(QStringLiteral("bad colour \"%1\": write it as [r,g,b] with three values "
                                       "from 0 to 255, e.g. [255,0,0]")
                            .arg(trimmed));
        return colour(rgb);
    }

    static const QRegularExpression hex(QStringLiteral("^#[0-9a-f]{6}$"));
    if (hex.match(word).hasMatch()) {
        const uint value = word.mid(1).toUInt(nullptr, 16);
        return colour(cv::Vec3b(uchar(value >> 16), uchar(value >> 8), uchar(value)));
    }

    if (QFileInfo(trimmed).isFile())
        return backgroundImage(trimmed);
    return fail(QStringLiteral("unknown output type \"%1\": expected rgba, map, green, white, "
                               "[r,g,b], blur, overlay or an existing background image file")
                    .arg(trimmed));
}

QString OutputType::name() const
{
    switch (kind) {
    case Kind::Rgba:
        return QStringLiteral("rgba");
    case Kind::Map:
        return QStringLiteral("map");
    case Kind::Blur:
        return QStringLiteral("blur");
    case Kind::Overlay:
        return QStringLiteral("overlay");
    case Kind::BackgroundImage:
        return QStringLiteral("bg");
    case Kind::Colour:
        if (colourRgb == kGreen)
            return QStringLiteral("green");
        if (colourRgb == kWhite)
            return QStringLiteral("white");
        return QStringLiteral("colour-%1-%2-%3")
            .arg(colourRgb[0])
            .arg(colourRgb[1])
            .arg(colourRgb[2]);
    }
    return QString();
}

QString OutputType::toString() const
{
    switch (kind) {
    case Kind::Colour:
        if (colourRgb == kGreen || colourRgb == kWhite)
            return name();
        return QStringLiteral("[%1,%2,%3]").arg(colourRgb[0]).arg(colourRgb[1]).arg(colourRgb[2]);
    case Kind::BackgroundImage:
        return backgroundPath;
    default:
        return name();
    }
}

} // namespace clearcut
