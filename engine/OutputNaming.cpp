#include "OutputNaming.h"

#include "ImageIO.h"

#include <QDir>
#include <QFileInfo>
#include <QHash>
#include <QRegularExpression>

#include <algorithm>

namespace clearcut::OutputNaming {
namespace {

// Names tried per output before giving up ("name_2" ... ); only a pathological folder gets there.
constexpr int kMaxNumber = 100000;

const QRegularExpression &placeholderPattern()
{
    static const QRegularExpression pattern(QStringLiteral("\\{([^{}]*)\\}"));
    return pattern;
}

QString numbered(const QString &path, int number)
{
    const QFileInfo info(path);
    const QString suffix = info.suffix();
    const QString name = QStringLiteral("%1_%2").arg(info.completeBaseName()).arg(number);
    return info.dir().filePath(suffix.isEmpty() ? name : name + QLatin1Char('.') + suffix);
}

} // namespace

QString checkNamePattern(const QString &pattern)
{
    if (pattern.trimmed().isEmpty())
        return QStringLiteral("the name pattern is empty");
    if (pattern.contains(QLatin1Char('/')) || pattern.contains(QLatin1Char('\\')))
        return QStringLiteral("the name pattern cannot contain / or \\");
    auto matches = placeholderPattern().globalMatch(pattern);
    while (matches.hasNext()) {
        const QString name = matches.next().captured(1);
        if (name != QLatin1String("stem") && name != QLatin1String("type") &&
            name != QLatin1String("index"))
            return QStringLiteral("unknown placeholder {%1} in the name pattern (use {stem}, "
                                  "{type} or {index})")
                .arg(name);
    }
    return QString();
}

QList<BatchInput> withoutEarlierOutputs(const QList<BatchInput> &inputs,
                                        const BatchOptions &options, QStringList *earlier)
{
    const int total = int(inputs.size());
    QHash<QString, QString> outputs; // an output's absolute path -> the photo it is made from
    for (int i = 0; i < total; ++i)
        outputs.insert(QFileInfo(outputPathFor(inputs[i], i, total, options)).absoluteFilePath(),
                       inputs[i].path);
    static const QRegularExpression numbered(QStringLiteral("^(.*)_\\d+$"));
    QList<BatchInput> kept;
    for (const BatchInput &input : inputs) {
        const QFileInfo info(input.path);
        QString maker = outputs.value(info.absoluteFilePath());
        if (maker.isEmpty()) {
            const QRegularExpressionMatch match = numbered.match(info.completeBaseName());
            if (match.hasMatch())
                maker = outputs.value(info.dir().absoluteFilePath(
                    match.captured(1) + QLatin1Char('.') + info.suffix()));
        }
        if (maker.isEmpty() || maker == input.path) {
            kept.append(input);
        } else if (earlier) {
            *earlier << QStringLiteral("%1: left out, it is the output of %2 from an earlier run")
                            .arg(QDir::toNativeSeparators(input.path),
                                 QDir::toNativeSeparators(maker));
        }
    }
    return kept;
}

QString outputPathFor(const BatchInput &input, int index, int total, const BatchOptions &options)
{
    if (input.listIndex >= 0) {
        index = input.listIndex;
        total = input.listSize;
    }
    const int width = int(QString::number(std::max(total, 1)).size());
    const QString number = QString::number(index + 1).rightJustified(width, QLatin1Char('0'));
    // One pass, so a stem that itself contains "{type}" is taken literally.
    QString name;
    qsizetype from = 0;
    auto matches = placeholderPattern().globalMatch(options.namePattern);
    while (matches.hasNext()) {
        const QRegularExpressionMatch match = matches.next();
        name += options.namePattern.mid(from, match.capturedStart() - from);
        const QString key = match.captured(1);
        if (key == QLatin1String("stem"))
            name += QFileInfo(input.path).completeBaseName();
        else if (key == QLatin1String("type"))
            name += options.type.name();
        else if (key == QLatin1String("index"))
            name += number;
        else
            name += match.captured(0);
        from = match.capturedEnd();
    }
    name += options.namePattern.mid(from);
    const QString suffix = ImageIO::suffixForFormat(options.format);
    name += QLatin1Char('.') + (suffix.isEmpty() ? options.format : suffix);

    QDir dir(options.destination);
    if (options.keepStructure && !input.relativeDir.isEmpty())
        dir.setPath(dir.filePath(input.relativeDir));
    return QDir::cleanPath(dir.filePath(name));
}

Claim Claims::claim(const QString &base, CollisionPolicy policy, const QList<BatchInput> &inputs)
{
    if (!m_sourcesIndexed) {
        for (const BatchInput &source : inputs) {
            const QString canonical = QFileInfo(source.path).canonicalFilePath();
            if (!canonical.isEmpty())
                m_sources.insert(canonical);
        }
        m_sourcesIndexed = true;
    }
    // The pattern's name, or the first free numbered one. A name given to an earlier photo of
    // this run, or one that is a source photo, is never used, whatever the policy.
    Claim result;
    for (int n = 1; n <= kMaxNumber && result.output.isEmpty(); ++n) {
        const QString candidate = n == 1 ? base : numbered(base, n);
        const QFileInfo info(candidate);
        const QString key = info.absoluteFilePath();
        if (m_claimed.contains(key))
            continue;
        if (info.exists() || info.isSymLink()) {
            if (m_sources.contains(info.canonicalFilePath()))
                continue;
            if (policy == CollisionPolicy::AddNumber)
                continue;
            result.skip = policy == CollisionPolicy::Skip;
        }
        m_claimed.insert(key);
        result.output = candidate;
    }
    if (result.output.isEmpty())
        result.error = QStringLiteral("no free name for %1").arg(QDir::toNativeSeparators(base));
    return result;
}

} // namespace clearcut::OutputNaming
