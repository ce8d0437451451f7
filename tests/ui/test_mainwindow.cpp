// The main window with a real engine thread on synthetic models: drops, queued work before the
// model is ready, instant re-compositing, load failure and Retry.

#include "../engine/SyntheticModels.h"
#include "WindowTesting.h"

#include "engine/BatchExporter.h"
#include "engine/Edits.h"
#include "engine/Engine.h"
#include "engine/EngineThread.h"
#include "engine/ImageIO.h"
#include "engine/ModelSpec.h"
#include "engine/OutputNaming.h"
#include "engine/Strokes.h"
#include "ui/AdjustPanel.h"
#include "ui/AppSettings.h"
#include "ui/BatchDialog.h"
#include "ui/CompareView.h"
#include "ui/FirstShow.h"
#include "ui/MainWindow.h"
#include "ui/PhotoSession.h"
#include "ui/StallProbe.h"
#include "ui/Theme.h"

#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QLabel>
#include <QListWidget>
#include <QMimeData>
#include <QProcess>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>
#include <QToolBar>
#include <QToolButton>

#include <cmath>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <atomic>

#include <dlfcn.h>
#include <pthread.h>

using namespace clearcut;
using namespace clearcut::test;
using ui::PhotoSession;

// Every thread this process starts, counted: Qt's and ours go through this definition.
namespace {
std::atomic_int threadsStarted{0};
}

extern "C" int pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*start)(void *),
                              void *arg)
{
    using Create = int (*)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);
    static const auto create = reinterpret_cast<Create>(dlsym(RTLD_NEXT, "pthread_create"));
    ++threadsStarted;
    return create(thread, attr, start, arg);
}

namespace {

// Left half red (foreground for the synthetic model), right half blue.
QString writePhoto(const QString &dir, const QString &name, int width = 320, int height = 200)
{
    cv::Mat photo(height, width, CV_8UC3, cv::Scalar(255, 0, 0));
    photo(cv::Rect(0, 0, width / 2, height)).setTo(cv::Scalar(0, 0, 255));
    const QString path = dir + QLatin1Char('/') + name;
    return ImageIO::writeImageAtomic(path, photo).isEmpty() ? path : QString();
}

// A shown window on a real engine thread, its model loading.
struct LiveWindow
{
    LiveWindow()
    {
        window.show();
        window.loadModel();
    }
    EngineThread engine;
    ui::MainWindow window{engine.engine()};
};

QAction *actionWithShortcut(QWidget *window, const QKeySequence &shortcut)
{
    for (QAction *action : window->findChildren<QAction *>())
        if (action->shortcuts().contains(shortcut))
            return action;
    return nullptr;
}

// A photo the synthetic model cuts down the middle, keeping the left (red) half; `grain` adds
// noise so the saved files do not compress to nothing. Returns its path, empty on failure.
QString writeHalves(const QString &path, int grain = 0)
{
    cv::Mat pixels(240, 320, CV_8UC3, cv::Scalar(255, 0, 0));
    pixels(cv::Rect(0, 0, 160, 240)).setTo(cv::Scalar(0, 0, 255));
    if (grain > 0) {
        cv::Mat noise(pixels.size(), CV_8UC3);
        cv::randu(noise, 0, grain);
        pixels -= noise;
    }
    return ImageIO::writeImageAtomic(path, pixels).isEmpty() ? path : QString();
}

// Saves photo id as a PNG at path through the session (the window's Save) and returns the file's
// bytes; empty when the save does not come.
QByteArray savedPng(PhotoSession *session, quint64 id, const QString &path)
{
    QSignalSpy done(session, &PhotoSession::saved);
    session->save(id, path, QStringLiteral("png"));
    QFile file(path);
    return done.wait(30000) && file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// The photo's edits file beside it.
bool writeEdits(const QString &photo, const QByteArray &json)
{
    QFile file(Edits::pathFor(photo));
    return file.open(QIODevice::WriteOnly) && file.write(json) == json.size();
}

// Loads the model, adds the photo and waits for its full result; 0 if it does not come.
quint64 openAndWait(ui::MainWindow &window, const QString &photo)
{
    window.loadModel();
    window.addFiles({photo});
    PhotoSession *session = window.session();
    if (!QTest::qWaitFor([&] { return session->ids().size() == 1; }, 10000))
        return 0;
    const quint64 id = session->ids().first();
    return QTest::qWaitFor([&] { return session->photo(id)->state == PhotoSession::State::Done; },
                           30000)
               ? id
               : 0;
}

} // namespace

class TestMainWindow : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void onceItsSessionIsMadeTheWindowStartsNoThread();
    void droppedFilesAreProcessedAndACorruptOneIsReported();
    void dropBeforeTheModelIsReadyIsProcessedAfterwards();
    void changingTheBackgroundRecompositesWithoutInference();
    void eachPhotoKeepsItsOwnAdjustmentsAndTheBatchStartsFromThem();
    void theViewOutlinesTheCropWithoutCroppingAndSaysWhenThereIsNothingToCropTo();
    void loadFailureShowsRetryAndRetryRecovers();
    void recompositingA12MegapixelPhotoIsQuick();
    void toolbarIconsComeFromTheAppAndFollowTheTheme();
    void aFolderOf10000FilesIsSearchedWithoutFreezingTheWindow();
    void twentyThousandPhotosAreAddedAndClearedWithoutFreezing();
    void aCancelledSearchAddsNothing();
    void removedPhotosHaveTheirQueuedRequestsCancelled();
    void savingAndBatchExportWriteTheSameBytes();
    void edgeSettingsRecompositeWithoutTheNetwork();
    void editsBesideAPhotoArePaintedAndSurviveChanges();
    void undoAndRedoGiveTheSameBytes();
    void savedEditsComeBackAndTheBatchUsesThem();
    void holdingHFlashesTheOriginal();
    void theEraseBrushMakesThosePixelsTransparent();
    void aPresetReproducesTheSameExport();
    void theDragOutTileIsReadyForEachPhotoAndDroppingItBackAddsNothing();
    void clearAllEmptiesTheWindow();
    void aNewPhotoIsSelectedAndCtrlEqualsZoomsIn();
    void dragFoldersOfKilledRunsAreRemovedAndLiveOnesKept();
    void ctrlSSavesAgainWithoutADialogAndSaysWhere();
    void theFirstSaveDoesNotOfferAReadOnlyFolder();
    void aCudaChoiceThatCannotWorkFallsBackToTheCpu();

private:
    void useModel(const QString &path, DevicePreference device = DevicePreference::Auto);
    QTemporaryDir m_dir;
    QString m_model;
};

void TestMainWindow::initTestCase()
{
    QVERIFY(m_dir.isValid());
    // Never touch the user's real settings.
    qputenv("XDG_CONFIG_HOME", m_dir.filePath(QStringLiteral("config")).toUtf8());
    m_model = test::writeSyntheticModel(m_dir.path(), QStringLiteral("model"),
                                        test::SyntheticModel::RedIsForeground);
}

void TestMainWindow::init()
{
    useModel(m_model);
}

void TestMainWindow::useModel(const QString &path, DevicePreference device)
{
    const auto settings = ui::openSettings();
    settings->clear();
    ui::AppSettings app;
    app.modelPath = path;
    app.device = device;
    app.save(*settings);
}

// What app/gui/main.cpp relies on to load LibTorch while the window is built: starting a thread
// waits for the loader's lock that the load holds, so once the session is made (and the first
// show prepared) building, showing and painting the window, searching a folder and reading a
// photo start none.
void TestMainWindow::onceItsSessionIsMadeTheWindowStartsNoThread()
{
    QTemporaryDir folder;
    QVERIFY(!writePhoto(folder.path(), QStringLiteral("first.png")).isEmpty());
    EngineThread engine;
    auto *session = new PhotoSession(engine.engine());
    ui::prepareFirstShow();
    const int before = threadsStarted.load();

    ui::MainWindow window(engine.engine(), session);
    QCOMPARE(window.session(), session);
    window.addFiles({folder.path()});
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QTRY_VERIFY(window.compareView()->hasOriginal()); // searched, read and shown
    QCOMPARE(threadsStarted.load(), before);

    window.loadModel();
    QTRY_COMPARE_WITH_TIMEOUT(session->photo(session->ids().first())->state,
                              PhotoSession::State::Done, 30000);
}

void TestMainWindow::droppedFilesAreProcessedAndACorruptOneIsReported()
{
    const QString a = writePhoto(m_dir.path(), QStringLiteral("a.png"));
    const QString b = writePhoto(m_dir.path(), QStringLiteral("b.jpg"), 200, 300);
    const QString corrupt = m_dir.filePath(QStringLiteral("corrupt.jpg"));
    QFile f(corrupt);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("\xff\xd8\xff not a photo");
    f.close();

    EngineThread engine;
    ui::MainWindow window(engine.engine());
    window.show();
    window.loadModel();
    drop(&window, {a, corrupt, b});

    PhotoSession *session = window.session();
    QTRY_COMPARE(session->ids().size(), 3); // after the search, which runs off the UI thread
    QCOMPARE(window.photoList()->count(), 3);
    QTRY_VERIFY_WITH_TIMEOUT(allSettled(session), 30000);
    int done = 0;
    for (const quint64 id : session->ids())
        done += session->photo(id)->state == PhotoSession::State::Done;
    QCOMPARE(done, 2);
    QVERIFY2(window.lastMessage().contains(QLatin1String("corrupt.jpg")),
             qPrintable(window.lastMessage()));
    // The first photo is shown, with its result (composited just after the mask arrives).
    QTRY_VERIFY(window.compareView()->hasResult());
}

void TestMainWindow::dropBeforeTheModelIsReadyIsProcessedAfterwards()
{
    const QString a = writePhoto(m_dir.path(), QStringLiteral("early.png"));
    EngineThread engine;
    ui::MainWindow window(engine.engine());
    window.show();
    drop(&window, {a});
    PhotoSession *session = window.session();
    // Decoded and shown at once, but nothing is inferred without a model.
    QTRY_VERIFY(window.compareView()->hasOriginal());
    // The requests went to the engine with the decode: once a blocking call queued behind them
    // returns, the engine has them, and whatever it emitted has arrived here.
    QMetaObject::invokeMethod(
        engine.engine(), [] {}, Qt::BlockingQueuedConnection);
    QCoreApplication::processEvents();
    QCOMPARE(session->photo(session->ids().first())->state, PhotoSession::State::Waiting);
    QCOMPARE(session->inferenceCount(), 0);

    window.loadModel();
    QTRY_COMPARE_WITH_TIMEOUT(session->photo(session->ids().first())->state,
                              PhotoSession::State::Done, 30000);
    QTRY_VERIFY(window.compareView()->hasResult());
}

void TestMainWindow::changingTheBackgroundRecompositesWithoutInference()
{
    const QString a = writePhoto(m_dir.path(), QStringLiteral("recomposite.png"));
    EngineThread engine;
    ui::MainWindow window(engine.engine());
    window.show();
    window.loadModel();
    window.addFiles({a});
    PhotoSession *session = window.session();
    QTRY_VERIFY_WITH_TIMEOUT(allSettled(session), 30000);
    const quint64 id = session->ids().first();
    const int inferences = session->inferenceCount();
    QVERIFY(inferences >= 1);

    // The blue (background) half becomes white when the white background is chosen.
    auto *panel = window.findChild<ui::AdjustPanel *>();
    QVERIFY(panel);
    QSignalSpy resultChanged(session, &PhotoSession::resultChanged);
    panel->setOutputType(OutputType::colour(OutputType::kWhite));
    Q_EMIT panel->changed(panel->adjustments());
    QVERIFY(resultChanged.wait(5000));
    const QImage result = session->photo(id)->displayResult;
    const QColor background = result.pixelColor(result.width() * 3 / 4, result.height() / 2);
    QCOMPARE(background, QColor(Qt::white));
    const QColor foreground = result.pixelColor(result.width() / 8, result.height() / 2);
    QCOMPARE(foreground, QColor(Qt::red));
    QCOMPARE(session->inferenceCount(), inferences);
}

void TestMainWindow::eachPhotoKeepsItsOwnAdjustmentsAndTheBatchStartsFromThem()
{
    const QString a = writePhoto(m_dir.path(), QStringLiteral("own-a.png"));
    const QString b = writePhoto(m_dir.path(), QStringLiteral("own-b.png"));
    LiveWindow live;
    ui::MainWindow &window = live.window;
    window.addFiles({a, b});
    PhotoSession *session = window.session();
    QTRY_VERIFY_WITH_TIMEOUT(session->ids().size() == 2 && allSettled(session), 30000);
    const quint64 idA = session->ids().at(0), idB = session->ids().at(1);
    QListWidget *list = window.photoList();
    auto *panel = window.findChild<ui::AdjustPanel *>();
    QVERIFY(panel);

    // Photo A on white with a hard, feathered edge, cropped; photo B keeps its own (the
    // defaults).
    list->setCurrentRow(0);
    MaskAdjust hard;
    hard.threshold = 0.5;
    hard.feather = 3;
    Framing cropped;
    cropped.crop = true;
    cropped.margin = 5;
    panel->setOutputType(OutputType::colour(OutputType::kWhite));
    panel->setAdjust(hard);
    panel->setFraming(cropped);
    Q_EMIT panel->changed(panel->adjustments());
    QCOMPARE(session->adjustments(idA).type, OutputType::colour(OutputType::kWhite));
    QVERIFY(session->adjustments(idA).framing == cropped);
    list->setCurrentRow(1);
    QCOMPARE(session->adjustments(idB).type.kind, OutputType::Kind::Rgba);
    QCOMPARE(panel->outputType().kind, OutputType::Kind::Rgba);
    QVERIFY(!panel->adjust().threshold);
    QCOMPARE(panel->adjust().feather, 0);
    QVERIFY(panel->framing().isNoOp());
    QVERIFY(session->adjustments(idB).framing.isNoOp());
    QTRY_VERIFY(!session->photo(idB)->displayResult.isNull());
    const QImage cutOut = session->photo(idB)->displayResult;
    QCOMPARE(cutOut.pixelColor(cutOut.width() * 3 / 4, cutOut.height() / 2).alpha(), 0);
    // Back on A, the panel shows A's.
    list->setCurrentRow(0);
    QCOMPARE(panel->outputType(), OutputType::colour(OutputType::kWhite));
    QCOMPARE(panel->adjust().threshold, std::optional<double>(0.5));
    QCOMPARE(panel->adjust().feather, 3);
    QVERIFY(panel->framing() == cropped);

    // Apply to all: B gets A's adjustments.
    QAction *applyAll = nullptr;
    for (QAction *action : window.findChildren<QAction *>())
        if (action->text().contains(QStringLiteral("to &All")))
            applyAll = action;
    QVERIFY(applyAll && applyAll->isEnabled());
    applyAll->trigger();
    QCOMPARE(session->adjustments(idB).type, OutputType::colour(OutputType::kWhite));
    QCOMPARE(session->adjustments(idB).adjust.threshold, std::optional<double>(0.5));
    QCOMPARE(session->adjustments(idB).adjust.feather, 3);
    QVERIFY(session->adjustments(idB).framing == cropped);

    // The batch dialog starts from the current photo's adjustments, not the last batch's.
    list->setCurrentRow(1);
    panel->setOutputType(OutputType::colour(OutputType::kGreen));
    Q_EMIT panel->changed(panel->adjustments());
    QAction *batch = actionWithShortcut(&window, QKeySequence(Qt::CTRL | Qt::Key_B));
    QVERIFY(batch);
    batch->trigger();
    auto *dialog = window.findChild<ui::BatchDialog *>();
    QVERIFY(dialog);
    auto *batchPanel = dialog->findChild<ui::AdjustPanel *>(QStringLiteral("adjustPanel"));
    QVERIFY(batchPanel);
    QCOMPARE(batchPanel->outputType(), OutputType::colour(OutputType::kGreen));
    QCOMPARE(batchPanel->adjust().threshold, std::optional<double>(0.5));
    QCOMPARE(batchPanel->adjust().feather, 3);
    QVERIFY(dialog->options().framing == cropped);
    QCOMPARE(dialog->options().adjust.feather, 3);
    dialog->close();
}

void TestMainWindow::theViewOutlinesTheCropWithoutCroppingAndSaysWhenThereIsNothingToCropTo()
{
    // 5120 x 1000: the view's copy is half the photo's size, so is the margin drawn in it.
    const QString wide = writePhoto(m_dir.path(), QStringLiteral("wide.png"), 5120, 1000);
    const QString empty = m_dir.filePath(QStringLiteral("all-blue.png"));
    QVERIFY(ImageIO::writeImageAtomic(empty, cv::Mat(200, 320, CV_8UC3, cv::Scalar(255, 0, 0)))
                .isEmpty());
    LiveWindow live;
    ui::MainWindow &window = live.window;
    window.addFiles({wide, empty});
    PhotoSession *session = window.session();
    QTRY_VERIFY_WITH_TIMEOUT(session->ids().size() == 2 && allSettled(session), 60000);
    const quint64 idWide = session->ids().at(0);
    auto *panel = window.findChild<ui::AdjustPanel *>();
    ui::CompareView *view = window.compareView();
    window.photoList()->setCurrentRow(0);
    QTRY_VERIFY_WITH_TIMEOUT(!session->photo(idWide)->displayResult.isNull() &&
                                 session->photo(idWide)->displayResult.width() == 2560,
                             30000);
    QVERIFY(view->cropFrame().isNull());

    Framing framing;
    framing.crop = true;
    framing.margin = 40;
    panel->setFraming(framing);
    Q_EMIT panel->changed(panel->adjustments());
    QTRY_VERIFY_WITH_TIMEOUT(!view->cropFrame().isNull(), 30000);
    // The red half (the subject) and 40 photo pixels around it, at the view's half size; the
    // result itself is not cropped.
    const QRectF frame = view->cropFrame();
    QCOMPARE(frame.left(), -20.0);
    QCOMPARE(frame.top(), -20.0);
    QCOMPARE(frame.height(), 500.0 + 40.0);
    QVERIFY2(qAbs(frame.width() - (1280.0 + 40.0)) <= 8.0,
             qPrintable(QString::number(frame.width())));
    QCOMPARE(session->photo(idWide)->displayResult.size(), QSize(2560, 500));
    QCOMPARE(session->photo(idWide)->displayCrop, frame);

    // A photo with no subject: no frame, and the status bar says why.
    window.photoList()->setCurrentRow(1);
    const quint64 idEmpty = session->ids().at(1);
    panel->setFraming(framing);
    Q_EMIT panel->changed(panel->adjustments());
    QTRY_VERIFY_WITH_TIMEOUT(!session->photo(idEmpty)->framingError.isEmpty(), 30000);
    QTRY_VERIFY(view->hasResult());
    QVERIFY(view->cropFrame().isNull());
    const QString message = window.statusBar()->currentMessage();
    QVERIFY2(message.contains(QStringLiteral("all-blue.png")) &&
                 message.contains(QStringLiteral("nothing to crop to")),
             qPrintable(message));

    // Without the crop the message goes.
    panel->setFraming(Framing());
    Q_EMIT panel->changed(panel->adjustments());
    QTRY_VERIFY(session->photo(idEmpty)->framingError.isEmpty());
    QTRY_VERIFY(window.statusBar()->currentMessage().isEmpty());
}

void TestMainWindow::loadFailureShowsRetryAndRetryRecovers()
{
    const QString missing = m_dir.filePath(QStringLiteral("later.pt"));
    useModel(missing);
    EngineThread engine;
    ui::MainWindow window(engine.engine());
    window.show();
    QSignalSpy failed(engine.engine(), &Engine::modelFailed);
    window.loadModel();
    QTRY_VERIFY_WITH_TIMEOUT(!failed.isEmpty(), 30000);
    auto *retry = window.findChild<QToolButton *>(QStringLiteral("retryButton"));
    QVERIFY(retry);
    QTRY_VERIFY(retry->isVisible());
    auto *status = window.findChild<QLabel *>(QStringLiteral("modelStatus"));
    QVERIFY(status->text().contains(QLatin1String("later.pt")));

    // The model appears (the user fixed it); Retry loads it.
    QVERIFY(QFile::copy(m_model, missing));
    QVERIFY(QFile::copy(ModelSpec::sidecarPath(m_model), ModelSpec::sidecarPath(missing)));
    QSignalSpy ready(engine.engine(), &Engine::modelReady);
    retry->click();
    QTRY_VERIFY_WITH_TIMEOUT(!ready.isEmpty(), 30000);
    // The spy hears the engine's signal on the engine's thread; the window hears it through its
    // event loop a moment later.
    QTRY_VERIFY(status->text().contains(QLatin1String("ready")));
    QVERIFY(!retry->isVisible());
}

void TestMainWindow::recompositingA12MegapixelPhotoIsQuick()
{
    const QString big = writePhoto(m_dir.path(), QStringLiteral("big.jpg"), 4000, 3000);
    EngineThread engine;
    ui::MainWindow window(engine.engine());
    window.show();
    window.loadModel();
    PhotoSession *session = window.session();
    QSignalSpy exported(session, &PhotoSession::exportFileReady);
    window.addFiles({big});
    QTRY_VERIFY_WITH_TIMEOUT(allSettled(session), 60000);
    // The drag-out file of the first result is rendered in the background: not during the timing.
    QVERIFY(exported.wait(60000) || !exported.isEmpty());

    const QList<OutputType> types{OutputType::colour(OutputType::kWhite),
                                  OutputType::colour(OutputType::kGreen), OutputType{}};
    QSignalSpy resultChanged(session, &PhotoSession::resultChanged);
    double worst = 0;
    for (const OutputType &type : types) {
        QElapsedTimer timer;
        timer.start();
        session->setAdjustments({type, {}, {}});
        QVERIFY(resultChanged.wait(10000));
        const double ms = timer.nsecsElapsed() / 1e6;
        qInfo("re-composite to %s: %.1f ms", qPrintable(type.name()), ms);
        worst = std::max(worst, ms);
    }
    // The goal is ~50 ms; assert a bound a busy CI machine still meets.
    QVERIFY2(worst < 1000 * test::kTimeLimitScale, qPrintable(QString::number(worst)));
}

// The brightest opaque pixel's lightness of an icon drawn at 24 px: the glyph's colour.
static int glyphLightness(const QIcon &icon)
{
    const QImage image =
        icon.pixmap(QSize(24, 24)).toImage().convertToFormat(QImage::Format_ARGB32);
    int lightness = -1;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x)
            if (qAlpha(image.pixel(x, y)) == 255)
                lightness = std::max(lightness, QColor(image.pixel(x, y)).lightness());
    return lightness;
}

void TestMainWindow::toolbarIconsComeFromTheAppAndFollowTheTheme()
{
    // No icon theme at all: the icons must come from the app's own resources.
    QIcon::setThemeName(QStringLiteral("no-such-theme"));
    EngineThread thread;
    ui::applyTheme(ui::Theme::Dark);
    ui::MainWindow window(thread.engine());
    QVERIFY(!window.windowIcon().isNull());
    auto *toolbar = window.findChild<QToolBar *>(QStringLiteral("mainToolbar"));
    QVERIFY(toolbar);
    int withIcons = 0;
    for (const QAction *action : toolbar->actions()) {
        if (action->isSeparator())
            continue;
        QVERIFY2(!action->icon().isNull(), qPrintable(action->text()));
        QVERIFY2(glyphLightness(action->icon()) >= 0, qPrintable(action->text()));
        ++withIcons;
    }
    QCOMPARE(withIcons, 8);
    const QAction *open = toolbar->actions().constFirst();
    QVERIFY(glyphLightness(open->icon()) > 180); // light glyphs on the dark theme

    ui::applyTheme(ui::Theme::Light);
    QTRY_VERIFY(glyphLightness(open->icon()) < 80); // repainted dark for the light theme
    ui::applyTheme(ui::Theme::Dark);
}

void TestMainWindow::aFolderOf10000FilesIsSearchedWithoutFreezingTheWindow()
{
    // 10,000 entries in 100 folders, of which 5 are photos (the rest the search must look at and
    // pass over).
    QTemporaryDir folder;
    for (int i = 0; i < 10000; ++i) {
        const QString sub = folder.filePath(QStringLiteral("d%1").arg(i % 100));
        if (i < 100)
            QVERIFY(QDir().mkpath(sub));
        QFile file(sub + QStringLiteral("/f%1.txt").arg(i));
        QVERIFY(file.open(QIODevice::WriteOnly));
    }
    for (int i = 0; i < 5; ++i)
        writePhoto(folder.filePath(QStringLiteral("d%1").arg(i * 20)),
                   QStringLiteral("photo%1.png").arg(i));

    EngineThread engine;
    ui::MainWindow window(engine.engine());
    window.show();
    ui::StallProbe probe;
    probe.start();
    window.addFiles({folder.path()});
    // addFiles returned before the search did: it runs on a thread of its own, with its count
    // and a Cancel button in the status bar.
    QVERIFY(window.isScanning());
    QVERIFY(window.findChild<QLabel *>(QStringLiteral("scanStatus"))->isVisibleTo(&window));
    QTRY_VERIFY_WITH_TIMEOUT(!window.isScanning(), 30000);
    probe.stop();
    QTRY_COMPARE(window.session()->ids().size(), 5);
    QVERIFY(!window.findChild<QLabel *>(QStringLiteral("scanStatus"))->isVisibleTo(&window));
    qInfo("longest UI stall during the search: %.1f ms", probe.maxStallMs());
    QVERIFY2(probe.maxStallMs() < 100.0, qPrintable(QString::number(probe.maxStallMs())));
}

void TestMainWindow::twentyThousandPhotosAreAddedAndClearedWithoutFreezing()
{
    // 20,000 "photos" (empty .jpg files: each is read in turn and fails, with its reason).
    constexpr int kCount = 20000;
    QTemporaryDir folder;
    for (int d = 0; d < 100; ++d) {
        const QString sub = folder.filePath(QStringLiteral("d%1").arg(d, 3, 10, QLatin1Char('0')));
        QVERIFY(QDir().mkpath(sub));
        for (int i = 0; i < kCount / 100; ++i) {
            QFile file(sub + QStringLiteral("/p%1.jpg").arg(i));
            QVERIFY(file.open(QIODevice::WriteOnly));
        }
    }
    EngineThread engine;
    ui::MainWindow window(engine.engine());
    window.show();
    ui::StallProbe probe;
    probe.start();
    window.addFiles({folder.path()});
    QTRY_VERIFY_WITH_TIMEOUT(!window.isScanning(), 60000);
    QTRY_COMPARE_WITH_TIMEOUT(window.session()->ids().size(), qsizetype(kCount), 30000);
    QCOMPARE(window.photoList()->count(), kCount);
    // Reads go on in the background, one failure after another, without holding the window.
    const auto failed = [&window] {
        int n = 0;
        for (const quint64 id : window.session()->ids())
            n += window.session()->photo(id)->state == PhotoSession::State::Failed;
        return n;
    };
    QTRY_VERIFY_WITH_TIMEOUT(failed() >= 100, 30000);
    QElapsedTimer failing;
    failing.start();
    QTRY_VERIFY_WITH_TIMEOUT(failed() >= 600, 30000);
    qInfo("500 unreadable photos reported in %lld ms", failing.elapsed());
    const double addStall = probe.maxStallMs();
    probe.reset();
    QAction *clear =
        actionWithShortcut(&window, QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Delete));
    QVERIFY(clear);
    QElapsedTimer timer;
    timer.start();
    clear->trigger();
    const qint64 clearMs = timer.elapsed();
    QCOMPARE(window.session()->ids().size(), qsizetype(0));
    QCOMPARE(window.photoList()->count(), 0);
    qInfo("%d photos: longest UI stall while adding %.1f ms; Clear All %lld ms", kCount, addStall,
          clearMs);
    // Adding 20,000 list rows is one burst of work on the UI thread (73 ms here); it must stay
    // short.
    QVERIFY2(addStall < 400.0 * test::kTimeLimitScale, qPrintable(QString::number(addStall)));
    QVERIFY2(clearMs < 2000 * test::kTimeLimitScale, qPrintable(QString::number(clearMs)));
}

void TestMainWindow::aCancelledSearchAddsNothing()
{
    QTemporaryDir folder;
    for (int i = 0; i < 200; ++i) {
        const QString sub = folder.filePath(QStringLiteral("d%1").arg(i % 20));
        QVERIFY(QDir().mkpath(sub));
        QVERIFY(!writePhoto(sub, QStringLiteral("p%1.png").arg(i), 8, 8).isEmpty());
    }
    EngineThread engine;
    ui::MainWindow window(engine.engine());
    window.show();
    window.addFiles({folder.path()});
    QVERIFY(window.isScanning());
    window.findChild<QToolButton *>(QStringLiteral("scanCancel"))->click();
    QTRY_VERIFY_WITH_TIMEOUT(!window.isScanning(), 30000);
    // Whatever the search had found when it stopped is dropped, on purpose (the search's end is
    // where photos would have been added, so there is nothing left to wait for).
    QCOMPARE(window.session()->ids().size(), 0);
}

void TestMainWindow::removedPhotosHaveTheirQueuedRequestsCancelled()
{
    QStringList photos;
    for (int i = 0; i < 3; ++i)
        photos << writePhoto(m_dir.path(), QStringLiteral("removed%1.png").arg(i));
    const QString kept = writePhoto(m_dir.path(), QStringLiteral("kept.png"));
    EngineThread engine;
    // Counted on this thread (a QSignalSpy would be appended to from the engine's).
    int segmented = 0;
    int cancelled = 0;
    connect(engine.engine(), &Engine::segmented, this, [&] { ++segmented; });
    connect(engine.engine(), &Engine::segmentCancelled, this, [&] { ++cancelled; });
    ui::MainWindow window(engine.engine());
    window.show();
    window.addFiles(photos + QStringList{kept});
    PhotoSession *session = window.session();
    // The first photo is selected: it is read and its two passes wait in the engine, which has no
    // model yet. The others wait their turn unread (no background work while the selected photo
    // has some).
    QTRY_COMPARE(session->ids().size(), 4); // the files are looked at off the UI thread
    const quint64 first = session->ids().first();
    QCOMPARE(session->current(), first);
    QTRY_VERIFY_WITH_TIMEOUT(session->photo(first)->state == PhotoSession::State::Waiting, 30000);
    QTRY_COMPARE(session->scheduler()->requestsInEngine(), 2);
    QMetaObject::invokeMethod(
        engine.engine(), [] {}, Qt::BlockingQueuedConnection); // the engine has them
    for (const quint64 id : session->ids().mid(1))
        QCOMPARE(session->photo(id)->state, PhotoSession::State::Loading);

    QListWidget *list = window.photoList();
    QCOMPARE(list->count(), 4);
    list->clearSelection();
    for (int i = 0; i < 3; ++i)
        list->item(i)->setSelected(true);
    QAction *remove = actionWithShortcut(&window, QKeySequence(QKeySequence::Delete));
    QVERIFY(remove);
    remove->trigger();
    QCOMPARE(session->ids().size(), 1);
    QCOMPARE(list->count(), 1);
    const quint64 keptId = session->ids().first();
    QVERIFY(session->photo(keptId));
    QCOMPARE(session->photo(keptId)->name, QStringLiteral("kept.png"));
    QCOMPARE(session->current(), keptId);

    window.loadModel();
    // The kept photo's two passes run; the removed one's two are dropped without running.
    QTRY_VERIFY_WITH_TIMEOUT(session->photo(keptId) &&
                                 session->photo(keptId)->state == PhotoSession::State::Done,
                             30000);
    QTRY_COMPARE(cancelled, 2);
    QCOMPARE(segmented, 2);
}

void TestMainWindow::edgeSettingsRecompositeWithoutTheNetwork()
{
    // A photo whose edge the refinement can follow: a dark disc on a light ground, with grain.
    cv::Mat pixels(360, 480, CV_8UC3, cv::Scalar(210, 200, 190));
    cv::circle(pixels, {240, 180}, 110, cv::Scalar(40, 50, 70), cv::FILLED);
    cv::Mat grain(pixels.size(), CV_8UC3);
    cv::randu(grain, 0, 20);
    pixels += grain;
    const QString photo = m_dir.filePath(QStringLiteral("edges.png"));
    QCOMPARE(ImageIO::writeImageAtomic(photo, pixels), QString());
    EngineThread engine;
    int segmented = 0; // counted on this thread
    connect(engine.engine(), &Engine::segmented, this, [&] { ++segmented; });
    ui::MainWindow window(engine.engine());
    window.show();
    const quint64 id = openAndWait(window, photo);
    QVERIFY(id != 0);
    PhotoSession *session = window.session();
    QTRY_VERIFY(!session->photo(id)->displayResult.isNull());
    QMetaObject::invokeMethod(
        engine.engine(), [] {}, Qt::BlockingQueuedConnection);
    const int runs = segmented;
    QVERIFY(runs > 0);

    // Each edge setting in turn re-composites the photo from the mask it keeps.
    QImage shown = session->photo(id)->displayResult;
    MaskAdjust adjust;
    const auto apply = [&](const MaskAdjust &next) {
        QSignalSpy changed(session, &PhotoSession::resultChanged);
        session->setAdjustments({OutputType(), next, Framing()});
        return changed.wait(10000);
    };
    adjust.refine = false;
    QVERIFY(apply(adjust));
    QVERIFY(session->photo(id)->displayResult != shown);
    shown = session->photo(id)->displayResult;
    adjust.feather = 8;
    QVERIFY(apply(adjust));
    QVERIFY(session->photo(id)->displayResult != shown);
    adjust.shiftEdge = 5;
    QVERIFY(apply(adjust));
    adjust.refine = true;
    adjust.refineStrength = 0.5;
    QVERIFY(apply(adjust));
    QMetaObject::invokeMethod(
        engine.engine(), [] {}, Qt::BlockingQueuedConnection);
    QCOMPARE(segmented, runs);
}

void TestMainWindow::editsBesideAPhotoArePaintedAndSurviveChanges()
{
    // The model keeps the left (red) half; an edits file beside the photo erases a disc in it.
    const QString photo = writeHalves(m_dir.filePath(QStringLiteral("edited.png")));
    QVERIFY(!photo.isEmpty());
    QVERIFY(writeEdits(photo, R"({"strokes": [{"mode": "erase", "radius": 20,
                                  "points": [[80, 120]]}]})"));
    EngineThread engine;
    ui::MainWindow window(engine.engine());
    window.show();
    const quint64 id = openAndWait(window, photo);
    QVERIFY(id != 0);
    PhotoSession *session = window.session();
    QCOMPARE(session->strokes(id).size(), size_t(1));

    const auto savedAlpha = [&](const QString &name) {
        const QByteArray png = savedPng(session, id, m_dir.filePath(name));
        const cv::Mat rgba = png.isEmpty()
                                 ? cv::Mat()
                                 : cv::imdecode(cv::Mat(1, int(png.size()), CV_8UC1,
                                                        const_cast<char *>(png.constData())),
                                                cv::IMREAD_UNCHANGED);
        cv::Mat alpha;
        if (rgba.channels() == 4)
            cv::extractChannel(rgba, alpha, 3);
        return alpha;
    };
    cv::Mat alpha = savedAlpha(QStringLiteral("edited-1.png"));
    QVERIFY(!alpha.empty());
    QCOMPARE(int(alpha.at<uchar>(120, 80)), 0);  // erased
    QVERIFY(alpha.at<uchar>(120, 130) > 200);    // the rest of the subject
    QCOMPARE(int(alpha.at<uchar>(120, 250)), 0); // background

    // A new background and a re-run of the model keep the strokes.
    session->setAdjustments({OutputType::colour(OutputType::kGreen), MaskAdjust(), Framing()});
    session->setAdjustments({OutputType(), MaskAdjust(), Framing()});
    session->redoMasks();
    QTRY_COMPARE_WITH_TIMEOUT(session->photo(id)->state, PhotoSession::State::Done, 30000);
    alpha = savedAlpha(QStringLiteral("edited-2.png"));
    QVERIFY(!alpha.empty());
    QCOMPARE(int(alpha.at<uchar>(120, 80)), 0);
    QVERIFY(alpha.at<uchar>(120, 130) > 200);

    // Clearing the strokes brings the subject back.
    session->setStrokes(id, {});
    alpha = savedAlpha(QStringLiteral("edited-3.png"));
    QVERIFY(alpha.at<uchar>(120, 80) > 200);
}

void TestMainWindow::undoAndRedoGiveTheSameBytes()
{
    const QString photo = writeHalves(m_dir.filePath(QStringLiteral("undo.png")), 30);
    QVERIFY(!photo.isEmpty());
    QVERIFY(writeEdits(photo, R"({"strokes": [{"mode": "erase", "radius": 15,
                                  "points": [[60, 60], [90, 90]]}]})"));
    EngineThread engine;
    ui::MainWindow window(engine.engine());
    window.show();
    const quint64 id = openAndWait(window, photo);
    QVERIFY(id != 0);
    PhotoSession *session = window.session();
    QCOMPARE(session->strokes(id).size(), size_t(1));

    int saves = 0;
    const auto saved = [&] {
        return savedPng(session, id, m_dir.filePath(QStringLiteral("undo-%1.png").arg(++saves)));
    };
    QAction *undo = actionWithShortcut(&window, QKeySequence(QKeySequence::Undo));
    QAction *redo = actionWithShortcut(&window, QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z));
    QVERIFY(undo && redo);
    QVERIFY(!undo->isEnabled());

    const QByteArray original = saved();
    QVERIFY(original.size() > 1000);
    // Three steps of one control are one undo step, named after it.
    auto *feather = window.findChild<QSpinBox *>(QStringLiteral("feather"));
    QVERIFY(feather);
    for (const int value : {2, 4, 6})
        feather->setValue(value);
    QCOMPARE(session->adjustments(id).adjust.feather, 6);
    QCOMPARE(undo->text(), QStringLiteral("&Undo Feather"));
    const QByteArray feathered = saved();
    QVERIFY(feathered != original);

    undo->trigger();
    QCOMPARE(session->adjustments(id).adjust.feather, 0);
    QCOMPARE(feather->value(), 0); // the panel shows it
    QCOMPARE(saved(), original);
    QVERIFY(!undo->isEnabled());
    redo->trigger();
    QCOMPARE(feather->value(), 6);
    QCOMPARE(saved(), feathered);

    // Strokes too: Reset Edits, then undo it.
    QAction *reset = nullptr;
    for (QAction *action : window.findChildren<QAction *>())
        if (action->text() == QStringLiteral("Reset &Edits"))
            reset = action;
    QVERIFY(reset && reset->isEnabled());
    reset->trigger();
    QVERIFY(session->strokes(id).empty());
    QVERIFY(saved() != feathered);
    QCOMPARE(undo->text(), QStringLiteral("&Undo Reset Edits"));
    undo->trigger();
    QCOMPARE(session->strokes(id).size(), size_t(1));
    QCOMPARE(saved(), feathered);
}

void TestMainWindow::savedEditsComeBackAndTheBatchUsesThem()
{
    const QString photo = writeHalves(m_dir.filePath(QStringLiteral("kept.png")), 30);
    QVERIFY(!photo.isEmpty());
    Stroke erase;
    erase.radius = 18;
    erase.points = {{70, 100}, {90, 140}};
    Adjustments adjustments;
    adjustments.type = OutputType::colour(OutputType::kGreen);
    adjustments.adjust.feather = 4;

    EngineThread engine;
    const auto saveFrom = [&](PhotoSession *session, quint64 id, const QString &name) {
        return savedPng(session, id, m_dir.filePath(name));
    };
    QByteArray edited;
    {
        ui::MainWindow window(engine.engine());
        window.show();
        const quint64 id = openAndWait(window, photo);
        QVERIFY(id != 0);
        PhotoSession *session = window.session();
        session->setAdjustments(adjustments);
        session->setStrokes(id, {erase});
        edited = saveFrom(session, id, QStringLiteral("kept-1.png"));
        QVERIFY(edited.size() > 1000);
        QAction *saveEdits =
            actionWithShortcut(&window, QKeySequence(Qt::CTRL | Qt::ALT | Qt::Key_S));
        QVERIFY(saveEdits && saveEdits->isEnabled());
        QSignalSpy written(session, &PhotoSession::editsSaved);
        saveEdits->trigger();
        QVERIFY(written.wait(10000));
        QCOMPARE(written.first().at(1).toString(), Edits::pathFor(photo));
    }
    QString error;
    const auto file = Edits::readFile(Edits::pathFor(photo), &error);
    QVERIFY2(file, qPrintable(error));
    QVERIFY(file->adjustments && *file->adjustments == adjustments);
    QVERIFY(file->strokes == std::vector<Stroke>{erase});

    // Opened again: the same adjustments (the panel shows them) and strokes, the same bytes.
    ui::MainWindow window(engine.engine());
    window.show();
    const quint64 id = openAndWait(window, photo);
    QVERIFY(id != 0);
    PhotoSession *session = window.session();
    QTRY_VERIFY(session->adjustments(id) == adjustments);
    QVERIFY(session->strokes(id) == std::vector<Stroke>{erase});
    auto *feather = window.findChild<QSpinBox *>(QStringLiteral("feather"));
    QVERIFY(feather);
    QCOMPARE(feather->value(), 4);
    QCOMPARE(saveFrom(session, id, QStringLiteral("kept-2.png")), edited);

    // A batch finds the file beside the photo: its adjustments and strokes, whatever the batch's
    // own adjustments are.
    const QString folder = m_dir.filePath(QStringLiteral("kept-batch"));
    BatchOptions options;
    options.destination = folder;
    options.namePattern = QStringLiteral("{stem}");
    const auto exported = [&](const BatchOptions &batchOptions) {
        BatchExporter batch(engine.engine());
        QSignalSpy finished(&batch, &BatchExporter::finished);
        batch.start(BatchExporter::collectInputs({photo}), batchOptions);
        QFile out(QDir(folder).filePath(QStringLiteral("kept.png")));
        const bool done = finished.wait(30000) &&
                          finished.first().first().value<BatchSummary>().done == 1 &&
                          out.open(QIODevice::ReadOnly);
        const QByteArray bytes = done ? out.readAll() : QByteArray();
        out.remove();
        return bytes;
    };
    QCOMPARE(exported(options), edited);

    // A stroke painted and not saved: the window's Batch Export hands it over, and the batch
    // exports what the window saves.
    Stroke restore = erase;
    restore.mode = Stroke::Mode::Restore;
    restore.radius = 8;
    session->setStrokes(id, {erase, restore});
    const QByteArray painted = saveFrom(session, id, QStringLiteral("kept-3.png"));
    QVERIFY(painted != edited);
    QAction *batchAction = actionWithShortcut(&window, QKeySequence(Qt::CTRL | Qt::Key_B));
    QVERIFY(batchAction);
    batchAction->trigger();
    auto *dialog = window.findChild<ui::BatchDialog *>();
    QVERIFY(dialog);
    const BatchOptions fromWindow = dialog->options();
    QCOMPARE(fromWindow.heldStrokes.size(), 1);
    QVERIFY(fromWindow.heldStrokes.value(photo) == (std::vector<Stroke>{erase, restore}));
    dialog->close();
    options.heldStrokes = fromWindow.heldStrokes;
    QCOMPARE(exported(options), painted);
}

void TestMainWindow::holdingHFlashesTheOriginal()
{
    EngineThread engine;
    ui::MainWindow window(engine.engine());
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    auto *view = window.findChild<ui::CompareView *>();
    QVERIFY(view);
    const auto mode = view->mode();
    // From the list, which would otherwise take the letter for its keyboard search.
    window.photoList()->setFocus();
    QTest::keyPress(window.photoList(), Qt::Key_H);
    QVERIFY(view->isFlashingOriginal());
    QCOMPARE(view->mode(), mode);
    QTest::keyRelease(window.photoList(), Qt::Key_H);
    QVERIFY(!view->isFlashingOriginal());
    // With a modifier it is not the flash.
    QTest::keyPress(window.photoList(), Qt::Key_H, Qt::ControlModifier);
    QVERIFY(!view->isFlashingOriginal());
    QTest::keyRelease(window.photoList(), Qt::Key_H, Qt::ControlModifier);
}

void TestMainWindow::theEraseBrushMakesThosePixelsTransparent()
{
    // The model keeps the left (red) half; a brush stroke erases part of it.
    const QString photo = writeHalves(m_dir.filePath(QStringLiteral("brush.png")));
    QVERIFY(!photo.isEmpty());
    EngineThread engine;
    ui::MainWindow window(engine.engine());
    window.resize(1000, 700);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    const quint64 id = openAndWait(window, photo);
    QVERIFY(id != 0);
    PhotoSession *session = window.session();
    auto *view = window.findChild<ui::CompareView *>();
    QTRY_VERIFY(view->hasResult());
    view->setMode(ui::CompareView::Mode::ResultOnly);

    QAction *erase = actionWithShortcut(&window, QKeySequence(Qt::Key_E));
    QVERIFY(erase);
    erase->trigger();
    QVERIFY(view->brush().has_value());
    const double radius = view->brush()->radius;
    const QPoint at = view->toWidget({80, 120}).toPoint();
    const QPointF photoAt = view->toPhoto(at);
    QTest::mousePress(view, Qt::LeftButton, {}, at);
    QTest::mouseRelease(view, Qt::LeftButton, {}, at);
    QCOMPARE(session->strokes(id).size(), size_t(1));
    // The full-resolution mask kept for the photo follows the stroke (it is painted in, not made
    // again), and the save below cuts with it.
    QTRY_VERIFY(session->hasFullMask(id));

    const QString saved = m_dir.filePath(QStringLiteral("brush-out.png"));
    QSignalSpy done(session, &PhotoSession::saved);
    session->save(id, saved, QStringLiteral("png"));
    QVERIFY(done.wait(30000));
    const cv::Mat rgba = cv::imread(saved.toStdString(), cv::IMREAD_UNCHANGED);
    QCOMPARE(rgba.channels(), 4);
    // Hard brush core: erased within it; the rest of the subject untouched.
    const double hard = radius * view->brush()->hardness;
    int wrong = 0;
    for (int y = 0; y < rgba.rows; ++y) {
        for (int x = 0; x < 150; ++x) {
            const double d = std::hypot(x - photoAt.x(), y - photoAt.y());
            const int alpha = rgba.at<cv::Vec4b>(y, x)[3];
            if ((d < hard - 1 && alpha != 0) || (d > radius + 1 && alpha < 200))
                ++wrong;
        }
    }
    QCOMPARE(wrong, 0);

    QAction *undo = actionWithShortcut(&window, QKeySequence(QKeySequence::Undo));
    QCOMPARE(undo->text(), QStringLiteral("&Undo Erase"));
    QSignalSpy followed(session, &PhotoSession::fullMaskUpdated);
    undo->trigger();
    QVERIFY(session->strokes(id).empty());
    QVERIFY(!session->hasFullMask(id));
    QVERIFY(followed.wait(10000));
    QVERIFY(session->hasFullMask(id));
    erase->trigger(); // unchecked: dragging pans again
    QVERIFY(!view->brush().has_value());
}

void TestMainWindow::aPresetReproducesTheSameExport()
{
    const QString photo = writeHalves(m_dir.filePath(QStringLiteral("preset.png")), 30);
    QVERIFY(!photo.isEmpty());
    EngineThread engine;
    ui::MainWindow window(engine.engine());
    window.show();
    const quint64 id = openAndWait(window, photo);
    QVERIFY(id != 0);
    PhotoSession *session = window.session();
    auto *panel = window.findChild<ui::AdjustPanel *>();
    auto *combo = panel->findChild<QComboBox *>(QStringLiteral("preset"));
    QVERIFY(combo);
    int saves = 0;
    const auto saved = [&] {
        return savedPng(session, id, m_dir.filePath(QStringLiteral("preset-%1.png").arg(++saves)));
    };
    const auto userSets = [&](const Adjustments &adjustments) {
        panel->setAdjustments(adjustments);
        Q_EMIT panel->changed(panel->adjustments());
    };

    Adjustments look;
    look.adjust.feather = 5;
    look.adjust.refineStrength = 0.5;
    look.framing = *Framing::parse(QStringLiteral("12px"), QStringLiteral("square"));
    userSets(look);
    const QByteArray withLook = saved();
    QVERIFY(withLook.size() > 1000);
    Q_EMIT panel->presetSaveRequested(QStringLiteral("Look"));
    QCOMPARE(window.presets().size(), 1);
    const QString file = m_dir.filePath(QStringLiteral("presets.json"));
    QVERIFY(window.exportPresets(file));

    userSets(Adjustments());
    QVERIFY(saved() != withLook);
    // Imported again (it replaces the one of the same name) and picked: the same bytes.
    QVERIFY(window.importPresets(file));
    QCOMPARE(window.presets().size(), 1);
    const int index = combo->findText(QStringLiteral("Look"));
    QVERIFY(index > 0);
    Q_EMIT combo->activated(index);
    QVERIFY(session->adjustments(id) == window.presets().first().adjustments);
    QCOMPARE(saved(), withLook);
    // A file that is not presets is a message, not a change.
    QFile bad(m_dir.filePath(QStringLiteral("bad-presets.json")));
    QVERIFY(bad.open(QIODevice::WriteOnly));
    bad.write("{}");
    bad.close();
    QVERIFY(!window.importPresets(bad.fileName()));
    QVERIFY(window.lastMessage().contains(QLatin1String("bad-presets.json")));
    QCOMPARE(window.presets().size(), 1);
}

void TestMainWindow::savingAndBatchExportWriteTheSameBytes()
{
    // Grain over red and blue halves: soft mask edges after upsampling, so the foreground
    // estimate has work to do, and files that do not compress to nothing.
    cv::Mat pixels(480, 640, CV_8UC3, cv::Scalar(255, 0, 0));
    pixels(cv::Rect(0, 0, 320, 480)).setTo(cv::Scalar(0, 0, 255));
    cv::Mat grain(pixels.size(), CV_8UC3);
    cv::randu(grain, 0, 40);
    cv::subtract(pixels, grain, pixels);
    cv::add(pixels, grain / 2, pixels);
    const QString photo = m_dir.filePath(QStringLiteral("same.png"));
    QCOMPARE(ImageIO::writeImageAtomic(photo, pixels), QString());
    EngineThread engine;
    ui::MainWindow window(engine.engine());
    window.show();
    const quint64 id = openAndWait(window, photo);
    QVERIFY(id != 0);
    PhotoSession *session = window.session();

    struct Case
    {
        OutputType type;
        MaskAdjust adjust;
        Framing framing;
        QString format;
    };
    MaskAdjust hard;
    hard.threshold = 0.4;
    MaskAdjust soft;
    soft.feather = 6;
    soft.shiftEdge = -2;
    soft.refineStrength = 0.5;
    Framing square;
    square.crop = true;
    square.margin = 8;
    square.canvas = Framing::Canvas::Square;
    const QList<Case> cases{
        {OutputType(), MaskAdjust(), Framing(), QStringLiteral("png")},
        {OutputType(), MaskAdjust(), Framing(), QStringLiteral("jpg")},
        {OutputType::colour(OutputType::kGreen), hard, Framing(), QStringLiteral("webp")},
        {OutputType(), soft, square, QStringLiteral("tif")}};
    for (const Case &c : cases) {
        const QString folder = m_dir.filePath(QStringLiteral("same-") + c.format);
        QVERIFY(QDir().mkpath(folder + QStringLiteral("/batch")));
        session->setAdjustments({c.type, c.adjust, c.framing});
        const QString saved = folder + QStringLiteral("/window.") + c.format;
        QSignalSpy savedSpy(session, &PhotoSession::saved);
        session->save(id, saved, c.format);
        QVERIFY(savedSpy.wait(30000));

        BatchExporter batch(engine.engine());
        BatchOptions options;
        options.destination = folder + QStringLiteral("/batch");
        options.format = c.format;
        options.webpLossless = false; // as the window's Save
        options.type = c.type;
        options.adjust = c.adjust;
        options.framing = c.framing;
        QSignalSpy finished(&batch, &BatchExporter::finished);
        batch.start(BatchExporter::collectInputs({photo}), options);
        QVERIFY(finished.wait(30000));
        const auto summary = finished.first().first().value<BatchSummary>();
        QCOMPARE(summary.done, 1);
        const QString exported = OutputNaming::outputPathFor(
            BatchExporter::collectInputs({photo}).first(), 0, 1, options);

        QFile a(saved), b(exported);
        QVERIFY(a.open(QIODevice::ReadOnly));
        QVERIFY2(b.open(QIODevice::ReadOnly), qPrintable(exported));
        const QByteArray bytes = a.readAll();
        QVERIFY(bytes.size() > 1000);
        QVERIFY2(bytes == b.readAll(), qPrintable(c.format));
        if (!c.framing.isNoOp()) {
            // Cropped to the red half (320 x 480, the whole height) and the margin, on a
            // square.
            const QImage framed(saved);
            QCOMPARE(framed.size(), QSize(480 + 2 * 8, 480 + 2 * 8));
        }
    }
}

void TestMainWindow::theDragOutTileIsReadyForEachPhotoAndDroppingItBackAddsNothing()
{
    const QString a = writePhoto(m_dir.path(), QStringLiteral("tile-a.png"));
    const QString b = writePhoto(m_dir.path(), QStringLiteral("tile-b.png"));
    LiveWindow live;
    ui::MainWindow &window = live.window;
    window.addFiles({a, b});
    PhotoSession *session = window.session();
    QTRY_VERIFY_WITH_TIMEOUT(session->ids().size() == 2 && allSettled(session), 30000);
    auto *tile = window.findChild<QToolButton *>(QStringLiteral("dragOut"));
    QVERIFY(tile);
    QListWidget *list = window.photoList();

    // Each photo selected in turn gets its tile without any option being changed.
    QString first;
    for (int row = 0; row < 2; ++row) {
        list->setCurrentRow(row);
        const quint64 id = session->ids().at(row);
        QTRY_VERIFY_WITH_TIMEOUT(tile->isEnabled() && !session->photo(id)->exportFile.isEmpty(),
                                 30000);
        const QString file = session->photo(id)->exportFile;
        QVERIFY(QFileInfo::exists(file));
        QVERIFY(file != first);
        first = file;
    }

    // The tile's file dropped back onto the window is not added again.
    QMimeData mime;
    mime.setUrls({QUrl::fromLocalFile(first)});
    const QPoint pos = window.rect().center();
    QDragEnterEvent enter(pos, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(&window, &enter);
    QVERIFY(!enter.isAccepted());
    QDropEvent dropEvent(QPointF(pos), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(&window, &dropEvent);
    QCoreApplication::processEvents();
    QVERIFY(!window.isScanning());
    QCOMPARE(session->ids().size(), 2);
    QCOMPARE(list->count(), 2);
}

void TestMainWindow::clearAllEmptiesTheWindow()
{
    const QString a = writePhoto(m_dir.path(), QStringLiteral("clear-a.png"));
    const QString b = writePhoto(m_dir.path(), QStringLiteral("clear-b.png"));
    EngineThread engine;
    ui::MainWindow window(engine.engine());
    window.show();
    window.loadModel();
    window.addFiles({a, b});
    QTRY_VERIFY_WITH_TIMEOUT(allSettled(window.session()), 30000);
    QVERIFY(window.compareView()->hasOriginal());
    QAction *clear =
        actionWithShortcut(&window, QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Delete));
    QVERIFY(clear);
    QVERIFY(clear->isEnabled());
    clear->trigger();
    QCOMPARE(window.session()->ids().size(), 0);
    QCOMPARE(window.photoList()->count(), 0);
    QVERIFY(!window.compareView()->hasOriginal());
    QVERIFY(!clear->isEnabled());
}

void TestMainWindow::aNewPhotoIsSelectedAndCtrlEqualsZoomsIn()
{
    const QString first = writePhoto(m_dir.path(), QStringLiteral("first.png"));
    const QString second = writePhoto(m_dir.path(), QStringLiteral("second.png"), 400, 300);
    EngineThread engine;
    ui::MainWindow window(engine.engine());
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    window.addFiles({first});
    QTRY_VERIFY(window.compareView()->hasOriginal());
    QTRY_VERIFY(window.windowTitle().startsWith(QLatin1String("first.png")));
    window.addFiles({second});
    // The photo just added is the one shown, not the first one still.
    QTRY_VERIFY(window.windowTitle().startsWith(QLatin1String("second.png")));
    QCOMPARE(window.photoList()->selectedItems().size(), 1);

    auto *zoomLabel = window.findChild<QLabel *>(QStringLiteral("zoomLabel"));
    QTRY_VERIFY(zoomLabel->isVisibleTo(&window));
    const double before = window.compareView()->zoom();
    QCOMPARE(zoomLabel->text(), QStringLiteral("%1%").arg(qRound(before * 100)));
    QTest::keyClick(&window, Qt::Key_Equal, Qt::ControlModifier);
    QTRY_VERIFY(window.compareView()->zoom() > before * 1.2);
    QCOMPARE(zoomLabel->text(),
             QStringLiteral("%1%").arg(qRound(window.compareView()->zoom() * 100)));
    QTest::keyClick(&window, Qt::Key_Minus, Qt::ControlModifier);
    QTRY_VERIFY(qAbs(window.compareView()->zoom() - before) < before * 0.01);
}

void TestMainWindow::dragFoldersOfKilledRunsAreRemovedAndLiveOnesKept()
{
    QProcess ended;
    ended.start(QStringLiteral("/bin/true"));
    QVERIFY(ended.waitForStarted());
    const qint64 deadPid = ended.processId();
    QVERIFY(ended.waitForFinished());
    QProcess running;
    running.start(QStringLiteral("/bin/sleep"), {QStringLiteral("30")});
    QVERIFY(running.waitForStarted());

    const QDir temp(QDir::tempPath());
    const auto makeFolder = [&](qint64 pid) {
        const QString path = temp.filePath(QStringLiteral("ClearCut-drag-%1-test01").arg(pid));
        QDir().mkpath(path);
        QFile file(path + QStringLiteral("/photo_rgba.png"));
        file.open(QIODevice::WriteOnly);
        return path;
    };
    const QString stale = makeFolder(deadPid);
    const QString live = makeFolder(running.processId());
    const QString mine = makeFolder(QCoreApplication::applicationPid());
    QVERIFY(QFileInfo::exists(stale));

    QVERIFY(PhotoSession::removeStaleDragFolders() >= 1);
    QVERIFY(!QFileInfo::exists(stale));
    QVERIFY(QFileInfo::exists(live));
    QVERIFY(QFileInfo::exists(mine));

    running.kill();
    running.waitForFinished();
    QDir(live).removeRecursively();
    QDir(mine).removeRecursively();
}

void TestMainWindow::ctrlSSavesAgainWithoutADialogAndSaysWhere()
{
    const QString photo = writePhoto(m_dir.path(), QStringLiteral("saved-again.png"));
    QTemporaryDir out;
    const QString target = out.filePath(QStringLiteral("cut-out.png"));
    EngineThread engine;
    ui::MainWindow window(engine.engine());
    int asked = 0;
    window.setSavePathAsker([&](const QString &, bool) {
        ++asked;
        return target;
    });
    window.show();
    window.loadModel();
    window.addFiles({photo});
    QAction *save = actionWithShortcut(&window, QKeySequence(QKeySequence::Save));
    QAction *saveAs = actionWithShortcut(&window, QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S));
    QVERIFY(save && saveAs);
    QTRY_VERIFY_WITH_TIMEOUT(save->isEnabled(), 30000);
    PhotoSession *session = window.session();
    QSignalSpy saved(session, &PhotoSession::saved);

    // The first Save asks where.
    save->trigger();
    QCOMPARE(asked, 1);
    QVERIFY(saved.wait(30000));
    QCOMPARE(saved.last().at(1).toString(), target);
    // In the status bar, where its messages are written, with a way to the folder.
    auto *said = window.statusBar()->findChild<QLabel *>(QStringLiteral("savedMessage"));
    QVERIFY(said);
    QVERIFY(said->isVisibleTo(&window));
    QCOMPARE(said->text(), QStringLiteral("Saved to %1").arg(QDir::toNativeSeparators(target)));
    auto *showInFolder =
        window.statusBar()->findChild<QToolButton *>(QStringLiteral("showInFolder"));
    QVERIFY(showInFolder);
    QVERIFY(showInFolder->isVisibleTo(&window));
    const QImage transparent(target);
    QCOMPARE(transparent.pixelColor(transparent.width() * 3 / 4, transparent.height() / 2).alpha(),
             0);

    // On white now: Ctrl+S writes the new result to the same file, asking nothing.
    auto *panel = window.findChild<ui::AdjustPanel *>();
    panel->setOutputType(OutputType::colour(OutputType::kWhite));
    Q_EMIT panel->changed(panel->adjustments());
    QTRY_VERIFY_WITH_TIMEOUT(save->isEnabled(), 30000);
    QTest::keyClick(&window, Qt::Key_S, Qt::ControlModifier);
    QVERIFY(saved.wait(30000));
    QCOMPARE(asked, 1);
    QCOMPARE(saved.last().at(1).toString(), target);
    const QImage white(target);
    QCOMPARE(white.pixelColor(white.width() * 3 / 4, white.height() / 2), QColor(Qt::white));
    QCOMPARE(QDir(out.path()).entryList(QDir::Files), QStringList{QStringLiteral("cut-out.png")});

    // Save As always asks; a message other than the save's hides Show in folder.
    saveAs->trigger();
    QCOMPARE(asked, 2);
    QVERIFY(saved.wait(30000));
    QVERIFY(showInFolder->isVisibleTo(&window));
    window.statusBar()->showMessage(QStringLiteral("something else"));
    QVERIFY(!showInFolder->isVisibleTo(&window));
    QVERIFY(!said->isVisibleTo(&window));

    // A photo removed and added again is a new document: its first Save asks again.
    window.session()->clear();
    window.addFiles({photo});
    QTRY_VERIFY_WITH_TIMEOUT(save->isEnabled(), 30000);
    save->trigger();
    QCOMPARE(asked, 3);
}

void TestMainWindow::theFirstSaveDoesNotOfferAReadOnlyFolder()
{
    QTemporaryDir readOnly;
    QTemporaryDir writable;
    const QString locked = writePhoto(readOnly.path(), QStringLiteral("card.png"));
    const QString open = writePhoto(writable.path(), QStringLiteral("desk.png"));
    QVERIFY(QFile::setPermissions(readOnly.path(), QFile::ReadOwner | QFile::ExeOwner |
                                                       QFile::ReadGroup | QFile::ExeGroup |
                                                       QFile::ReadOther | QFile::ExeOther));
    EngineThread engine;
    ui::MainWindow window(engine.engine());
    QStringList suggested;
    window.setSavePathAsker([&](const QString &path, bool) {
        suggested << path;
        return QString(); // cancelled
    });
    window.show();
    window.loadModel();
    window.addFiles({locked});
    QAction *save = actionWithShortcut(&window, QKeySequence(QKeySequence::Save));
    QTRY_VERIFY_WITH_TIMEOUT(save->isEnabled(), 30000);
    save->trigger();
    QCOMPARE(suggested.size(), 1);
    const QString offered = QFileInfo(suggested.at(0)).absolutePath();
    QVERIFY2(offered != QFileInfo(readOnly.path()).absoluteFilePath(), qPrintable(offered));
    QVERIFY2(QFileInfo(offered).isDir() && QFileInfo(offered).isWritable(), qPrintable(offered));
    QCOMPARE(QFileInfo(suggested.at(0)).fileName(), QStringLiteral("card_rgba.png"));

    // A photo in a folder that can be written: the result is offered beside it.
    window.addFiles({open});
    QTRY_VERIFY(window.windowTitle().startsWith(QLatin1String("desk.png")));
    QTRY_VERIFY_WITH_TIMEOUT(save->isEnabled(), 30000);
    save->trigger();
    QCOMPARE(suggested.size(), 2);
    QCOMPARE(QFileInfo(suggested.at(1)).absolutePath(),
             QFileInfo(writable.path()).absoluteFilePath());
    QVERIFY(QFile::setPermissions(readOnly.path(),
                                  QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
}

void TestMainWindow::aCudaChoiceThatCannotWorkFallsBackToTheCpu()
{
    if (Engine::cudaSupport() == CudaSupport::Available)
        QSKIP("CUDA works here: there is nothing to fall back from");
    useModel(m_model, DevicePreference::Cuda);
    EngineThread engine;
    ui::MainWindow window(engine.engine());
    QList<ModelInfo> ready; // counted on this thread
    connect(engine.engine(), &Engine::modelReady, this,
            [&](const ModelInfo &info) { ready << info; });
    window.show();
    window.loadModel();
    QTRY_COMPARE_WITH_TIMEOUT(ready.size(), 1, 30000);
    QCOMPARE(ready.first().device, QStringLiteral("cpu"));
    const QString said = window.statusBar()->currentMessage();
    QVERIFY2(said.startsWith(QLatin1String("CUDA could not be used (")), qPrintable(said));
    QVERIFY2(said.endsWith(QLatin1String("): running on the CPU")), qPrintable(said));
    auto *status = window.findChild<QLabel *>(QStringLiteral("modelStatus"));
    QTRY_VERIFY(status->text().contains(QLatin1String("ready")));
    QVERIFY(!window.findChild<QToolButton *>(QStringLiteral("retryButton"))->isVisible());
    // The check behind Preferences' CUDA entry has answered, as the engine does.
    QTRY_VERIFY(window.cudaSupport().has_value());
    QCOMPARE(*window.cudaSupport(), Engine::cudaSupport());
    // The user's choice is kept: a later build or machine with CUDA uses it.
    QCOMPARE(ui::AppSettings::load(*ui::openSettings()).device, DevicePreference::Cuda);
}

QTEST_MAIN(TestMainWindow)
#include "test_mainwindow.moc"
