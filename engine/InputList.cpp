#include "InputList.h"

#include "FileRead.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

namespace clearcut::InputList {

QStringList parse(const QString &text, const QString &folder)
{
    const QDir base(folder);
    QStringList paths;
    const QStringList lines = text.split(QLatin1Char('\n'));
    for (qsizetype i = 0; i < lines.size(); ++i) {
        QString line = lines.at(i).trimmed(); // also the \r of a list written on Windows
        if (i == 0 && line.startsWith(QChar(0xFEFF)))
            line = line.mid(1).trimmed(); // a byte-order mark from a Windows editor
        if (line.isEmpty() || line.startsWith(QLatin1Char('#')))
            continue;
        paths << QDir::cleanPath(base.filePath(line)); // an absolute line stays as it is
    }
    return paths;
}

std::optional<QStringList> read(const QString &listPath, QString *error)
{
    // A million photos at ~100 bytes a path is 100 MB.
    constexpr qint64 kMaxListBytes = qint64(512) << 20;
    const FileRead::Result file = FileRead::regularFile(listPath, kMaxListBytes);
    if (!file.ok()) {
        if (error)
            *error = QStringLiteral("cannot read the input list %1: %2")
                         .arg(QDir::toNativeSeparators(listPath), file.error);
        return std::nullopt;
    }
    return parse(QString::fromUtf8(file.bytes), QFileInfo(listPath).absolutePath());
}

} // namespace clearcut::InputList
