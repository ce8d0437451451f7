#include "StallProbe.h"

namespace clearcut::ui {

StallProbe::StallProbe(QObject *parent) : QObject(parent)
{
    m_timer.setTimerType(Qt::PreciseTimer);
    m_timer.setInterval(kIntervalMs);
    connect(&m_timer, &QTimer::timeout, this, &StallProbe::tick);
}

void StallProbe::start()
{
    m_clock.start();
    m_lastNs = 0;
    m_timer.start();
}

void StallProbe::stop()
{
    m_timer.stop();
}

void StallProbe::tick()
{
    const qint64 now = m_clock.nsecsElapsed();
    const double late = (now - m_lastNs) / 1e6 - kIntervalMs;
    if (late > m_maxStallMs) {
        m_maxStallMs = late;
        m_maxStallAtMs = now / 1e6;
    }
    m_lastNs = now;
}

} // namespace clearcut::ui
