#pragma once

#include <QString>

class QCoreApplication;

namespace clearcut::app {

// Installs the translation of ClearCut's own strings that matches the user's locale (compiled
// into the app under :/i18n) and Qt's own (the dialogs' buttons), where they exist. Returns the
// resource path of ClearCut's translation, or an empty string when none matches.
QString installTranslations(QCoreApplication &app);

} // namespace clearcut::app
