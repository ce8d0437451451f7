#include "Edits.h"

#include "FileRead.h"

#include "AdjustmentsJson.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

namespace clearcut::Edits {

QString pathFor(const QString &photoPath)
{
    const QFileInfo info(photoPath);
    return info.dir().filePath(info.completeBaseName() + QStringLiteral(".clearcut.json"));
}

std::optional<PhotoEdits> fromJson(const QByteArray &json, QString *error)
{
    auto fail = [&](const QString &message) {
        if (error)
            *error = message;
        return std::nullopt;
    };
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return fail(QStringLiteral("not valid JSON (%1 at byte %2)")
                        .arg(parseError.errorString())
                        .arg(parseError.offset));
    if (!document.isObject())
        return fail(QStringLiteral("expected a JSON object"));
    const QJsonObject object = document.object();
    PhotoEdits edits;
    QString why;
    const QJsonValue adjustments = object.value(QStringLiteral("adjustments"));
    if (!adjustments.isUndefined()) {
        if (!adjustments.isObject())
            return fail(QStringLiteral("\"adjustments\" must be an object"));
        edits.adjustments = AdjustmentsJson::fromJson(adjustments.toObject(), &why);
        if (!edits.adjustments)
            return fail(QStringLiteral("adjustments: %1").arg(why));
    }
    auto strokes = Strokes::fromJson(object.value(QStringLiteral("strokes")), &why);
    if (!strokes)
        return fail(why);
    edits.strokes = std::move(*strokes);
    return edits;
}

QByteArray toJson(const PhotoEdits &edits)
{
    QJsonObject object{{QStringLiteral("strokes"), Strokes::toJson(edits.strokes)}};
    if (edits.adjustments)
        object.insert(QStringLiteral("adjustments"), AdjustmentsJson::toJson(*edits.adjustments));
    return QJsonDocument(object).toJson();
}

std::optional<PhotoEdits> readFile(const QString &path, QString *error)
{
    const QString shown = QDir::toNativeSeparators(path);
    constexpr qint64 kMaxEditsBytes = qint64(64) << 20; // a day of strokes is a few MB
    const FileRead::Result read = FileRead::regularFile(path, kMaxEditsBytes);
    if (!read.ok()) {
        if (error)
            *error = QStringLiteral("%1: %2").arg(shown, read.error);
        return std::nullopt;
    }
    QString why;
    auto edits = fromJson(read.bytes, &why);
    if (!edits && error)
        *error = QStringLiteral("%1: %2").arg(shown, why);
    return edits;
}

std::optional<PhotoEdits> readBeside(const QString &photoPath, QString *error)
{
    error->clear();
    const QString path = pathFor(photoPath);
    if (!QFileInfo::exists(path))
        return std::nullopt;
    return readFile(path, error);
}

QString writeFile(const QString &path, const PhotoEdits &edits)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(toJson(edits)) < 0 || !file.commit())
        return QStringLiteral("cannot write %1: %2")
            .arg(QDir::toNativeSeparators(path), file.errorString());
    return QString();
}

} // namespace clearcut::Edits
