// clearcut-server: ClearCut's engine behind HTTP (see RemoveServer.h).

#include "RemoveServer.h"
#include "ServerOptions.h"

#include <QCoreApplication>
#include <QSocketNotifier>

#include <csignal>
#include <cstdio>

#include <sys/socket.h>
#include <unistd.h>

namespace {

// SIGTERM and SIGINT reach the event loop through a socket pair: a signal handler may only
// write(), and the notifier turns the byte into a call on the main thread.
int signalPipe[2] = {-1, -1};

void onSignal(int)
{
    const char byte = 1;
    [[maybe_unused]] const ssize_t written = ::write(signalPipe[0], &byte, 1);
}

} // namespace

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

    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, signalPipe) == 0) {
        auto *notifier = new QSocketNotifier(signalPipe[1], QSocketNotifier::Read, &app);
        QObject::connect(notifier, &QSocketNotifier::activated, &server, [&server] {
            char byte = 0;
            [[maybe_unused]] const ssize_t read = ::read(signalPipe[1], &byte, 1);
            server.drain();
        });
        struct sigaction action = {};
        action.sa_handler = onSignal;
        sigemptyset(&action.sa_mask);
        action.sa_flags = SA_RESTART;
        sigaction(SIGTERM, &action, nullptr);
        sigaction(SIGINT, &action, nullptr);
    }
    QObject::connect(&server, &clearcut::server::RemoveServer::finished, &app,
                     &QCoreApplication::exit, Qt::QueuedConnection);
    return app.exec();
}
