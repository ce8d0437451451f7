#pragma once

#include <QtGlobal>

namespace clearcut::ProcessClock {

// Milliseconds since the process was started by the OS (not since main()), so that "ready_ms"
// includes the dynamic loading of LibTorch. Falls back to the first call's time where the
// platform does not tell.
qint64 msSinceProcessStart();

} // namespace clearcut::ProcessClock
