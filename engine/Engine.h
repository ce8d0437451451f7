#pragma once

// The one owner of the model. Lives on its own thread (see EngineThread); everything reaches it
// through queued calls and leaves it through queued signals, as values.

#include "Types.h"

#include <QObject>

#include <deque>
#include <memory>

namespace clearcut {

namespace inference {
class Segmenter;
}

class Engine final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Engine)

public:
    explicit Engine(QObject *parent = nullptr);
    ~Engine() override;

    // The hardware reference, on the calling thread (which it configures as a model load does):
    // about two seconds, plus LibTorch's start the first time. Loads no model; error set when
    // LibTorch or the convolution cannot run.
    static HardwareReport probeHardware(int threads);
    // Whether a model loaded with DevicePreference::Cuda can run, from any thread. Loads
    // LibTorch the first time (~350 ms), so call it off the UI thread.
    static CudaSupport cudaSupport();

public Q_SLOTS:
    // Loads LibTorch and the ~125 libraries it brings, without a model: about half a second,
    // all of it holding the dynamic loader's lock, which starting a thread or loading a plugin
    // in any other thread then waits for. The first loadModel() does it otherwise. A program
    // that has more to set up (the window) starts its threads and plugins first, calls this, and
    // sets up the rest while it runs. A failure is reported by the next loadModel().
    void loadInferenceLibrary();
    // Loads a model, replacing the current one once the new one is ready. Calling it again after
    // modelFailed is the retry; there is no automatic one.
    void loadModel(const QString &path, const clearcut::LoadOptions &options = {});
    // Served in order, urgent ones first. Requests that arrive while no model is ready wait for
    // one.
    void segment(const clearcut::SegmentRequest &request);

Q_SIGNALS:
    void loadStarted(const QString &path);
    void loadProgress(clearcut::LoadStage stage, double fraction);
    void modelReady(const clearcut::ModelInfo &info);
    void modelFailed(const QString &reason);
    void segmented(const clearcut::SegmentResult &result);
    void segmentFailed(quint64 id, const QString &reason);
    void segmentCancelled(quint64 id);

private:
    void scheduleServe();
    void serveOne();

    std::unique_ptr<inference::Segmenter> m_segmenter;
    std::deque<SegmentRequest> m_pending;
    bool m_serveScheduled = false;
};

} // namespace clearcut

Q_DECLARE_METATYPE(clearcut::LoadOptions)
