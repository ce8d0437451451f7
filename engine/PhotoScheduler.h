#pragma once

// Decides what the window's photos get from the machine, and when. The photo the user looks at
// is always next: its read, then a quick pass, then the full-quality one, ahead of everything
// else. The others follow in list order with a small, fixed amount of work in flight, so memory
// stays bounded for any number of photos (a full-resolution photo is held only from its read to
// the end of its inference, or while it is selected) and the latest selection never waits behind
// a backlog. Every queued request carries a cancel flag: removing a photo, changing the quality or
// the model cancels what has not started. Lives on the caller's thread (the UI's); reads run in
// its own pool, inference on the engine's thread.

#include "Edits.h"
#include "Types.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QSet>
#include <QSize>
#include <QThreadPool>

#include <opencv2/core/mat.hpp>

#include <memory>
#include <optional>
#include <vector>

namespace clearcut {

class Engine;

class PhotoScheduler final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PhotoScheduler)

public:
    // How much background work may be under way at once: reads running, photos read and holding
    // their pixels (waiting for or in inference), and requests in the engine.
    struct Limits
    {
        int reads = 1;
        int held = 2;
        int inEngine = 1;
    };

    // A photo just read. The preview is small (longest side <= previewSide) and kept by the
    // caller; the full-resolution pixels are handed out only for the selected photo.
    struct Decoded
    {
        QSize fullSize;
        cv::Mat preview; // CV_8UC3 BGR
        // With the first read of a file: its edits file (Edits::pathFor) when there is one, or
        // why it could not be read.
        std::optional<PhotoEdits> edits;
        QString editsError;
    };

    explicit PhotoScheduler(Engine *engine, QObject *parent = nullptr);
    ~PhotoScheduler() override; // cancels everything and waits for the reads in flight

    Limits limits() const { return m_limits; }
    void setPreviewSide(int side) { m_previewSide = side; }

    // Photos are processed in the order they are added. ids are the caller's, unique.
    void addFile(quint64 id, const QString &path);
    // An image with no file (pasted): its pixels are held for as long as it is in the list.
    void addPixels(quint64 id, const cv::Mat &bgr);
    // Their queued requests are cancelled at once (the engine runs none of them).
    void remove(const QList<quint64> &ids);
    void remove(quint64 id) { remove(QList<quint64>{id}); }
    void clear();

    // The photo the user looks at (0: none). The previous selection's queued work is cancelled;
    // it goes back to its place in the list.
    void select(quint64 id);
    quint64 selected() const { return m_selected; }

    // Fast: one quick pass per photo; Best: the selected photo gets a quick pass first, the
    // others only the full one. A change redoes every photo's mask (stale work is cancelled).
    void setQuality(Quality quality);
    Quality quality() const { return m_quality; }
    // A new model: every mask is redone, stale work cancelled.
    void redoAll();

    // The selected photo's full-resolution pixels once read (null before, and for the others);
    // pasted images always have theirs.
    std::shared_ptr<const cv::Mat> pixels(quint64 id) const;
    bool isDone(quint64 id) const;
    // Segment requests this scheduler has sent that the engine served (not cancelled ones).
    int inferenceCount() const { return m_inferences; }
    // Requests sent to the engine and not answered yet.
    int requestsInEngine() const { return int(m_requests.size()); }

Q_SIGNALS:
    void decoded(quint64 id, const clearcut::PhotoScheduler::Decoded &decoded);
    // The selected photo's full-resolution pixels are ready (see pixels()).
    void pixelsReady(quint64 id);
    // lowResMask: MaskRefiner::quantized of the network's output. final: the quality asked for
    // (else the quick pass before it).
    void maskReady(quint64 id, const cv::Mat &lowResMask, bool final);
    void failed(quint64 id, const QString &reason); // the reason alone; the caller names the photo

private:
    struct Photo;
    enum class Stage
    {
        Unread,     // nothing held: to be read
        Reading,    // a read job is on its way
        Read,       // pixels held, no request sent yet
        Segmenting, // requests in the engine
        Done,       // the final mask for the current generation
        Failed
    };

    void schedulePump();
    void pump();
    void startRead(Photo &photo, bool urgent);
    void onRead(quint64 id, quint64 readId, std::shared_ptr<const cv::Mat> pixels,
                const Decoded &result, const QString &error);
    void sendRequests(Photo &photo, bool urgent);
    void cancelWork(Photo &photo);
    void releasePixelsIfUnneeded(Photo &photo);
    void onSegmented(const SegmentResult &result);
    void onSegmentFailed(quint64 requestId, const QString &reason);
    void onSegmentCancelled(quint64 requestId);
    bool selectedHasWork() const;
    Photo *find(quint64 id);
    const Photo *find(quint64 id) const;

    struct Request
    {
        quint64 photo = 0;
        quint64 generation = 0;
        quint64 attempt = 0;
        bool final = false;
        bool urgent = false;
    };

    Engine *m_engine;
    QThreadPool m_pool;
    Limits m_limits;
    int m_previewSide = 1024;
    QList<quint64> m_order;
    qsizetype m_cursor = 0;     // m_order before it is done or failed
    QSet<quint64> m_background; // photos the background started that may still hold work
    QHash<quint64, std::shared_ptr<Photo>> m_photos;
    QHash<quint64, Request> m_requests; // engine request id -> what it is for
    quint64 m_selected = 0;
    quint64 m_generation = 1; // bumped by a quality or model change
    quint64 m_nextReadId = 1;
    Quality m_quality = Quality::Best;
    int m_inferences = 0;
    bool m_pumpScheduled = false;
};

} // namespace clearcut

Q_DECLARE_METATYPE(clearcut::PhotoScheduler::Decoded)
