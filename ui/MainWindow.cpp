#include "MainWindow.h"

#include "AboutDialog.h"
#include "AdjustPanel.h"
#include "BatchDialog.h"
#include "CompareView.h"
#include "EditHistory.h"
#include "IconSet.h"
#include "PhotoSession.h"
#include "PreferencesDialog.h"
#include "SaveDialog.h"
#include "ScanReport.h"
#include "Theme.h"
#include "WarmupBar.h"

#include "engine/BatchExporter.h"
#include "engine/Engine.h"
#include "engine/FileRead.h"
#include "engine/ImageIO.h"
#include "engine/PhotoFinder.h"

#include <QAbstractSpinBox>
#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QDesktopServices>
#include <QDir>
#include <QDrag>
#include <QDragEnterEvent>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QLocale>
#include <QMenuBar>
#include <QMimeData>
#include <QPainter>
#include <QSaveFile>
#include <QScrollArea>
#include <QScrollBar>
#include <QSettings>
#include <QSplitter>
#include <QStandardPaths>
#include <QStatusBar>
#include <QThread>
#include <QTimer>
#include <QToolBar>
#include <QToolButton>
#include <QVBoxLayout>

#include <opencv2/core/version.hpp>

#include <algorithm>

namespace clearcut::ui {
namespace {

QString stateText(PhotoSession::State state, bool current)
{
    switch (state) {
    case PhotoSession::State::Loading:
        // Photos are read in turn (the one looked at first): the others wait in line.
        return current ? QObject::tr("Opening…") : QObject::tr("Queued");
    case PhotoSession::State::Waiting:
        return QObject::tr("Waiting");
    case PhotoSession::State::Working:
        return QObject::tr("Working…");
    case PhotoSession::State::Preview:
        return QObject::tr("Refining…");
    case PhotoSession::State::Done:
        return QObject::tr("Done");
    case PhotoSession::State::Failed:
        return QObject::tr("Failed");
    }
    return {};
}

QString rowText(const PhotoSession::Photo &photo, bool current)
{
    return QStringLiteral("%1\n%2").arg(photo.name, stateText(photo.state, current));
}

constexpr int kIdRole = Qt::UserRole + 1;

// A photo not read yet: a dim tile the size of a thumbnail, so the names line up.
QIcon placeholderIcon(const QSize &size, const QColor &colour)
{
    QPixmap pixmap(size);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(Qt::NoPen);
    painter.setBrush(colour);
    painter.drawRoundedRect(QRectF(pixmap.rect()).adjusted(1, 1, -1, -1), 4, 4);
    return QIcon(pixmap);
}

// Root may write anywhere, so a folder its owner may not write (chmod a-w: a camera card, a
// read-only share) counts as read-only too.
bool isWritableFolder(const QString &folder)
{
    const QFileInfo info(folder);
    return !folder.isEmpty() && info.isDir() && info.isWritable() &&
           info.permission(QFileDevice::WriteOwner);
}

} // namespace

// A tile the cut-out can be dragged from, into another application or a file manager. It offers
// the full-resolution PNG the session renders in the background once a result is final.
class DragOutButton final : public QToolButton
{
public:
    explicit DragOutButton(QWidget *parent) : QToolButton(parent)
    {
        setObjectName(QStringLiteral("dragOut"));
        setToolButtonStyle(Qt::ToolButtonTextUnderIcon);
        setIconSize(QSize(96, 96));
        setMinimumSize(140, 130);
        setCursor(Qt::OpenHandCursor);
        setToolTip(tr("Drag the cut-out into another application or a folder"));
        setSource({}, {});
    }

    void setSource(const QString &file, const QImage &preview)
    {
        m_file = file;
        m_preview = preview;
        setEnabled(!file.isEmpty());
        setText(file.isEmpty() ? tr("Drag out\n(when ready)") : tr("Drag me out"));
        setIcon(preview.isNull()
                    ? QIcon()
                    : QIcon(QPixmap::fromImage(preview.scaled(iconSize(), Qt::KeepAspectRatio,
                                                              Qt::SmoothTransformation))));
    }

protected:
    void mousePressEvent(QMouseEvent *event) override
    {
        m_pressPos = event->position().toPoint();
        QToolButton::mousePressEvent(event);
    }
    void mouseMoveEvent(QMouseEvent *event) override
    {
        if (!(event->buttons() & Qt::LeftButton) || m_file.isEmpty() ||
            (event->position().toPoint() - m_pressPos).manhattanLength() <
                QApplication::startDragDistance())
            return;
        auto *mime = new QMimeData;
        mime->setUrls({QUrl::fromLocalFile(m_file)});
        mime->setImageData(m_preview);
        auto *drag = new QDrag(this);
        drag->setMimeData(mime);
        drag->setPixmap(icon().pixmap(iconSize()));
        setDown(false);
        drag->exec(Qt::CopyAction);
    }

private:
    QString m_file;
    QImage m_preview;
    QPoint m_pressPos;
};

MainWindow::MainWindow(Engine *engine, QWidget *parent)
    : MainWindow(engine, new PhotoSession(engine), parent)
{}

MainWindow::MainWindow(Engine *engine, PhotoSession *session, QWidget *parent)
    : QMainWindow(parent), m_engine(engine), m_session(session), m_view(new CompareView(this)),
      m_list(new QListWidget(this)), m_adjust(new AdjustPanel(this)), m_warmup(new WarmupBar(this)),
      m_dragOut(new DragOutButton(this)), m_banner(new QLabel(this)),
      m_dropOverlay(new QLabel(this)), m_scanStatus(new QLabel(this)),
      m_scanCancel(new QToolButton(this)), m_zoomLabel(new QLabel(this)),
      m_progress(new QLabel(this))
{
    m_session->setParent(this);
    m_history = new EditHistory(m_session, this);
    setWindowTitle(tr("ClearCut"));
    setWindowIcon(appIcon());
    setAcceptDrops(true);
    {
        const auto settings = openSettings();
        m_settings = AppSettings::load(*settings);
        if (!restoreGeometry(settings->value(QStringLiteral("window/geometry")).toByteArray()))
            resize(1200, 800);
    }
    m_session->setQuality(m_settings.quality);
    // As the panel shows them (its ranges hold hand-edited values in bounds), so what the photos
    // get is what the panel says.
    m_adjust->setAdjustments({m_settings.outputType, m_settings.adjust, m_settings.framing});
    m_presets = Presets::load(*openSettings());
    m_adjust->setPresets(m_presets);
    rememberAdjustments(m_adjust->adjustments());
    m_session->setAdjustments(m_adjust->adjustments());

    createActions();
    createLayout();

    connect(m_engine, &Engine::loadStarted, m_warmup, &WarmupBar::showLoading);
    connect(m_engine, &Engine::loadProgress, m_warmup, &WarmupBar::showProgress);
    connect(m_engine, &Engine::modelReady, m_warmup, &WarmupBar::showReady);
    connect(m_engine, &Engine::modelFailed, this, &MainWindow::onModelFailed);
    connect(m_engine, &Engine::modelReady, this, [this](const ModelInfo &info) {
        m_modelInfo = info;
        if (!m_loads.isEmpty())
            m_loads.removeFirst();
        if (!m_cudaFailure.isEmpty()) {
            const QString reason = m_cudaSupport && *m_cudaSupport != CudaSupport::Available
                                       ? PreferencesDialog::cudaUnavailableReason(m_cudaSupport)
                                       : m_cudaFailure;
            statusBar()->showMessage(
                tr("CUDA could not be used (%1): running on the CPU").arg(reason));
            m_cudaFailure.clear();
        }
        checkCuda();
    });
    connect(m_warmup, &WarmupBar::retryRequested, this, &MainWindow::loadModel);
    connect(m_warmup, &WarmupBar::chooseModelRequested, this, [this] {
        const QString path = QFileDialog::getOpenFileName(
            this, tr("Choose a TorchScript model"), m_settings.effectiveModelPath(),
            tr("TorchScript (*.pt *.pth *.torchscript)"));
        if (path.isEmpty())
            return;
        m_settings.modelPath = path;
        m_settings.save(*openSettings());
        loadModel();
    });

    connect(m_session, &PhotoSession::photoAdded, this, &MainWindow::onPhotoAdded);
    connect(m_session, &PhotoSession::photoChanged, this, &MainWindow::onPhotoChanged);
    connect(m_session, &PhotoSession::photoRemoved, this, [this](quint64 id) {
        m_savedPaths.remove(id);
        countDone(id, false);
        m_settled.remove(id);
        updateProgress();
        m_history->forget(id);
        delete m_itemsById.take(id); // the list moves its current item on; showCurrent follows
        if (m_list->count() == 0)
            showCurrent();
    });
    connect(m_session, &PhotoSession::resultChanged, this, &MainWindow::onResultChanged);
    connect(m_session, &PhotoSession::displaySharpened, this, [this](quint64 id) {
        if (id == currentId())
            m_view->sharpenOriginal(m_session->photo(id)->displayOriginal);
    });
    connect(m_session, &PhotoSession::problem, this, &MainWindow::showMessage);
    connect(m_session, &PhotoSession::photoFailed, this,
            [this](quint64, const QString &message) { showMessage(message); });
    connect(m_session, &PhotoSession::saveFailed, this, [this](quint64 id, const QString &message) {
        m_savedPaths.remove(id); // the next Save asks again
        showMessage(tr("Not saved: %1").arg(message));
    });
    connect(m_session, &PhotoSession::saved, this, &MainWindow::onSaved);
    connect(m_session, &PhotoSession::editsSaved, this, [this](quint64, const QString &path) {
        statusBar()->showMessage(tr("Saved the edits to %1").arg(QDir::toNativeSeparators(path)),
                                 5000);
    });
    connect(m_session, &PhotoSession::adjustmentsLoaded, this, [this](quint64 id) {
        if (id != currentId())
            return;
        // Its edits file's: the panel shows them.
        const Adjustments adjustments = m_session->adjustments(id);
        m_adjust->setAdjustments(adjustments);
        rememberAdjustments(adjustments);
    });
    m_askSavePath = [this](const QString &suggested, bool hasAlpha) {
        SaveDialog dialog(this, suggested, hasAlpha);
        return dialog.exec() == QDialog::Accepted ? dialog.selectedFiles().value(0) : QString();
    };
    connect(m_session, &PhotoSession::exportFileReady, this, [this](quint64 id) {
        if (id == currentId())
            m_dragOut->setSource(m_session->photo(id)->exportFile,
                                 m_session->photo(id)->displayResult);
    });
    connect(m_list, &QListWidget::currentItemChanged, this, &MainWindow::showCurrent);
    connect(m_adjust, &AdjustPanel::changed, this, [this](const Adjustments &adjustments) {
        m_history->adjust(currentId(), adjustments);
        m_dragOut->setSource({}, {});
        rememberAdjustments(adjustments);
    });
    connect(m_adjust, &AdjustPanel::presetSaveRequested, this, [this](const QString &name) {
        setPresets(Presets::withPreset(m_presets,
                                       {name, m_adjust->adjustments(), m_settings.outputFormat}));
        statusBar()->showMessage(tr("Saved the preset \u201c%1\u201d").arg(name), 4000);
    });
    connect(m_adjust, &AdjustPanel::presetChosen, this, [this](const Preset &preset) {
        m_settings.outputFormat = preset.format; // Save offers it next
    });
    connect(m_view, &CompareView::strokePainted, this, [this](const Stroke &stroke) {
        const quint64 id = currentId();
        std::vector<Stroke> strokes = m_session->strokes(id);
        strokes.push_back(stroke);
        m_history->setStrokes(id, strokes,
                              stroke.mode == Stroke::Mode::Erase ? tr("Erase") : tr("Restore"));
    });
    connect(m_history, &EditHistory::applied, this, [this](quint64 id) {
        if (id != currentId())
            return;
        // An undo or redo: the panel shows what the photo has now.
        const Adjustments adjustments = m_session->adjustments(id);
        m_adjust->setAdjustments(adjustments);
        rememberAdjustments(adjustments);
        m_dragOut->setSource({}, {});
        updateActions();
    });
    m_view->installEventFilter(this);
    qApp->installEventFilter(this); // H flashes the original from anywhere in the window
    updateActions();
}

MainWindow::~MainWindow()
{
    // Before the session (and its search pool) goes: a search is told to stop, not waited out.
    qDeleteAll(m_scanCounts.keyBegin(), m_scanCounts.keyEnd());
    m_scanCounts.clear();
    if (m_cudaCheck)
        m_cudaCheck->wait(); // a library load and a device query: short
}

void MainWindow::createActions()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    m_openAction = file->addAction(tr("&Open…"), this, &MainWindow::openFiles);
    m_openAction->setShortcut(QKeySequence::Open);
    m_saveAction = file->addAction(tr("&Save…"), this, [this] { save(false); });
    m_saveAction->setShortcut(QKeySequence::Save);
    m_saveAsAction = file->addAction(tr("Save &As…"), this, [this] { save(true); });
    // Ctrl+Shift+S everywhere, also where the platform's key bindings have no Save As.
    QList<QKeySequence> saveAsKeys = QKeySequence::keyBindings(QKeySequence::SaveAs);
    if (const QKeySequence ctrlShiftS(Qt::CTRL | Qt::SHIFT | Qt::Key_S);
        !saveAsKeys.contains(ctrlShiftS))
        saveAsKeys << ctrlShiftS;
    m_saveAsAction->setShortcuts(saveAsKeys);
    m_batchAction = file->addAction(tr("&Batch Export…"), this, [this] {
        QStringList paths; // pasted photos have no file to export from
        for (const quint64 id : m_session->ids())
            if (const PhotoSession::Photo *photo = m_session->photo(id); !photo->path.isEmpty())
                paths << photo->path;
        auto *dialog = new BatchDialog(m_engine, paths, this);
        dialog->setPresets(m_presets);
        QHash<QString, std::vector<Stroke>> held; // painted here, saved or not
        for (const quint64 id : m_session->ids())
            if (const PhotoSession::Photo *photo = m_session->photo(id); !photo->path.isEmpty())
                if (std::vector<Stroke> strokes = m_session->strokes(id); !strokes.empty())
                    held.insert(photo->path, std::move(strokes));
        dialog->setHeldStrokes(held);
        if (m_session->photo(currentId())) // the batch starts from the photo looked at
            dialog->startFrom(m_session->adjustments(currentId()));
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->show();
    });
    m_batchAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_B));
    file->addSeparator();
    m_saveEditsAction =
        file->addAction(tr("Save &Edits"), this, [this] { m_session->saveEdits(currentId()); });
    m_saveEditsAction->setShortcut(QKeySequence(Qt::CTRL | Qt::ALT | Qt::Key_S));
    m_saveEditsAction->setToolTip(
        tr("Keep this photo's adjustments and brush strokes beside it (NAME.clearcut.json): "
           "they come back when it is opened again, and Batch Export uses them"));
    file->addSeparator();
    file->addAction(tr("&Import Presets…"), this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Import Presets"), QString(),
                                                          tr("Presets (*.json)"));
        if (!path.isEmpty())
            importPresets(path);
    });
    file->addAction(tr("E&xport Presets…"), this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Export Presets"),
                                                          QStringLiteral("clearcut-presets.json"),
                                                          tr("Presets (*.json)"));
        if (!path.isEmpty())
            exportPresets(path);
    });
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    QAction *undo = m_history->createUndoAction(this);
    undo->setShortcuts(QKeySequence::Undo);
    QAction *redo = m_history->createRedoAction(this);
    QList<QKeySequence> redoKeys = QKeySequence::keyBindings(QKeySequence::Redo);
    if (const QKeySequence ctrlShiftZ(Qt::CTRL | Qt::SHIFT | Qt::Key_Z);
        !redoKeys.contains(ctrlShiftZ))
        redoKeys.prepend(ctrlShiftZ);
    redo->setShortcuts(redoKeys);
    edit->addAction(undo);
    edit->addAction(redo);
    m_resetEditsAction = edit->addAction(tr("Reset &Edits"), this, [this] {
        m_history->setStrokes(currentId(), {}, tr("Reset Edits"));
    });
    m_resetEditsAction->setToolTip(tr("Remove this photo's brush strokes"));
    edit->addSeparator();
    m_copyAction = edit->addAction(tr("&Copy Result"), this, &MainWindow::copyResult);
    m_copyAction->setShortcut(QKeySequence::Copy);
    m_pasteAction = edit->addAction(tr("&Paste Photo"), this, &MainWindow::paste);
    m_pasteAction->setShortcut(QKeySequence::Paste);
    edit->addSeparator();
    m_removeAction = edit->addAction(tr("&Remove from List"), this, &MainWindow::removeSelected);
    m_removeAction->setShortcuts(QKeySequence::Delete);
    m_clearAction = edit->addAction(tr("C&lear All"), this, [this] {
        cancelScans();
        m_session->clear();
    });
    m_clearAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Delete));
    edit->addSeparator();
    m_applySelectedAction = edit->addAction(tr("Apply Adjustments to &Selected"), this, [this] {
        QList<quint64> ids;
        for (const QListWidgetItem *item : m_list->selectedItems())
            ids << item->data(kIdRole).toULongLong();
        m_session->applyAdjustmentsTo(ids);
        statusBar()->showMessage(
            tr("Applied this photo's adjustments to %n photo(s)", nullptr, int(ids.size())), 4000);
    });
    m_applyAllAction = edit->addAction(tr("Apply Adjustments to &All"), this, [this] {
        m_session->applyAdjustmentsTo(m_session->ids());
        statusBar()->showMessage(tr("Applied this photo's adjustments to all %n photo(s)", nullptr,
                                    int(m_session->ids().size())),
                                 4000);
    });
    edit->addSeparator();
    m_preferencesAction = edit->addAction(tr("Pre&ferences…"), this, &MainWindow::showPreferences);
    m_preferencesAction->setShortcut(QKeySequence::Preferences);
    m_preferencesAction->setMenuRole(QAction::PreferencesRole);

    QMenu *view = menuBar()->addMenu(tr("&View"));
    m_modeGroup = new QActionGroup(this);
    const std::array<std::pair<QString, CompareView::Mode>, 3> modes{{
        {tr("&Before / After"), CompareView::Mode::Split},
        {tr("&Original Only"), CompareView::Mode::OriginalOnly},
        {tr("&Result Only"), CompareView::Mode::ResultOnly},
    }};
    int key = Qt::Key_1;
    for (const auto &[text, mode] : modes) {
        QAction *action = view->addAction(text);
        action->setCheckable(true);
        action->setChecked(mode == CompareView::Mode::Split);
        action->setShortcut(QKeySequence(Qt::ALT | Qt::Key(key++)));
        m_modeGroup->addAction(action);
        connect(action, &QAction::triggered, this, [this, mode = mode] { m_view->setMode(mode); });
    }
    view->addSeparator();
    m_fitAction = view->addAction(tr("Zoom to &Fit"), m_view, &CompareView::zoomToFit);
    m_fitAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_0));
    m_actualAction = view->addAction(tr("&Actual Size"), m_view, &CompareView::zoomToActualSize);
    m_actualAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_1));
    // Around the view's centre, as the wheel does around the cursor.
    const auto zoomAroundCentre = [this](double factor) {
        m_view->zoomBy(factor, QRectF(m_view->rect()).center());
    };
    QAction *zoomIn =
        view->addAction(tr("Zoom &In"), this, [zoomAroundCentre] { zoomAroundCentre(1.25); });
    zoomIn->setShortcuts(
        {QKeySequence(QKeySequence::ZoomIn), QKeySequence(Qt::CTRL | Qt::Key_Equal)});
    QAction *zoomOut =
        view->addAction(tr("Zoom &Out"), this, [zoomAroundCentre] { zoomAroundCentre(0.8); });
    zoomOut->setShortcut(QKeySequence::ZoomOut);

    // Brushes: fix what the model got wrong on the result side of the view.
    QMenu *brush = menuBar()->addMenu(tr("&Brush"));
    m_brushGroup = new QActionGroup(this);
    m_brushGroup->setExclusionPolicy(QActionGroup::ExclusionPolicy::ExclusiveOptional);
    m_eraseAction = brush->addAction(tr("&Erase"));
    m_eraseAction->setShortcut(QKeySequence(Qt::Key_E));
    m_eraseAction->setToolTip(tr("Paint over the result to make it background"));
    m_restoreAction = brush->addAction(tr("&Restore"));
    m_restoreAction->setShortcut(QKeySequence(Qt::Key_R));
    m_restoreAction->setToolTip(tr("Paint over the result to bring the subject back"));
    for (QAction *action : {m_eraseAction, m_restoreAction}) {
        action->setCheckable(true);
        m_brushGroup->addAction(action);
    }
    connect(m_brushGroup, &QActionGroup::triggered, this, [this] { updateBrush(); });
    brush->addSeparator();
    QAction *edgeAware = brush->addAction(tr("Edge-&Aware"));
    edgeAware->setCheckable(true);
    edgeAware->setToolTip(tr("Keep the stroke to its side of the photo's edges"));
    connect(edgeAware, &QAction::toggled, this, [this](bool on) {
        m_brushSettings.edgeAware = on;
        updateBrush();
    });
    const auto resize = [this](double factor) {
        m_brushSettings.radius = std::clamp(m_brushSettings.radius * factor, 1.0, 2000.0);
        updateBrush();
    };
    const auto harden = [this](double step) {
        m_brushSettings.hardness = std::clamp(m_brushSettings.hardness + step, 0.0, 1.0);
        updateBrush();
    };
    brush->addAction(tr("&Larger"), this, [resize] { resize(1.25); })
        ->setShortcut(QKeySequence(Qt::Key_BracketRight));
    brush->addAction(tr("&Smaller"), this, [resize] { resize(0.8); })
        ->setShortcut(QKeySequence(Qt::Key_BracketLeft));
    brush->addAction(tr("&Harder"), this, [harden] { harden(0.25); })
        ->setShortcut(QKeySequence(Qt::Key_BraceRight));
    brush->addAction(tr("S&ofter"), this, [harden] { harden(-0.25); })
        ->setShortcut(QKeySequence(Qt::Key_BraceLeft));

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    m_aboutAction = help->addAction(tr("&About ClearCut"), this, &MainWindow::showAbout);
    m_aboutAction->setMenuRole(QAction::AboutRole);

    QToolBar *toolbar = addToolBar(tr("Main"));
    toolbar->setObjectName(QStringLiteral("mainToolbar"));
    toolbar->setMovable(false);
    toolbar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    applyIcons();
    toolbar->addAction(m_openAction);
    toolbar->addAction(m_saveAction);
    toolbar->addAction(m_copyAction);
    toolbar->addSeparator();
    toolbar->addActions(m_modeGroup->actions());
    toolbar->addSeparator();
    toolbar->addAction(m_fitAction);
    toolbar->addAction(m_actualAction);
}

void MainWindow::setPresets(const QList<Preset> &presets)
{
    m_presets = presets;
    Presets::save(*openSettings(), m_presets);
    m_adjust->setPresets(m_presets);
}

bool MainWindow::importPresets(const QString &path)
{
    // Bounded and never blocking: this runs on the UI thread.
    constexpr qint64 kMaxPresetsBytes = 1 << 20;
    const FileRead::Result read = FileRead::regularFile(path, kMaxPresetsBytes);
    QString error = read.error;
    std::optional<QList<Preset>> imported;
    if (read.ok())
        imported = Presets::fromJson(read.bytes, &error);
    if (!imported) {
        showMessage(
            tr("Cannot import presets from %1: %2").arg(QDir::toNativeSeparators(path), error));
        return false;
    }
    QList<Preset> presets = m_presets;
    for (const Preset &preset : *imported)
        presets = Presets::withPreset(presets, preset);
    setPresets(presets);
    statusBar()->showMessage(tr("Imported %n preset(s)", nullptr, int(imported->size())), 4000);
    return true;
}

bool MainWindow::exportPresets(const QString &path)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(Presets::toJson(m_presets)) < 0 ||
        !file.commit()) {
        showMessage(tr("Cannot export presets to %1: %2")
                        .arg(QDir::toNativeSeparators(path), file.errorString()));
        return false;
    }
    statusBar()->showMessage(tr("Exported %n preset(s)", nullptr, int(m_presets.size())), 4000);
    return true;
}

void MainWindow::updateBrush()
{
    QAction *checked = m_brushGroup->checkedAction();
    if (!checked) {
        m_view->setBrush(std::nullopt);
        return;
    }
    m_brushSettings.mode = checked == m_eraseAction ? Stroke::Mode::Erase : Stroke::Mode::Restore;
    m_view->setBrush(m_brushSettings);
    statusBar()->showMessage(tr("%1 brush: %2 px, hardness %3%%4")
                                 .arg(checked == m_eraseAction ? tr("Erase") : tr("Restore"))
                                 .arg(qRound(m_brushSettings.radius))
                                 .arg(qRound(m_brushSettings.hardness * 100))
                                 .arg(m_brushSettings.edgeAware ? tr(", edge-aware") : QString()),
                             4000);
}

void MainWindow::applyIcons()
{
    const QList<QAction *> modes = m_modeGroup->actions();
    const std::pair<QAction *, const char *> icons[] = {
        {m_openAction, "document-open"},      {m_saveAction, "document-save"},
        {m_saveAsAction, "document-save"},    {m_batchAction, "batch-export"},
        {m_copyAction, "edit-copy"},          {m_pasteAction, "edit-paste"},
        {m_preferencesAction, "preferences"}, {m_aboutAction, "help-about"},
        {modes.value(0), "view-split"},       {modes.value(1), "view-original"},
        {modes.value(2), "view-result"},      {m_fitAction, "zoom-fit"},
        {m_actualAction, "zoom-actual"},
    };
    for (const auto &[action, name] : icons) {
        if (action)
            action->setIcon(actionIcon(QLatin1String(name), palette()));
    }
}

void MainWindow::changeEvent(QEvent *event)
{
    // A theme change repaints the glyphs in the new text colour.
    if (event->type() == QEvent::PaletteChange && m_openAction)
        applyIcons();
    QMainWindow::changeEvent(event);
}

void MainWindow::createLayout()
{
    m_list->setObjectName(QStringLiteral("photoList"));
    m_list->setIconSize(QSize(64, 64));
    // 3:2, as most photos' thumbnails, so rows keep their height once the photos are read.
    m_placeholder = placeholderIcon(QSize(64, 43), palette().color(QPalette::Mid));
    m_list->setMinimumWidth(180);
    m_list->setUniformItemSizes(true);
    m_list->setSelectionMode(QAbstractItemView::ExtendedSelection);

    m_view->setPlaceholderText(
        tr("Drop photos or folders here\nor open them with Ctrl+O, or paste with Ctrl+V"));

    // The panel scrolls rather than making the window taller than a small screen.
    auto *side = new QWidget(this);
    auto *adjustScroll = new QScrollArea(side);
    adjustScroll->setObjectName(QStringLiteral("adjustScroll"));
    adjustScroll->setWidget(m_adjust);
    adjustScroll->setWidgetResizable(true);
    adjustScroll->setFrameShape(QFrame::NoFrame);
    adjustScroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    adjustScroll->setMinimumWidth(m_adjust->minimumSizeHint().width() +
                                  adjustScroll->verticalScrollBar()->sizeHint().width());
    auto *sideLayout = new QVBoxLayout(side);
    sideLayout->addWidget(adjustScroll, 1);
    sideLayout->addWidget(m_dragOut, 0, Qt::AlignHCenter);

    auto *centre = new QWidget(this);
    auto *centreLayout = new QVBoxLayout(centre);
    centreLayout->setContentsMargins(0, 0, 0, 0);
    centreLayout->setSpacing(0);
    m_banner->setObjectName(QStringLiteral("messageBanner"));
    m_banner->setWordWrap(true);
    m_banner->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_banner->setStyleSheet(QStringLiteral(
        "QLabel#messageBanner { background: palette(tool-tip-base); color: palette(tool-tip-text);"
        " padding: 6px 10px; border-bottom: 1px solid palette(mid); }"));
    m_banner->hide();
    centreLayout->addWidget(m_banner);
    centreLayout->addWidget(m_view, 1);

    auto *splitter = new QSplitter(this);
    splitter->addWidget(m_list);
    splitter->addWidget(centre);
    splitter->addWidget(side);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({200, 760, 240});
    setCentralWidget(splitter);
    // "Saved to <path>" and Show in folder, where messages are written, until the next message
    // or for 15 s.
    m_savedNotice = new QWidget(this);
    auto *savedLayout = new QHBoxLayout(m_savedNotice);
    savedLayout->setContentsMargins(0, 0, 0, 0);
    m_savedLabel = new QLabel(m_savedNotice);
    m_savedLabel->setObjectName(QStringLiteral("savedMessage"));
    m_savedLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_showInFolder = new QToolButton(m_savedNotice);
    m_showInFolder->setObjectName(QStringLiteral("showInFolder"));
    m_showInFolder->setText(tr("Show in folder"));
    m_showInFolder->setToolTip(tr("Open the folder the result was saved in"));
    connect(m_showInFolder, &QToolButton::clicked, this, &MainWindow::showSavedFolder);
    savedLayout->addWidget(m_savedLabel);
    savedLayout->addWidget(m_showInFolder);
    m_savedNotice->hide();
    m_savedTimer = new QTimer(this);
    m_savedTimer->setSingleShot(true);
    m_savedTimer->setInterval(15000);
    connect(m_savedTimer, &QTimer::timeout, m_savedNotice, &QWidget::hide);
    connect(statusBar(), &QStatusBar::messageChanged, this, [this](const QString &text) {
        if (!text.isEmpty())
            m_savedNotice->hide(); // a newer message replaces it
    });
    statusBar()->addWidget(m_savedNotice);
    // No stretch: the status bar's messages are written in the space it leaves on the left.
    statusBar()->addPermanentWidget(m_warmup);
    m_zoomLabel->setObjectName(QStringLiteral("zoomLabel"));
    m_zoomLabel->setToolTip(tr("Zoom: Ctrl+= and Ctrl+- change it, Ctrl+0 fits, Ctrl+1 is 100%"));
    statusBar()->addPermanentWidget(m_zoomLabel);
    m_progress->setObjectName(QStringLiteral("progressLabel"));
    statusBar()->addPermanentWidget(m_progress);
    m_progress->hide();
    m_zoomLabel->hide();
    connect(m_view, &CompareView::zoomChanged, this, &MainWindow::updateZoomLabel);
    m_scanStatus->setObjectName(QStringLiteral("scanStatus"));
    m_scanCancel->setObjectName(QStringLiteral("scanCancel"));
    m_scanCancel->setText(tr("Cancel"));
    m_scanCancel->setToolTip(tr("Stop searching the folders; nothing found so far is added"));
    connect(m_scanCancel, &QToolButton::clicked, this, &MainWindow::cancelScans);
    statusBar()->addPermanentWidget(m_scanStatus);
    statusBar()->addPermanentWidget(m_scanCancel);
    m_scanStatus->hide();
    m_scanCancel->hide();

    // The drop highlight: a translucent frame over the whole window while files hover over it.
    m_dropOverlay->setObjectName(QStringLiteral("dropOverlay"));
    m_dropOverlay->setAlignment(Qt::AlignCenter);
    m_dropOverlay->setText(tr("Drop to add photos"));
    m_dropOverlay->setAttribute(Qt::WA_TransparentForMouseEvents);
    m_dropOverlay->setStyleSheet(
        QStringLiteral("QLabel#dropOverlay { background: rgba(40, 120, 220, 40); border: 3px "
                       "dashed palette(highlight);"
                       " border-radius: 8px; font-size: 20px; color: palette(highlight); }"));
    m_dropOverlay->hide();
}

void MainWindow::loadModel()
{
    requestLoad(m_settings.device);
}

void MainWindow::requestLoad(DevicePreference device)
{
    LoadOptions options;
    options.device = device;
    m_loads.append(device);
    QMetaObject::invokeMethod(
        m_engine,
        [engine = m_engine, path = m_settings.effectiveModelPath(), options] {
            engine->loadModel(path, options);
        },
        Qt::QueuedConnection);
}

void MainWindow::onModelFailed(const QString &reason)
{
    const DevicePreference device = m_loads.isEmpty() ? m_settings.device : m_loads.takeFirst();
    checkCuda();
    // A GPU that cannot be used is no reason to be left without a model: the CPU takes over,
    // and says so once it is ready. (Not when a newer load is queued: that one replaces it.)
    if (device == DevicePreference::Cuda && m_loads.isEmpty()) {
        m_cudaFailure = reason;
        requestLoad(DevicePreference::Cpu);
        return;
    }
    m_cudaFailure.clear();
    m_warmup->showFailed(reason);
}

// LibTorch is loaded by the first model load; asking it then about CUDA is quick, but still
// not for the UI thread (a CUDA build initialises the driver).
void MainWindow::checkCuda()
{
    if (m_cudaCheck)
        return;
    auto answer = std::make_shared<CudaSupport>(CudaSupport::NoInferenceLibrary);
    m_cudaCheck = QThread::create([answer] { *answer = Engine::cudaSupport(); });
    m_cudaCheck->setObjectName(QStringLiteral("CUDA check"));
    m_cudaCheck->setParent(this);
    connect(m_cudaCheck, &QThread::finished, this, [this, answer] {
        m_cudaSupport = *answer;
        if (m_preferences)
            m_preferences->setCudaSupport(m_cudaSupport);
    });
    m_cudaCheck->start();
}

void MainWindow::addFiles(const QStringList &paths)
{
    if (paths.isEmpty())
        return;
    // Folders are searched on a thread of their own: a big or network folder never freezes the
    // window. The photos join the session when the search is done, in its order.
    auto *scan = new PhotoScan(paths, this);
    m_scanCounts.insert(scan, 0);
    connect(scan, &PhotoScan::progress, this, [this, scan](int found) {
        m_scanCounts.insert(scan, found);
        updateScanStatus();
    });
    connect(scan, &PhotoScan::finished, this, [this, scan](const FoundPhotos &found) {
        m_scanCounts.remove(scan);
        scan->deleteLater();
        updateScanStatus();
        if (found.cancelled) {
            // A search cancelled is usually the wrong folder: nothing of it is added.
            statusBar()->showMessage(tr("Search cancelled: no photos added"), 4000);
            return;
        }
        QStringList files;
        for (const BatchInput &input : found.inputs)
            files << input.path;
        const QStringList notes = scanNotes(found, scan->paths());
        if (!notes.isEmpty())
            showMessage(notes.join(QLatin1Char('\n')));
        m_selectNextAdded = true; // the first new photo is the one shown
        m_session->addFiles(files);
    });
    scan->start(m_session->searchPool());
    updateScanStatus();
}

void MainWindow::cancelScans()
{
    for (auto it = m_scanCounts.keyBegin(); it != m_scanCounts.keyEnd(); ++it)
        (*it)->cancel();
}

void MainWindow::updateScanStatus()
{
    int found = 0;
    for (const int count : std::as_const(m_scanCounts))
        found += count;
    const bool scanning = !m_scanCounts.isEmpty();
    m_scanStatus->setText(tr("Adding photos… %1 found").arg(QLocale().toString(found)));
    m_scanStatus->setVisible(scanning);
    m_scanCancel->setVisible(scanning);
}

void MainWindow::openFiles()
{
    const QString folder = m_settings.outputFolder.isEmpty()
                               ? QStandardPaths::writableLocation(QStandardPaths::PicturesLocation)
                               : m_settings.outputFolder;
    const QStringList files = QFileDialog::getOpenFileNames(
        this, tr("Open photos"), folder,
        tr("Images (*.jpg *.jpeg *.png *.webp *.bmp *.tif *.tiff);;All files (*)"));
    addFiles(files);
}

void MainWindow::paste()
{
    const QMimeData *mime = QGuiApplication::clipboard()->mimeData();
    if (!mime)
        return;
    QStringList files;
    for (const QUrl &url : mime->urls())
        if (url.isLocalFile())
            files << url.toLocalFile();
    if (!files.isEmpty())
        return addFiles(files);
    if (mime->hasImage()) {
        static int pasted = 0;
        m_selectNextAdded = true;
        m_session->addImage(qvariant_cast<QImage>(mime->imageData()),
                            tr("Pasted image %1").arg(++pasted));
        return;
    }
    showMessage(tr("The clipboard holds no image or image file"));
}

void MainWindow::save(bool askAlways)
{
    const quint64 id = currentId();
    const PhotoSession::Photo *photo = m_session->photo(id);
    if (!m_saveAction->isEnabled() || !photo)
        return showMessage(tr("There is no result to save yet"));
    // Save writes again where this photo was last saved, as it was; Save As always asks.
    QString path = askAlways ? QString() : m_savedPaths.value(id);
    if (path.isEmpty()) {
        const QString suggested = suggestedSavePath(id);
        path = m_askSavePath(suggested, m_session->outputType().hasAlpha());
        if (path.isEmpty())
            return;
        if (!ImageIO::isSupportedFormat(QFileInfo(path).suffix()))
            path += QLatin1Char('.') + QFileInfo(suggested).suffix();
        if (photo->path == QFileInfo(path).absoluteFilePath())
            return showMessage(
                tr("Not saved: %1 is the original photo").arg(QDir::toNativeSeparators(path)));
    }
    const QString format = QFileInfo(path).suffix().toLower();
    m_settings.outputFolder = QFileInfo(path).absolutePath();
    m_settings.outputFormat = ImageIO::suffixForFormat(format);
    m_settings.save(*openSettings());
    m_savedPaths.insert(id, path);
    m_session->save(id, path, format);
}

// The first save of a photo offers the last save's folder, else the photo's own, unless it is
// read-only: then Pictures (or home).
QString MainWindow::suggestedSavePath(quint64 id) const
{
    const PhotoSession::Photo *photo = m_session->photo(id);
    QString folder = m_settings.outputFolder;
    if (folder.isEmpty() && !photo->path.isEmpty())
        folder = QFileInfo(photo->path).absolutePath();
    if (!isWritableFolder(folder))
        folder = QStandardPaths::writableLocation(QStandardPaths::PicturesLocation);
    if (!isWritableFolder(folder))
        folder = QDir::homePath();
    const QString stem =
        photo->path.isEmpty() ? photo->name : QFileInfo(photo->path).completeBaseName();
    const QString format =
        m_session->outputType().hasAlpha() && !ImageIO::formatSupportsAlpha(m_settings.outputFormat)
            ? QStringLiteral("png")
            : m_settings.outputFormat;
    return QDir(folder).filePath(
        QStringLiteral("%1_%2.%3")
            .arg(stem, m_session->outputType().name(), ImageIO::suffixForFormat(format)));
}

void MainWindow::onSaved(quint64, const QString &path)
{
    m_savedFolder = QFileInfo(path).absolutePath();
    statusBar()->clearMessage();
    m_savedLabel->setText(tr("Saved to %1").arg(QDir::toNativeSeparators(path)));
    m_savedNotice->show();
    m_savedTimer->start();
}

void MainWindow::showSavedFolder()
{
    if (!QDesktopServices::openUrl(QUrl::fromLocalFile(m_savedFolder)))
        showMessage(tr("Could not open the folder %1: no file manager answered.")
                        .arg(QDir::toNativeSeparators(m_savedFolder)));
}

void MainWindow::copyResult()
{
    const quint64 id = currentId();
    const PhotoSession::Photo *photo = m_session->photo(id);
    if (!m_copyAction->isEnabled() || !photo)
        return showMessage(tr("There is no result to copy yet"));
    statusBar()->showMessage(tr("Copying…"));
    m_session->renderFullResolution(id, [this](const QImage &image) {
        QGuiApplication::clipboard()->setImage(image);
        statusBar()->showMessage(
            tr("Copied the result (%1 x %2)").arg(image.width()).arg(image.height()), 4000);
    });
}

void MainWindow::showPreferences()
{
    checkCuda();
    PreferencesDialog dialog(m_settings, this);
    dialog.setCudaSupport(m_cudaSupport);
    m_preferences = &dialog; // the check's answer may arrive while it is open
    if (dialog.exec() != QDialog::Accepted)
        return;
    const AppSettings before = m_settings;
    m_settings = dialog.settings();
    m_settings.outputType = before.outputType;
    m_settings.adjust = before.adjust;
    m_settings.framing = before.framing;
    m_settings.save(*openSettings());
    if (m_settings.theme != before.theme)
        applyTheme(m_settings.theme);
    m_session->setQuality(m_settings.quality);
    if (m_settings.effectiveModelPath() != before.effectiveModelPath() ||
        m_settings.device != before.device) {
        loadModel();
        m_session->redoMasks(); // the old model's queued work is cancelled
    }
}

void MainWindow::showAbout()
{
    AboutInfo info;
    info.appVersion = QStringLiteral(CLEARCUT_VERSION);
    info.qtVersion = QString::fromLatin1(qVersion());
    info.torchVersion = m_modelInfo.torchVersion;
    info.openCvVersion = QStringLiteral(CV_VERSION);
    info.modelName = m_modelInfo.name;
    info.modelDevice = m_modelInfo.device;
    info.blas = m_modelInfo.blas;
    showAboutDialog(this, info);
}

void MainWindow::showMessage(const QString &message)
{
    // Non-modal: a banner over the view that the next message replaces; the work goes on.
    m_lastMessage = message;
    m_banner->setText(message);
    m_banner->show();
}

void MainWindow::setDropHighlight(bool on)
{
    m_dropHighlight = on;
    m_dropOverlay->setGeometry(centralWidget()->geometry().adjusted(6, 6, -6, -6));
    m_dropOverlay->setVisible(on);
    m_dropOverlay->raise();
}

void MainWindow::dragEnterEvent(QDragEnterEvent *event)
{
    // The drag-out tile's own file dropped back onto the window is not a new photo.
    const QList<QUrl> urls = event->mimeData()->urls();
    if (event->source() == m_dragOut ||
        (!urls.isEmpty() && std::all_of(urls.begin(), urls.end(), [this](const QUrl &url) {
            return url.isLocalFile() && m_session->isDragOutFile(url.toLocalFile());
        })))
        return event->ignore();
    if (event->mimeData()->hasUrls() || event->mimeData()->hasImage()) {
        event->acceptProposedAction();
        setDropHighlight(true);
    }
}

void MainWindow::dragLeaveEvent(QDragLeaveEvent *event)
{
    setDropHighlight(false);
    QMainWindow::dragLeaveEvent(event);
}

void MainWindow::dropEvent(QDropEvent *event)
{
    setDropHighlight(false);
    if (event->source() == m_dragOut)
        return event->ignore();
    QStringList files;
    for (const QUrl &url : event->mimeData()->urls())
        if (url.isLocalFile() && !m_session->isDragOutFile(url.toLocalFile()))
            files << url.toLocalFile();
    if (!files.isEmpty()) {
        addFiles(files);
    } else if (event->mimeData()->hasImage()) {
        m_selectNextAdded = true;
        m_session->addImage(qvariant_cast<QImage>(event->mimeData()->imageData()),
                            tr("Dropped image"));
    } else {
        return;
    }
    event->acceptProposedAction();
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    const auto settings = openSettings();
    settings->setValue(QStringLiteral("window/geometry"), saveGeometry());
    m_settings.save(*settings);
    QMainWindow::closeEvent(event);
}

bool MainWindow::eventFilter(QObject *watched, QEvent *event)
{
    // Holding H shows the original over the result, wherever the focus is in this window (the
    // list would take the letter for its keyboard search), except where H is typed as text.
    if (event->type() == QEvent::KeyPress || event->type() == QEvent::KeyRelease) {
        const auto *key = static_cast<QKeyEvent *>(event);
        auto *widget = qobject_cast<QWidget *>(watched);
        if (key->key() == Qt::Key_H && key->modifiers() == Qt::NoModifier && !key->isAutoRepeat() &&
            widget && widget->window() == this &&
            !qobject_cast<QLineEdit *>(QApplication::focusWidget()) &&
            !qobject_cast<QAbstractSpinBox *>(QApplication::focusWidget())) {
            m_view->setFlashOriginal(event->type() == QEvent::KeyPress);
            return true;
        }
    }
    if (watched == this && event->type() == QEvent::WindowDeactivate)
        m_view->setFlashOriginal(false); // H was let go in another window
    if (watched == m_view && event->type() == QEvent::Paint && !m_painted) {
        m_painted = true;
        QMetaObject::invokeMethod(this, &MainWindow::firstPaint, Qt::QueuedConnection);
    }
    return QMainWindow::eventFilter(watched, event);
}

QListWidgetItem *MainWindow::itemFor(quint64 id) const
{
    return m_itemsById.value(id); // a search of the list made adding 40,000 photos quadratic
}

quint64 MainWindow::currentId() const
{
    const QListWidgetItem *item = m_list->currentItem();
    return item ? item->data(kIdRole).toULongLong() : 0;
}

void MainWindow::countDone(quint64 id, bool settled)
{
    const bool was = m_settled.value(id, false);
    m_settled.insert(id, settled);
    m_settledCount += int(settled) - int(was);
    updateProgress();
}

void MainWindow::updateProgress()
{
    const int total = int(m_settled.size());
    // "12 of 200 done" while there is work; nothing for a single photo (its row says it).
    m_progress->setVisible(total > 1 && m_settledCount < total);
    m_progress->setText(
        tr("%1 of %2 done").arg(QLocale().toString(m_settledCount), QLocale().toString(total)));
}

void MainWindow::onPhotoAdded(quint64 id)
{
    auto *item = new QListWidgetItem(m_list);
    item->setData(kIdRole, id);
    m_itemsById.insert(id, item);
    onPhotoChanged(id);
    if (m_selectNextAdded || !m_list->currentItem()) {
        m_selectNextAdded = false;
        m_list->setCurrentItem(item, QItemSelectionModel::ClearAndSelect);
        m_list->scrollToItem(item);
    }
}

void MainWindow::onPhotoChanged(quint64 id)
{
    const PhotoSession::Photo *photo = m_session->photo(id);
    QListWidgetItem *item = itemFor(id);
    if (!photo || !item)
        return;
    item->setText(rowText(*photo, id == currentId()));
    item->setToolTip(photo->error.isEmpty() ? photo->path : photo->error);
    if (!photo->thumbnail.isNull())
        item->setIcon(QIcon(QPixmap::fromImage(photo->thumbnail)));
    else if (photo->state == PhotoSession::State::Failed)
        item->setIcon(colourIcon(QStringLiteral("dialog-error")));
    else if (item->icon().isNull())
        item->setIcon(m_placeholder);
    countDone(id, photo->state == PhotoSession::State::Done ||
                      photo->state == PhotoSession::State::Failed);
    if (id == currentId() && !m_view->hasOriginal() && !photo->displayOriginal.isNull())
        showCurrent();
    updateActions();
}

void MainWindow::onResultChanged(quint64 id)
{
    if (id != currentId())
        return;
    showResult(id);
    updateActions();
}

void MainWindow::showResult(quint64 id)
{
    const PhotoSession::Photo &photo = *m_session->photo(id);
    m_view->setResult(photo.displayResult);
    m_view->setBrushLayers(photo.displayAtZero, photo.displayAtFull);
    m_view->setCropFrame(photo.displayCrop);
    const QString problem = !photo.framingError.isEmpty() ? photo.framingError : photo.editsError;
    showFramingMessage(problem.isEmpty() ? QString() : tr("%1: %2").arg(photo.name, problem));
}

void MainWindow::showFramingMessage(const QString &message)
{
    // A framing that cannot be made (nothing to crop to) says why until it can, or until another
    // photo is shown; a newer message replaces it.
    if (message == m_framingMessage)
        return;
    if (!m_framingMessage.isEmpty() && statusBar()->currentMessage() == m_framingMessage)
        statusBar()->clearMessage();
    m_framingMessage = message;
    if (!message.isEmpty())
        statusBar()->showMessage(message);
}

void MainWindow::rememberAdjustments(const Adjustments &adjustments)
{
    m_settings.outputType = adjustments.type;
    m_settings.adjust = adjustments.adjust;
    m_settings.framing = adjustments.framing;
}

void MainWindow::showCurrent()
{
    const quint64 id = currentId();
    const PhotoSession::Photo *photo = m_session->photo(id);
    m_session->setCurrent(id);
    m_history->setCurrent(id);
    // "Opening…" moves with the selection (the others are queued).
    for (const quint64 changed : {m_shownCurrent, id})
        if (const PhotoSession::Photo *shown = m_session->photo(changed))
            if (QListWidgetItem *item = itemFor(changed))
                item->setText(rowText(*shown, changed == id));
    m_shownCurrent = id;
    if (photo) {
        // The panel shows this photo's own adjustments.
        const Adjustments adjustments = m_session->adjustments(id);
        m_adjust->setAdjustments(adjustments);
        rememberAdjustments(adjustments);
    }
    if (!photo || photo->displayOriginal.isNull()) {
        m_view->clear();
    } else {
        m_view->setOriginal(photo->displayOriginal, photo->fullSize);
        if (!photo->displayResult.isNull())
            showResult(id);
    }
    if (!photo || photo->displayResult.isNull())
        showFramingMessage({});
    setWindowTitle(photo ? tr("%1 — ClearCut").arg(photo->name) : tr("ClearCut"));
    updateZoomLabel();
    m_dragOut->setSource(photo ? photo->exportFile : QString(),
                         photo ? photo->displayResult : QImage());
    updateActions();
}

void MainWindow::updateZoomLabel()
{
    m_zoomLabel->setText(QStringLiteral("%1%").arg(qRound(m_view->zoom() * 100)));
    m_zoomLabel->setVisible(m_view->hasOriginal());
}

void MainWindow::removeSelected()
{
    QList<quint64> ids;
    for (const QListWidgetItem *item : m_list->selectedItems())
        ids << item->data(kIdRole).toULongLong();
    if (ids.isEmpty() && currentId())
        ids << currentId();
    m_session->remove(ids);
}

void MainWindow::updateActions()
{
    const PhotoSession::Photo *photo = m_session->photo(currentId());
    // Only the full-quality result is offered: a quick preview is not what the user would save.
    const bool hasResult =
        photo && photo->state == PhotoSession::State::Done && !photo->displayResult.isNull();
    m_saveAction->setEnabled(hasResult);
    m_saveAsAction->setEnabled(hasResult);
    m_copyAction->setEnabled(hasResult);
    m_removeAction->setEnabled(photo != nullptr);
    m_applySelectedAction->setEnabled(photo != nullptr);
    m_applyAllAction->setEnabled(photo != nullptr && m_list->count() > 1);
    m_resetEditsAction->setEnabled(photo != nullptr && !m_session->strokes(currentId()).empty());
    m_saveEditsAction->setEnabled(photo != nullptr && !photo->path.isEmpty());
    m_clearAction->setEnabled(m_list->count() > 0);
}

} // namespace clearcut::ui
