#include "PhotoScheduler.h"

#include "Engine.h"
#include "HeldPixels.h"
#include "ImageIO.h"
#include "MaskRefiner.h"
#include "PoolThreads.h"
#include "Resampler.h"

#include <QMetaObject>
#include <QSet>

#include <algorithm>

namespace clearcut {

struct PhotoScheduler::Photo
{
    quint64 id = 0;
    QString path;
    bool pasted = false;
    Stage stage = Stage::Unread;
    std::shared_ptr<const cv::Mat> pixels;
    bool previewSent = false;
    quint64 readId = 0; // the read in flight, 0 if none
    CancelFlag readCancel;
    bool readUrgent = false;
    CancelFlag cancel; // of the requests of the current attempt
    quint64 attempt = 0;
    bool requestsUrgent = false;
    bool hasMask = false; // a mask of the current generation (quick or final) was delivered
};

PhotoScheduler::PhotoScheduler(Engine *engine, QObject *parent) : QObject(parent), m_engine(engine)
{
    Q_ASSERT(engine);
    qRegisterMetaType<Decoded>();
    // One thread for the background's read, one so the selected photo's never waits for it.
    m_pool.setMaxThreadCount(2);
    m_pool.setObjectName(QStringLiteral("ClearCut photo reads"));
    startThreadsNow(m_pool);
    connect(engine, &Engine::segmented, this, &PhotoScheduler::onSegmented, Qt::QueuedConnection);
    connect(engine, &Engine::segmentFailed, this, &PhotoScheduler::onSegmentFailed,
            Qt::QueuedConnection);
    connect(engine, &Engine::segmentCancelled, this, &PhotoScheduler::onSegmentCancelled,
            Qt::QueuedConnection);
}

PhotoScheduler::~PhotoScheduler()
{
    for (const auto &photo : std::as_const(m_photos))
        cancelWork(*photo);
    m_pool.waitForDone();
}

PhotoScheduler::Photo *PhotoScheduler::find(quint64 id)
{
    const auto it = m_photos.find(id);
    return it == m_photos.end() ? nullptr : it->get();
}

const PhotoScheduler::Photo *PhotoScheduler::find(quint64 id) const
{
    const auto it = m_photos.find(id);
    return it == m_photos.end() ? nullptr : it->get();
}

void PhotoScheduler::addFile(quint64 id, const QString &path)
{
    auto photo = std::make_shared<Photo>();
    photo->id = id;
    photo->path = path;
    m_photos.insert(id, photo);
    m_order << id;
    schedulePump();
}

void PhotoScheduler::addPixels(quint64 id, const cv::Mat &bgr)
{
    auto photo = std::make_shared<Photo>();
    photo->id = id;
    photo->pasted = true;
    photo->pixels = HeldPixels::hold(bgr);
    m_photos.insert(id, photo);
    m_order << id;
    // Its "read" only makes the preview from the pixels it already has.
    startRead(*photo, false);
}

void PhotoScheduler::remove(const QList<quint64> &ids)
{
    QSet<quint64> gone;
    for (const quint64 id : ids) {
        const std::shared_ptr<Photo> photo = m_photos.take(id);
        if (!photo)
            continue;
        cancelWork(*photo);
        gone.insert(id);
        if (m_selected == id)
            m_selected = 0;
    }
    if (gone.isEmpty())
        return;
    m_order.removeIf([&gone](quint64 id) { return gone.contains(id); });
    m_cursor = 0; // found again by the next pump
    schedulePump();
}

void PhotoScheduler::clear()
{
    remove(m_order);
}

void PhotoScheduler::select(quint64 id)
{
    if (id == m_selected)
        return;
    Photo *previous = find(m_selected);
    m_selected = id;
    if (previous) {
        // The latest selection wins: what the previous one still had queued is cancelled, and
        // it goes back to its place in the list (a full pass already running still counts).
        if (previous->readUrgent || previous->requestsUrgent)
            cancelWork(*previous);
        if (previous->stage == Stage::Read && !previous->pasted) {
            previous->pixels.reset(); // read again when its turn comes
            previous->stage = Stage::Unread;
        }
        releasePixelsIfUnneeded(*previous);
    }
    schedulePump();
}

void PhotoScheduler::setQuality(Quality quality)
{
    if (quality == m_quality)
        return;
    m_quality = quality;
    redoAll();
}

void PhotoScheduler::redoAll()
{
    ++m_generation;
    m_cursor = 0;
    for (const auto &photo : std::as_const(m_photos)) {
        if (photo->stage == Stage::Failed && !photo->previewSent)
            continue; // it cannot be read; a new model does not change that
        cancelWork(*photo);
        photo->hasMask = false;
        photo->stage = photo->pixels ? Stage::Read : Stage::Unread;
        releasePixelsIfUnneeded(*photo);
    }
    schedulePump();
}

std::shared_ptr<const cv::Mat> PhotoScheduler::pixels(quint64 id) const
{
    const Photo *photo = find(id);
    if (!photo || (!photo->pasted && id != m_selected))
        return nullptr;
    return photo->pixels;
}

bool PhotoScheduler::isDone(quint64 id) const
{
    const Photo *photo = find(id);
    return photo && photo->stage == Stage::Done;
}

void PhotoScheduler::schedulePump()
{
    if (m_pumpScheduled)
        return;
    // Queued: a caller that adds 200 photos and then selects one has done both before anything
    // starts, so the selected photo is first even then.
    m_pumpScheduled = true;
    QMetaObject::invokeMethod(this, &PhotoScheduler::pump, Qt::QueuedConnection);
}

bool PhotoScheduler::selectedHasWork() const
{
    const Photo *photo = find(m_selected);
    if (!photo)
        return false;
    if (photo->readId != 0)
        return true;
    return photo->stage == Stage::Read || photo->stage == Stage::Segmenting ||
           photo->stage == Stage::Reading;
}

void PhotoScheduler::pump()
{
    m_pumpScheduled = false;

    // The selected photo first, whatever else is queued.
    if (Photo *photo = find(m_selected)) {
        switch (photo->stage) {
        case Stage::Unread:
            startRead(*photo, true);
            break;
        case Stage::Reading:
            break; // its read runs: background reads never keep a pool thread from it
        case Stage::Read:
            sendRequests(*photo, true);
            break;
        case Stage::Segmenting:
            if (!photo->requestsUrgent) {
                // Queued as background work: ask again, ahead of everything. A pass already
                // running is still taken if it finishes first.
                cancelWork(*photo);
                if (photo->pixels) {
                    photo->stage = Stage::Read;
                    sendRequests(*photo, true);
                } else {
                    photo->stage = Stage::Unread;
                    startRead(*photo, true);
                }
            }
            break;
        case Stage::Done:
            // Shown large, saved, dragged out: the selected photo has its pixels.
            if (!photo->pixels && photo->readId == 0)
                startRead(*photo, true);
            break;
        case Stage::Failed:
            break;
        }
    }
    if (selectedHasWork())
        return; // everything else waits: the photo looked at gets the whole machine

    // What the background has under way: the few photos it started, pruned here. Nothing below
    // looks at every photo, so a pump costs the same for 40,000 photos as for 4.
    int reads = 0, held = 0, inEngine = 0;
    for (auto it = m_background.begin(); it != m_background.end();) {
        const Photo *photo = find(*it);
        const bool holds =
            photo && (photo->stage == Stage::Reading || photo->stage == Stage::Read ||
                      (photo->stage == Stage::Segmenting && photo->pixels));
        if (!photo || photo->id == m_selected || (!holds && photo->readId == 0)) {
            it = m_background.erase(it);
            continue;
        }
        reads += photo->readId != 0;
        held += holds;
        ++it;
    }
    for (const Request &request : std::as_const(m_requests))
        inEngine += !request.urgent;

    // Photos before the cursor are all done or failed; the next work is among the first few
    // after it that are not.
    const auto settled = [this](quint64 id) {
        const Photo *photo = find(id);
        return !photo || photo->stage == Stage::Done || photo->stage == Stage::Failed;
    };
    while (m_cursor < m_order.size() && settled(m_order.at(m_cursor)))
        ++m_cursor;
    const int lookahead = m_limits.reads + m_limits.held + m_limits.inEngine + 2;
    int looked = 0;
    for (qsizetype i = m_cursor; i < m_order.size() && looked < lookahead; ++i) {
        const quint64 id = m_order.at(i);
        if (id == m_selected || settled(id))
            continue;
        ++looked;
        Photo &photo = *m_photos.value(id);
        if (photo.stage == Stage::Read && inEngine < m_limits.inEngine) {
            sendRequests(photo, false);
            ++inEngine;
            --held; // the request holds the pixels now; the photo lets them go
        } else if (photo.stage == Stage::Unread && reads < m_limits.reads && held < m_limits.held) {
            startRead(photo, false);
            m_background.insert(id);
            ++reads;
            ++held;
        }
    }
}

void PhotoScheduler::startRead(Photo &photo, bool urgent)
{
    const quint64 id = photo.id;
    const quint64 readId = m_nextReadId++;
    photo.readId = readId;
    photo.readCancel = std::make_shared<std::atomic_bool>(false);
    photo.readUrgent = urgent;
    if (photo.stage == Stage::Unread)
        photo.stage = Stage::Reading;
    const bool makePreview = !photo.previewSent;
    m_pool.start(
        [this, id, readId, path = photo.path, held = photo.pixels, cancel = photo.readCancel,
         previewSide = m_previewSide, makePreview] {
            if (cancel->load())
                return;
            std::shared_ptr<const cv::Mat> pixels = held;
            QString error;
            if (!pixels) {
                DecodeResult result = ImageIO::decodeFile(path);
                if (result.image)
                    pixels = HeldPixels::hold(std::move(result.image->bgr));
                else
                    error = result.error;
            }
            Decoded decoded;
            if (pixels) {
                decoded.fullSize = QSize(pixels->cols, pixels->rows);
                if (makePreview)
                    decoded.preview = Resampler::scaledToFit(*pixels, previewSide).clone();
                // A photo's saved edits come with its first read (off the UI thread).
                if (makePreview && !path.isEmpty())
                    decoded.edits = Edits::readBeside(path, &decoded.editsError);
            }
            if (cancel->load())
                return;
            QMetaObject::invokeMethod(
                this,
                [this, id, readId, pixels = std::move(pixels), decoded, error] {
                    onRead(id, readId, pixels, decoded, error);
                },
                Qt::QueuedConnection);
        },
        urgent ? 1 : 0);
}

void PhotoScheduler::onRead(quint64 id, quint64 readId, std::shared_ptr<const cv::Mat> pixels,
                            const Decoded &result, const QString &error)
{
    Photo *photo = find(id);
    if (!photo || photo->readId != readId)
        return; // removed or cancelled meanwhile: the pixels go with this call
    photo->readId = 0;
    photo->readUrgent = false;
    if (!pixels) {
        cancelWork(*photo);
        photo->stage = Stage::Failed;
        photo->pixels.reset();
        Q_EMIT failed(id, error);
        return schedulePump();
    }
    photo->pixels = std::move(pixels);
    if (photo->stage == Stage::Reading)
        photo->stage = Stage::Read;
    if (!photo->previewSent) {
        photo->previewSent = true;
        Q_EMIT decoded(id, result);
    }
    if (id == m_selected)
        Q_EMIT pixelsReady(id);
    if (Photo *still = find(id))
        releasePixelsIfUnneeded(*still);
    schedulePump();
}

void PhotoScheduler::sendRequests(Photo &photo, bool urgent)
{
    Q_ASSERT(photo.pixels);
    photo.cancel = std::make_shared<std::atomic_bool>(false);
    photo.requestsUrgent = urgent;
    ++photo.attempt;
    photo.stage = Stage::Segmenting;

    // The photo looked at shows something within a second: a quick pass before the full one.
    QList<Quality> passes;
    if (m_quality == Quality::Best && urgent && !photo.hasMask)
        passes << Quality::Fast;
    passes << m_quality;
    for (int i = 0; i < passes.size(); ++i) {
        SegmentRequest request;
        request.id = SegmentRequest::nextId();
        request.bgr = photo.pixels;
        request.options.quality = passes.at(i);
        request.cancel = photo.cancel;
        request.urgent = urgent;
        m_requests.insert(request.id, Request{photo.id, m_generation, photo.attempt,
                                              i == passes.size() - 1, urgent});
        QMetaObject::invokeMethod(
            m_engine, [engine = m_engine, request] { engine->segment(request); },
            Qt::QueuedConnection);
    }
    releasePixelsIfUnneeded(photo);
}

void PhotoScheduler::cancelWork(Photo &photo)
{
    if (photo.cancel) {
        photo.cancel->store(true);
        photo.cancel.reset();
    }
    if (photo.readCancel) {
        photo.readCancel->store(true);
        photo.readCancel.reset();
    }
    photo.readId = 0;
    photo.readUrgent = false;
    photo.requestsUrgent = false;
    ++photo.attempt;
    if (photo.stage == Stage::Reading)
        photo.stage = Stage::Unread;
    else if (photo.stage == Stage::Segmenting)
        photo.stage = photo.pixels ? Stage::Read : Stage::Unread;
}

void PhotoScheduler::releasePixelsIfUnneeded(Photo &photo)
{
    // A photo read and waiting for its turn in the engine keeps them; once its requests are sent
    // they hold the pixels until they have run.
    if (photo.pasted || photo.id == m_selected || !photo.pixels || photo.stage == Stage::Read)
        return;
    photo.pixels.reset();
}

void PhotoScheduler::onSegmented(const SegmentResult &result)
{
    const auto it = m_requests.find(result.id);
    if (it == m_requests.end())
        return; // another client's request
    const Request request = *it;
    m_requests.erase(it);
    ++m_inferences;
    Photo *photo = find(request.photo);
    if (!photo || request.generation != m_generation) {
        schedulePump();
        return;
    }
    const bool current = request.attempt == photo->attempt;
    // A full pass of this generation is good whenever it finishes, even if the photo was asked
    // again meanwhile; a quick pass only for the attempt that asked for it.
    if (!current && (!request.final || photo->stage == Stage::Done)) {
        schedulePump();
        return;
    }
    const cv::Mat mask = MaskRefiner::quantized(*result.probability);
    photo->hasMask = true;
    if (request.final) {
        cancelWork(*photo); // anything else still queued for it is no longer needed
        photo->stage = Stage::Done;
        releasePixelsIfUnneeded(*photo);
    }
    Q_EMIT maskReady(request.photo, mask, request.final);
    schedulePump();
}

void PhotoScheduler::onSegmentFailed(quint64 requestId, const QString &reason)
{
    const auto it = m_requests.find(requestId);
    if (it == m_requests.end())
        return;
    const Request request = *it;
    m_requests.erase(it);
    Photo *photo = find(request.photo);
    if (photo && request.generation == m_generation && request.attempt == photo->attempt) {
        cancelWork(*photo);
        photo->stage = Stage::Failed;
        photo->pixels.reset();
        Q_EMIT failed(request.photo, reason);
    }
    schedulePump();
}

void PhotoScheduler::onSegmentCancelled(quint64 requestId)
{
    if (m_requests.remove(requestId))
        schedulePump();
}

} // namespace clearcut
