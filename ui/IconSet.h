#pragma once

// ClearCut's own icons, from the resources compiled into the app, so the toolbar has icons on a
// bare desktop with no icon theme and looks the same everywhere.

#include <QIcon>

class QPalette;

namespace clearcut::ui {

// A toolbar glyph (:/icons/actions/NAME.png and NAME@2x.png, white alpha masks) tinted with the
// palette's button-text colours, normal and disabled, so it reads on dark and light themes.
QIcon actionIcon(const QString &name, const QPalette &palette);

// A full-colour icon from the same folder, as drawn (dialog-error).
QIcon colourIcon(const QString &name);

// The app icon: the installed theme's (hicolor) when the desktop has one, else the PNGs compiled
// into the app.
QIcon appIcon();

} // namespace clearcut::ui
