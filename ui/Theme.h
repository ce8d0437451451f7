#pragma once

// The window's colours. Designers' tools are dark, so ClearCut is dark unless the desktop states
// a preference of its own; Preferences offers System, Light and Dark.

#include <QString>

class QPalette;

namespace clearcut::ui {

enum class Theme
{
    System,
    Light,
    Dark
};

// System where the desktop says whether it is light or dark, Dark where it says nothing (a bare
// X server, a desktop without a platform theme).
Theme defaultTheme();

// "system", "light", "dark": the settings file's words. An unknown word reads as the default.
QString themeKey(Theme theme);
Theme themeFromKey(const QString &key);

// Sets the application's style and palette: Fusion with ClearCut's palettes for Light and Dark,
// the platform's own style and palette for System. Call on the GUI thread after QApplication.
void applyTheme(Theme theme);

// The palettes themselves (for tests and for the icon tint).
QPalette darkPalette();
QPalette lightPalette();

} // namespace clearcut::ui
