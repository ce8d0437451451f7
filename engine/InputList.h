#pragma once

// A file that lists photos, one path a line (clearcut-cli --input-list): what a catalogue or a
// Kubernetes job hands over instead of a folder.

#include <QString>
#include <QStringList>

#include <optional>

namespace clearcut::InputList {

// The paths in `text`, in order: each line trimmed; blank lines and lines starting with # left
// out; a relative path taken from `folder`. Nothing is checked on disk: a path that is not there
// is the batch's to report, as that photo's failure.
QStringList parse(const QString &text, const QString &folder);

// parse() of the UTF-8 file at listPath, relative paths from the list's own folder. nullopt with
// *error naming the file when it cannot be read.
std::optional<QStringList> read(const QString &listPath, QString *error);

} // namespace clearcut::InputList
