// clearcut-server: ClearCut's engine behind HTTP (see RemoveServer.h).

#include "RemoveServer.h"
#include "ServerOptions.h"

#include "app/TerminationSignals.h"

#include <QCoreApplication>

#include <cstdio>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("clearcut-server"));
    QCoreApplication::setApplicationVersion(QStringLiteral(CLEARCUT_VERSION));

    const auto parsed = clearcut::server::parseCommandLine(app.arguments());
    if (parsed.exitNow)
        return 0;
    if (!parsed.options) {
        std::fprintf(stderr, "clearcut-server: %s\nTry 'clearcut-server --help'.\n",
                     qPrintable(parsed.error));
        return 2;
    }

    clearcut::server::RemoveServer server(*parsed.options);
    QString error;
    if (!server.start(&error)) {
        std::fprintf(stderr, "clearcut-server: %s\n", qPrintable(error));
        return 1;
    }
    std::printf("listening on %s:%u\n", qPrintable(parsed.options->address.toString()),
                unsigned(server.port()));
    std::fflush(stdout);

    clearcut::app::installTerminationHandler(&server, [&server](int) { server.drain(); });
    QObject::connect(&server, &clearcut::server::RemoveServer::finished, &app,
                     &QCoreApplication::exit, Qt::QueuedConnection);
    return app.exec();
}
