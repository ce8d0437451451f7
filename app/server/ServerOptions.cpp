#include "ServerOptions.h"

#include "app/CommandLine.h"
#include "engine/ModelSpec.h"

#include <QCommandLineParser>
#include <QFile>

namespace clearcut::server {

ParseResult parseCommandLine(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "ClearCut's background removal as an HTTP service: POST /v1/remove, GET /healthz, "
        "GET /readyz, POST /warmup, GET /metrics."));
    const QCommandLineOption help = parser.addHelpOption();
    const QCommandLineOption version = parser.addVersionOption();
    const QCommandLineOption listen(QStringLiteral("listen"),
                                    QStringLiteral("Address and port (default 127.0.0.1:8080; "
                                                   "port 0 picks a free one)."),
                                    QStringLiteral("addr:port"), QStringLiteral("127.0.0.1:8080"));
    const QCommandLineOption model({QStringLiteral("c"), QStringLiteral("model")},
                                   QStringLiteral("A TorchScript model (default: ISNet)."),
                                   QStringLiteral("path"));
    const QCommandLineOption queue(
        QStringLiteral("queue"),
        QStringLiteral("Requests accepted and not yet answered; more get 503 (default 16)."),
        QStringLiteral("n"), QStringLiteral("16"));
    const QCommandLineOption deadline(
        QStringLiteral("deadline"),
        QStringLiteral("Seconds a request may take before it is answered 504 (default 60)."),
        QStringLiteral("s"), QStringLiteral("60"));
    const QCommandLineOption maxBody(QStringLiteral("max-body-mb"),
                                     QStringLiteral("Largest upload in MiB (default 64)."),
                                     QStringLiteral("n"), QStringLiteral("64"));
    const QCommandLineOption maxPixels(
        QStringLiteral("max-pixels"),
        QStringLiteral("Largest photo in pixels (default 100000000)."), QStringLiteral("n"),
        QStringLiteral("100000000"));
    const QCommandLineOption grace(
        QStringLiteral("grace"),
        QStringLiteral("Seconds in-flight requests get after SIGTERM (default 25)."),
        QStringLiteral("s"), QStringLiteral("25"));
    const QCommandLineOption tokenFile(
        QStringLiteral("token-file"),
        QStringLiteral("A file whose first line is the bearer token every request but /healthz "
                       "and /readyz must carry (or set CLEARCUT_TOKEN)."),
        QStringLiteral("path"));
    const QCommandLineOption threads(QStringLiteral("threads"),
                                     QStringLiteral("Inference threads (default: every core)."),
                                     QStringLiteral("n"));
    parser.addOptions(
        {listen, model, queue, deadline, maxBody, maxPixels, grace, tokenFile, threads});

    ParseResult result;
    if (!app::parseCommon(parser, arguments, help, version, "clearcut-server", QString(), result))
        return result;

    ServerOptions o;
    const QString where = parser.value(listen);
    const qsizetype colon = where.lastIndexOf(QLatin1Char(':'));
    bool portOk = false;
    const int port = colon > 0 ? where.mid(colon + 1).toInt(&portOk) : -1;
    QString host = colon > 0 ? where.left(colon) : QString();
    if (host.startsWith(QLatin1Char('[')) && host.endsWith(QLatin1Char(']')))
        host = host.mid(1, host.size() - 2);
    if (!portOk || port < 0 || port > 65535 || !o.address.setAddress(host)) {
        result.error = QStringLiteral("--listen must be ADDR:PORT (e.g. 127.0.0.1:8080 or "
                                      "0.0.0.0:8080), not %1")
                           .arg(where);
        return result;
    }
    o.port = quint16(port);
    o.modelPath = parser.isSet(model) ? parser.value(model) : defaultModelPath();

    const auto number = [&](const QCommandLineOption &option, qint64 min, qint64 max,
                            qint64 *value) {
        bool ok = false;
        *value = parser.value(option).toLongLong(&ok);
        if (!ok || *value < min || *value > max) {
            result.error = QStringLiteral("--%1 must be a whole number from %2 to %3")
                               .arg(option.names().constLast())
                               .arg(min)
                               .arg(max);
            return false;
        }
        return true;
    };
    qint64 value = 0;
    if (!number(queue, 1, 100000, &value))
        return result;
    o.queueLimit = int(value);
    if (!number(deadline, 1, 86400, &value))
        return result;
    o.deadlineSeconds = int(value);
    if (!number(maxBody, 1, 4096, &value))
        return result;
    o.maxBodyBytes = value * 1024 * 1024;
    if (!number(maxPixels, 1, 2'000'000'000, &value))
        return result;
    o.maxPixels = value;
    if (!number(grace, 0, 3600, &value))
        return result;
    o.graceSeconds = int(value);
    if (parser.isSet(threads)) {
        if (!number(threads, 1, LoadOptions::kMaxThreads, &value))
            return result;
        o.load.threads = int(value);
    }

    o.token = qgetenv("CLEARCUT_TOKEN").trimmed();
    if (parser.isSet(tokenFile)) {
        QFile file(parser.value(tokenFile));
        if (!file.open(QIODevice::ReadOnly)) {
            result.error = QStringLiteral("--token-file %1: %2")
                               .arg(parser.value(tokenFile), file.errorString());
            return result;
        }
        o.token = file.readLine().trimmed();
        if (o.token.isEmpty()) {
            result.error = QStringLiteral("--token-file %1: the first line is empty")
                               .arg(parser.value(tokenFile));
            return result;
        }
    }
    result.options = o;
    return result;
}

} // namespace clearcut::server
