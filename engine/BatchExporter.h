#pragma once

// Exports many photos: each is decoded, segmented on the engine's thread, composited and written
// through a small bounded pipeline (decode of the next photo and encode of the previous one overlap
// inference), so memory stays flat for any number of photos. Each output is written atomically; a
// photo that fails is recorded with its reason and the batch goes on.

#include "BatchOptions.h"
#include "PhotoFinder.h"
#include "Types.h"

#include <QJsonObject>
#include <QList>
#include <QMetaType>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QThreadPool>
#include <QTimer>

#include <memory>

namespace clearcut {

class Engine;

// Milliseconds per stage, for --timings and benchmarks.
struct BatchItemTimings
{
    double decodeMs = 0;
    double preprocessMs = 0;
    double inferMs = 0;
    double postMs = 0; // mask upsampling, adjustment, resize and composite
    double encodeMs = 0;
};

struct BatchItemResult
{
    enum class Status
    {
        Done,
        Skipped,
        Failed
    };
    QString source;
    QString output; // the file written (Done), the existing one (Skipped), or the intended one
    Status status = Status::Failed;
    QString reason;     // for Skipped and Failed
    double seconds = 0; // from the start of its decode to its write
    BatchItemTimings timings;
};

struct BatchProgress
{
    int total = 0;
    int done = 0;
    int skipped = 0;
    int failed = 0;
    QString current;              // the oldest photo in the pipeline
    double photosPerMinute = 0;   // photos processed (done or failed); 0 until known
    double secondsRemaining = -1; // -1 until known
    double currentFraction = 0;   // of `current`, in [0,1)
};

struct BatchSummary
{
    int total = 0;
    int done = 0;
    int skipped = 0;
    int failed = 0;
    bool cancelled = false;
    QList<BatchItemResult> failures;
    double seconds = 0;
    double photosPerMinute = 0; // photos processed (done or failed) per minute of wall time

    QJsonObject toJson() const;
    // "done 9, skipped 0, failed 1 in 12.3 s (48.8 photos/min)", ", cancelled" appended if so.
    QString toText() const;
};

class BatchExporter final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(BatchExporter)

public:
    // engine lives on its EngineThread and may serve other clients too: it is reached with queued
    // calls only, and results for requests that are not ours are ignored.
    explicit BatchExporter(Engine *engine, QObject *parent = nullptr);
    ~BatchExporter() override; // cancels and waits for the photo in hand

    // Files as given (any suffix); folders recursively, only supported image suffixes, hidden
    // files left out, naturally sorted ("2.jpg" before "10.jpg"). A file given twice (or alone and
    // inside a folder) is kept once.
    // PhotoFinder::find's inputs, on the calling thread (the command line, tests).
    static QList<BatchInput> collectInputs(const QStringList &paths);

    // Ignored while running. finished() always follows (queued), also for no inputs.
    void start(const QList<BatchInput> &inputs, const BatchOptions &options);
    // Answers at once: no new photo starts, photos in the pipeline are dropped, and the one being
    // encoded is either written whole or not at all. finished() follows once nothing of this run
    // can touch the destination any more.
    void cancel();
    bool isRunning() const { return m_run != nullptr; }

Q_SIGNALS:
    void progress(const clearcut::BatchProgress &progress); // at most ~10/s, plus one per photo
    void itemFinished(const clearcut::BatchItemResult &result);
    void finished(const clearcut::BatchSummary &summary);

private:
    struct Run;
    struct Item;

    void pump();
    void onResolvedAndDecoded(const std::shared_ptr<Run> &run, int index, QString output, bool skip,
                              QString error, std::shared_ptr<const cv::Mat> bgr, double decodeMs);
    void onSegmented(const SegmentResult &result);
    void onSegmentFailed(quint64 id, const QString &reason);
    void onWritten(const std::shared_ptr<Run> &run, int index, QString error, bool dropped,
                   double postMs, double encodeMs);
    void finishItem(int index, BatchItemResult::Status status, const QString &reason);
    void emitProgress(bool force = false);
    void finishIfDone();

    Engine *m_engine;
    QThreadPool m_decodePool; // one thread: reads and decodes, and resolves output names in order
    QThreadPool m_encodePool; // one thread, so encoding never takes more than a core from inference
    QTimer m_progressTimer;
    std::shared_ptr<Run> m_run; // null when idle
};

// Registers the batch value types for queued connections and QSignalSpy; idempotent.
void registerBatchMetaTypes();

} // namespace clearcut

Q_DECLARE_METATYPE(clearcut::BatchProgress)
Q_DECLARE_METATYPE(clearcut::BatchItemResult)
Q_DECLARE_METATYPE(clearcut::BatchSummary)
