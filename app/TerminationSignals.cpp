#include "TerminationSignals.h"

#include <QSocketNotifier>

#ifdef Q_OS_UNIX
#include <csignal>
#include <sys/socket.h>
#include <unistd.h>
#endif

namespace clearcut::app {
namespace {

#ifdef Q_OS_UNIX
int signalPipe[2] = {-1, -1};

void relay(int signal)
{
    const char byte = char(signal);
    [[maybe_unused]] const ssize_t written = ::write(signalPipe[0], &byte, 1);
}
#endif

} // namespace

void installTerminationHandler(QObject *parent, std::function<void(int signal)> onSignal)
{
#ifdef Q_OS_UNIX
    if (signalPipe[0] >= 0 || ::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, signalPipe) != 0)
        return;
    auto *notifier = new QSocketNotifier(signalPipe[1], QSocketNotifier::Read, parent);
    QObject::connect(notifier, &QSocketNotifier::activated, parent,
                     [onSignal = std::move(onSignal)] {
                         char byte = 0;
                         if (::read(signalPipe[1], &byte, 1) == 1)
                             onSignal(int(byte));
                     });
    struct sigaction action = {};
    action.sa_handler = relay;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    sigaction(SIGTERM, &action, nullptr);
    sigaction(SIGINT, &action, nullptr);
#else
    Q_UNUSED(parent);
    Q_UNUSED(onSignal);
#endif
}

} // namespace clearcut::app
