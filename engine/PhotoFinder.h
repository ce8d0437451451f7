#pragma once

// Which files a drop, an open or a command-line source adds: the photos among the given paths,
// folders searched recursively. One rule for the window, the batch and the command line.
// PhotoFinder walks on the calling thread; PhotoScan runs it on a thread of its own, or a pool's,
// for the UI, which must never wait on a folder (a big or network one can take seconds).

#include <QList>
#include <QMetaType>
#include <QObject>
#include <QString>
#include <QStringList>

#include <atomic>
#include <functional>
#include <memory>

class QThread;
class QThreadPool;

namespace clearcut {

struct BatchInput
{
    QString path;
    QString relativeDir; // folder relative to the dropped root ("" for top level)
    // For a run that is one part of a longer list (Sharding's shardOf): the photo's 0-based place
    // in the whole list and the list's length, which {index} shows instead of the run's own.
    int listIndex = -1;
    int listSize = 0;
};

struct FoundPhotos
{
    QList<BatchInput> inputs;
    QStringList
        problems; // one line each: an unreadable folder, a link loop, a broken link to a photo
    int foldersVisited = 0;
    bool cancelled = false;
};

class PhotoFinder final
{
public:
    // "jpg", "png" ...: what a folder search picks up.
    static const QStringList &supportedSuffixes();

    // Called with the number of photos found so far, now and then (about every 256 entries
    // looked at), on the walking thread.
    using Progress = std::function<void(int found)>;

    // Files are taken as given (the decoder says whether it can read them); folders are walked
    // recursively, hidden entries left out, in natural order folder by folder ("IMG_2" before
    // "IMG_10"). A folder link is followed once: a link back into a folder already walked is
    // reported as a loop, not followed. Duplicates (the same file twice, by its canonical path)
    // are dropped. Stops soon after *cancel becomes true, with what it found so far.
    static FoundPhotos find(const QStringList &paths, const std::atomic_bool *cancel = nullptr,
                            const Progress &progress = {});
};

// One search off the calling thread. Signals arrive on the thread that made the object; progress
// at most about ten times a second. After cancel() the result says cancelled, even when the walk
// had already ended. Deleting it cancels the search (and waits for the walk to look at the flag).
class PhotoScan final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PhotoScan)

public:
    explicit PhotoScan(QStringList paths, QObject *parent = nullptr);
    ~PhotoScan() override;

    // On a thread of its own.
    void start();
    // On one of pool's threads: no thread is started here, which matters while LibTorch loads
    // (see Engine::loadInferenceLibrary). Waits in the pool's queue while its threads are busy.
    void start(QThreadPool &pool);
    void cancel();
    const QStringList &paths() const { return m_paths; }

Q_SIGNALS:
    void progress(int found);
    void finished(const clearcut::FoundPhotos &result);

private:
    struct Walk;
    void run(Walk &walk);

    QStringList m_paths;
    // Shared with the walk, which may still be on its way out when this object is gone.
    std::shared_ptr<Walk> m_walk;
    QThread *m_thread = nullptr;
    bool m_started = false;
};

// "IMG_2" before "IMG_10", case-insensitively.
bool naturalLess(const QString &a, const QString &b);

} // namespace clearcut

Q_DECLARE_METATYPE(clearcut::FoundPhotos)
