#pragma once

// Runs part of a test in a forked child, for what must not touch the test process itself (a file
// size limit standing in for a full disk). Unix only.

#include <QByteArray>

#include <csignal>
#include <functional>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

namespace clearcut::test {

struct ChildOutcome
{
    int status = -1;   // the exit code, or 128 + the signal that ended it
    QByteArray output; // what body returned
};

// Forks; the child runs body and sends its result back through a pipe, then exits 0 (5 if the
// pipe write fails; body may _exit() with codes of its own). The child is killed after 120 s, so
// a hung one cannot hang the test.
inline ChildOutcome runInChild(const std::function<QByteArray()> &body)
{
    ChildOutcome outcome;
    int pipeFds[2];
    if (pipe(pipeFds) != 0)
        return outcome;
    const pid_t child = fork();
    if (child < 0) {
        close(pipeFds[0]);
        close(pipeFds[1]);
        return outcome;
    }
    if (child == 0) {
        close(pipeFds[0]);
        alarm(120);
        const QByteArray result = body();
        const ssize_t written = write(pipeFds[1], result.constData(), size_t(result.size()));
        _exit(written == result.size() ? 0 : 5);
    }
    close(pipeFds[1]);
    char buffer[4096];
    for (ssize_t n; (n = read(pipeFds[0], buffer, sizeof buffer)) > 0;)
        outcome.output.append(buffer, qsizetype(n));
    close(pipeFds[0]);
    int status = 0;
    if (waitpid(child, &status, 0) == child)
        outcome.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return outcome;
}

// In a child: files may grow to bytes, and writing past it fails with EFBIG (as ENOSPC would on
// a full disk) instead of raising SIGXFSZ.
inline void limitFileSize(rlim_t bytes)
{
    std::signal(SIGXFSZ, SIG_IGN);
    const rlimit limit{bytes, bytes};
    setrlimit(RLIMIT_FSIZE, &limit);
}

} // namespace clearcut::test
