#pragma once

// SIGTERM and SIGINT as a call on the main thread: a signal handler may only write(), so it
// writes a byte into a socket pair and a QSocketNotifier turns the byte into onSignal(signal).
// One per process, installed once; POSIX only (elsewhere install() does nothing).

#include <QObject>

#include <functional>

namespace clearcut::app {

// onSignal runs on the thread that called install(), in its event loop, once per signal received.
// parent owns the notifier.
void installTerminationHandler(QObject *parent, std::function<void(int signal)> onSignal);

} // namespace clearcut::app
