#include "EngineThread.h"

#include "Engine.h"
#include "LargePages.h"

namespace clearcut {

void registerEngineMetaTypes()
{
    qRegisterMetaType<LoadStage>();
    qRegisterMetaType<ModelInfo>();
    qRegisterMetaType<SegmentRequest>();
    qRegisterMetaType<SegmentResult>();
    qRegisterMetaType<LoadOptions>();
}

EngineThread::EngineThread() : m_engine(new Engine)
{
    // Every program with an engine handles photos: their large buffers on huge pages.
    LargePages::install();
    registerEngineMetaTypes();
    m_thread.setObjectName(QStringLiteral("ClearCut engine"));
    m_engine->moveToThread(&m_thread);
    QObject::connect(&m_thread, &QThread::finished, m_engine, &QObject::deleteLater);
    m_thread.start();
}

EngineThread::~EngineThread()
{
    // A running inference finishes first (LibTorch cannot be interrupted mid-graph); queued
    // requests are dropped with the event loop.
    m_thread.quit();
    m_thread.wait();
}

} // namespace clearcut
