#include "FileRead.h"

#include <QFile>
#include <QFileInfo>

#ifdef Q_OS_UNIX
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

#include <algorithm>

namespace clearcut::FileRead {
namespace {

Result failure(const QString &error)
{
    return Result{QByteArray(), error};
}

Result tooLarge(qint64 size, qint64 maxBytes)
{
    return failure(QStringLiteral("file too large: %1 (limit %2)")
                       .arg(describeBytes(size), describeBytes(maxBytes)));
}

#ifdef Q_OS_UNIX
QString openError(int error)
{
    switch (error) {
    case ENOENT:
        return QStringLiteral("no such file");
    case ELOOP:
        return QStringLiteral("a symbolic link loop");
    case EACCES:
    case EPERM:
        return QStringLiteral("permission denied");
    case ENOTDIR:
        return QStringLiteral("no such file (a part of the path is not a folder)");
    default:
        return QString::fromLocal8Bit(std::strerror(error));
    }
}

QString kindOf(mode_t mode)
{
    if (S_ISDIR(mode))
        return QStringLiteral("a folder");
    if (S_ISFIFO(mode))
        return QStringLiteral("a FIFO");
    if (S_ISCHR(mode) || S_ISBLK(mode))
        return QStringLiteral("a device");
    if (S_ISSOCK(mode))
        return QStringLiteral("a socket");
    return QStringLiteral("not a file");
}
#endif

} // namespace

QString whyMissing(const QString &path)
{
    const QFileInfo info(path);
#ifdef Q_OS_UNIX
    struct stat st;
    if (::stat(QFile::encodeName(path).constData(), &st) != 0) {
        if (errno == ELOOP)
            return QStringLiteral("a symbolic link loop");
        if (errno == ENOENT && info.isSymLink())
            return QStringLiteral("a broken link (to %1)").arg(info.symLinkTarget());
        if (errno == ENOENT)
            return QStringLiteral("no such file or folder");
        return openError(errno);
    }
#endif
    if (info.isSymLink() && !info.exists())
        return QStringLiteral("a broken link (to %1)").arg(info.symLinkTarget());
    return info.exists() ? QString() : QStringLiteral("no such file or folder");
}

QString describeBytes(qint64 bytes)
{
    constexpr double kKb = 1024.0, kMb = kKb * 1024, kGb = kMb * 1024;
    if (bytes >= kGb)
        return QStringLiteral("%1 GB").arg(bytes / kGb, 0, 'g', 3);
    if (bytes >= kMb)
        return QStringLiteral("%1 MB").arg(bytes / kMb, 0, 'g', 3);
    if (bytes >= kKb)
        return QStringLiteral("%1 KB").arg(bytes / kKb, 0, 'g', 3);
    return QStringLiteral("%1 bytes").arg(bytes);
}

Result regularFile(const QString &path, qint64 maxBytes)
{
#ifdef Q_OS_UNIX
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer for ever.
    const QByteArray encoded = QFile::encodeName(path);
    int fd;
    do {
        fd = ::open(encoded.constData(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0)
        return failure(QStringLiteral("cannot open file: %1").arg(openError(errno)));
    struct Closer
    {
        int fd;
        ~Closer() { ::close(fd); }
    } closer{fd};
    struct stat st;
    if (::fstat(fd, &st) != 0)
        return failure(QStringLiteral("cannot read file: %1").arg(openError(errno)));
    if (!S_ISREG(st.st_mode))
        return failure(QStringLiteral("not a regular file (%1)").arg(kindOf(st.st_mode)));
    if (st.st_size > maxBytes)
        return tooLarge(st.st_size, maxBytes);
    // A regular file: back to blocking reads. Read to the limit and one byte more, so a file that
    // grows while it is read is caught too.
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    QByteArray bytes;
    bytes.resize(qsizetype(std::min<qint64>(st.st_size, maxBytes) + 1));
    qint64 done = 0;
    for (;;) {
        if (done == bytes.size()) {
            if (done > maxBytes)
                return tooLarge(done, maxBytes);
            bytes.resize(qsizetype(std::min<qint64>(maxBytes + 1, done * 2 + 4096)));
        }
        const ssize_t n = ::read(fd, bytes.data() + done, size_t(bytes.size() - done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return failure(QStringLiteral("cannot read file: %1").arg(openError(errno)));
        if (n == 0)
            break;
        done += n;
    }
    if (done > maxBytes)
        return tooLarge(done, maxBytes);
    bytes.resize(qsizetype(done));
    return Result{bytes, QString()};
#else
    const QFileInfo info(path);
    if (info.exists() && !info.isFile())
        return failure(
            QStringLiteral("not a regular file (%1)")
                .arg(info.isDir() ? QStringLiteral("a folder") : QStringLiteral("not a file")));
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return failure(QStringLiteral("cannot open file: %1").arg(file.errorString()));
    const QByteArray bytes = file.read(maxBytes + 1);
    if (file.error() != QFileDevice::NoError)
        return failure(QStringLiteral("cannot read file: %1").arg(file.errorString()));
    if (bytes.size() > maxBytes)
        return tooLarge(file.size(), maxBytes);
    return Result{bytes, QString()};
#endif
}

} // namespace clearcut::FileRead
