#pragma once

// The photos of one session, each a document (its file, a preview, its mask, its adjustments):
// read and segmented in the order PhotoScheduler decides (the current photo first), composited
// for display with its adjustments, saved and copied through PhotoExport. Only the current photo
// holds display-size and full-resolution pixels. No widgets: the main window shows what this
// reports.

#include "engine/Edits.h"
#include "engine/MaskRefiner.h"
#include "engine/OutputType.h"
#include "engine/PhotoExport.h"
#include "engine/PhotoScheduler.h"
#include "engine/Types.h"

#include <QHash>
#include <QImage>
#include <QObject>
#include <QRectF>
#include <QTemporaryDir>
#include <QThreadPool>
#include <QTimer>

#include <atomic>
#include <functional>
#include <memory>

namespace clearcut {
class Engine;
}

namespace clearcut::ui {

class PhotoSession final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PhotoSession)

public:
    enum class State
    {
        Loading,
        Waiting,
        Working,
        Preview,
        Done,
        Failed
    };

    struct Photo
    {
        quint64 id = 0;
        QString path; // empty for pasted images
        QString name;
        State state = State::Loading;
        QString error;
        QImage thumbnail;
        QSize fullSize;
        // The current photo only (the others keep a small preview, and their mask):
        QImage displayOriginal; // longest side <= kDisplaySide, a preview until the photo is read
        QImage displayResult;   // its adjustments, at the display original's size
        // What displayResult looks like where the mask is 0 and where it is 255: the brush
        // paints them into the view while a stroke is dragged (CompareView::setBrushLayers).
        QImage displayAtZero;
        QImage displayAtFull;
        // Where the framing would cut the result, in displayResult's pixels (it may reach past
        // them, where the framing pads); null when the framing is a no-op or cannot be made.
        QRectF displayCrop;
        QString framingError; // why it cannot (a mask with no subject); else empty
        QString editsError;   // why its edits file beside it could not be read; else empty
        QString exportFile;   // full-resolution PNG of the current result, for dragging out
    };

    // The longest side of the copies the view paints (24 MP photos are never painted directly),
    // and of the preview every photo keeps for an instant switch.
    static constexpr int kDisplaySide = 2560;
    static constexpr int kPreviewSide = 1024;

    PhotoSession(Engine *engine, QObject *parent = nullptr);
    ~PhotoSession() override;

    void setQuality(Quality quality);
    // A new model: every photo's mask is made again (stale work is cancelled).
    void redoMasks();
    void addFiles(const QStringList &paths);
    void addImage(const QImage &image, const QString &name);

    // Takes photos out of the session: their queued engine requests are cancelled at once (the
    // engine runs none of them), their reads and renders still in flight are dropped, and
    // photoRemoved is emitted for each.
    void remove(const QList<quint64> &ids);
    void clear() { remove(m_order); }

    QList<quint64> ids() const { return m_order; }
    const Photo *photo(quint64 id) const;

    // The photo the view shows: it comes first for the machine, and its display result follows
    // its adjustments.
    void setCurrent(quint64 id);
    quint64 current() const { return m_current; }

    // Each photo has its own adjustments. Changing them changes the current photo's; photos
    // added later start from the latest ones.
    void setAdjustments(const Adjustments &adjustments);
    // Photo id's own adjustments (an undo or redo); for the current photo, also the defaults.
    void setAdjustmentsOf(quint64 id, const Adjustments &adjustments);
    Adjustments adjustments(quint64 id) const;
    // The photo's brush strokes (full-resolution pixels), painted over its adjusted mask in the
    // view and in every export. A photo read from a file starts with its edits file's.
    void setStrokes(quint64 id, const std::vector<Stroke> &strokes);
    std::vector<Stroke> strokes(quint64 id) const;
    // Whether the current photo's full-resolution mask is kept and follows its adjustments and
    // strokes (fullMaskUpdated): Save, Copy and drag-out then cut with it at once.
    bool hasFullMask(quint64 id) const;
    // Sets both from an edits file (its adjustments when it has them); the photo's own file
    // beside it is then not read.
    void setEdits(quint64 id, const PhotoEdits &edits);
    // Its adjustments and strokes, as an edits file holds them.
    PhotoEdits edits(quint64 id) const;
    // Writes them beside the photo (Edits::pathFor), off the UI thread: editsSaved, or saveFailed
    // naming the file and the reason. Pasted photos have no file to write beside.
    void saveEdits(quint64 id);
    // Copies the current photo's adjustments to these photos.
    void applyAdjustmentsTo(const QList<quint64> &ids);
    OutputType outputType() const { return adjustments(m_current).type; }
    MaskAdjust adjust() const { return adjustments(m_current).adjust; }

    // Full resolution, asynchronously, through the one export path (PhotoExport): the pixels are
    // read again from the file when they are not held. Formats without alpha get a white
    // background.
    void save(quint64 id, const QString &path, const QString &format);
    void renderFullResolution(quint64 id, std::function<void(QImage)> done);

    int inferenceCount() const;
    // A file this session wrote for dragging out (dropping it back must not add a copy).
    bool isDragOutFile(const QString &path) const;
    PhotoScheduler *scheduler() const { return m_scheduler; }
    // Where the window's folder searches run (PhotoScan::start(pool)). Its threads start with
    // the session, like every thread the window needs, so none starts while LibTorch loads.
    QThreadPool &searchPool() { return m_searchPool; }

    // Removes the drag-out folders that sessions of killed processes left in the temp folder;
    // returns how many. A session runs it once, in the background, when it is made.
    static int removeStaleDragFolders();

Q_SIGNALS:
    void photoAdded(quint64 id);
    void photoRemoved(quint64 id);
    void photoChanged(quint64 id); // state, thumbnail or display original
    // The current photo's display original became a sharper copy of the same picture.
    void displaySharpened(quint64 id);
    void resultChanged(quint64 id);
    void photoFailed(quint64 id, const QString &message); // names the file and the reason
    void saved(quint64 id, const QString &path);
    void saveFailed(quint64 id, const QString &message);
    void editsSaved(quint64 id, const QString &path);
    // A photo's adjustments were set from its edits file, when it was first read.
    void adjustmentsLoaded(quint64 id);
    void exportFileReady(quint64 id);
    // The current photo's full-resolution mask was made, or a change of its strokes was painted
    // into it (only what the strokes cover is painted again).
    void fullMaskUpdated(quint64 id);
    // Something the user should know that is not about one photo (a background image that
    // cannot be read).
    void problem(const QString &message);

private:
    struct Item;

    quint64 addItem(const QString &path, const QString &name);
    void onDecoded(quint64 id, const PhotoScheduler::Decoded &decoded);
    void onPixelsReady(quint64 id);
    void onMaskReady(quint64 id, const cv::Mat &lowResMask, bool final);
    void fail(quint64 id, const QString &reason);
    void showPreviewOf(Item &entry);
    // A photo's adjustments replaced: its display result and drag-out file are made again.
    void assignAdjustments(Item &entry, const Adjustments &adjustments);
    bool backgroundReady(const OutputType &type);
    void recomposite(quint64 id);
    void updateFullMask(quint64 id);
    void scheduleExport();
    void exportCurrent();
    PhotoExport::Job exportJob(const Item &entry) const;
    Item *item(quint64 id);
    const Item *item(quint64 id) const;

    Engine *m_engine;
    PhotoScheduler *m_scheduler;
    QHash<quint64, std::shared_ptr<Item>> m_items;
    QList<quint64> m_order;
    quint64 m_nextId = 1;
    quint64 m_current = 0;
    Adjustments m_defaults;        // what a new photo starts from
    LoadedBackground m_background; // decoded once for every re-composite that uses it
    QString m_backgroundLoading;
    QTemporaryDir m_exportDir;
    QTimer m_exportTimer; // the drag-out file is rendered once the adjustments settle
    bool m_adjustedSinceExport = false;
    // The latest re-composite asked for: one still queued behind a newer one is skipped, so a
    // slider dragged over 50 steps does not leave 50 refinements to run.
    std::atomic<quint64> m_compositeRequest{0};
    // Our own pool, so the destructor can wait for exactly our jobs (they call back into us).
    QThreadPool m_pool;
    QThreadPool m_searchPool;
};

} // namespace clearcut::ui
