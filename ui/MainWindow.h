#pragma once

// The main window: photos in (drop, open, paste, command line), the before/after view, the
// adjustments, results out (save, copy, drag). Talks to the engine only through PhotoSession and
// the Engine's signals; never waits on it.

#include "AppSettings.h"
#include "Presets.h"

#include "engine/Strokes.h"
#include "engine/Types.h"

#include <QHash>
#include <QIcon>
#include <QMainWindow>
#include <QPointer>

#include <functional>
#include <optional>

class QAction;
class QActionGroup;
class QLabel;
class QListWidget;
class QListWidgetItem;
class QThread;
class QTimer;
class QToolButton;

namespace clearcut {
class Engine;
class PhotoScan;
struct Adjustments;
} // namespace clearcut

namespace clearcut::ui {

class AdjustPanel;
class CompareView;
class DragOutButton;
class EditHistory;
class PhotoSession;
class PreferencesDialog;
class WarmupBar;

class MainWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    // engine lives on another thread; the window only connects to it and queues calls.
    explicit MainWindow(Engine *engine, QWidget *parent = nullptr);
    // With a session made earlier, which the window takes over: the app makes it (and so starts
    // its threads) before LibTorch starts loading (see Engine::loadInferenceLibrary).
    MainWindow(Engine *engine, PhotoSession *session, QWidget *parent = nullptr);
    ~MainWindow() override;

    void loadModel();
    // Adds the photos among paths (folders searched recursively, off the UI thread); they join
    // the list when the search is done.
    void addFiles(const QStringList &paths);
    bool isScanning() const { return !m_scanCounts.isEmpty(); }

    Engine *engine() const { return m_engine; }
    PhotoSession *session() const { return m_session; }
    CompareView *compareView() const { return m_view; }
    WarmupBar *warmupBar() const { return m_warmup; }
    QListWidget *photoList() const { return m_list; }
    bool isDropHighlighted() const { return m_dropHighlight; }
    QString lastMessage() const { return m_lastMessage; }

    // Presets: File > Import / Export Presets (what those menu items do after their file
    // dialogs); false with a message in the window on failure. Imported presets replace ones of
    // the same name.
    bool importPresets(const QString &path);
    bool exportPresets(const QString &path);
    QList<Preset> presets() const { return m_presets; }
    // Whether CUDA can run models here, once the check (started when the first model load ends,
    // off the UI thread) has answered.
    std::optional<CudaSupport> cudaSupport() const { return m_cudaSupport; }

    // Asks where to save a result: the path offered and whether the result has alpha; returns
    // the path chosen, empty when cancelled. The default shows the save dialog; tests replace it.
    using SavePathAsker = std::function<QString(const QString &suggested, bool hasAlpha)>;
    void setSavePathAsker(SavePathAsker ask) { m_askSavePath = std::move(ask); }

Q_SIGNALS:
    void firstPaint(); // the window's first pixels are on screen

protected:
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dragLeaveEvent(QDragLeaveEvent *event) override;
    void dropEvent(QDropEvent *event) override;
    void closeEvent(QCloseEvent *event) override;
    bool eventFilter(QObject *watched, QEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    void createActions();
    void applyIcons();
    void updateBrush();
    void setPresets(const QList<Preset> &presets);
    void createLayout();
    void openFiles();
    void paste();
    void save(bool askAlways);
    QString suggestedSavePath(quint64 id) const;
    void onSaved(quint64 id, const QString &path);
    void showSavedFolder();
    void requestLoad(DevicePreference device);
    void onModelFailed(const QString &reason);
    void checkCuda();
    void copyResult();
    void removeSelected();
    void updateZoomLabel();
    void showPreferences();
    void showAbout();
    void showMessage(const QString &message);
    void cancelScans();
    void updateScanStatus();
    void setDropHighlight(bool on);
    void onPhotoAdded(quint64 id);
    void countDone(quint64 id, bool settled);
    void updateProgress();
    void onPhotoChanged(quint64 id);
    void onResultChanged(quint64 id);
    void showResult(quint64 id);
    void showFramingMessage(const QString &message);
    void rememberAdjustments(const Adjustments &adjustments);
    void showCurrent();
    void updateActions();
    QListWidgetItem *itemFor(quint64 id) const;
    quint64 currentId() const;

    Engine *m_engine;
    AppSettings m_settings;
    QList<Preset> m_presets;
    PhotoSession *m_session;
    EditHistory *m_history = nullptr;
    CompareView *m_view;
    QListWidget *m_list;
    AdjustPanel *m_adjust;
    WarmupBar *m_warmup;
    DragOutButton *m_dragOut;
    QLabel *m_banner;
    QLabel *m_dropOverlay;
    QLabel *m_scanStatus;
    QToolButton *m_scanCancel;
    QLabel *m_zoomLabel;
    QLabel *m_progress;             // "12 of 200 done"
    QIcon m_placeholder;            // for photos not read yet
    QHash<quint64, bool> m_settled; // done or failed, per photo
    QHash<quint64, QListWidgetItem *> m_itemsById;
    int m_settledCount = 0;
    quint64 m_shownCurrent = 0;
    QWidget *m_savedNotice = nullptr; // "Saved to <path>" and Show in folder
    QLabel *m_savedLabel = nullptr;
    QToolButton *m_showInFolder = nullptr;
    QTimer *m_savedTimer = nullptr;
    QHash<PhotoScan *, int> m_scanCounts; // running folder searches and what each found so far
    ModelInfo m_modelInfo;
    SavePathAsker m_askSavePath;
    QHash<quint64, QString> m_savedPaths; // per photo: where Save writes again without asking
    QString m_savedFolder;                // of the last save, for Show in folder
    QList<DevicePreference> m_loads;      // the devices of the loads sent, oldest first
    QString m_cudaFailure;                // why the CUDA load failed, while the CPU load runs
    std::optional<CudaSupport> m_cudaSupport;
    QThread *m_cudaCheck = nullptr;
    QPointer<PreferencesDialog> m_preferences; // while it is open
    QString m_lastMessage;
    QString m_framingMessage; // in the status bar while the current photo's framing cannot be made
    bool m_dropHighlight = false;
    bool m_selectNextAdded = false; // new and pasted photos are selected
    bool m_painted = false;

    QAction *m_openAction = nullptr;
    QAction *m_saveAction = nullptr;
    QAction *m_saveAsAction = nullptr;
    QAction *m_copyAction = nullptr;
    QAction *m_resetEditsAction = nullptr;
    QAction *m_saveEditsAction = nullptr;
    QActionGroup *m_brushGroup = nullptr;
    QAction *m_eraseAction = nullptr;
    QAction *m_restoreAction = nullptr;
    // The brush's settings (mode set from the checked action); radius in photo pixels.
    Stroke m_brushSettings = [] {
        Stroke s;
        s.radius = 30;
        s.hardness = 0.75;
        return s;
    }();
    QAction *m_pasteAction = nullptr;
    QAction *m_batchAction = nullptr;
    QAction *m_removeAction = nullptr;
    QAction *m_clearAction = nullptr;
    QAction *m_applySelectedAction = nullptr;
    QAction *m_applyAllAction = nullptr;
    QAction *m_preferencesAction = nullptr;
    QAction *m_aboutAction = nullptr;
    QAction *m_fitAction = nullptr;
    QAction *m_actualAction = nullptr;
    QActionGroup *m_modeGroup = nullptr;
};

} // namespace clearcut::ui
