#include "PhotoFinder.h"

#include "FileRead.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QSemaphore>
#include <QSet>
#include <QThread>
#include <QThreadPool>

#include <algorithm>
#include <vector>

namespace clearcut {
namespace {

// "a/b/c.jpg" -> "a/b", "c.jpg" -> "".
QString folderOf(const QString &relativePath)
{
    const qsizetype slash = relativePath.lastIndexOf(QLatin1Char('/'));
    return slash < 0 ? QString() : relativePath.left(slash);
}

QString shown(const QString &path)
{
    return QDir::toNativeSeparators(path);
}

bool isUnder(const QString &path, const QString &folder)
{
    return path == folder || path.startsWith(folder + QLatin1Char('/'));
}

} // namespace

// Written out because QCollator's numeric mode needs ICU, which the C locale (and some Qt builds)
// do not give it.
bool naturalLess(const QString &a, const QString &b)
{
    qsizetype i = 0, j = 0;
    while (i < a.size() && j < b.size()) {
        if (a[i].isDigit() && b[j].isDigit()) {
            const qsizetype startA = i, startB = j;
            while (i < a.size() && a[i].isDigit())
                ++i;
            while (j < b.size() && b[j].isDigit())
                ++j;
            // Compare the numbers without their leading zeros: longer is larger, then digit by
            // digit; "007" and "7" tie here and are told apart at the end.
            QStringView x = QStringView(a).mid(startA, i - startA);
            QStringView y = QStringView(b).mid(startB, j - startB);
            while (x.size() > 1 && x.front() == QLatin1Char('0'))
                x = x.mid(1);
            while (y.size() > 1 && y.front() == QLatin1Char('0'))
                y = y.mid(1);
            if (x.size() != y.size())
                return x.size() < y.size();
            if (const int c = x.compare(y); c != 0)
                return c < 0;
            continue;
        }
        const QChar x = a[i].toCaseFolded(), y = b[j].toCaseFolded();
        if (x != y)
            return x < y;
        ++i;
        ++j;
    }
    if ((a.size() - i) != (b.size() - j))
        return (a.size() - i) < (b.size() - j);
    return a < b; // a total order for names equal but for case or leading zeros
}

const QStringList &PhotoFinder::supportedSuffixes()
{
    static const QStringList suffixes{
        QStringLiteral("jpg"), QStringLiteral("jpeg"), QStringLiteral("jfif"),
        QStringLiteral("png"), QStringLiteral("webp"), QStringLiteral("bmp"),
        QStringLiteral("tif"), QStringLiteral("tiff"), QStringLiteral("gif")};
    return suffixes;
}

FoundPhotos PhotoFinder::find(const QStringList &paths, const std::atomic_bool *cancel,
                              const Progress &progress)
{
    const auto cancelled = [cancel] {
        return cancel && cancel->load(std::memory_order_relaxed);
    };
    FoundPhotos result;
    QSet<QString> seenFiles;
    const auto add = [&](const QFileInfo &file, const QString &relativeDir) {
        const QString canonical = file.canonicalFilePath();
        const QString key = canonical.isEmpty() ? file.absoluteFilePath() : canonical;
        if (seenFiles.contains(key))
            return;
        seenFiles.insert(key);
        result.inputs.append(BatchInput{file.filePath(), relativeDir});
    };
    QSet<QString> suffixes;
    for (const QString &suffix : supportedSuffixes())
        suffixes.insert(suffix);

    int looked = 0;
    for (const QString &path : paths) {
        if (cancelled())
            break;
        const QFileInfo info(path);
        if (!info.isDir()) {
            add(info, QString());
            continue;
        }
        // Relative paths are worked out from the absolute folder; the inputs keep the folder as
        // the caller spelled it.
        const QDir root(info.absoluteFilePath());
        const QDir given(info.filePath());
        QStringList relative;
        const QString top = info.canonicalFilePath();
        QSet<QString> walked{top};
        std::vector<QString> pending{QString()}; // folders to walk, relative to the root
        while (!pending.empty() && !cancelled()) {
            const QString folder = pending.back();
            pending.pop_back();
            const QDir dir(folder.isEmpty() ? root.path() : root.filePath(folder));
            ++result.foldersVisited;
            if (!dir.isReadable()) {
                result.problems << QStringLiteral("cannot read the folder %1: permission denied")
                                       .arg(shown(dir.path()));
                continue;
            }
            const QString here = QFileInfo(dir.path()).canonicalFilePath();
            // System: broken links are listed too, to be reported. Hidden files (".DS_Store",
            // "._IMG_1.jpg") and folders stay out.
            const QFileInfoList entries = dir.entryInfoList(
                QDir::Files | QDir::Dirs | QDir::NoDotAndDotDot | QDir::System, QDir::NoSort);
            for (const QFileInfo &entry : entries) {
                if (cancelled())
                    break;
                const QString name = folder.isEmpty()
                                         ? entry.fileName()
                                         : folder + QLatin1Char('/') + entry.fileName();
                if (entry.isSymLink() && !entry.exists()) {
                    // A photo that is not there; other broken links are none of our business.
                    if (!suffixes.contains(entry.suffix().toLower()))
                        continue;
                    // "a broken link (to ...)", or "a symbolic link loop".
                    result.problems << QStringLiteral("%1: %2").arg(
                        shown(entry.filePath()), FileRead::whyMissing(entry.filePath()));
                } else if (entry.isDir()) {
                    const QString target = entry.canonicalFilePath();
                    if (entry.isSymLink() && isUnder(here, target)) {
                        // A link to a folder that contains it would never end.
                        result.problems << QStringLiteral("%1 links back to %2, which contains "
                                                          "it: a loop, not followed")
                                               .arg(shown(entry.filePath()), shown(target));
                        continue;
                    }
                    // A link into the dropped folder is walked by its own path anyway; two links
                    // to one folder outside it give its photos once.
                    if ((entry.isSymLink() && isUnder(target, top)) || walked.contains(target))
                        continue;
                    walked.insert(target);
                    pending.push_back(name);
                } else if (suffixes.contains(entry.suffix().toLower())) {
                    // Only regular files are photos: a FIFO or a device named like one would
                    // block or never end.
                    if (entry.isFile())
                        relative << name;
                    else
                        result.problems << QStringLiteral("%1: not a regular file (a FIFO, "
                                                          "socket or device), skipped")
                                               .arg(shown(entry.filePath()));
                }
                if (progress && ++looked % 256 == 0)
                    progress(int(result.inputs.size() + relative.size()));
            }
        }
        std::sort(relative.begin(), relative.end(), [](const QString &a, const QString &b) {
            // Folder by folder, then by name, so "b/1.jpg" never lands between "a/1" and "a/2".
            const QString dirA = folderOf(a), dirB = folderOf(b);
            if (dirA != dirB)
                return naturalLess(dirA, dirB);
            return naturalLess(a, b);
        });
        for (const QString &file : relative)
            add(QFileInfo(given.filePath(file)), folderOf(file));
    }
    result.cancelled = cancelled();
    if (progress)
        progress(int(result.inputs.size()));
    return result;
}

struct PhotoScan::Walk
{
    std::atomic_bool cancel{false};
    QSemaphore done; // released once the walk has posted its last signal
};

PhotoScan::PhotoScan(QStringList paths, QObject *parent)
    : QObject(parent), m_paths(std::move(paths)), m_walk(std::make_shared<Walk>())
{}

PhotoScan::~PhotoScan()
{
    // The walk looks at the flag between entries, so this wait is one directory read at most.
    m_walk->cancel = true;
    if (m_started)
        m_walk->done.acquire();
    if (m_thread) {
        m_thread->wait();
        delete m_thread;
    }
}

void PhotoScan::run(Walk &walk)
{
    QElapsedTimer sinceProgress;
    sinceProgress.start();
    FoundPhotos found = PhotoFinder::find(m_paths, &walk.cancel, [&](int count) {
        if (sinceProgress.elapsed() < 100)
            return;
        sinceProgress.restart();
        QMetaObject::invokeMethod(
            this, [this, count] { Q_EMIT progress(count); }, Qt::QueuedConnection);
    });
    // Queued to this object: dropped if it is deleted first. A cancel that came after the walk
    // ended still counts: the caller said it no longer wants the result.
    QMetaObject::invokeMethod(
        this,
        [this, found = std::move(found)]() mutable {
            found.cancelled = found.cancelled || m_walk->cancel.load();
            Q_EMIT finished(found);
        },
        Qt::QueuedConnection);
}

void PhotoScan::start()
{
    if (m_started)
        return;
    m_started = true;
    m_thread = QThread::create([this, walk = m_walk] {
        run(*walk);
        walk->done.release();
    });
    m_thread->setObjectName(QStringLiteral("PhotoScan"));
    m_thread->start();
}

void PhotoScan::start(QThreadPool &pool)
{
    if (m_started)
        return;
    m_started = true;
    pool.start([this, walk = m_walk] {
        run(*walk); // one already cancelled ends at its first look at the flag
        walk->done.release();
    });
}

void PhotoScan::cancel()
{
    m_walk->cancel = true;
}

} // namespace clearcut
