#include "ProcessClock.h"

#include <QElapsedTimer>
#include <QFile>
#include <QList>

#ifdef Q_OS_LINUX
#include <time.h>
#include <unistd.h>
#endif

namespace clearcut::ProcessClock {
namespace {

#ifdef Q_OS_LINUX
// /proc/self/stat field 22 is the start time in clock ticks since boot; CLOCK_BOOTTIME is "now"
// on the same scale.
qint64 linuxMsSinceStart()
{
    QFile stat(QStringLiteral("/proc/self/stat"));
    if (!stat.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray line = stat.readAll();
    // The command name (field 2) may contain spaces; fields after it start after the last ')'.
    const int close = line.lastIndexOf(')');
    if (close < 0)
        return -1;
    const QList<QByteArray> fields = line.mid(close + 2).split(' ');
    constexpr int startTimeIndex = 22 - 3; // fields[0] is field 3
    if (fields.size() <= startTimeIndex)
        return -1;
    bool ok = false;
    const qint64 startTicks = fields.at(startTimeIndex).toLongLong(&ok);
    const long ticksPerSecond = sysconf(_SC_CLK_TCK);
    timespec now{};
    if (!ok || ticksPerSecond <= 0 || clock_gettime(CLOCK_BOOTTIME, &now) != 0)
        return -1;
    const qint64 nowMs = qint64(now.tv_sec) * 1000 + now.tv_nsec / 1000000;
    return nowMs - startTicks * 1000 / ticksPerSecond;
}
#endif

struct FallbackClock
{
    FallbackClock() { timer.start(); }
    QElapsedTimer timer;
};

} // namespace

qint64 msSinceProcessStart()
{
    static FallbackClock fallback;
#ifdef Q_OS_LINUX
    const qint64 ms = linuxMsSinceStart();
    if (ms >= 0)
        return ms;
#endif
    return fallback.timer.elapsed();
}

} // namespace clearcut::ProcessClock
