#include "PhotoSession.h"

#include "ImageConvert.h"

#include "engine/Compositor.h"
#include "engine/Edits.h"
#include "engine/Engine.h"
#include "engine/Framing.h"
#include "engine/ImageIO.h"
#include "engine/PhotoExport.h"
#include "engine/PoolThreads.h"
#include "engine/Resampler.h"
#include "engine/StrokedMask.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QSet>

#include <opencv2/core.hpp>

#include <cmath>
#include <optional>

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
cv::Mat displayComposite(const cv::Mat &bgr, const cv::Mat &mask, const OutputType &type,
                         const cv::Mat &background)
{
    if (type.kind != OutputType::Kind::Rgba)
        return Compositor::composite(bgr, mask, type, background);
    cv::Mat bgra;
    const cv::Mat channels[] = {bgr, mask};
    const int fromTo[] = {0, 0, 1, 1, 2, 2, 3, 3};
    bgra.create(bgr.size(), CV_8UC4);
    cv::mixChannels(channels, 2, &bgra, 1, fromTo, 4);
    return bgra;
}

// The pixel settings (feather, shift edge, crop margin) are meant at the photo's size; the view's
// copy is `scale` times that, so they shrink with it. A setting that is on stays on (at least
// 1 px), so the view never hides that it is.
int scaledPixels(int pixels, double scale)
{
    if (pixels == 0)
        return 0;
    const int scaled = int(std::lround(pixels * scale));
    return scaled != 0 ? scaled : (pixels > 0 ? 1 : -1);
}

Adjustments atDisplayScale(Adjustments adjustments, double scale)
{
    adjustments.adjust.feather = scaledPixels(adjustments.adjust.feather, scale);
    adjustments.adjust.shiftEdge = scaledPixels(adjustments.adjust.shiftEdge, scale);
    if (!adjustments.framing.marginPercent)
        adjustments.framing.margin *= scale;
    return adjustments;
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

// What a photo's result is made from, by number: each change of its adjustments, its mask or its
// strokes bumps one. A result, a kept mask or a file remembers the numbers it was made for.
struct Generations
{
    quint64 adjust = 1;
    quint64 mask = 0;
    quint64 strokes = 0;

    // The finished mask without strokes depends on these two only.
    bool sameBase(const Generations &other) const
    {
        return adjust == other.adjust && mask == other.mask;
    }
    friend bool operator==(const Generations &a, const Generations &b)
    {
        return a.sameBase(b) && a.strokes == b.strokes;
    }
    friend bool operator!=(const Generations &a, const Generations &b) { return !(a == b); }
};

struct PhotoSession::Item
{
    Photo photo;
    cv::Mat preview;    // BGR, longest side <= kPreviewSide: every photo keeps it
    cv::Mat display;    // BGR, longest side <= kDisplaySide: the current photo only
    cv::Mat lowResMask; // 1 byte a pixel at the network's resolution
    bool fullQuality = false;
    Adjustments adjustments;
    std::vector<Stroke> strokes;
    bool editsRead = false; // its edits file (if any) was taken, once
    Generations now;
    // The display result: what it was made from (none: {0, 0, 0}), and from which copy.
    Generations shown{0, 0, 0};
    bool shownFromDisplay = false;
    // The current photo's finished masks, kept so that a stroke costs only what it covers: at the
    // size of the copy the view's result is made from, and at full resolution (Save, Copy and
    // drag-out cut with it). Each with the generations its base was made for.
    StrokedMask viewMask;
    Generations viewMaskBase{0, 0, 0};
    bool viewMaskFromDisplay = false;
    StrokedMask fullMask;
    Generations fullMaskBase{0, 0, 0};
    bool fullMaskBusy = false; // a stroke being painted into it
    // What the brush layers were made for (see Photo::displayAtZero).
    std::optional<OutputType> layersType;
    bool layersFromDisplay = false;
    std::optional<Generations> exported; // what the drag-out file was made from

    bool fullMaskMatches() const
    {
        return !fullMask.isNull() && fullMaskBase.sameBase(now) && fullMask.strokes() == strokes;
    }
    // Only the photo on screen keeps display-size pixels and finished masks.
    void dropDisplay()
    {
        display.release();
        photo.displayOriginal = QImage();
        photo.displayResult = QImage();
        photo.displayAtZero = photo.displayAtFull = QImage();
        photo.displayCrop = QRectF();
        photo.framingError.clear();
        shown = {0, 0, 0};
        viewMask = StrokedMask();
        fullMask = StrokedMask();
        layersType.reset();
    }
};

PhotoSession::PhotoSession(Engine *engine, QObject *parent)
    : QObject(parent), m_engine(engine), m_scheduler(new PhotoScheduler(engine, this)),
      m_exportDir(dragFolderTemplate())
{
    m_scheduler->setPreviewSide(kPreviewSide);
    m_pool.setObjectName(QStringLiteral("ClearCut photo pool"));
    startThreadsNow(m_pool);
    // Two searches at once (a third waits for one of them).
    m_searchPool.setMaxThreadCount(2);
    m_searchPool.setObjectName(QStringLiteral("ClearCut folder search"));
    startThreadsNow(m_searchPool);
    // Off the UI thread: it lists the temp folder.
    m_pool.start([] { removeStaleDragFolders(); });
    // A full-resolution render takes seconds on a big photo: only start it once the user has
    // stopped adjusting, so it never competes with the display re-composites.
    m_exportTimer.setSingleShot(true);
    connect(&m_exportTimer, &QTimer::timeout, this, &PhotoSession::exportCurrent);
    connect(m_scheduler, &PhotoScheduler::decoded, this, &PhotoSession::onDecoded);
    connect(m_scheduler, &PhotoScheduler::pixelsReady, this, &PhotoSession::onPixelsReady);
    connect(m_scheduler, &PhotoScheduler::maskReady, this, &PhotoSession::onMaskReady);
    connect(m_scheduler, &PhotoScheduler::failed, this, &PhotoSession::fail);
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

const PhotoSession::Item *PhotoSession::item(quint64 id) const
{
    const auto it = m_items.find(id);
    return it == m_items.end() ? nullptr : it->get();
}

const PhotoSession::Photo *PhotoSession::photo(quint64 id) const
{
    const Item *entry = item(id);
    return entry ? &entry->photo : nullptr;
}

bool PhotoSession::isDragOutFile(const QString &path) const
{
    return m_exportDir.isValid() &&
           QFileInfo(path).absolutePath() == QFileInfo(m_exportDir.path()).absoluteFilePath();
}

int PhotoSession::inferenceCount() const
{
    return m_scheduler->inferenceCount();
}

void PhotoSession::setQuality(Quality quality)
{
    m_scheduler->setQuality(quality);
}

void PhotoSession::redoMasks()
{
    m_scheduler->redoAll();
}

quint64 PhotoSession::addItem(const QString &path, const QString &name)
{
    const quint64 id = m_nextId++;
    auto entry = std::make_shared<Item>();
    entry->photo.id = id;
    entry->photo.path = path;
    entry->photo.name = name;
    entry->adjustments = m_defaults;
    m_items.insert(id, entry);
    m_order << id;
    Q_EMIT photoAdded(id);
    return id;
}

void PhotoSession::addFiles(const QStringList &paths)
{
    for (const QString &path : paths) {
        const quint64 id = addItem(path, QFileInfo(path).fileName());
        if (item(id)) // a slot may have removed it at once
            m_scheduler->addFile(id, path);
    }
}

void PhotoSession::addImage(const QImage &image, const QString &name)
{
    const quint64 id = addItem({}, name);
    if (item(id))
        m_scheduler->addPixels(id, toBgr(image));
}

void PhotoSession::remove(const QList<quint64> &ids)
{
    QList<quint64> removed;
    for (const quint64 id : ids)
        if (m_items.remove(id))
            removed << id;
    if (removed.isEmpty())
        return;
    // In bulk: Clear All of 40,000 photos must not search the list once per photo.
    const QSet<quint64> gone(removed.begin(), removed.end());
    m_order.removeIf([&gone](quint64 id) { return gone.contains(id); });
    m_scheduler->remove(removed);
    if (gone.contains(m_current))
        m_current = 0;
    for (const quint64 id : std::as_const(removed))
        Q_EMIT photoRemoved(id);
}

void PhotoSession::onDecoded(quint64 id, const PhotoScheduler::Decoded &decoded)
{
    Item *entry = item(id);
    if (!entry)
        return;
    entry->preview = decoded.preview;
    entry->photo.thumbnail = toQImage(Resampler::scaledToFit(decoded.preview, kThumbnailSide));
    entry->photo.fullSize = decoded.fullSize;
    if (!entry->editsRead && (decoded.edits || !decoded.editsError.isEmpty())) {
        entry->editsRead = true;
        entry->photo.editsError = decoded.editsError;
        if (decoded.edits && entry->strokes.empty()) {
            entry->strokes = decoded.edits->strokes;
            ++entry->now.strokes;
            entry->photo.exportFile.clear();
        }
        if (decoded.edits && decoded.edits->adjustments &&
            *decoded.edits->adjustments != entry->adjustments) {
            assignAdjustments(*entry, *decoded.edits->adjustments);
            Q_EMIT adjustmentsLoaded(id);
        }
    }
    if (entry->photo.state == State::Loading)
        entry->photo.state = State::Waiting;
    if (id == m_current)
        showPreviewOf(*entry);
    Q_EMIT photoChanged(id);
}

void PhotoSession::showPreviewOf(Item &entry)
{
    if (entry.preview.empty() || !entry.display.empty())
        return;
    entry.dropDisplay();
    entry.photo.displayOriginal = toDisplayImage(entry.preview);
    recomposite(entry.photo.id);
}

void PhotoSession::onPixelsReady(quint64 id)
{
    Item *entry = item(id);
    const std::shared_ptr<const cv::Mat> pixels = m_scheduler->pixels(id);
    if (!entry || id != m_current || !pixels || !entry->display.empty())
        return;
    // The sharp display copy, off the UI thread (~30 ms from 24 MP).
    m_pool.start([this, id, pixels] {
        cv::Mat display = Resampler::scaledToFit(*pixels, kDisplaySide);
        if (display.data == pixels->data)
            display = display.clone();
        const QImage image = toDisplayImage(display);
        QMetaObject::invokeMethod(
            this,
            [this, id, display, image] {
                Item *entry = item(id);
                if (!entry || id != m_current || !entry->display.empty())
                    return;
                entry->display = display;
                entry->photo.displayOriginal = image;
                Q_EMIT displaySharpened(id);
                recomposite(id);
            },
            Qt::QueuedConnection);
    });
}

void PhotoSession::onMaskReady(quint64 id, const cv::Mat &lowResMask, bool final)
{
    Item *entry = item(id);
    if (!entry)
        return;
    entry->lowResMask = lowResMask;
    ++entry->now.mask;
    entry->fullQuality = final;
    entry->photo.state = final ? State::Done : State::Preview;
    entry->photo.error.clear();
    Q_EMIT photoChanged(id);
    if (id == m_current)
        recomposite(id);
}

void PhotoSession::fail(quint64 id, const QString &reason)
{
    Item *entry = item(id);
    if (!entry)
        return;
    entry->photo.state = State::Failed;
    entry->photo.error = reason;
    Q_EMIT photoChanged(id);
    Q_EMIT photoFailed(id, QStringLiteral("%1: %2").arg(entry->photo.name, reason));
}

void PhotoSession::setCurrent(quint64 id)
{
    if (id == m_current)
        return;
    if (Item *previous = item(m_current))
        previous->dropDisplay(); // the photos not on screen keep their preview
    m_current = id;
    m_scheduler->select(id);
    if (Item *entry = item(id)) {
        showPreviewOf(*entry);
        onPixelsReady(id); // pasted images have theirs at once
    }
}

Adjustments PhotoSession::adjustments(quint64 id) const
{
    const Item *entry = item(id);
    return entry ? entry->adjustments : m_defaults;
}

void PhotoSession::setAdjustments(const Adjustments &adjustments)
{
    m_defaults = adjustments;
    if (Item *entry = item(m_current); entry && entry->adjustments != m_defaults) {
        m_adjustedSinceExport = true;
        assignAdjustments(*entry, m_defaults);
    }
}

void PhotoSession::assignAdjustments(Item &entry, const Adjustments &adjustments)
{
    entry.adjustments = adjustments;
    ++entry.now.adjust;
    entry.photo.exportFile.clear();
    if (entry.photo.id == m_current)
        recomposite(entry.photo.id);
}

void PhotoSession::setAdjustmentsOf(quint64 id, const Adjustments &adjustments)
{
    if (id == m_current) {
        setAdjustments(adjustments);
        return;
    }
    if (Item *entry = item(id); entry && entry->adjustments != adjustments)
        assignAdjustments(*entry, adjustments);
}

void PhotoSession::setStrokes(quint64 id, const std::vector<Stroke> &strokes)
{
    Item *entry = item(id);
    if (!entry || entry->strokes == strokes)
        return;
    entry->strokes = strokes;
    entry->editsRead = true; // what the user (or --edits) gave wins over the file beside it
    ++entry->now.strokes;
    entry->photo.exportFile.clear();
    if (id == m_current) {
        m_adjustedSinceExport = true;
        recomposite(id);
        updateFullMask(id);
    }
}

std::vector<Stroke> PhotoSession::strokes(quint64 id) const
{
    const Item *entry = item(id);
    return entry ? entry->strokes : std::vector<Stroke>();
}

void PhotoSession::setEdits(quint64 id, const PhotoEdits &edits)
{
    Item *entry = item(id);
    if (!entry)
        return;
    entry->editsRead = true; // these win over the file beside it
    if (edits.adjustments)
        setAdjustmentsOf(id, *edits.adjustments);
    setStrokes(id, edits.strokes);
}

PhotoEdits PhotoSession::edits(quint64 id) const
{
    const Item *entry = item(id);
    return entry ? PhotoEdits{entry->adjustments, entry->strokes} : PhotoEdits();
}

void PhotoSession::saveEdits(quint64 id)
{
    const Item *entry = item(id);
    if (!entry || entry->photo.path.isEmpty())
        return;
    const QString path = Edits::pathFor(entry->photo.path);
    m_pool.start([this, id, path, edits = edits(id)] {
        const QString error = Edits::writeFile(path, edits);
        QMetaObject::invokeMethod(
            this,
            [this, id, path, error] {
                if (error.isEmpty())
                    Q_EMIT editsSaved(id, path);
                else
                    Q_EMIT saveFailed(id, error);
            },
            Qt::QueuedConnection);
    });
}

void PhotoSession::applyAdjustmentsTo(const QList<quint64> &ids)
{
    const Adjustments adjustments = this->adjustments(m_current);
    for (const quint64 id : ids) {
        if (Item *entry = item(id); entry && entry->adjustments != adjustments)
            assignAdjustments(*entry, adjustments);
    }
}

bool PhotoSession::backgroundReady(const OutputType &type)
{
    if (type.kind != OutputType::Kind::BackgroundImage)
        return true;
    if (m_background.path == type.backgroundPath)
        return m_background.bgr != nullptr;
    if (m_backgroundLoading == type.backgroundPath)
        return false;
    // Decoded once, off the UI thread; every re-composite then uses the pixels.
    m_backgroundLoading = type.backgroundPath;
    m_pool.start([this, type] {
        const LoadedBackground loaded = PhotoExport::loadBackground(type);
        QMetaObject::invokeMethod(
            this,
            [this, loaded] {
                if (m_backgroundLoading != loaded.path)
                    return;
                m_backgroundLoading.clear();
                m_background = loaded;
                if (!loaded.error.isEmpty())
                    Q_EMIT problem(loaded.error);
                recomposite(m_current);
            },
            Qt::QueuedConnection);
    });
    return false;
}

void PhotoSession::recomposite(quint64 id)
{
    Item *entry = item(id);
    if (!entry || entry->lowResMask.empty() || id != m_current)
        return;
    const cv::Mat source = entry->display.empty() ? entry->preview : entry->display;
    if (source.empty())
        return;
    const bool fromDisplay = !entry->display.empty();
    const Generations now = entry->now;
    if (entry->shown == now && entry->shownFromDisplay == fromDisplay)
        return;
    const Adjustments adjustments = entry->adjustments;
    if (!backgroundReady(adjustments.type))
        return; // recomposited when it is
    const cv::Mat background =
        m_background.bgr && adjustments.type.kind == OutputType::Kind::BackgroundImage
            ? *m_background.bgr
            : cv::Mat();
    const QSize fullSize = entry->photo.fullSize;
    const double scale = fullSize.width() > 0 ? double(source.cols) / fullSize.width() : 1.0;
    // A change of strokes alone paints them over the kept mask (milliseconds); anything else
    // makes the mask again (refinement: a tenth of a second and more).
    StrokedMask kept;
    if (entry->viewMaskBase.sameBase(now) && entry->viewMaskFromDisplay == fromDisplay)
        kept = entry->viewMask;
    const bool makeLayers =
        entry->layersType != adjustments.type || entry->layersFromDisplay != fromDisplay;
    const quint64 request = ++m_compositeRequest;
    constexpr int kBeforeOtherJobs = 1;
    m_pool.start(
        [this, id, now, fromDisplay, source, mask = entry->lowResMask, kept, makeLayers,
         adjustments = atDisplayScale(adjustments, scale), strokes = entry->strokes, scale,
         background, request]() mutable {
            if (request != m_compositeRequest.load())
                return; // a newer one is queued: its result would replace this one's anyway
            if (kept.isNull())
                kept = StrokedMask(MaskRefiner::finished(source, mask, adjustments.adjust), source,
                                   scale);
            kept.update(strokes);
            const cv::Mat full = kept.painted();
            const QImage result =
                toDisplayImage(displayComposite(source, full, adjustments.type, background));
            // What the brush paints with while a stroke is dragged, before this comes again.
            QImage atZero, atFull;
            if (makeLayers) {
                atZero = toDisplayImage(displayComposite(
                    source, cv::Mat::zeros(source.size(), CV_8UC1), adjustments.type, background));
                atFull = toDisplayImage(
                    displayComposite(source, cv::Mat(source.size(), CV_8UC1, cv::Scalar(255)),
                                     adjustments.type, background));
            }
            // The view is never cropped (before and after must stay aligned): it shows where
            // the framing would cut instead.
            QRectF crop;
            QString framingError;
            if (!adjustments.framing.isNoOp()) {
                if (const auto plan =
                        Framer::plan(source.size(), full, adjustments.framing, &framingError))
                    crop = QRectF(plan->source.x, plan->source.y, plan->source.width,
                                  plan->source.height);
            }
            QMetaObject::invokeMethod(
                this,
                [this, id, now, fromDisplay, result, crop, framingError, kept, atZero, atFull,
                 type = adjustments.type] {
                    Item *entry = item(id);
                    if (!entry || id != m_current || fromDisplay != !entry->display.empty() ||
                        result.isNull())
                        return;
                    if (entry->now.sameBase(now)) { // the mask is good for later strokes
                        entry->viewMask = kept;
                        entry->viewMaskBase = now;
                        entry->viewMaskFromDisplay = fromDisplay;
                    }
                    if (!atZero.isNull()) {
                        entry->photo.displayAtZero = atZero;
                        entry->photo.displayAtFull = atFull;
                        entry->layersType = type;
                        entry->layersFromDisplay = fromDisplay;
                    }
                    // The latest request wins: a result made for older adjustments, strokes, an
                    // older mask or the other picture is dropped.
                    if (entry->now != now)
                        return;
                    entry->photo.displayResult = result;
                    entry->photo.displayCrop = crop;
                    entry->photo.framingError = framingError;
                    entry->shown = now;
                    entry->shownFromDisplay = fromDisplay;
                    Q_EMIT resultChanged(id);
                    if (entry->fullQuality)
                        scheduleExport();
                },
                Qt::QueuedConnection);
        },
        kBeforeOtherJobs);
}

void PhotoSession::updateFullMask(quint64 id)
{
    Item *entry = item(id);
    // Only once it is made (with the drag-out file), and one update at a time: a stroke added
    // meanwhile is painted by the next.
    if (!entry || id != m_current || entry->fullMaskBusy || entry->fullMask.isNull() ||
        !entry->fullMaskBase.sameBase(entry->now) || entry->fullMask.strokes() == entry->strokes)
        return;
    entry->fullMaskBusy = true;
    constexpr int kBeforeOtherJobs = 1;
    m_pool.start(
        [this, id, kept = entry->fullMask, base = entry->fullMaskBase,
         strokes = entry->strokes]() mutable {
            kept.update(strokes);
            QMetaObject::invokeMethod(
                this,
                [this, id, kept, base] {
                    Item *entry = item(id);
                    if (!entry)
                        return;
                    entry->fullMaskBusy = false;
                    if (id != m_current || !entry->fullMaskBase.sameBase(base))
                        return;
                    entry->fullMask = kept;
                    if (!entry->fullMaskMatches()) {
                        updateFullMask(id);
                        return;
                    }
                    Q_EMIT fullMaskUpdated(id);
                    if (entry->fullQuality && entry->exported != entry->now)
                        scheduleExport();
                },
                Qt::QueuedConnection);
        },
        kBeforeOtherJobs);
}

bool PhotoSession::hasFullMask(quint64 id) const
{
    const Item *entry = item(id);
    return entry && entry->fullMaskMatches();
}

PhotoExport::Job PhotoSession::exportJob(const Item &entry) const
{
    PhotoExport::Job job;
    job.document.sourcePath = entry.photo.path;
    job.document.pixels = m_scheduler->pixels(entry.photo.id); // else read again from the file
    job.document.lowResMask = entry.lowResMask;
    job.document.adjustments = entry.adjustments;
    job.document.strokes = entry.strokes;
    if (entry.fullMaskMatches())
        job.document.finishedMask = std::make_shared<const cv::Mat>(entry.fullMask.painted());
    if (entry.adjustments.type.kind == OutputType::Kind::BackgroundImage && m_background.bgr &&
        m_background.path == entry.adjustments.type.backgroundPath)
        job.background = *m_background.bgr;
    return job;
}

namespace {

// A job made on the UI thread has the background when the session has decoded it; one that was
// made before (or for another background) decodes it itself.
QString ensureBackground(PhotoExport::Job &job)
{
    if (job.document.adjustments.type.kind != OutputType::Kind::BackgroundImage ||
        !job.background.empty())
        return QString();
    const LoadedBackground loaded = PhotoExport::loadBackground(job.document.adjustments.type);
    if (loaded.bgr)
        job.background = *loaded.bgr;
    return loaded.error;
}

QString writeWithBackground(PhotoExport::Job &job)
{
    const QString error = ensureBackground(job);
    return error.isEmpty() ? PhotoExport::write(job).error : error;
}

} // namespace

void PhotoSession::scheduleExport()
{
    // While the user adjusts, only once they stop; a photo just finished or just selected at
    // once, so the drag-out tile is ready as soon as the result is.
    m_exportTimer.start(m_adjustedSinceExport ? 800 : 0);
}

void PhotoSession::exportCurrent()
{
    const quint64 id = m_current;
    Item *entry = item(id);
    if (!entry || !entry->fullQuality || !m_exportDir.isValid())
        return;
    m_adjustedSinceExport = false;
    const Generations key = entry->now;
    if (entry->exported == key)
        return;
    if (!entry->fullMask.isNull() && entry->fullMaskBase.sameBase(key) &&
        !entry->fullMaskMatches()) {
        updateFullMask(id); // its new strokes are being painted; the file follows
        return;
    }
    entry->exported = key;
    entry->photo.exportFile.clear();
    const QString stem = entry->photo.path.isEmpty()
                             ? QStringLiteral("pasted-%1").arg(id)
                             : QFileInfo(entry->photo.path).completeBaseName();
    const QString file =
        QDir(m_exportDir.path())
            .filePath(QStringLiteral("%1_%2.png").arg(stem, entry->adjustments.type.name()));
    PhotoExport::Job job = exportJob(*entry);
    job.output = file;
    // The full-resolution mask made for this file is kept: later strokes are painted over it,
    // and Save and Copy cut with it.
    const bool makeMask = !job.document.finishedMask && job.document.pixels;
    m_pool.start([this, id, key, job, makeMask]() mutable {
        StrokedMask made;
        if (makeMask) {
            const cv::Mat &pixels = *job.document.pixels;
            made = StrokedMask(MaskRefiner::finished(pixels, job.document.lowResMask,
                                                     job.document.adjustments.adjust),
                               pixels, 1.0);
            made.update(job.document.strokes);
            job.document.finishedMask = std::make_shared<const cv::Mat>(made.painted());
        }
        const QString error = writeWithBackground(job);
        QMetaObject::invokeMethod(
            this,
            [this, id, key, made, file = job.output, error] {
                Item *entry = item(id);
                if (!entry)
                    return;
                if (!made.isNull() && id == m_current && entry->now.sameBase(key)) {
                    entry->fullMask = made;
                    entry->fullMaskBase = key;
                    if (entry->fullMaskMatches())
                        Q_EMIT fullMaskUpdated(id);
                    else
                        updateFullMask(id);
                }
                if (!error.isEmpty() || entry->exported != key)
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
    if (!entry || entry->lowResMask.empty()) {
        Q_EMIT saveFailed(id, tr("%1: there is no result to save yet").arg(path));
        return;
    }
    PhotoExport::Job job = exportJob(*entry);
    job.encode.format = format;
    job.output = path;
    m_pool.start([this, id, job]() mutable {
        const QString error = writeWithBackground(job);
        QMetaObject::invokeMethod(
            this,
            [this, id, path = job.output, error] {
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
    if (!entry || entry->lowResMask.empty())
        return done({});
    m_pool.start([this, done = std::move(done), job = exportJob(*entry)]() mutable {
        ensureBackground(job);
        const QImage image = toQImage(PhotoExport::render(job));
        QMetaObject::invokeMethod(
            this, [done, image] { done(image); }, Qt::QueuedConnection);
    });
}

} // namespace clearcut::ui
