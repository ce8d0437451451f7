// Batch export benchmark (not a test): makes N 24-megapixel JPEGs from the test photos, exports
// them to PNG with clearcut-cli, and prints photos/minute, peak RSS, where the time went, and the
// batch's wall time per photo against one 1024x1024 inference measured in the same run.
//
//   batch_bench [--count N] [--noise SIGMA] [--precision P] [--work DIR] [--keep] [--cli PATH]
//               [--photos-only]
//
// --photos-only makes the photos, prints their folder and stops (bench/window_bench.py uses it).
// --noise adds Gaussian grain: an upscaled small photo is smoother than a real 24 MP one, and
// PNG encodes it faster than it would a real photo. --precision goes to clearcut-cli for both the
// batch and the single inference (auto, float32, bfloat16).
//
// The goal: peak RSS < 1.5 GB for 100 photos, wall time per photo <= 1.35x one inference.

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cstdio>
#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

extern char **environ;

namespace {

struct ChildRun
{
    int exitCode = -1;
    double wallMs = 0;
    long peakRssKb = 0;      // the kernel's high-water mark (ru_maxrss)
    std::vector<long> rssKb; // sampled every 100 ms, to show whether memory stays flat
    QJsonObject timings;     // clearcut-cli --timings: the last line of stderr
    QString stderrText;
};

// posix_spawn + wait4, so the child's own peak RSS comes back (QProcess does not give it).
ChildRun runCli(const QString &cli, const QStringList &arguments, const QString &stderrPath)
{
    ChildRun run;
    std::vector<QByteArray> storage{cli.toLocal8Bit()};
    for (const QString &argument : arguments)
        storage.push_back(argument.toLocal8Bit());
    std::vector<char *> argv;
    for (QByteArray &s : storage)
        argv.push_back(s.data());
    argv.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    const QByteArray errPath = stderrPath.toLocal8Bit();
    posix_spawn_file_actions_addopen(&actions, 2, errPath.constData(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0644);
    QElapsedTimer clock;
    clock.start();
    pid_t pid = 0;
    if (posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ) != 0) {
        std::fprintf(stderr, "cannot start %s\n", argv[0]);
        return run;
    }
    posix_spawn_file_actions_destroy(&actions);

    const QString statusPath = QStringLiteral("/proc/%1/status").arg(pid);
    int status = 0;
    rusage usage{};
    for (;;) {
        const pid_t done = wait4(pid, &status, WNOHANG, &usage);
        if (done == pid)
            break;
        QFile proc(statusPath);
        if (proc.open(QIODevice::ReadOnly)) {
            for (const QByteArray &line : proc.readAll().split('\n'))
                if (line.startsWith("VmRSS:"))
                    run.rssKb.push_back(line.mid(6).trimmed().split(' ').first().toLong());
        }
        usleep(100'000);
    }
    run.wallMs = clock.nsecsElapsed() / 1e6;
    run.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    run.peakRssKb = usage.ru_maxrss;

    QFile err(stderrPath);
    if (err.open(QIODevice::ReadOnly))
        run.stderrText = QString::fromUtf8(err.readAll());
    const QString last = run.stderrText.trimmed().section(QLatin1Char('\n'), -1);
    run.timings = QJsonDocument::fromJson(last.toUtf8()).object();
    return run;
}

double median(std::vector<double> v)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

struct StageMeans
{
    double decode = 0, preprocess = 0, infer = 0, post = 0, encode = 0;
    int count = 0;
};

StageMeans stageMeans(const QJsonObject &timings)
{
    StageMeans m;
    for (const QJsonValue &v : timings.value(QStringLiteral("images")).toArray()) {
        const QJsonObject o = v.toObject();
        m.decode += o.value(QStringLiteral("decode_ms")).toDouble();
        m.preprocess += o.value(QStringLiteral("preprocess_ms")).toDouble();
        m.infer += o.value(QStringLiteral("infer_ms")).toDouble();
        m.post += o.value(QStringLiteral("post_ms")).toDouble();
        m.encode += o.value(QStringLiteral("encode_ms")).toDouble();
        ++m.count;
    }
    if (m.count > 0) {
        m.decode /= m.count;
        m.preprocess /= m.count;
        m.infer /= m.count;
        m.post /= m.count;
        m.encode /= m.count;
    }
    return m;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    int count = 10;
    int noise = 0;
    QString work;
    QString precision = QStringLiteral("auto");
    bool keep = false;
    bool photosOnly = false;
    QString cli = QStringLiteral(CLEARCUT_CLI);
    const QStringList args = app.arguments();
    for (int i = 1; i < args.size(); ++i) {
        if (args[i] == QLatin1String("--count") && i + 1 < args.size())
            count = args[++i].toInt();
        else if (args[i] == QLatin1String("--noise") && i + 1 < args.size())
            noise = args[++i].toInt();
        else if (args[i] == QLatin1String("--precision") && i + 1 < args.size())
            precision = args[++i];
        else if (args[i] == QLatin1String("--work") && i + 1 < args.size())
            work = args[++i];
        else if (args[i] == QLatin1String("--cli") && i + 1 < args.size())
            cli = args[++i];
        else if (args[i] == QLatin1String("--keep"))
            keep = true;
        else if (args[i] == QLatin1String("--photos-only"))
            photosOnly = keep = true;
        else {
            std::fprintf(stderr, "usage: batch_bench [--count N] [--noise SIGMA] [--precision P] "
                                 "[--work DIR] [--keep] [--cli PATH] [--photos-only]\n");
            return 2;
        }
    }
    QTemporaryDir temporary;
    temporary.setAutoRemove(!keep);
    if (work.isEmpty())
        work = temporary.path();
    const QDir dir(work);
    const QString photos = dir.filePath(QStringLiteral("photos-noise%1").arg(noise));
    const QString single = dir.filePath(QStringLiteral("single"));
    const QString out = dir.filePath(QStringLiteral("out"));
    QDir(out).removeRecursively();
    QDir().mkpath(photos);
    QDir().mkpath(single);

    // 6000x4000 JPEGs (quality 92) from the test photos; flipped and shifted copies so no two are
    // the same file.
    const QStringList sources = QDir(QStringLiteral(CLEARCUT_TEST_DATA "/photos"))
                                    .entryList({QStringLiteral("*.jpg")}, QDir::Files, QDir::Name);
    std::vector<cv::Mat> bases;
    for (const QString &name : sources) {
        cv::Mat img =
            cv::imread(QStringLiteral(CLEARCUT_TEST_DATA "/photos/%1").arg(name).toStdString());
        if (!img.empty())
            bases.push_back(img);
    }
    if (bases.empty()) {
        std::fprintf(stderr, "no test photos\n");
        return 2;
    }
    // Photos from an earlier, larger run in the same folder would be exported too.
    for (const QString &name : QDir(photos).entryList(QDir::Files)) {
        const int index = name.mid(6, 4).toInt();
        if (!name.startsWith(QLatin1String("photo_")) || index >= count)
            QFile::remove(QDir(photos).filePath(name));
    }
    QElapsedTimer clock;
    clock.start();
    const std::vector<int> jpeg{cv::IMWRITE_JPEG_QUALITY, 92};
    for (int i = 0; i < count; ++i) {
        const QString path =
            QDir(photos).filePath(QStringLiteral("photo_%1.jpg").arg(i, 4, 10, QChar('0')));
        if (QFile::exists(path))
            continue;
        cv::Mat big;
        cv::resize(bases[size_t(i) % bases.size()], big, cv::Size(6000, 4000), 0, 0,
                   cv::INTER_CUBIC);
        if ((i / bases.size()) % 2 == 1)
            cv::flip(big, big, 1);
        if (noise > 0) {
            cv::Mat grain(big.size(), CV_16SC3);
            cv::randn(grain, cv::Scalar::all(0), cv::Scalar::all(noise));
            cv::Mat noisy;
            cv::add(big, grain, noisy, cv::noArray(), CV_8UC3);
            big = noisy;
        }
        cv::imwrite(path.toStdString(), big, jpeg);
    }
    if (photosOnly) {
        std::printf("%s\n", qPrintable(photos));
        return 0;
    }
    // The single-inference reference: three 1024x1024 photos (the median is reported, so the
    // first inference's one-off costs do not count).
    for (int i = 0; i < 3; ++i) {
        const QString path = QDir(single).filePath(QStringLiteral("single_%1.jpg").arg(i));
        if (QFile::exists(path))
            continue;
        cv::Mat img;
        cv::resize(bases[size_t(i) % bases.size()], img, cv::Size(1024, 1024), 0, 0,
                   cv::INTER_CUBIC);
        cv::imwrite(path.toStdString(), img, jpeg);
    }
    std::printf("generated %d photos of 6000x4000 in %s (%.1f s)\n", count, qPrintable(work),
                clock.nsecsElapsed() / 1e9);
    std::fflush(stdout);

    const ChildRun reference =
        runCli(cli,
               {QStringLiteral("-s"), single, QStringLiteral("-d"),
                dir.filePath(QStringLiteral("single-out")), QStringLiteral("-t"),
                QStringLiteral("map"), QStringLiteral("--precision"), precision,
                QStringLiteral("--timings"), QStringLiteral("-q")},
               dir.filePath(QStringLiteral("single.err")));
    std::vector<double> inferMs;
    for (const QJsonValue &v : reference.timings.value(QStringLiteral("images")).toArray())
        inferMs.push_back(v.toObject().value(QStringLiteral("preprocess_ms")).toDouble() +
                          v.toObject().value(QStringLiteral("infer_ms")).toDouble());
    const double oneInferenceMs = median(inferMs);
    if (reference.exitCode != 0 || oneInferenceMs <= 0) {
        std::fprintf(stderr, "the reference run failed:\n%s\n", qPrintable(reference.stderrText));
        return 1;
    }

    const QString report = dir.filePath(QStringLiteral("report.json"));
    const ChildRun batch =
        runCli(cli,
               {QStringLiteral("-s"), photos, QStringLiteral("-d"), out, QStringLiteral("-f"),
                QStringLiteral("png"), QStringLiteral("--precision"), precision,
                QStringLiteral("--report"), report, QStringLiteral("--timings")},
               dir.filePath(QStringLiteral("batch.err")));
    QFile reportFile(report);
    const QJsonObject summary = reportFile.open(QIODevice::ReadOnly)
                                    ? QJsonDocument::fromJson(reportFile.readAll()).object()
                                    : QJsonObject();
    const int done = summary.value(QStringLiteral("done")).toInt();
    if (batch.exitCode != 0 || done != count) {
        std::fprintf(stderr, "the batch failed (exit %d, %d of %d done):\n%s\n", batch.exitCode,
                     done, count, qPrintable(batch.stderrText));
        return 1;
    }

    const QJsonObject model = batch.timings.value(QStringLiteral("model")).toObject();
    const double readyMs = model.value(QStringLiteral("ready_ms")).toDouble();
    const double processMs = batch.timings.value(QStringLiteral("process_ms")).toDouble();
    const double batchMs = processMs - readyMs; // model ready -> last photo written
    const double perPhotoMs = batchMs / count;
    const StageMeans stages = stageMeans(batch.timings);

    std::printf("\nclearcut-cli, %d photos 6000x4000 JPEG (grain sigma %d) -> PNG (rgba, "
                "compression 1), %d cores, inference in %s\n",
                count, noise, int(sysconf(_SC_NPROCESSORS_ONLN)),
                qPrintable(model.value(QStringLiteral("precision")).toString()));
    std::printf("  wall time, whole process:      %8.1f s (model load %.1f s of it)\n",
                batch.wallMs / 1000, readyMs / 1000);
    std::printf("  wall time, model ready -> end: %8.1f s\n", batchMs / 1000);
    std::printf("  per photo:                     %8.0f ms (%.1f photos/min)\n", perPhotoMs,
                60000.0 / perPhotoMs);
    std::printf("  peak RSS:                      %8.0f MB\n", batch.peakRssKb / 1024.0);
    if (!batch.rssKb.empty()) {
        std::printf("  RSS over the run (MB, 10 samples):");
        for (int i = 0; i < 10; ++i)
            std::printf(" %.0f", batch.rssKb[batch.rssKb.size() * size_t(i) / 10] / 1024.0);
        std::printf(" %.0f\n", batch.rssKb.back() / 1024.0);
    }
    std::printf("  one 1024x1024 inference:       %8.0f ms (median of %zu, separate process)\n",
                oneInferenceMs, inferMs.size());
    std::printf("  ratio per photo / inference:   %8.2f (goal <= 1.35)\n",
                perPhotoMs / oneInferenceMs);
    std::printf("  stage means per photo (ms, measured inside the pipeline, so under "
                "contention):\n");
    std::printf("    decode %.0f | preprocess %.0f | infer %.0f | post %.0f | encode+write %.0f"
                " | sum %.0f\n",
                stages.decode, stages.preprocess, stages.infer, stages.post, stages.encode,
                stages.decode + stages.preprocess + stages.infer + stages.post + stages.encode);
    const QJsonObject summaryLine = summary;
    std::printf("  summary: done %d, skipped %d, failed %d\n", done,
                summaryLine.value(QStringLiteral("skipped")).toInt(),
                summaryLine.value(QStringLiteral("failed")).toInt());
    return 0;
}
