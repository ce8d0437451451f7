// The fuzz targets' main() in the default build, where there is no libFuzzer: each file named on
// the command line, and every file directly in each folder named (in name order), goes through
// LLVMFuzzerTestOneInput once, in a buffer of exactly its size. A crash or a failed FUZZ_CHECK
// ends the process with a signal (ctest's fuzz_regressions fails); the file being replayed is
// named on stderr first.

#include "FuzzCommon.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStringList>

#include <cstring>
#include <memory>

int main(int argc, char **argv)
{
    LLVMFuzzerInitialize(&argc, &argv);
    QStringList files;
    for (int i = 1; i < argc; ++i) {
        const QString arg = QString::fromLocal8Bit(argv[i]);
        const QFileInfo info(arg);
        if (info.isDir()) {
            const QDir dir(arg);
            for (const QString &name : dir.entryList(QDir::Files, QDir::Name))
                files << dir.filePath(name);
        } else if (info.isFile()) {
            files << arg;
        } else {
            std::fprintf(stderr, "replay: no such file or folder: %s\n", argv[i]);
            return 2;
        }
    }
    for (const QString &path : files) {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly)) {
            std::fprintf(stderr, "replay: cannot read %s\n", qPrintable(path));
            return 2;
        }
        const QByteArray bytes = file.readAll();
        std::fprintf(stderr, "replay: %s (%lld bytes)\n", qPrintable(path),
                     static_cast<long long>(bytes.size()));
        // A fresh allocation of exactly the input's size, as libFuzzer gives it (never null).
        const std::unique_ptr<uint8_t[]> copy(new uint8_t[size_t(bytes.size())]);
        if (!bytes.isEmpty())
            std::memcpy(copy.get(), bytes.constData(), size_t(bytes.size()));
        LLVMFuzzerTestOneInput(copy.get(), size_t(bytes.size()));
    }
    std::printf("replay: %lld inputs, no crash\n", static_cast<long long>(files.size()));
    return 0;
}
