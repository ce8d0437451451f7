#include "CliOptions.h"
#include "CliRunner.h"

#include <QCoreApplication>

#include <cstdio>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("clearcut-cli"));
    QCoreApplication::setApplicationVersion(QStringLiteral(CLEARCUT_VERSION));

    const clearcut::cli::ParseResult parsed = clearcut::cli::parseCommandLine(app.arguments());
    if (parsed.exitNow)
        return 0;
    if (!parsed.options) {
        std::fprintf(stderr, "clearcut-cli: %s\nTry 'clearcut-cli --help'.\n",
                     qPrintable(parsed.error));
        return 2;
    }
    if (parsed.options->probeHardware)
        return clearcut::cli::runHardwareProbe(*parsed.options);
    clearcut::cli::CliRunner runner(*parsed.options);
    QObject::connect(&runner, &clearcut::cli::CliRunner::finished, &app, &QCoreApplication::exit,
                     Qt::QueuedConnection);
    runner.start();
    return app.exec();
}
