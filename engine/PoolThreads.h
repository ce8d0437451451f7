#pragma once

// Starting a thread waits for the dynamic loader's lock, which LibTorch's loading holds for about
// half a second on the engine's thread when the first model loads. A pool that would start its
// first threads from the UI thread in that window freezes the window for as long (measured: a
// 90-110 ms stall right after the window appears). Pools the UI thread feeds start their threads
// when they are made, before any model is loaded.

#include <QThreadPool>

namespace clearcut {

// Makes pool start all of its maxThreadCount() threads now (they stay until the pool goes), without
// waiting for them: each first job holds its thread until every thread has started, or 1 s.
void startThreadsNow(QThreadPool &pool);

} // namespace clearcut
