#pragma once

// What a finished folder search tells the user, the same in the window and in Batch Export.

#include <QStringList>

namespace clearcut {
struct FoundPhotos;
}

namespace clearcut::ui {

// "No photos found in …" when a search that was not cancelled found none, then its first three
// problems and how many more there were. Plain text, one line each; empty when all went well.
QStringList scanNotes(const FoundPhotos &found, const QStringList &searched);

} // namespace clearcut::ui
