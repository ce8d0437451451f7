#pragma once

// Measures how long the UI thread stops answering: a 5 ms timer notes how late each tick fires.
// A frozen UI shows up as one late tick.

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

namespace clearcut::ui {

class StallProbe final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StallProbe)

public:
    explicit StallProbe(QObject *parent = nullptr);

    void start();
    void stop();
    // The longest gap between two ticks beyond the 5 ms interval, in ms.
    double maxStallMs() const { return m_maxStallMs; }
    // When the longest stall ended, in ms since start().
    double maxStallAtMs() const { return m_maxStallAtMs; }
    void reset() { m_maxStallMs = 0; }

private:
    void tick();

    static constexpr int kIntervalMs = 5;
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_lastNs = 0;
    double m_maxStallMs = 0;
    double m_maxStallAtMs = 0;
};

} // namespace clearcut::ui
