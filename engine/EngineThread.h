#pragma once

// Owns the engine's thread: starts it, and on destruction quits and joins it. The Engine object
// is deleted on its own thread when the thread finishes.

#include <QObject>
#include <QThread>

namespace clearcut {

class Engine;

class EngineThread final
{
    Q_DISABLE_COPY_MOVE(EngineThread)

public:
    EngineThread();
    ~EngineThread();

    // Connect to its signals and call its slots with Qt::QueuedConnection / invokeMethod only.
    Engine *engine() const { return m_engine; }

private:
    QThread m_thread;
    Engine *m_engine;
};

// Registers the engine's value types for queued connections; idempotent.
void registerEngineMetaTypes();

} // namespace clearcut
