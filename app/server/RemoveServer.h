#pragma once

// The HTTP front of the engine. The model loads at start, on the engine's thread; a request that
// arrives before it is ready is accepted and queued (the engine serves it once the model is
// ready), so no thread ever waits on a lock or sleeps. Photos are decoded and results encoded on
// a small pool; the UI-less main thread only parses requests and writes answers. A bounded queue
// answers 503 with Retry-After when full; each request has a deadline (504). SIGTERM: /readyz
// turns 503 at once, new requests get 503, the ones in flight finish within the grace period.

#include "Metrics.h"
#include "RemoveParams.h"
#include "ServerOptions.h"

#include "engine/EngineThread.h"

#include <QAbstractHttpServer>
#include <QElapsedTimer>
#include <QHash>
#include <QPointer>
#include <QThreadPool>
#include <QTimer>

#include <memory>

class QTcpSocket;

namespace clearcut::server {

class RemoveServer final : public QAbstractHttpServer
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RemoveServer)

public:
    explicit RemoveServer(const ServerOptions &options, QObject *parent = nullptr);
    ~RemoveServer() override;

    // Listens and starts loading the model; false with *error when the address cannot be had.
    bool start(QString *error);
    quint16 port() const { return m_port; }

    // SIGTERM: stop taking work, answer what is in flight, then finished().
    void drain();

Q_SIGNALS:
    void finished(int exitCode);

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;
    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override;

private:
    struct Job;
    struct Answer
    {
        int status = 200;
        QByteArray contentType = "application/json";
        QByteArray body;
        QList<QPair<QByteArray, QByteArray>> headers;
    };

    void accept(const QHttpServerRequest &request, QTcpSocket *socket, qint64 arrivedNs);
    void onDecoded(quint64 id, std::shared_ptr<const cv::Mat> pixels, const QString &error,
                   bool tooLarge);
    void onSegmented(const SegmentResult &result);
    void onSegmentFailed(quint64 id, const QString &reason);
    void finishJob(quint64 id, const Answer &answer, const QString &endpoint);
    void send(QTcpSocket *socket, const Answer &answer, const QString &endpoint, qint64 arrivedNs);
    static Answer error(int status, const QString &reason);
    QJsonObject readiness() const;
    bool authorised(const QHttpServerRequest &request) const;
    void checkDrained();

    ServerOptions m_options;
    EngineThread m_engineThread;
    QThreadPool m_pool;
    Metrics m_metrics;
    QElapsedTimer m_clock; // since the server was made: request times
    quint16 m_port = 0;
    QHash<quint64, std::shared_ptr<Job>> m_jobs;
    bool m_ready = false;
    QString m_stage = QStringLiteral("starting");
    double m_progress = 0;
    QString m_failure;
    double m_inferenceMs = 1000; // the latest, for Retry-After
    bool m_draining = false;
    QTimer m_graceTimer;
};

} // namespace clearcut::server
