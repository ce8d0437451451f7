#pragma once

// clearcut-server's command line and environment.

#include "engine/Types.h"

#include <QByteArray>
#include <QHostAddress>
#include <QString>
#include <QStringList>

#include <optional>

namespace clearcut::server {

struct ServerOptions
{
    QHostAddress address = QHostAddress::LocalHost; // --listen ADDR:PORT
    quint16 port = 8080;                            // 0: any free port (printed at start)
    QString modelPath;
    LoadOptions load;
    int queueLimit = 16;                    // accepted and not yet answered; more get 503
    int deadlineSeconds = 60;               // per request: 504 past it, and its work is dropped
    qint64 maxBodyBytes = 64 * 1024 * 1024; // 413 past it
    qint64 maxPixels = 100'000'000;         // 413 past it (checked from the image's header)
    int graceSeconds = 25;                  // SIGTERM: in-flight requests get this long
    QByteArray token;                       // empty: no authentication
};

struct ParseResult
{
    std::optional<ServerOptions> options;
    QString error;
    bool exitNow = false; // --help, --version
};

// The token comes from CLEARCUT_TOKEN, or the file --token-file names (its first line).
ParseResult parseCommandLine(const QStringList &arguments);

} // namespace clearcut::server
