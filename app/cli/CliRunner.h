#pragma once

// Drives one clearcut-cli run: loads the model on the engine thread while BatchExporter decodes the
// first photos, then prints what the batch reports.

#include "CliOptions.h"

#include "engine/BatchExporter.h"
#include "engine/EngineThread.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonObject>
#include <QObject>

namespace clearcut::cli {

// --probe-hardware: prints one JSON line on stdout (conv_gflops, threads, cpu, blas, torch).
// Returns the exit code: 0, or 2 when the inference library cannot be loaded or run.
int runHardwareProbe(const CliOptions &options);

class CliRunner final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CliRunner)

public:
    explicit CliRunner(CliOptions options, QObject *parent = nullptr);
    ~CliRunner() override;

    // Starts the run; finished(exitCode) follows: 0 all written (or skipped), 1 some failed,
    // 2 model/usage error.
    void start();
    // SIGTERM or SIGINT: no new photo starts, the ones being written finish (or are dropped
    // before their file appears), and finished(128 + signal) follows: within a photo's
    // inference, as LibTorch cannot stop mid-graph.
    void interrupt(int signal);
    bool interrupted() const { return m_signal != 0; }

Q_SIGNALS:
    void finished(int exitCode);

private:
    QList<BatchInput> findPhotos(const QStringList &paths);
    void onItemFinished(const BatchItemResult &result);
    void onBatchFinished(const BatchSummary &summary);
    void finish(int exitCode, const BatchSummary &summary);

    CliOptions m_options;
    EngineThread m_engineThread;
    BatchExporter m_exporter; // after the engine thread: it goes first, waiting for its jobs
    bool m_finished = false;
    int m_walkProblems = 0;
    int m_signal = 0;
    QJsonObject m_modelTimings;
    QJsonArray m_imageTimings;
    QElapsedTimer m_clock;
};

} // namespace clearcut::cli
