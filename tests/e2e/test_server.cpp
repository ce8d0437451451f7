// clearcut-server as a real process on the real default model: endpoints and status codes, a
// request before the model is ready served after it, a full queue, size and pixel limits, corrupt
// photos, tokens, the SIGTERM drain, and the same bytes as clearcut-cli.

#include "RealModel.h"
#include "ServerProcess.h"

#include "engine/ImageIO.h"

#include <QCoreApplication>
#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QHttpMultiPart>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <QUrlQuery>

#include <opencv2/core.hpp>

#include <csignal>
#include <memory>

using namespace clearcut;
using namespace clearcut::test;

namespace {

const QString kPhoto = QStringLiteral(CLEARCUT_TEST_DATA "/photos/apple.jpg");

QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

struct Run
{
    int exitCode = -1;
    QByteArray err;
};

} // namespace

class TestServer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void aRequestBeforeTheModelIsReadyIsServedAfterIt();
    void endpointsAndTheSameBytesAsTheCommandLine();
    void badRequestsGetTheirOwnStatus();
    void aFullQueueAnswers503WithRetryAfter();
    void pastTheDeadlineTheAnswerIs504();
    void tokensAreRequiredWhenSet();
    void sigtermAnswersWhatIsInFlightAndExits();

private:
    QTemporaryDir m_dir;
    QNetworkAccessManager m_net;
};

void TestServer::initTestCase()
{
    REQUIRE_REAL_MODEL();
    QVERIFY(m_dir.isValid());
    testClock.start();
}

void TestServer::aRequestBeforeTheModelIsReadyIsServedAfterIt()
{
    Server server;
    QVERIFY(server.port > 0);
    // At once: alive, not ready, saying how far the load has got.
    const Reply alive = call(m_net, server.url(QStringLiteral("/healthz")), "GET");
    QCOMPARE(alive.status, 200);
    const QByteArray photo = readAll(kPhoto);
    // Four clients, five requests each, sent while the model loads (the seed's collision case).
    std::vector<std::shared_ptr<Reply>> early;
    for (int i = 0; i < 20; ++i)
        early.push_back(send(m_net, server.url(QStringLiteral("/v1/remove")), "POST", photo));
    // On connections of their own (a client keeps at most six to a host, all busy now).
    QNetworkAccessManager probe;
    const Reply notReady = call(probe, server.url(QStringLiteral("/readyz")), "GET");
    QCOMPARE(notReady.status, 503);
    const QJsonObject state = QJsonDocument::fromJson(notReady.body).object();
    QVERIFY2(state.contains(QStringLiteral("stage")) && state.contains(QStringLiteral("progress")),
             notReady.body.constData());
    // /warmup answers at once with the stage, and loads nothing twice.
    const Reply warmup = call(probe, server.url(QStringLiteral("/warmup")), "POST");
    QCOMPARE(warmup.status, 200);
    QVERIFY(!QJsonDocument::fromJson(warmup.body).object().value(QStringLiteral("ready")).toBool());

    QVERIFY(waitFor(
        [&] {
            return std::all_of(early.begin(), early.end(),
                               [](const auto &reply) { return reply->status != 0; });
        },
        120000));
    for (const auto &reply : early)
        QVERIFY2(reply->status == 200, qPrintable(reply->error()));
    QCOMPARE(call(m_net, server.url(QStringLiteral("/readyz")), "GET").status, 200);
    QVERIFY(server.process.readAllStandardError().contains("model ready"));
}

void TestServer::endpointsAndTheSameBytesAsTheCommandLine()
{
    Server server;
    QVERIFY(server.waitReady(m_net));
    const QByteArray photo = readAll(kPhoto);
    struct Case
    {
        QStringList cli;
        QUrlQuery query;
        QString output;
        QByteArray contentType;
    };
    QUrlQuery white;
    white.addQueryItem(QStringLiteral("type"), QStringLiteral("white"));
    white.addQueryItem(QStringLiteral("format"), QStringLiteral("jpg"));
    white.addQueryItem(QStringLiteral("feather"), QStringLiteral("3"));
    QUrlQuery hard;
    hard.addQueryItem(QStringLiteral("threshold"), QStringLiteral("0.5"));
    hard.addQueryItem(QStringLiteral("reverse"), QStringLiteral("on"));
    hard.addQueryItem(QStringLiteral("resize_longest"), QStringLiteral("200"));
    const QList<Case> cases{
        {{}, {}, QStringLiteral("apple_rgba.png"), "image/png"},
        {{QStringLiteral("-t"), QStringLiteral("white"), QStringLiteral("-f"),
          QStringLiteral("jpg"), QStringLiteral("--feather"), QStringLiteral("3")},
         white,
         QStringLiteral("apple_white.jpg"),
         "image/jpeg"},
        {{QStringLiteral("--threshold"), QStringLiteral("0.5"), QStringLiteral("--reverse"),
          QStringLiteral("--resize-longest"), QStringLiteral("200")},
         hard,
         QStringLiteral("apple_rgba.png"),
         "image/png"},
    };
    int n = 0;
    for (const Case &c : cases) {
        const QString out = m_dir.filePath(QStringLiteral("cli-%1").arg(++n));
        QProcess cli;
        cli.start(QStringLiteral(CLEARCUT_CLI),
                  QStringList{QStringLiteral("-s"), kPhoto, QStringLiteral("-d"), out,
                              QStringLiteral("-q")} +
                      c.cli);
        QVERIFY(cli.waitForFinished(120000));
        QVERIFY2(cli.exitCode() == 0, cli.readAllStandardError().constData());
        const QByteArray expected = readAll(QDir(out).filePath(c.output));
        QVERIFY(expected.size() > 1000);

        const Reply raw =
            call(m_net, server.url(QStringLiteral("/v1/remove"), c.query), "POST", photo);
        QVERIFY2(raw.status == 200, qPrintable(raw.error()));
        QCOMPARE(raw.contentType, c.contentType);
        QVERIFY2(raw.body == expected, qPrintable(c.output));
    }
    // A multipart form's "image" field is the photo too; a field before it whose file name is
    // "image" is not.
    QHttpMultiPart form(QHttpMultiPart::FormDataType);
    QHttpPart decoy;
    decoy.setHeader(QNetworkRequest::ContentDispositionHeader,
                    QStringLiteral("form-data; name=\"note\"; filename=\"image\""));
    decoy.setBody("not a photo");
    form.append(decoy);
    QHttpPart part;
    part.setHeader(QNetworkRequest::ContentDispositionHeader,
                   QStringLiteral("form-data; name=\"image\"; filename=\"apple.jpg\""));
    part.setBody(photo);
    form.append(part);
    QNetworkReply *reply =
        m_net.post(QNetworkRequest(server.url(QStringLiteral("/v1/remove"))), &form);
    QVERIFY(waitFor([&] { return reply->isFinished(); }, 60000));
    QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
    QCOMPARE(reply->readAll(), readAll(m_dir.filePath(QStringLiteral("cli-1/apple_rgba.png"))));
    delete reply;

    const Reply metrics = call(m_net, server.url(QStringLiteral("/metrics")), "GET");
    QCOMPARE(metrics.status, 200);
    for (const char *line : {"clearcut_requests_total{endpoint=\"/v1/remove\",code=\"200\"} 4",
                             "clearcut_request_duration_seconds_count 4", "clearcut_queue_length 0",
                             "clearcut_model_ready 1", "clearcut_inference_seconds_count 4",
                             "clearcut_resident_memory_bytes "})
        QVERIFY2(metrics.body.contains(line), line);
    QCOMPARE(call(m_net, server.url(QStringLiteral("/nowhere")), "GET").status, 404);
    QCOMPARE(call(m_net, server.url(QStringLiteral("/v1/remove")), "GET").status, 405);
}

void TestServer::badRequestsGetTheirOwnStatus()
{
    Server server({QStringLiteral("--max-body-mb"), QStringLiteral("1"),
                   QStringLiteral("--max-pixels"), QStringLiteral("1000000")});
    QVERIFY(server.waitReady(m_net));
    const QUrl remove = server.url(QStringLiteral("/v1/remove"));

    // A corrupt photo: 400 with the decoder's reason.
    QByteArray truncated = readAll(kPhoto);
    truncated.truncate(truncated.size() / 2);
    Reply reply = call(m_net, remove, "POST", truncated);
    QCOMPARE(reply.status, 400);
    QVERIFY2(reply.error().contains(QLatin1String("truncated")), qPrintable(reply.error()));
    reply = call(m_net, remove, "POST", "not a photo");
    QCOMPARE(reply.status, 400);
    QVERIFY(!reply.error().isEmpty());
    // A bad parameter names itself.
    QUrlQuery bad;
    bad.addQueryItem(QStringLiteral("threshold"), QStringLiteral("7"));
    reply = call(m_net, server.url(QStringLiteral("/v1/remove"), bad), "POST", readAll(kPhoto));
    QCOMPARE(reply.status, 400);
    QVERIFY2(reply.error().contains(QLatin1String("threshold")), qPrintable(reply.error()));

    // Over the body limit (2 MiB against 1): 413 with the limit, before it is all read.
    reply = call(m_net, remove, "POST", QByteArray(2 * 1024 * 1024, 'x'));
    QCOMPARE(reply.status, 413);
    QVERIFY2(reply.error().contains(QLatin1String("1 MiB")), qPrintable(reply.error()));
    // A pixel bomb: a small file that says 20000 x 20000.
    const cv::Mat big(2000, 2000, CV_8UC3, cv::Scalar(10, 200, 30));
    const QByteArray png = ImageIO::encode(big, ImageIO::EncodeOptions());
    QVERIFY(png.size() < 1024 * 1024);
    reply = call(m_net, remove, "POST", png);
    QCOMPARE(reply.status, 413);
    QVERIFY2(reply.error().contains(QLatin1String("limit")), qPrintable(reply.error()));
    // The server still works.
    QCOMPARE(call(m_net, remove, "POST", readAll(kPhoto)).status, 200);
}

void TestServer::aFullQueueAnswers503WithRetryAfter()
{
    Server server({QStringLiteral("--queue"), QStringLiteral("2")});
    QVERIFY(server.waitReady(m_net));
    const QByteArray photo = readAll(QStringLiteral(CLEARCUT_TEST_DATA "/photos/messi5.jpg"));
    std::vector<std::shared_ptr<Reply>> replies;
    for (int i = 0; i < 6; ++i)
        replies.push_back(send(m_net, server.url(QStringLiteral("/v1/remove")), "POST", photo));
    QVERIFY(waitFor(
        [&] {
            return std::all_of(replies.begin(), replies.end(),
                               [](const auto &reply) { return reply->status != 0; });
        },
        120000));
    int ok = 0, full = 0;
    for (const auto &reply : replies) {
        if (reply->status == 200) {
            ++ok;
        } else {
            QCOMPARE(reply->status, 503);
            QVERIFY(reply->retryAfter.toInt() >= 1);
            QVERIFY2(reply->error().contains(QLatin1String("queue")), qPrintable(reply->error()));
            ++full;
        }
    }
    QVERIFY2(ok >= 2 && full >= 1,
             qPrintable(QStringLiteral("%1 done, %2 full").arg(ok).arg(full)));
}

void TestServer::pastTheDeadlineTheAnswerIs504()
{
    Server server({QStringLiteral("--deadline"), QStringLiteral("3")});
    QVERIFY(server.waitReady(m_net));
    // Eight photos at once, one network run (~1 s) each: the last ones cannot make it in 3 s.
    const QByteArray photo = readAll(QStringLiteral(CLEARCUT_TEST_DATA "/photos/messi5.jpg"));
    std::vector<std::shared_ptr<Reply>> replies;
    QNetworkAccessManager more; // a client keeps at most six connections to a host
    for (int i = 0; i < 8; ++i)
        replies.push_back(
            send(i < 4 ? m_net : more, server.url(QStringLiteral("/v1/remove")), "POST", photo));
    QVERIFY(waitFor(
        [&] {
            return std::all_of(replies.begin(), replies.end(),
                               [](const auto &reply) { return reply->status != 0; });
        },
        60000));
    int late = 0;
    for (const auto &reply : replies) {
        if (reply->status == 504) {
            ++late;
            QVERIFY2(reply->error().contains(QLatin1String("deadline")),
                     qPrintable(reply->error()));
        } else {
            QCOMPARE(reply->status, 200);
        }
    }
    QVERIFY(late >= 1);
    // Their work was dropped, not left queued: the engine skips each of them (all but one that
    // may have been running when its time ran out).
    const auto dropped = [&] {
        const QByteArray text = call(m_net, server.url(QStringLiteral("/metrics")), "GET").body;
        const auto match = QRegularExpression(QStringLiteral("clearcut_work_dropped_total (\\d+)"))
                               .match(QString::fromLatin1(text));
        return match.hasMatch() ? match.captured(1).toInt() : -1;
    };
    QVERIFY2(waitFor([&] { return dropped() >= late - 1; }, 30000),
             qPrintable(QStringLiteral("%1 late, %2 dropped").arg(late).arg(dropped())));
    const Reply metrics = call(m_net, server.url(QStringLiteral("/metrics")), "GET");
    QVERIFY(metrics.body.contains("code=\"504\"} " + QByteArray::number(late)));
}

void TestServer::tokensAreRequiredWhenSet()
{
    Server server({}, "s3cret-token");
    QVERIFY(server.port > 0);
    // The probes need none.
    QCOMPARE(call(m_net, server.url(QStringLiteral("/healthz")), "GET").status, 200);
    const QUrl metrics = server.url(QStringLiteral("/metrics"));
    QCOMPARE(call(m_net, metrics, "GET").status, 401);
    QCOMPARE(call(m_net, metrics, "GET", {}, "s3cret-tokeN").status, 401);
    QCOMPARE(call(m_net, metrics, "GET", {}, "s3cret").status, 401);
    QCOMPARE(call(m_net, metrics, "GET", {}, "s3cret-token").status, 200);
    QCOMPARE(call(m_net, server.url(QStringLiteral("/v1/remove")), "POST", readAll(kPhoto)).status,
             401);
}

void TestServer::sigtermAnswersWhatIsInFlightAndExits()
{
    Server server;
    QVERIFY(server.waitReady(m_net));
    const QByteArray photo = readAll(QStringLiteral(CLEARCUT_TEST_DATA "/photos/messi5.jpg"));
    std::vector<std::shared_ptr<Reply>> inFlight;
    for (int i = 0; i < 3; ++i)
        inFlight.push_back(send(m_net, server.url(QStringLiteral("/v1/remove")), "POST", photo));
    // Once they are accepted (the queue says so), the signal.
    QVERIFY(waitFor(
        [&] {
            const Reply state = call(m_net, server.url(QStringLiteral("/readyz")), "GET");
            return QJsonDocument::fromJson(state.body)
                       .object()
                       .value(QStringLiteral("queue"))
                       .toInt() == 3;
        },
        30000));
    ::kill(pid_t(server.process.processId()), SIGTERM);
    // Unready at once; new work is turned away.
    QVERIFY(waitFor(
        [&] { return call(m_net, server.url(QStringLiteral("/readyz")), "GET").status == 503; },
        2000));
    const Reply late = call(m_net, server.url(QStringLiteral("/v1/remove")), "POST", photo);
    QVERIFY(late.status == 503 || late.status == -1);
    QVERIFY(server.process.waitForFinished(30000));
    QCOMPARE(server.process.exitStatus(), QProcess::NormalExit);
    QCOMPARE(server.process.exitCode(), 0);
    QVERIFY(waitFor(
        [&] {
            return std::all_of(inFlight.begin(), inFlight.end(),
                               [](const auto &reply) { return reply->status != 0; });
        },
        10000));
    for (const auto &reply : inFlight)
        QVERIFY2(reply->status == 200,
                 qPrintable(QStringLiteral("%1 %2").arg(reply->status).arg(reply->error())));
}

QTEST_GUILESS_MAIN(TestServer)
#include "test_server.moc"
