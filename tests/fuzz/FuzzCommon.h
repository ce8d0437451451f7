#pragma once

// What the fuzz targets share: libFuzzer's entry points (ReplayMain.cpp calls them in the default
// build), a check that fails the run, and the input as a QByteArray without a copy.

#include <QByteArray>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv);
extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

namespace clearcut::fuzz {

// A broken promise: the input is saved as a crash (libFuzzer), the replay dies with SIGABRT.
[[noreturn]] inline void failed(const char *file, int line, const char *what)
{
    std::fprintf(stderr, "%s:%d: fuzz check failed: %s\n", file, line, what);
    std::abort();
}

// The input's exact bytes, not copied: ASan sees a read one past the end.
inline QByteArray rawBytes(const uint8_t *data, size_t size)
{
    return QByteArray::fromRawData(reinterpret_cast<const char *>(data), qsizetype(size));
}

// The bytes before the first '\n' (all of them when there is none) and those after it.
struct Split
{
    QByteArray line;
    QByteArray rest;
};

inline Split firstLine(const QByteArray &bytes)
{
    const qsizetype end = bytes.indexOf('\n');
    if (end < 0)
        return {bytes, QByteArray()};
    return {bytes.left(end), bytes.mid(end + 1)};
}

} // namespace clearcut::fuzz

#define FUZZ_CHECK(condition)                                                                      \
    ((condition) ? void(0) : ::clearcut::fuzz::failed(__FILE__, __LINE__, #condition))
