#pragma once

// What GET /metrics reports, in Prometheus' text format: requests by endpoint and status, a
// latency histogram, the queue, the model's ready time, inference times and the resident memory.

#include <QByteArray>
#include <QMap>
#include <QPair>
#include <QString>

#include <array>

namespace clearcut::server {

class Metrics
{
public:
    void request(const QString &endpoint, int status, double seconds);
    void inference(double seconds);
    // Work that was never done because its request was answered first (a deadline, a shutdown).
    void dropped() { ++m_dropped; }
    void setModelReadySeconds(double seconds) { m_readySeconds = seconds; }

    QByteArray text(int queueLength, bool ready) const;

    // The process's resident set size, in bytes (0 where it cannot be read).
    static qint64 residentBytes();

private:
    static constexpr std::array<double, 11> kBuckets{0.05, 0.1, 0.25, 0.5, 1,  2.5,
                                                     5,    10,  30,   60,  120};
    QMap<QPair<QString, int>, quint64> m_requests;
    std::array<quint64, kBuckets.size()> m_latencyBuckets{};
    quint64 m_latencyCount = 0;
    double m_latencySum = 0;
    quint64 m_inferences = 0;
    quint64 m_dropped = 0;
    double m_inferenceSum = 0;
    double m_readySeconds = -1;
};

} // namespace clearcut::server
