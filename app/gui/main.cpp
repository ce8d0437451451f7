#include "SmokeRun.h"
#include "Translations.h"

#include "app/TerminationSignals.h"
#include "engine/Edits.h"
#include "engine/Engine.h"
#include "engine/EngineThread.h"
#include "engine/LargePages.h"
#include "ui/AppSettings.h"
#include "ui/FirstShow.h"
#include "ui/IconSet.h"
#include "ui/MainWindow.h"
#include "ui/PhotoSession.h"
#include "ui/Theme.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QSettings>

#include <cstdio>
#include <cstdlib>
#include <memory>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("ClearCut"));
    QApplication::setOrganizationName(QStringLiteral("ClearCut"));
    QApplication::setApplicationVersion(QStringLiteral(CLEARCUT_VERSION));
    QGuiApplication::setDesktopFileName(QStringLiteral(CLEARCUT_APP_ID));
    const QString translation = clearcut::app::installTranslations(app);
    clearcut::ui::applyTheme(clearcut::ui::AppSettings::load(*clearcut::ui::openSettings()).theme);

    QCommandLineParser parser;
    parser.setApplicationDescription(QApplication::translate("main", "Removes photo backgrounds."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption smoke(
        QStringLiteral("smoke"),
        QApplication::translate("main", "Automation: take the photos IN... through the window as "
                                        "a drop, save photo K's result to OUT.png, print timings "
                                        "as JSON once every photo is done, and quit."));
    parser.addOption(smoke);
    const QCommandLineOption select(
        QStringLiteral("select"),
        QApplication::translate("main", "With --smoke: the photo to select right after the drop "
                                        "(from 1, in the order given; default 1)."),
        QStringLiteral("K"), QStringLiteral("1"));
    parser.addOption(select);
    const QCommandLineOption edits(
        QStringLiteral("edits"),
        QApplication::translate("main", "With --smoke: an edits file (NAME.clearcut.json: "
                                        "adjustments and brush strokes) given to every photo's "
                                        "document."),
        QStringLiteral("file"));
    parser.addOption(edits);
    parser.addPositionalArgument(QStringLiteral("photos"),
                                 QApplication::translate("main", "Photos or folders to open."),
                                 QStringLiteral("[photos...]"));
    parser.process(app);

    // LibTorch takes half a second to load, holding the dynamic loader's lock; starting a thread
    // or loading a plugin waits for that lock. So the window's threads and plugins come first,
    // then the library loads on the engine's thread while the window is built and painted: it
    // starts ~55 ms after main() (the CLI's ~5 ms), where loading after the first paint started
    // it ~160 ms after, and loading with the window's threads still to start froze the window.
    clearcut::EngineThread engineThread;
    clearcut::Engine *engine = engineThread.engine();
    // Freed image buffers go straight back: with 200 x 24 MP photos dropped, keeping them for the
    // next photo raised the peak from 1812 to 1998 MB and saved no time (all done in 149 s either
    // way); a batch keeps them (4% faster).
    clearcut::LargePages::setKeptLimit(0);
    auto *session = new clearcut::ui::PhotoSession(engine);
    clearcut::ui::prepareFirstShow();
    QMetaObject::invokeMethod(engine, &clearcut::Engine::loadInferenceLibrary,
                              Qt::QueuedConnection);

    QApplication::setWindowIcon(clearcut::ui::appIcon());
    auto window = std::make_unique<clearcut::ui::MainWindow>(engine, session);

    std::unique_ptr<clearcut::app::SmokeRun> smokeRun;
    if (parser.isSet(smoke)) {
        QStringList args = parser.positionalArguments();
        bool ok = false;
        const int selected = parser.value(select).toInt(&ok);
        if (args.size() < 2 || !ok || selected < 1 || selected > args.size() - 1) {
            std::fprintf(stderr,
                         "usage: clearcut --smoke IN... OUT.png [--select K] [--edits FILE]\n");
            return 2;
        }
        std::optional<clearcut::PhotoEdits> photoEdits;
        if (parser.isSet(edits)) {
            QString error;
            photoEdits = clearcut::Edits::readFile(parser.value(edits), &error);
            if (!photoEdits) {
                std::fprintf(stderr, "--edits %s\n", qPrintable(error));
                return 2;
            }
        }
        const QString output = args.takeLast();
        smokeRun = std::make_unique<clearcut::app::SmokeRun>(window.get(), args, output, selected);
        smokeRun->setEdits(photoEdits);
        smokeRun->setTranslation(translation);
    }

    if (smokeRun)
        smokeRun->start();
    else
        window->addFiles(parser.positionalArguments());
    window->loadModel(); // queued behind the library
    window->show();
    // The session's end (SIGTERM at logout, Ctrl+C in a terminal): quit without questions, as
    // the system asks. Saves and batch writes in flight finish (the window and its session wait
    // for them as they go), so every file is whole or absent; then the process ends without
    // waiting for an inference or a model load that LibTorch cannot stop.
    int terminatedBy = 0;
    clearcut::app::installTerminationHandler(&app, [&terminatedBy](int signal) {
        terminatedBy = signal;
        QCoreApplication::quit();
    });
    const int exitCode = app.exec();
    smokeRun.reset();
    window.reset();
    if (terminatedBy) {
        std::fflush(nullptr);
        std::_Exit(exitCode);
    }
    return exitCode;
}
