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
    const QString name = QStringLiteral("clearcut_inference");
    if (QCoreApplication::instance()) {
        const QDir exe(QCoreApplication::applicationDirPath());
        result << exe.filePath(name) << exe.filePath(QStringLiteral("../lib/") + name)
               << exe.filePath(QStringLiteral("../lib/clearcut/") + name);
    }
    result << QStringLiteral(CLEARCUT_INFERENCE_BUILD_DIR "/") + name;
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
