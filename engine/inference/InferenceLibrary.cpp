#include "InferenceLibrary.h"

#include <QCoreApplication>
#include <QDir>
#include <QLibrary>

#include <mutex>

namespace clearcut::inference {
namespace {

struct Loaded
{
    const InferenceApi *api = nullptr;
    QString error;
};

QStringList candidates()
{
    QStringList result;
    const QString fromEnv = qEnvironmentVariable("CLEARCUT_INFERENCE_LIBRARY");
    if (!fromEnv.isEmpty())
        result << fromEnv;
    // Relative to the executable only, never a build path: the build tree keeps it beside the
    // executables, an install in its private library folder, wherever the tree was unpacked.
    const QString name = QStringLiteral("clearcut_inference");
    if (QCoreApplication::instance()) {
        const QDir exe(QCoreApplication::applicationDirPath());
        result << exe.filePath(name)
               << exe.filePath(QStringLiteral(CLEARCUT_INFERENCE_INSTALL_DIR "/") + name);
#ifdef Q_OS_MACOS
        // Inside the bundle; and beside it, where the build tree keeps it.
        result << exe.filePath(QStringLiteral("../Frameworks/") + name)
               << exe.filePath(QStringLiteral("../../../") + name);
#endif
    } else {
        result << name; // the loader's own search path
    }
    return result;
}

Loaded load()
{
    Loaded loaded;
    QStringList failures;
    for (const QString &candidate : candidates()) {
        QLibrary library(candidate);
        if (!library.load()) {
            failures << library.errorString();
            continue;
        }
        using Entry = const InferenceApi *(*)();
        const auto entry = reinterpret_cast<Entry>(library.resolve("clearcut_inference_api"));
        const InferenceApi *api = entry ? entry() : nullptr;
        if (!api || api->abiVersion != kInferenceAbiVersion) {
            failures << QStringLiteral("%1: not a compatible ClearCut inference library")
                            .arg(library.fileName());
            continue;
        }
        // Never unloaded: models and their code live in it until the process ends.
        loaded.api = api;
        return loaded;
    }
    loaded.error = QStringLiteral("cannot load the inference library (%1)")
                       .arg(failures.join(QStringLiteral("; ")));
    return loaded;
}

} // namespace

const InferenceApi *inferenceApi(QString *error)
{
    static const Loaded loaded = load(); // thread-safe, once
    if (!loaded.api && error)
        *error = loaded.error;
    return loaded.api;
}

} // namespace clearcut::inference
