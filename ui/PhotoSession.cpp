#include "PhotoSession.h"

#include "ImageConvert.h"

#include "engine/Compositor.h"
#include "engine/Engine.h"
#include "engine/ImageIO.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

#include <opencv2/core.hpp>

#if defined(Q_OS_UNIX)
#include <cerrno>
#include <csignal>
#endif

namespace clearcut::ui {
namespace {

constexpr int kThumbnailSide = 96;

// What the view shows. The cut-out skips foreground-colour estimation here (~270 ms on a
// display copy of a 12 MP photo, against ~10 ms without): over the checkerboard the two are
// hard to tell apart, and saving, copying and dragging out always use the estimated colours.
cv::Mat displayComposite(const cv::Mat &bgr, const cv::Mat &mask, const OutputType &type)
{
    if (type.kind != OutputType::Kind::Rgba)
        return Compositor::composite(bgr, mask, type);
    cv::Mat bgra;
    const cv::Mat channels[] = {bgr, mask};
    const int fromTo[] = {0, 0, 1, 1, 2, 2, 3, 3};
    bgra.create(bgr.size(), CV_8UC4);
    cv::mixChannels(channels, 2, &bgra, 1, fromTo, 4);
    return bgra;
}

// The drag-out files live in <temp>/ClearCut-drag-<pid>-XXXXXX: removed with the session, and by
// the next start when the process that made them was killed.
const QString kDragFolderPrefix = QStringLiteral("ClearCut-drag-");

QString dragFolderTemplate()
{
    return QDir(QDir::tempPath())
        .filePath(kDragFolderPrefix + QString::number(QCoreApplication::applicationPid()) +
                  QStringLiteral("-XXXXXX"));
}

bool processIsAlive(qint64 pid)
{
#if defined(Q_OS_UNIX)
    return ::kill(pid_t(pid), 0) == 0 || errno == EPERM;
#else
    Q_UNUSED(pid)
    return true; // no cheap check here: leave the folder to the system's temp clean-up
#endif
}

} // namespace

int PhotoSession::removeStaleDragFolders()
{
    int removed = 0;
    const QDir temp(QDir::tempPath());
    const QFileInfoList folders = temp.entryInfoList({kDragFolderPrefix + QLatin1Char('*')},
                                                     QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QFileInfo &folder : folders) {
        // ClearCut-drag-<pid>-XXXXXX
        const QStringList parts =
            folder.fileName().mid(kDragFolderPrefix.size()).split(QLatin1Char('-'));
        bool ok = false;
        const qint64 pid = parts.value(0).toLongLong(&ok);
        if (!ok || pid == QCoreApplication::applicationPid() || processIsAlive(pid))
            continue;
        removed += QDir(folder.filePath()).removeRecursively() ? 1 : 0;
    }
    return removed;
}

struct PhotoSession::Decoded
{
    std::shared_ptr<const cv::Mat> bgr;
    cv::Mat displayBgr;
    QImage displayOriginal;
    QImage thumbnail;
};

struct PhotoSession::Item
{
    Photo photo;
    std::shared_ptr<const cv::Mat> bgr;         // full resolution
    cv::Mat displayBgr;                         // the display copy, for compositing
    std::shared_ptr<const cv::Mat> probability; // the latest network output
    bool fullQuality = false;
    CancelFlag cancel = std::make_shared<std::atomic_bool>(false); // its engine requests
    quint64 resultGeneration = 0; // the adjustments the display result was made with
    quint64 exportGeneration = 0;
};

PhotoSession::PhotoSession(Engine *engine, QObject *parent)
    : QObject(parent), m_engine(engine), m_exportDir(dragFolderTemplate())
{
    // Off the UI thread: it lists the temp folder.
    m_pool.start([] { removeStaleDragFolders(); });
    m_pool.setObjectName(QStringLiteral("ClearCut photo pool"));
    // A full-resolution render takes seconds on a big photo: only start it once the user has
    // stopped adjusting, so it never competes with the display re-composites.
    m_exportTimer.setSingleShot(true);
    m_exportTimer.setInterval(800);
    connect(&m_exportTimer, &QTimer::timeout, this, &PhotoSession::exportCurrent);
    connect(m_engine, &Engine::segmented, this, &PhotoSession::onSegmented);
    connect(m_engine, &Engine::segmentFailed, this, &PhotoSession::onSegmentFailed);
}

PhotoSession::~PhotoSession()
{
    m_pool.waitForDone();
}

PhotoSession::Item *PhotoSession::item(quint64 id)
{
    const auto it = m_items.find(id);
    return it == m_items.end() ? nullptr : it->get();
}

const PhotoSession::Photo *PhotoSession::photo(quint64 id) const
{
    const auto it = m_items.find(id);
    return it == m_items.end() ? nullptr : &(*it)->photo;
}

quint64 PhotoSession::addItem(const QString &path, const QString &name)
{
    const quint64 id = m_nextId++;
    auto entry = std::make_shared<Item>();
    entry->photo.id = id;
    entry->photo.path = path;
    entry->photo.name = name;
    m_items.insert(id, entry);
    m_order << id;
    Q_EMIT photoAdded(id);
    return id;
}

std::shared_ptr<PhotoSession::Decoded> PhotoSession::prepare(cv::Mat bgr)
{
    auto decoded = std::make_shared<Decoded>();
    decoded->displayBgr = scaledToFit(bgr, kDisplaySide).clone();
    decoded->displayOriginal = toQImage(decoded->displayBgr);
    decoded->thumbnail = toQImage(scaledToFit(decoded->displayBgr, kThumbnailSide));
    decoded->bgr = std::make_shared<const cv::Mat>(std::move(bgr));
    return decoded;
}

void PhotoSession::addFiles(const QStringList &paths)
{
    for (const QString &path : paths) {
        const quint64 id = addItem(path, QFileInfo(path).fileName());
        m_pool.start([this, id, path] {
            DecodeResult result = ImageIO::decodeFile(path);
            std::shared_ptr<Decoded> decoded;
            if (result.image)
                decoded = prepare(std::move(result.image->bgr));
            QMetaObject::invokeMethod(
                this, [this, id, decoded, error = result.error] { onDecoded(id, decoded, error); },
                Qt::QueuedConnection);
        });
    }
}

void PhotoSession::remove(const QList<quint64> &ids)
{
    for (const quint64 id : ids) {
        const std::shared_ptr<Item> entry = m_items.take(id);
        if (!entry)
            continue;
        entry->cancel->store(true);
        m_order.removeOne(id);
        for (auto it = m_requestToPhoto.begin(); it != m_requestToPhoto.end();)
            it = it.value() == id ? m_requestToPhoto.erase(it) : std::next(it);
        if (m_current == id)
            m_current = 0;
        Q_EMIT photoRemoved(id);
    }
}

void PhotoSession::addImage(const QImage &image, const QString &name)
{
    const quint64 id = addItem({}, name);
    m_pool.start([this, id, image] {
        auto decoded = prepare(toBgr(image));
        QMetaObject::invokeMethod(
            this, [this, id, decoded] { onDecoded(id, decoded, {}); }, Qt::QueuedConnection);
    });
}

void PhotoSession::onDecoded(quint64 id, const std::shared_ptr<Decoded> &decoded,
                             const QString &error)
{
    Item *entry = item(id);
    if (!entry)
        return;
    if (!decoded)
        return fail(id, error);
    entry->bgr = decoded->bgr;
    entry->displayBgr = decoded->displayBgr;
    entry->photo.displayOriginal = decoded->displayOriginal;
    entry->photo.thumbnail = decoded->thumbnail;
    entry->photo.fullSize = QSize(decoded->bgr->cols, decoded->bgr->rows);
    entry->photo.state = State::Waiting;
    Q_EMIT photoChanged(id);
    requestSegmentation(id);
}

void PhotoSession::requestSegmentation(quint64 id)
{
    Item *entry = item(id);
    // A quick low-resolution pass first, so something useful shows within a second, then the
    // full-quality one. Both wait in the engine's queue if the model is still loading.
    QList<Quality> passes{Quality::Fast};
    if (m_quality == Quality::Best)
        passes << Quality::Best;
    for (const Quality quality : passes) {
        SegmentRequest request;
        request.id = SegmentRequest::nextId();
        request.bgr = entry->bgr;
        request.options.quality = quality;
        request.cancel = entry->cancel;
        m_requestToPhoto.insert(request.id, id);
        QMetaObject::invokeMethod(
            m_engine, [engine = m_engine, request] { engine->segment(request); },
            Qt::QueuedConnection);
    }
}

void PhotoSession::onSegmented(const SegmentResult &result)
{
    const quint64 id = m_requestToPhoto.take(result.id);
    Item *entry = item(id);
    if (!entry)
        return;
    ++m_inferences;
    const bool last = !m_requestToPhoto.values().contains(id);
    entry->probability = result.probability;
    entry->fullQuality = last;
    entry->photo.state = last ? State::Done : State::Preview;
    Q_EMIT photoChanged(id);
    recomposite(id);
}

void PhotoSession::onSegmentFailed(quint64 requestId, const QString &reason)
{
    const quint64 id = m_requestToPhoto.take(requestId);
    if (item(id))
        fail(id, reason);
}

void PhotoSession::fail(quint64 id, const QString &reason)
{
    Item *entry = item(id);
    entry->photo.state = State::Failed;
    entry->photo.error = reason;
    Q_EMIT photoChanged(id);
    Q_EMIT photoFailed(id, QStringLiteral("%1: %2").arg(entry->photo.name, reason));
}

void PhotoSession::setCurrent(quint64 id)
{
    m_current = id;
    Item *entry = item(id);
    if (entry && entry->probability && entry->resultGeneration != m_adjustGeneration)
        recomposite(id);
}

void PhotoSession::setAdjustments(const OutputType &type, const MaskAdjust &adjust)
{
    m_type = type;
    m_adjust = adjust;
    ++m_adjustGeneration;
    // Only the photo on screen is redone now; the others when they are shown or saved.
    if (m_current)
        recomposite(m_current);
}

void PhotoSession::recomposite(quint64 id)
{
    Item *entry = item(id);
    if (!entry || !entry->probability)
        return;
    const quint64 generation = m_adjustGeneration;
    constexpr int kBeforeOtherJobs = 1;
    m_pool.start(
        [this, id, generation, probability = entry->probability, display = entry->displayBgr,
         type = m_type, adjust = m_adjust] {
            const cv::Mat mask = MaskRefiner::adjusted(
                MaskRefiner::toFullResolution(*probability, display.size()), adjust);
            const QImage result = toQImage(displayComposite(display, mask, type));
            QMetaObject::invokeMethod(
                this,
                [this, id, generation, probability, result] {
                    Item *entry = item(id);
                    // The latest request wins: a result made for older adjustments or an older
                    // mask is dropped.
                    if (!entry || generation != m_adjustGeneration ||
                        probability != entry->probability)
                        return;
                    entry->photo.displayResult = result;
                    entry->resultGeneration = generation;
                    Q_EMIT resultChanged(id);
                    if (entry->fullQuality && id == m_current)
                        scheduleExport();
                },
                Qt::QueuedConnection);
        },
        kBeforeOtherJobs);
}

void PhotoSession::scheduleExport()
{
    m_exportTimer.start();
}

void PhotoSession::exportCurrent()
{
    const quint64 id = m_current;
    Item *entry = item(id);
    if (!entry || !entry->fullQuality || !m_exportDir.isValid() ||
        entry->exportGeneration == m_adjustGeneration + 1)
        return;
    entry->exportGeneration = m_adjustGeneration + 1; // +1: 0 means "never exported"
    entry->photo.exportFile.clear();
    const quint64 generation = m_adjustGeneration;
    const QString stem = entry->photo.path.isEmpty()
                             ? QStringLiteral("pasted-%1").arg(id)
                             : QFileInfo(entry->photo.path).completeBaseName();
    const QString file =
        QDir(m_exportDir.path()).filePath(QStringLiteral("%1_%2.png").arg(stem, m_type.name()));
    m_pool.start([this, id, generation, file, bgr = entry->bgr, probability = entry->probability,
                  type = m_type, adjust = m_adjust] {
        const QString error = ImageIO::writeImageAtomic(
            file, Compositor::compositeFromProbability(*bgr, *probability, type, adjust));
        QMetaObject::invokeMethod(
            this,
            [this, id, generation, file, error] {
                Item *entry = item(id);
                if (!entry || !error.isEmpty() || generation != m_adjustGeneration)
                    return;
                entry->photo.exportFile = file;
                Q_EMIT exportFileReady(id);
            },
            Qt::QueuedConnection);
    });
}

void PhotoSession::save(quint64 id, const QString &path, const QString &format)
{
    Item *entry = item(id);
    if (!entry || !entry->probability) {
        Q_EMIT saveFailed(id, tr("%1: there is no result to save yet").arg(path));
        return;
    }
    m_pool.start([this, id, path, format, bgr = entry->bgr, probability = entry->probability,
                  type = m_type, adjust = m_adjust] {
        // Formats without alpha get the cut-out on white: ImageIO::encode flattens it.
        const cv::Mat image =
            Compositor::compositeFromProbability(*bgr, *probability, type, adjust);
        ImageIO::EncodeOptions options;
        options.format = format;
        const QString error = ImageIO::writeImageAtomic(path, image, options);
        QMetaObject::invokeMethod(
            this,
            [this, id, path, error] {
                if (error.isEmpty())
                    Q_EMIT saved(id, path);
                else
                    Q_EMIT saveFailed(id, error);
            },
            Qt::QueuedConnection);
    });
}

void PhotoSession::renderFullResolution(quint64 id, std::function<void(QImage)> done)
{
    Item *entry = item(id);
    if (!entry || !entry->probability)
        return done({});
    m_pool.start([this, done = std::move(done), bgr = entry->bgr, probability = entry->probability,
                  type = m_type, adjust = m_adjust] {
        const QImage image =
            toQImage(Compositor::compositeFromProbability(*bgr, *probability, type, adjust));
        QMetaObject::invokeMethod(
            this, [done, image] { done(image); }, Qt::QueuedConnection);
    });
}

} // namespace clearcut::ui
