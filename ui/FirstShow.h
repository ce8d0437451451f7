#pragma once

// LibTorch loads under glibc's dynamic-loader lock for about half a second (see
// Engine::loadInferenceLibrary). Building, showing and painting the window ask that lock for a
// few things (found with gdb, breaking where the UI thread waited for it): threads for Qt's
// global pool and for the accessibility bridge's D-Bus connection, the image-format plugins,
// OpenCV's parallel backend (a plugin loaded by the first parallel loop) and the animations'
// per-thread timer (a thread_local: making one registers its destructor under the lock). Asked
// for after the load started, each froze the window for the rest of the load; done here,
// before it, they take about 20 ms, most of which the window spent anyway.

namespace clearcut::ui {

// On the UI thread, after the QApplication and before the library starts loading.
void prepareFirstShow();

} // namespace clearcut::ui
