#include "SmokeRun.h"
#include "Translations.h"

#include "engine/EngineThread.h"
#include "ui/AppSettings.h"
#include "ui/IconSet.h"
#include "ui/MainWindow.h"
#include "ui/Theme.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QSettings>

#include <cstdio>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("ClearCut"));
    QApplication::setOrganizationName(QStringLiteral("ClearCut"));
    QApplication::setApplicationVersion(QStringLiteral(CLEARCUT_VERSION));
    QGuiApplication::setDesktopFileName(QStringLiteral(CLEARCUT_APP_ID));
    QApplication::setWindowIcon(clearcut::ui::appIcon());
    const QString translation = clearcut::app::installTranslations(app);
    clearcut::ui::applyTheme(clearcut::ui::AppSettings::load(*clearcut::ui::openSettings()).theme);

    QCommandLineParser parser;
    parser.setApplicationDescription(QApplication::translate("main", "Removes photo backgrounds."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption smoke(
        QStringLiteral("smoke"),
        QApplication::translate("main", "Automation: process IMAGE through the window, save it to "
                                        "OUT.png, print timings as JSON and quit."));
    parser.addOption(smoke);
    parser.addPositionalArgument(QStringLiteral("photos"),
                                 QApplication::translate("main", "Photos or folders to open."),
                                 QStringLiteral("[photos...]"));
    parser.process(app);

    clearcut::EngineThread engineThread;
    clearcut::ui::MainWindow window(engineThread.engine());

    std::unique_ptr<clearcut::app::SmokeRun> smokeRun;
    if (parser.isSet(smoke)) {
        const QStringList args = parser.positionalArguments();
        if (args.size() != 2) {
            std::fprintf(stderr, "usage: clearcut --smoke IMAGE OUT.png\n");
            return 2;
        }
        smokeRun = std::make_unique<clearcut::app::SmokeRun>(&window, args.at(0), args.at(1));
        smokeRun->setTranslation(translation);
    }

    window.show();
    window.loadModel();
    if (smokeRun)
        smokeRun->start();
    else
        window.addFiles(parser.positionalArguments());
    return app.exec();
}
