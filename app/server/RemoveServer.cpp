#include "RemoveServer.h"

#include "engine/Engine.h"
#include "engine/ImageIO.h"
#include "engine/MaskRefiner.h"
#include "engine/PhotoExport.h"
#include "engine/ProcessClock.h"

#include <QCoreApplication>
#include <QHttpServerRequest>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpServer>
#include <QTcpSocket>

#include <cmath>

namespace clearcut::server {
namespace {

// Counts what each connection sends before Qt's parser reads it, and answers 413 and closes the
// connection once an upload is larger than the limit, so an oversized body is never held.
class BodyLimitedServer final : public QTcpServer
{
public:
    BodyLimitedServer(qint64 maxBody, QObject *parent) : QTcpServer(parent), m_maxBody(maxBody) {}

protected:
    void incomingConnection(qintptr descriptor) override
    {
        auto *socket = new QTcpSocket(this);
        if (!socket->setSocketDescriptor(descriptor)) {
            delete socket;
            return;
        }
        // Connected before the HTTP server's own handler, so it runs first.
        auto state = std::make_shared<Upload>();
        connect(socket, &QTcpSocket::readyRead, socket, [this, socket, state] {
            if (state->rejected) {
                // Answered already: what the client still sends is read and dropped (so it
                // sees the answer rather than a reset), up to a bound, then the line is cut.
                state->dropped += socket->readAll().size();
                if ((state->declared >= 0 && state->dropped >= state->declared) ||
                    state->dropped > 4 * m_maxBody)
                    socket->disconnectFromHost();
                return;
            }
            state->received += socket->bytesAvailable();
            const QByteArray head = socket->peek(16 * 1024);
            const qsizetype end = head.indexOf("\r\n\r\n");
            qint64 declared = -1;
            if (end >= 0) {
                for (const QByteArray &line : head.left(end).split('\n')) {
                    const QByteArray lower = line.trimmed().toLower();
                    if (lower.startsWith("content-length:"))
                        declared = lower.mid(15).trimmed().toLongLong();
                }
            }
            // Headers are small; whatever runs past the limit plus room for them is too much.
            if (declared <= m_maxBody && state->received <= m_maxBody + 64 * 1024)
                return;
            state->rejected = true;
            // The body still to come (what has arrived of it is dropped now).
            state->declared = declared >= 0 ? declared + end + 4 : -1;
            state->dropped = socket->readAll().size();
            const QByteArray body =
                QJsonDocument(QJsonObject{{QStringLiteral("error"),
                                           QStringLiteral("the upload is larger than the limit "
                                                          "of %1 MiB")
                                               .arg(m_maxBody / (1024 * 1024))}})
                    .toJson(QJsonDocument::Compact);
            socket->write("HTTP/1.1 413 Payload Too Large\r\nContent-Type: "
                          "application/json\r\nConnection: close\r\nContent-Length: " +
                          QByteArray::number(body.size()) + "\r\n\r\n" + body);
        });
        addPendingConnection(socket);
    }

private:
    struct Upload
    {
        qint64 received = 0;
        bool rejected = false;
        qint64 declared = -1; // the whole request's bytes, when it said
        qint64 dropped = 0;
    };
    qint64 m_maxBody;
};

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 413:
        return "Payload Too Large";
    case 500:
        return "Internal Server Error";
    case 503:
        return "Service Unavailable";
    case 504:
        return "Gateway Timeout";
    default:
        return "Status";
    }
}

// /readyz's "stage": identifiers, as "starting", "ready", "draining" and "failed" are.
QString stageId(LoadStage stage)
{
    switch (stage) {
    case LoadStage::Reading:
        return QStringLiteral("reading");
    case LoadStage::Deserializing:
        return QStringLiteral("loading");
    case LoadStage::Optimizing:
        return QStringLiteral("optimizing");
    case LoadStage::WarmingUp:
        return QStringLiteral("warming_up");
    }
    return QStringLiteral("starting");
}

// The same time for every token of a length, whatever the bytes.
bool sameToken(const QByteArray &given, const QByteArray &expected)
{
    unsigned char differ = given.size() == expected.size() ? 0 : 1;
    for (qsizetype i = 0; i < expected.size(); ++i)
        differ |=
            static_cast<unsigned char>(expected[i] ^ (i < given.size() ? given[i] : ~expected[i]));
    return differ == 0;
}

} // namespace

struct RemoveServer::Job
{
    quint64 id = 0;
    QPointer<QTcpSocket> socket;
    qint64 arrivedNs = 0;
    RemoveParams params;
    std::shared_ptr<const cv::Mat> pixels;
    CancelFlag cancel = std::make_shared<std::atomic_bool>(false);
    QTimer deadline;
};

RemoveServer::RemoveServer(const ServerOptions &options, QObject *parent)
    : QAbstractHttpServer(parent), m_options(options)
{
    m_clock.start();
    m_pool.setMaxThreadCount(2); // decode and encode beside the engine's inference threads
    m_graceTimer.setSingleShot(true);
    connect(&m_graceTimer, &QTimer::timeout, this, [this] {
        // Out of time: what is left is told so.
        const QList<quint64> left = m_jobs.keys();
        for (const quint64 id : left)
            finishJob(id, error(503, QStringLiteral("the server is shutting down")),
                      QStringLiteral("/v1/remove"));
        checkDrained();
    });
    Engine *engine = m_engineThread.engine();
    connect(engine, &Engine::loadProgress, this, [this](LoadStage stage, double fraction) {
        m_stage = stageId(stage);
        m_progress = overallLoadFraction(stage, fraction);
    });
    connect(engine, &Engine::modelReady, this, [this](const ModelInfo &info) {
        m_ready = true;
        m_stage = QStringLiteral("ready");
        m_progress = 1;
        m_failure.clear();
        m_metrics.setModelReadySeconds(double(ProcessClock::msSinceProcessStart()) / 1000.0);
        std::fprintf(stderr, "model ready: %s on %s, %s, %d threads (%lld ms after start)\n",
                     qPrintable(info.name), qPrintable(info.device), qPrintable(info.precision),
                     info.threads, qint64(ProcessClock::msSinceProcessStart()));
    });
    connect(engine, &Engine::modelFailed, this, [this](const QString &reason) {
        m_stage = QStringLiteral("failed");
        m_failure = reason;
        std::fprintf(stderr, "model error: %s\n", qPrintable(reason));
        // Work waiting for a model would wait for ever.
        const QList<quint64> left = m_jobs.keys();
        for (const quint64 id : left)
            finishJob(id,
                      error(503, QStringLiteral("the model could not be loaded: %1").arg(reason)),
                      QStringLiteral("/v1/remove"));
    });
    connect(engine, &Engine::segmented, this, &RemoveServer::onSegmented);
    connect(engine, &Engine::segmentFailed, this, &RemoveServer::onSegmentFailed);
    connect(engine, &Engine::segmentCancelled, this, [this] { m_metrics.dropped(); });
}

RemoveServer::~RemoveServer()
{
    for (const auto &job : std::as_const(m_jobs))
        job->cancel->store(true);
    m_pool.waitForDone();
}

bool RemoveServer::start(QString *error)
{
    auto *tcp = new BodyLimitedServer(m_options.maxBodyBytes, this);
    if (!tcp->listen(m_options.address, m_options.port)) {
        *error = QStringLiteral("cannot listen on %1:%2: %3")
                     .arg(m_options.address.toString())
                     .arg(m_options.port)
                     .arg(tcp->errorString());
        return false;
    }
    m_port = tcp->serverPort();
    bind(tcp);
    Engine *engine = m_engineThread.engine();
    QMetaObject::invokeMethod(
        engine,
        [engine, path = m_options.modelPath, load = m_options.load] {
            engine->loadModel(path, load);
        },
        Qt::QueuedConnection);
    return true;
}

RemoveServer::Answer RemoveServer::error(int status, const QString &reason)
{
    Answer answer;
    answer.status = status;
    answer.body = QJsonDocument(QJsonObject{{QStringLiteral("error"), reason}})
                      .toJson(QJsonDocument::Compact);
    return answer;
}

QJsonObject RemoveServer::readiness() const
{
    QJsonObject state{{QStringLiteral("stage"), m_draining ? QStringLiteral("draining") : m_stage},
                      {QStringLiteral("progress"), m_progress},
                      {QStringLiteral("ready"), m_ready && !m_draining},
                      {QStringLiteral("queue"), int(m_jobs.size())}};
    if (!m_failure.isEmpty())
        state.insert(QStringLiteral("reason"), m_failure);
    return state;
}

bool RemoveServer::authorised(const QHttpServerRequest &request) const
{
    if (m_options.token.isEmpty())
        return true;
    const QByteArray header = request.value("Authorization").trimmed();
    const QByteArray scheme = "Bearer ";
    return header.startsWith(scheme) &&
           sameToken(header.mid(scheme.size()).trimmed(), m_options.token);
}

void RemoveServer::send(QTcpSocket *socket, const Answer &answer, const QString &endpoint,
                        qint64 arrivedNs)
{
    m_metrics.request(endpoint, answer.status, double(m_clock.nsecsElapsed() - arrivedNs) / 1e9);
    if (!socket || socket->state() != QAbstractSocket::ConnectedState)
        return; // the client has gone
    QByteArray head = "HTTP/1.1 " + QByteArray::number(answer.status) + ' ' +
                      reasonPhrase(answer.status) + "\r\nContent-Type: " + answer.contentType +
                      "\r\nContent-Length: " + QByteArray::number(answer.body.size()) +
                      "\r\nConnection: close\r\n";
    for (const auto &header : answer.headers)
        head += header.first + ": " + header.second + "\r\n";
    socket->write(head + "\r\n");
    socket->write(answer.body);
    socket->disconnectFromHost(); // after what is written has gone
}

bool RemoveServer::handleRequest(const QHttpServerRequest &request, QTcpSocket *socket)
{
    const qint64 arrivedNs = m_clock.nsecsElapsed();
    const QString path = request.url().path();
    const bool get = request.method() == QHttpServerRequest::Method::Get;
    const bool post = request.method() == QHttpServerRequest::Method::Post;
    const auto json = [](int status, const QJsonObject &object) {
        Answer answer;
        answer.status = status;
        answer.body = QJsonDocument(object).toJson(QJsonDocument::Compact);
        return answer;
    };
    const auto wrongMethod = [&](const char *allowed) {
        Answer answer = error(405, QStringLiteral("%1 takes %2").arg(path, QLatin1String(allowed)));
        answer.headers.append(qMakePair(QByteArray("Allow"), QByteArray(allowed)));
        send(socket, answer, path, arrivedNs);
        return true;
    };

    if (path == QLatin1String("/healthz")) {
        if (!get)
            return wrongMethod("GET");
        send(socket, json(200, {{QStringLiteral("alive"), true}}), path, arrivedNs);
        return true;
    }
    if (path == QLatin1String("/readyz")) {
        if (!get)
            return wrongMethod("GET");
        send(socket, json(m_ready && !m_draining ? 200 : 503, readiness()), path, arrivedNs);
        return true;
    }
    const bool known = path == QLatin1String("/warmup") || path == QLatin1String("/metrics") ||
                       path == QLatin1String("/v1/remove");
    if (!known)
        return false; // missingHandler
    if (!authorised(request)) {
        Answer answer = error(401, QStringLiteral("a valid bearer token is required"));
        answer.headers.append(qMakePair(QByteArray("WWW-Authenticate"), QByteArray("Bearer")));
        send(socket, answer, path, arrivedNs);
        return true;
    }
    if (path == QLatin1String("/warmup")) {
        if (!post)
            return wrongMethod("POST");
        // The model loads once, from the start; this only says how far it has got.
        send(socket, json(200, readiness()), path, arrivedNs);
        return true;
    }
    if (path == QLatin1String("/metrics")) {
        if (!get)
            return wrongMethod("GET");
        Answer answer;
        answer.contentType = "text/plain; version=0.0.4";
        answer.body = m_metrics.text(int(m_jobs.size()), m_ready);
        send(socket, answer, path, arrivedNs);
        return true;
    }
    if (!post)
        return wrongMethod("POST");
    accept(request, socket, arrivedNs);
    return true;
}

void RemoveServer::missingHandler(const QHttpServerRequest &request, QTcpSocket *socket)
{
    send(socket,
         error(404, QStringLiteral("no such endpoint: %1 (POST /v1/remove, GET /healthz, GET "
                                   "/readyz, POST /warmup, GET /metrics)")
                        .arg(request.url().path())),
         QStringLiteral("other"), m_clock.nsecsElapsed());
}

void RemoveServer::accept(const QHttpServerRequest &request, QTcpSocket *socket, qint64 arrivedNs)
{
    const QString endpoint = QStringLiteral("/v1/remove");
    if (m_draining)
        return send(socket, error(503, QStringLiteral("the server is shutting down")), endpoint,
                    arrivedNs);
    if (!m_failure.isEmpty())
        return send(socket,
                    error(503, QStringLiteral("the model could not be loaded: %1").arg(m_failure)),
                    endpoint, arrivedNs);
    if (m_jobs.size() >= m_options.queueLimit) {
        Answer answer =
            error(503, QStringLiteral("the queue is full (%1 requests); try again later")
                           .arg(m_options.queueLimit));
        // About when one place will be free.
        const int seconds = std::max(1, int(std::ceil(m_inferenceMs / 1000.0)));
        answer.headers.append(qMakePair(QByteArray("Retry-After"), QByteArray::number(seconds)));
        return send(socket, answer, endpoint, arrivedNs);
    }
    QString why;
    auto params = parseRemoveQuery(request.query(), &why);
    if (!params)
        return send(socket, error(400, why), endpoint, arrivedNs);
    if (request.body().size() > m_options.maxBodyBytes)
        return send(socket,
                    error(413, QStringLiteral("the upload is larger than the limit of %1 MiB")
                                   .arg(m_options.maxBodyBytes / (1024 * 1024))),
                    endpoint, arrivedNs);
    QByteArray bytes = photoBytes(request.value("Content-Type"), request.body(), &why);
    if (bytes.isEmpty())
        return send(socket,
                    error(400, why.isEmpty() ? QStringLiteral("the request has no photo") : why),
                    endpoint, arrivedNs);

    auto job = std::make_shared<Job>();
    job->id = SegmentRequest::nextId();
    job->socket = socket;
    job->arrivedNs = arrivedNs;
    job->params = std::move(*params);
    job->deadline.setSingleShot(true);
    connect(&job->deadline, &QTimer::timeout, this, [this, id = job->id] {
        finishJob(id,
                  error(504, QStringLiteral("not done within the deadline of %1 s")
                                 .arg(m_options.deadlineSeconds)),
                  QStringLiteral("/v1/remove"));
    });
    job->deadline.start(m_options.deadlineSeconds * 1000);
    m_jobs.insert(job->id, job);
    // Decoded off this thread; the photo is never written to disk.
    m_pool.start([this, id = job->id, cancel = job->cancel, bytes = std::move(bytes),
                  maxPixels = m_options.maxPixels] {
        if (cancel->load()) {
            QMetaObject::invokeMethod(
                this, [this] { m_metrics.dropped(); }, Qt::QueuedConnection);
            return;
        }
        DecodeResult decoded = ImageIO::decodeBytes(bytes, maxPixels);
        std::shared_ptr<const cv::Mat> pixels;
        if (decoded.image)
            pixels = std::make_shared<const cv::Mat>(std::move(decoded.image->bgr));
        QMetaObject::invokeMethod(
            this,
            [this, id, pixels, error = decoded.error, tooLarge = decoded.tooLarge] {
                onDecoded(id, pixels, error, tooLarge);
            },
            Qt::QueuedConnection);
    });
}

void RemoveServer::onDecoded(quint64 id, std::shared_ptr<const cv::Mat> pixels,
                             const QString &reason, bool tooLarge)
{
    const auto it = m_jobs.find(id);
    if (it == m_jobs.end())
        return;
    if (!pixels)
        return finishJob(
            id,
            error(tooLarge ? 413 : 400, QStringLiteral("the photo cannot be read: %1").arg(reason)),
            QStringLiteral("/v1/remove"));
    Job &job = **it;
    job.pixels = std::move(pixels);
    SegmentRequest request;
    request.id = id;
    request.bgr = job.pixels;
    request.options = job.params.segment;
    request.cancel = job.cancel;
    Engine *engine = m_engineThread.engine();
    // Queued on the engine's thread: served when the model is ready, in arrival order.
    QMetaObject::invokeMethod(
        engine, [engine, request] { engine->segment(request); }, Qt::QueuedConnection);
}

void RemoveServer::onSegmented(const SegmentResult &result)
{
    const auto it = m_jobs.find(result.id);
    if (it == m_jobs.end())
        return;
    m_inferenceMs = result.inferMs + result.preprocessMs;
    m_metrics.inference(result.inferMs / 1000.0);
    const std::shared_ptr<Job> job = *it;
    PhotoExport::Job work;
    work.document.pixels = job->pixels;
    work.document.lowResMask = MaskRefiner::quantized(*result.probability);
    work.document.adjustments = job->params.adjustments;
    work.resizeLongest = job->params.resizeLongest;
    work.encode = job->params.encode;
    job->pixels.reset(); // the work holds them now
    m_pool.start([this, id = result.id, cancel = job->cancel, work] {
        if (cancel->load())
            return;
        QString why;
        const QByteArray bytes = PhotoExport::encoded(work, &why);
        QMetaObject::invokeMethod(
            this,
            [this, id, bytes, why, format = work.encode.format] {
                Answer answer;
                if (bytes.isEmpty()) {
                    answer = error(500, why);
                } else {
                    answer.contentType = contentTypeFor(format);
                    answer.body = bytes;
                }
                finishJob(id, answer, QStringLiteral("/v1/remove"));
            },
            Qt::QueuedConnection);
    });
}

void RemoveServer::onSegmentFailed(quint64 id, const QString &reason)
{
    finishJob(id, error(500, QStringLiteral("the model failed on this photo: %1").arg(reason)),
              QStringLiteral("/v1/remove"));
}

void RemoveServer::finishJob(quint64 id, const Answer &answer, const QString &endpoint)
{
    const auto it = m_jobs.find(id);
    if (it == m_jobs.end())
        return;
    const std::shared_ptr<Job> job = *it;
    m_jobs.erase(it);
    job->cancel->store(true); // a deadline or a shutdown: the engine and the pool drop it
    job->deadline.stop();
    send(job->socket, answer, endpoint, job->arrivedNs);
    checkDrained();
}

void RemoveServer::drain()
{
    if (m_draining)
        return;
    m_draining = true;
    std::fprintf(stderr, "SIGTERM: answering %lld requests in flight (grace %d s)\n",
                 qint64(m_jobs.size()), m_options.graceSeconds);
    m_graceTimer.start(m_options.graceSeconds * 1000);
    checkDrained();
}

void RemoveServer::checkDrained()
{
    if (!m_draining || !m_jobs.isEmpty())
        return;
    m_graceTimer.stop();
    // New connections are refused from here (rather than reset when the process goes); the last
    // answers get a moment to leave.
    for (QTcpServer *server : servers())
        server->close();
    QTimer::singleShot(200, this, [this] { Q_EMIT finished(0); });
}

} // namespace clearcut::server
