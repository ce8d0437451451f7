#pragma once

// What the app remembers between runs: the model and how to run it, where and how results are
// saved, and the last output type, mask adjustment and framing. Stored with QSettings under
// readable keys so a hand-edited file still makes sense; anything unreadable falls back to its
// default.

#include "Theme.h"

#include "engine/Framing.h"
#include "engine/MaskRefiner.h"
#include "engine/OutputType.h"
#include "engine/Types.h"

#include <QString>
#include <QStringList>

#include <memory>

class QSettings;

namespace clearcut::ui {

struct AppSettings
{
    QString modelPath; // empty: the default model (defaultModelPath())
    DevicePreference device = DevicePreference::Auto;
    Quality quality = Quality::Best;
    QString outputFormat = QStringLiteral("png"); // one of outputFormats()
    QString outputFolder;                         // empty: the photo's own folder
    OutputType outputType;                        // stored as OutputType::toString()
    MaskAdjust adjust;
    Framing framing;
    Theme theme = defaultTheme();

    // Missing or unreadable keys give their defaults; never throws.
    static AppSettings load(QSettings &settings);
    void save(QSettings &settings) const;

    QString effectiveModelPath() const;

    // The save formats, as file suffixes, in the order the UI lists them.
    static const QStringList &outputFormats();
};

// A mask adjustment and a framing under `prefix` ("adjust/" for the window's, "batch/" for the
// batch dialog's). Missing or unreadable keys give their defaults.
MaskAdjust loadMaskAdjust(QSettings &settings, const QString &prefix);
void saveMaskAdjust(QSettings &settings, const QString &prefix, const MaskAdjust &adjust);
Framing loadFraming(QSettings &settings, const QString &prefix);
void saveFraming(QSettings &settings, const QString &prefix, const Framing &framing);

// The app's settings: organisation and application "ClearCut", INI format
// (~/.config/ClearCut/ClearCut.ini on Linux).
std::unique_ptr<QSettings> openSettings();

} // namespace clearcut::ui
