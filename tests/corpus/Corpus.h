#pragma once

// The corpus of awkward and bad photos that tests/corpus/make_corpus.py writes, as the tests read
// it: generated into a folder, its manifest parsed, its files' state taken before and after a run.
// Needs CLEARCUT_CORPUS_GENERATOR (the script's path) defined by the test's CMake target.

#include <QByteArray>
#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QProcess>
#include <QSize>
#include <QString>
#include <QStringList>

#include <opencv2/core.hpp>

#include <algorithm>
#include <array>

#ifdef Q_OS_UNIX
#include <sys/stat.h>
#include <unistd.h>
#endif

namespace clearcut::test::corpus {

struct Entry
{
    QString path; // relative to the corpus root, '/'-separated
    bool good = false;
    QString type; // "file", "dir" or "symlink"
    // Bad only: fragments of the expected message (see make_corpus.py), matched ignoring case.
    QString expect;
    QString walkExpect;  // when a folder search meets it; else expect
    QString httpExpect;  // clearcut-server's JSON "error"; else expect
    QString aloneExpect; // a folder given as the only source
    int status = 0;      // clearcut-server's answer to its bytes
    // Good only: the upright decoded size, and the quadrants' RGB colours (may be empty).
    QSize size;
    QList<std::array<int, 3>> quadrants;
    int tolerance = 0;
    int orientation = 0; // EXIF orientation stored, 0 when none
    QString note;

    bool isFile() const { return type == QLatin1String("file"); }
    bool isDir() const { return type == QLatin1String("dir"); }
    bool isSymlink() const { return type == QLatin1String("symlink"); }
    QString messageInWalk() const { return walkExpect.isEmpty() ? expect : walkExpect; }
    QString messageOverHttp() const { return httpExpect.isEmpty() ? expect : httpExpect; }
};

struct Corpus
{
    QString root;
    QList<Entry> entries;
    QString error; // why it could not be made; empty on success

    QString filePath(const Entry &entry) const { return QDir(root).filePath(entry.path); }
};

inline bool runningAsRoot()
{
#ifdef Q_OS_UNIX
    return ::geteuid() == 0;
#else
    return false;
#endif
}

inline bool containsText(const QString &haystack, const QString &fragment)
{
    return haystack.contains(fragment, Qt::CaseInsensitive);
}

// Runs the generator into root (which must not exist or be empty) and reads its manifest. An
// entry whose reason a root process cannot meet (a mode-000 file) is taken as root meets it.
inline Corpus generate(const QString &root)
{
    Corpus corpus;
    corpus.root = root;
    QProcess python;
    python.setProcessChannelMode(QProcess::MergedChannels);
    python.start(QStringLiteral("/usr/bin/python3"),
                 {QStringLiteral(CLEARCUT_CORPUS_GENERATOR), root});
    if (!python.waitForFinished(120000) || python.exitStatus() != QProcess::NormalExit ||
        python.exitCode() != 0) {
        corpus.error = QStringLiteral("make_corpus.py failed: %1 %2")
                           .arg(python.errorString(), QString::fromUtf8(python.readAll()));
        return corpus;
    }
    QFile manifest(QDir(root).filePath(QStringLiteral("manifest.json")));
    if (!manifest.open(QIODevice::ReadOnly)) {
        corpus.error = QStringLiteral("no manifest.json in %1").arg(root);
        return corpus;
    }
    const QJsonArray entries = QJsonDocument::fromJson(manifest.readAll())
                                   .object()
                                   .value(QLatin1String("entries"))
                                   .toArray();
    const bool asRoot = runningAsRoot();
    for (const QJsonValue &value : entries) {
        const QJsonObject o = value.toObject();
        Entry e;
        e.path = o.value(QLatin1String("path")).toString();
        e.good = o.value(QLatin1String("kind")).toString() == QLatin1String("good");
        e.type = o.value(QLatin1String("type")).toString();
        e.expect = o.value(QLatin1String("expect")).toString();
        e.walkExpect = o.value(QLatin1String("walk_expect")).toString();
        e.httpExpect = o.value(QLatin1String("http_expect")).toString();
        e.aloneExpect = o.value(QLatin1String("alone_expect")).toString();
        e.status = o.value(QLatin1String("status")).toInt();
        const QJsonArray size = o.value(QLatin1String("size")).toArray();
        if (size.size() == 2)
            e.size = QSize(size[0].toInt(), size[1].toInt());
        for (const QJsonValue &q : o.value(QLatin1String("quadrants")).toArray()) {
            const QJsonArray rgb = q.toArray();
            e.quadrants.append({rgb[0].toInt(), rgb[1].toInt(), rgb[2].toInt()});
        }
        e.tolerance = o.value(QLatin1String("tolerance")).toInt();
        e.orientation = o.value(QLatin1String("exif_orientation")).toInt();
        e.note = o.value(QLatin1String("note")).toString();
        if (asRoot && o.value(QLatin1String("skip_when_root")).toBool())
            e.good = o.value(QLatin1String("root_kind")).toString() == QLatin1String("good");
        corpus.entries.append(e);
    }
    if (corpus.entries.isEmpty())
        corpus.error = QStringLiteral("the manifest lists no entries");
    return corpus;
}

// Every entry under root as it is on disk, links not followed: its kind, mode and bytes (a file's
// SHA-256, a link's target). Two snapshots compare equal when nothing was added, removed,
// changed, or had its mode changed.
inline QMap<QString, QByteArray> snapshot(const QString &root)
{
    QMap<QString, QByteArray> state;
    QDirIterator it(root, QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        const QFileInfo info(path);
        QByteArray value;
#ifdef Q_OS_UNIX
        struct stat st;
        if (::lstat(QFile::encodeName(path).constData(), &st) == 0)
            value = QByteArray::number(uint(st.st_mode), 8) + ' ';
#endif
        if (info.isSymLink()) {
            value += "link " + QFile::encodeName(info.symLinkTarget());
        } else if (info.isDir()) {
            value += "dir";
        } else {
            QFile file(path);
            value +=
                file.open(QIODevice::ReadOnly)
                    ? "file " + QCryptographicHash::hash(file.readAll(), QCryptographicHash::Sha256)
                                    .toHex()
                    : "unreadable " + QByteArray::number(info.size());
        }
        state.insert(QDir(root).relativeFilePath(path), value);
    }
    return state;
}

// What changed between two snapshots, one line each; empty when nothing did.
inline QStringList differences(const QMap<QString, QByteArray> &before,
                               const QMap<QString, QByteArray> &after)
{
    QStringList lines;
    for (auto it = before.cbegin(); it != before.cend(); ++it) {
        if (!after.contains(it.key()))
            lines << QStringLiteral("removed: %1").arg(it.key());
        else if (after.value(it.key()) != it.value())
            lines << QStringLiteral("changed: %1").arg(it.key());
    }
    for (auto it = after.cbegin(); it != after.cend(); ++it)
        if (!before.contains(it.key()))
            lines << QStringLiteral("added: %1").arg(it.key());
    return lines;
}

// Every file under dir (hidden ones too), relative, sorted.
inline QStringList filesUnder(const QString &dir)
{
    QStringList files;
    QDirIterator it(dir, QDir::Files | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot,
                    QDirIterator::Subdirectories);
    while (it.hasNext())
        files << QDir(dir).relativeFilePath(it.next());
    files.sort();
    return files;
}

// Why bgr (CV_8UC3) is not the entry's picture: its size, then each quadrant's mean colour over
// the middle half of the quadrant; empty when it is.
inline QString pictureMismatch(const cv::Mat &bgr, const Entry &entry)
{
    if (bgr.empty())
        return QStringLiteral("nothing decoded");
    if (QSize(bgr.cols, bgr.rows) != entry.size)
        return QStringLiteral("%1x%2 pixels, expected %3x%4")
            .arg(bgr.cols)
            .arg(bgr.rows)
            .arg(entry.size.width())
            .arg(entry.size.height());
    static const char *const kNames[] = {"top-left", "top-right", "bottom-left", "bottom-right"};
    for (int q = 0; q < entry.quadrants.size() && q < 4; ++q) {
        const int halfW = bgr.cols / 2, halfH = bgr.rows / 2;
        const int x0 = (q % 2) * halfW, y0 = (q / 2) * halfH;
        const int w = (q % 2) ? bgr.cols - halfW : halfW;
        const int h = (q / 2) ? bgr.rows - halfH : halfH;
        // The middle half of the quadrant, at least one pixel (a 1x1 photo is its own quadrants).
        cv::Rect area(x0 + w / 4, y0 + h / 4, std::max(1, w / 2), std::max(1, h / 2));
        area &= cv::Rect(0, 0, bgr.cols, bgr.rows);
        if (area.empty())
            area = cv::Rect(std::min(x0, bgr.cols - 1), std::min(y0, bgr.rows - 1), 1, 1);
        const cv::Scalar mean = cv::mean(bgr(area));
        const std::array<int, 3> &want = entry.quadrants[q];
        const int got[3] = {int(mean[2] + 0.5), int(mean[1] + 0.5), int(mean[0] + 0.5)};
        for (int c = 0; c < 3; ++c)
            if (std::abs(got[c] - want[c]) > entry.tolerance)
                return QStringLiteral("%1 quadrant is rgb(%2,%3,%4), expected rgb(%5,%6,%7) "
                                      "within %8")
                    .arg(QLatin1String(kNames[q]))
                    .arg(got[0])
                    .arg(got[1])
                    .arg(got[2])
                    .arg(want[0])
                    .arg(want[1])
                    .arg(want[2])
                    .arg(entry.tolerance);
    }
    return QString();
}

} // namespace clearcut::test::corpus
