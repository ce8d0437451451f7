#include "CliOptions.h"
#include "CliRunner.h"

#include "app/TerminationSignals.h"

#include <QCoreApplication>

#include <cstdio>
#include <cstdlib>

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
    clearcut::app::installTerminationHandler(&runner,
                                             [&runner](int signal) { runner.interrupt(signal); });
    runner.start();
    const int exitCode = app.exec();
    if (runner.interrupted()) {
        // Every write in flight is done (finished() waits for them); what is left is an
        // inference or a model load that LibTorch cannot stop: not waited for.
        std::fflush(nullptr);
        std::_Exit(exitCode);
    }
    return exitCode;
}
