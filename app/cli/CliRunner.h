#pragma once

// Drives one clearcut-cli run: loads the model while the first photos decode, then streams each
// photo through decode (thread pool) -> segment (engine thread) -> mask, composite, encode (pool).

#include "CliOptions.h"

#include "engine/EngineThread.h"
#include "engine/ImageIO.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonObject>
#include <QObject>

#include <map>
#include <memory>

namespace clearcut::cli {

class CliRunner final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CliRunner)

public:
    explicit CliRunner(CliOptions options, QObject *parent = nullptr);
    ~CliRunner() override;

    // Starts the run; finished(exitCode) follows: 0 all written, 1 some failed, 2 model/usage
    // error.
    void start();

Q_SIGNALS:
    void finished(int exitCode);

private:
    struct Item
    {
        QString source;
        QString output;
        std::shared_ptr<const cv::Mat> bgr;
        double decodeMs = 0;
        double preprocessMs = 0;
        double inferMs = 0;
        double postMs = 0;
        double encodeMs = 0;
    };

    void startDecodes();
    void onDecoded(quint64 id, DecodeResult result, double ms);
    void onSegmented(const SegmentResult &result);
    void onWritten(quint64 id, const QString &error, double postMs, double encodeMs);
    void failItem(quint64 id, const QString &reason);
    void finishIfDone();
    void finish(int exitCode);
    QString outputPathFor(const QString &source) const;

    CliOptions m_options;
    EngineThread m_engineThread;
    QStringList m_sources;
    cv::Mat m_background;            // for a background-image output type
    std::map<quint64, Item> m_items; // in flight, bounded by kMaxInFlight
    quint64 m_nextSource = 0;
    int m_written = 0;
    int m_failed = 0;
    bool m_modelReady = false;
    bool m_finished = false;
    QJsonObject m_modelTimings;
    QJsonArray m_imageTimings;
    QElapsedTimer m_clock;
};

} // namespace clearcut::cli
