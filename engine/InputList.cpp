#include "InputList.h"

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
    const QFileInfo info(listPath);
    QFile file(listPath);
    QString why;
    QByteArray bytes;
    if (info.isDir()) {
        why = QStringLiteral("it is a folder");
    } else if (!file.open(QIODevice::ReadOnly)) {
        why = file.errorString();
    } else {
        bytes = file.readAll();
        if (file.error() != QFileDevice::NoError)
            why = file.errorString();
    }
    if (!why.isEmpty()) {
        if (error)
            *error = QStringLiteral("cannot read the input list %1: %2")
                         .arg(QDir::toNativeSeparators(listPath), why);
        return std::nullopt;
    }
    return parse(QString::fromUtf8(bytes), info.absolutePath());
}

} // namespace clearcut::InputList
