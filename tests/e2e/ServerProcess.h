#pragma once

// clearcut-server as a real process on a free port, and requests to it, for the end-to-end tests
// (test_server, test_corpus). CLEARCUT_SERVER is the binary's path.

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QProcess>
#include <QRegularExpression>
#include <QTest>
#include <QUrl>
#include <QUrlQuery>

#include <functional>
#include <memory>

namespace clearcut::test {

// One server process, on a free port.
class Server
{
public:
    explicit Server(const QStringList &arguments = {}, const QByteArray &token = {})
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("CLEARCUT_TOKEN"));
        if (!token.isEmpty())
            env.insert(QStringLiteral("CLEARCUT_TOKEN"), QString::fromLatin1(token));
        process.setProcessEnvironment(env);
        process.setProcessChannelMode(QProcess::SeparateChannels);
        process.start(QStringLiteral(CLEARCUT_SERVER),
                      QStringList{QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0")} +
                          arguments);
        // "listening on 127.0.0.1:PORT", the first line.
        if (process.waitForStarted(10000) && process.waitForReadyRead(10000)) {
            const QString line = QString::fromLatin1(process.readLine()).trimmed();
            const auto match = QRegularExpression(QStringLiteral(":(\\d+)$")).match(line);
            if (match.hasMatch())
                port = match.captured(1).toInt();
        }
    }
    ~Server()
    {
        if (process.state() != QProcess::NotRunning) {
            process.kill();
            process.waitForFinished(5000);
        }
    }
    QUrl url(const QString &path, const QUrlQuery &query = {}) const
    {
        QUrl u(QStringLiteral("http://127.0.0.1:%1%2").arg(port).arg(path));
        u.setQuery(query);
        return u;
    }
    bool waitReady(QNetworkAccessManager &net);

    QProcess process;
    int port = 0;
};

struct Reply
{
    int status = 0;
    QByteArray body;
    QByteArray contentType;
    QByteArray retryAfter;
    qint64 answeredNs = 0; // on the test's clock
    QString error() const
    {
        return QJsonDocument::fromJson(body).object().value("error").toString();
    }
};

inline QElapsedTimer testClock; // started by the test that reads answeredNs

// Sends, and returns a handle whose reply fills in when it comes.
inline std::shared_ptr<Reply> send(QNetworkAccessManager &net, const QUrl &url,
                                   const QByteArray &method, const QByteArray &body = {},
                                   const QByteArray &token = {})
{
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, "application/octet-stream");
    request.setTransferTimeout(120000);
    if (!token.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + token);
    QNetworkReply *reply = net.sendCustomRequest(request, method, body);
    auto result = std::make_shared<Reply>();
    QObject::connect(reply, &QNetworkReply::finished, reply, [reply, result] {
        result->status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        result->body = reply->readAll();
        result->contentType = reply->header(QNetworkRequest::ContentTypeHeader).toByteArray();
        result->retryAfter = reply->rawHeader("Retry-After");
        result->answeredNs = testClock.nsecsElapsed();
        if (result->status == 0)
            result->status = -1; // no HTTP answer at all
        reply->deleteLater();
    });
    return result;
}

inline bool waitFor(const std::function<bool()> &done, int ms)
{
    return QTest::qWaitFor(done, ms);
}

// Sends and waits for the answer (status -2: none within waitMs).
inline Reply call(QNetworkAccessManager &net, const QUrl &url, const QByteArray &method,
                  const QByteArray &body = {}, const QByteArray &token = {}, int waitMs = 60000)
{
    const auto reply = send(net, url, method, body, token);
    if (!waitFor([&] { return reply->status != 0; }, waitMs))
        return Reply{-2, "no answer in time", {}, {}, 0};
    return *reply;
}

inline bool Server::waitReady(QNetworkAccessManager &net)
{
    return waitFor([&] { return call(net, url(QStringLiteral("/readyz")), "GET").status == 200; },
                   60000);
}

} // namespace clearcut::test
