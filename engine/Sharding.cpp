#include "Sharding.h"

#include "OutputNaming.h"

#include <QDir>
#include <QHash>
#include <QRegularExpression>

namespace clearcut {

std::optional<Shard> parseShard(const QString &text, QString *error)
{
    static const QRegularExpression pattern(QStringLiteral("^(\\d{1,9})/(\\d{1,9})$"));
    const QRegularExpressionMatch match = pattern.match(text);
    QString why;
    Shard shard;
    if (!match.hasMatch()) {
        why = QStringLiteral("\"%1\" is not I/N (whole numbers, I from 0 to N-1, e.g. 0/4)")
                  .arg(text);
    } else {
        shard.index = match.captured(1).toInt();
        shard.count = match.captured(2).toInt();
        if (shard.count < 1)
            why = QStringLiteral("\"%1\": N must be at least 1").arg(text);
        else if (shard.index >= shard.count)
            why = QStringLiteral("\"%1\": I counts from 0 and must be less than N (0 to %2)")
                      .arg(text)
                      .arg(shard.count - 1);
    }
    if (why.isEmpty())
        return shard;
    if (error)
        *error = why;
    return std::nullopt;
}

bool inShard(qsizetype position, const Shard &shard)
{
    return position % shard.count == shard.index;
}

QList<BatchInput> shardOf(const QList<BatchInput> &all, const Shard &shard)
{
    QList<BatchInput> part;
    part.reserve(all.size() / shard.count + 1);
    for (qsizetype k = shard.index; k < all.size(); k += shard.count) {
        BatchInput input = all.at(k);
        input.listIndex = int(k);
        input.listSize = int(all.size());
        part.append(input);
    }
    return part;
}

QString findOutputClash(const QList<BatchInput> &all, const BatchOptions &options)
{
    QHash<QString, qsizetype> owners; // output path -> position in the list
    owners.reserve(all.size());
    for (qsizetype k = 0; k < all.size(); ++k) {
        const QString output =
            OutputNaming::outputPathFor(all.at(k), int(k), int(all.size()), options);
        const auto it = owners.constFind(output);
        if (it != owners.cend())
            return QStringLiteral("%1 and %2 would both be written as %3")
                .arg(QDir::toNativeSeparators(all.at(it.value()).path),
                     QDir::toNativeSeparators(all.at(k).path), QDir::toNativeSeparators(output));
        owners.insert(output, k);
    }
    return QString();
}

} // namespace clearcut
