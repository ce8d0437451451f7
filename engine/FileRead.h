#pragma once

// Reading a whole small file (a photo, a sidecar, an edits file, a list) without trusting it: only
// a regular file is read, opening never blocks (a FIFO named IMG_1.jpg), and no more than a limit
// is read (a link to /dev/zero, a file still growing), so memory stays bounded.

#include <QByteArray>
#include <QString>

namespace clearcut::FileRead {

struct Result
{
    QByteArray bytes;
    // Empty on success; otherwise the reason for a user, without the file's name ("not a
    // regular file (a FIFO)", "file too large: 3.1 GB (limit 2 GB)", "a symbolic link loop").
    QString error;
    bool ok() const { return error.isEmpty(); }
};

Result regularFile(const QString &path, qint64 maxBytes);

// Why nothing is at path, for a user: "no such file or folder", "a symbolic link loop", "a broken
// link (to /media/card/IMG_1.jpg)", "permission denied".
QString whyMissing(const QString &path);

// "2 GB", "512 KB": for limits in messages.
QString describeBytes(qint64 bytes);

} // namespace clearcut::FileRead
