#include "Metrics.h"

#include <QFile>

#include <unistd.h>

namespace clearcut::server {

void Metrics::request(const QString &endpoint, int status, double seconds)
{
    ++m_requests[{endpoint, status}];
    if (endpoint != QLatin1String("/v1/remove"))
        return; // the histogram is the work's
    for (size_t i = 0; i < kBuckets.size(); ++i)
        if (seconds <= kBuckets[i])
            ++m_latencyBuckets[i];
    ++m_latencyCount;
    m_latencySum += seconds;
}

void Metrics::inference(double seconds)
{
    ++m_inferences;
    m_inferenceSum += seconds;
}

qint64 Metrics::residentBytes()
{
    QFile statm(QStringLiteral("/proc/self/statm"));
    if (!statm.open(QIODevice::ReadOnly))
        return 0;
    const QList<QByteArray> fields = statm.readAll().split(' ');
    return fields.size() > 1 ? fields[1].toLongLong() * sysconf(_SC_PAGESIZE) : 0;
}

QByteArray Metrics::text(int queueLength, bool ready) const
{
    QByteArray out;
    const auto line = [&out](const QByteArray &text) {
        out += text + '\n';
    };
    line("# HELP clearcut_requests_total Requests answered, by endpoint and status.");
    line("# TYPE clearcut_requests_total counter");
    for (auto it = m_requests.cbegin(); it != m_requests.cend(); ++it)
        line("clearcut_requests_total{endpoint=\"" + it.key().first.toUtf8() + "\",code=\"" +
             QByteArray::number(it.key().second) + "\"} " + QByteArray::number(it.value()));
    line("# HELP clearcut_request_duration_seconds Time from a /v1/remove request's arrival to "
         "its answer.");
    line("# TYPE clearcut_request_duration_seconds histogram");
    for (size_t i = 0; i < kBuckets.size(); ++i)
        line("clearcut_request_duration_seconds_bucket{le=\"" + QByteArray::number(kBuckets[i]) +
             "\"} " + QByteArray::number(m_latencyBuckets[i]));
    line("clearcut_request_duration_seconds_bucket{le=\"+Inf\"} " +
         QByteArray::number(m_latencyCount));
    line("clearcut_request_duration_seconds_sum " + QByteArray::number(m_latencySum, 'f', 6));
    line("clearcut_request_duration_seconds_count " + QByteArray::number(m_latencyCount));
    line("# HELP clearcut_queue_length Requests accepted and not yet answered.");
    line("# TYPE clearcut_queue_length gauge");
    line("clearcut_queue_length " + QByteArray::number(queueLength));
    line("# HELP clearcut_model_ready Whether the model is loaded and warmed.");
    line("# TYPE clearcut_model_ready gauge");
    line("clearcut_model_ready " + QByteArray(ready ? "1" : "0"));
    if (m_readySeconds >= 0) {
        line("# HELP clearcut_model_ready_seconds Time from process start to the model ready.");
        line("# TYPE clearcut_model_ready_seconds gauge");
        line("clearcut_model_ready_seconds " + QByteArray::number(m_readySeconds, 'f', 3));
    }
    line("# HELP clearcut_inference_seconds Time the network took per photo.");
    line("# TYPE clearcut_inference_seconds summary");
    line("clearcut_inference_seconds_sum " + QByteArray::number(m_inferenceSum, 'f', 6));
    line("clearcut_inference_seconds_count " + QByteArray::number(m_inferences));
    line("# HELP clearcut_work_dropped_total Photos never decoded or segmented because their "
         "request was answered first (deadline, shutdown).");
    line("# TYPE clearcut_work_dropped_total counter");
    line("clearcut_work_dropped_total " + QByteArray::number(m_dropped));
    line("# HELP clearcut_resident_memory_bytes The process's resident set size.");
    line("# TYPE clearcut_resident_memory_bytes gauge");
    line("clearcut_resident_memory_bytes " + QByteArray::number(residentBytes()));
    return out;
}

} // namespace clearcut::server
