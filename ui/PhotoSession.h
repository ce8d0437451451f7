#pragma once

// The photos of one session and what happens to them: decoded in a thread pool, segmented by the
// engine (a quick preview first, then full quality), composited for display with the current
// adjustments, saved, copied. No widgets: the main window shows what this reports.

#include "engine/MaskRefiner.h"
#include "engine/OutputType.h"
#include "engine/Types.h"

#include <QHash>
#include <QImage>
#include <QObject>
#include <QTemporaryDir>
#include <QThreadPool>
#include <QTimer>

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
        QImage displayOriginal; // longest side <= kDisplaySide
        QImage displayResult;   // the current adjustments, at display size
        QString exportFile;     // full-resolution PNG of the current result, for dragging out
    };

    // The longest side of the copies the view paints (24 MP photos are never painted directly).
    static constexpr int kDisplaySide = 2560;

    PhotoSession(Engine *engine, QObject *parent = nullptr);
    ~PhotoSession() override;

    void setQuality(Quality quality) { m_quality = quality; }
    void addFiles(const QStringList &paths);
    void addImage(const QImage &image, const QString &name);

    // Takes photos out of the session: their queued engine requests are cancelled at once (the
    // engine runs none of them), their decodes and renders still in flight are dropped, and
    // photoRemoved is emitted for each.
    void remove(const QList<quint64> &ids);
    void clear() { remove(m_order); }

    QList<quint64> ids() const { return m_order; }
    const Photo *photo(quint64 id) const;

    // The photo the view shows: its display result follows the adjustments.
    void setCurrent(quint64 id);
    quint64 current() const { return m_current; }

    void setAdjustments(const OutputType &type, const MaskAdjust &adjust);
    OutputType outputType() const { return m_type; }
    MaskAdjust adjust() const { return m_adjust; }

    // Full resolution, asynchronously. Formats without alpha get a white background.
    void save(quint64 id, const QString &path, const QString &format);
    void renderFullResolution(quint64 id, std::function<void(QImage)> done);

    int inferenceCount() const { return m_inferences; }

    // Removes the drag-out folders that sessions of killed processes left in the temp folder;
    // returns how many. A session runs it once, in the background, when it is made.
    static int removeStaleDragFolders();

Q_SIGNALS:
    void photoAdded(quint64 id);
    void photoRemoved(quint64 id);
    void photoChanged(quint64 id); // state, thumbnail or display original
    void resultChanged(quint64 id);
    void photoFailed(quint64 id, const QString &message); // names the file and the reason
    void saved(quint64 id, const QString &path);
    void saveFailed(quint64 id, const QString &message);
    void exportFileReady(quint64 id);

private:
    struct Item;
    struct Decoded;

    static std::shared_ptr<Decoded> prepare(cv::Mat bgr);
    quint64 addItem(const QString &path, const QString &name);
    void onDecoded(quint64 id, const std::shared_ptr<Decoded> &decoded, const QString &error);
    void requestSegmentation(quint64 id);
    void onSegmented(const SegmentResult &result);
    void onSegmentFailed(quint64 id, const QString &reason);
    void fail(quint64 id, const QString &reason);
    void recomposite(quint64 id);
    void scheduleExport();
    void exportCurrent();
    Item *item(quint64 id);

    Engine *m_engine;
    QHash<quint64, std::shared_ptr<Item>> m_items;
    QList<quint64> m_order;
    QHash<quint64, quint64> m_requestToPhoto; // engine request id -> photo id
    quint64 m_nextId = 1;
    quint64 m_current = 0;
    Quality m_quality = Quality::Best;
    OutputType m_type;
    MaskAdjust m_adjust;
    quint64 m_adjustGeneration = 0;
    int m_inferences = 0;
    QTemporaryDir m_exportDir;
    QTimer m_exportTimer; // the drag-out file is rendered once the adjustments settle
    // Our own pool, so the destructor can wait for exactly our jobs (they call back into us).
    QThreadPool m_pool;
};

} // namespace clearcut::ui
