// How long a brush stroke's live preview takes per mouse move on a 24 MP photo's display copy,
// at fit and at 100%: synthetic strokes (a press, ~25 moves along a smooth random curve, a
// release), each move timed from the event to the end of its repaint. Prints the median, 95th
// percentile and worst frame, and the frame rate the worst allows; asserts only that every stroke
// arrived (run by hand: build/bin/stroke_bench [--strokes N]). The goal: 30 fps or better.
//
// --window [PHOTO] paints on the real window instead, with the default model, on a 24 MP photo
// (made from the test data when none is given): the same frames, plus the time from each
// stroke's release to the full-resolution mask updated (goal: 150 ms) and to the view's new
// result, and the longest stall of the UI thread (goal: under 50 ms).

#include "DisplayCopy.h"
#include "StrokeFrames.h"

#include "engine/EngineThread.h"
#include "engine/ImageIO.h"
#include "engine/MaskRefiner.h"
#include "engine/Strokes.h"
#include "ui/CompareView.h"
#include "ui/MainWindow.h"
#include "ui/PhotoSession.h"
#include "ui/StallProbe.h"

#include <QAction>
#include <QApplication>
#include <QElapsedTimer>
#include <QImage>
#include <QTemporaryDir>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <cstdio>
#include <cstring>
#include <random>

using clearcut::DecodeResult;
using clearcut::bench::FrameStats;
using clearcut::ui::CompareView;

namespace {

void print(const char *label, const CompareView &view, const FrameStats &stats)
{
    std::printf("  %-5s zoom %.3f: %d frames, median %.2f ms, p95 %.2f ms, worst %.2f ms "
                "(%.0f fps at worst); %d repaints, %.1f%% of the view each on average\n",
                label, view.zoom(), stats.frames, stats.medianMs, stats.p95Ms, stats.worstMs,
                stats.worstMs > 0.0 ? 1000.0 / stats.worstMs : 0.0, stats.repaints,
                100.0 * stats.meanPaintedShare);
}

void printTimes(const char *label, std::vector<double> times, const char *unit = "strokes")
{
    FrameStats stats;
    const int count = int(times.size());
    clearcut::bench::summarise(std::move(times), stats);
    std::printf("    %s: median %.1f ms, p95 %.1f ms, worst %.1f ms (%d %s)\n", label,
                stats.medianMs, stats.p95Ms, stats.worstMs, count, unit);
}

// The real window, the default model, a 24 MP photo: frames, and what follows each stroke.
int runWindow(QString photo, int strokes, bool edgeAware)
{
    QTemporaryDir dir;
    if (photo.isEmpty()) {
        // A real photo brought to 24 MP (6000 x 4000), as a camera's JPEG.
        cv::Mat small = cv::imread(CLEARCUT_TEST_DATA "/photos/messi5.jpg");
        if (small.empty()) {
            std::fprintf(stderr, "error: cannot read the test photo\n");
            return 1;
        }
        cv::Mat big;
        cv::resize(small, big, cv::Size(6000, 4000), 0, 0, cv::INTER_CUBIC);
        photo = dir.filePath(QStringLiteral("24mp.jpg"));
        if (!cv::imwrite(photo.toStdString(), big, {cv::IMWRITE_JPEG_QUALITY, 92})) {
            std::fprintf(stderr, "error: cannot write %s\n", qPrintable(photo));
            return 1;
        }
    }
    clearcut::EngineThread engine;
    clearcut::ui::MainWindow window(engine.engine());
    window.resize(1400, 900);
    window.show();
    window.loadModel();
    window.addFiles({photo});
    clearcut::ui::PhotoSession *session = window.session();
    auto *view = window.findChild<CompareView *>();
    QElapsedTimer clock;
    clock.start();
    const auto waitFor = [](const std::function<bool()> &done, int ms) {
        QElapsedTimer timer;
        timer.start();
        while (!done() && timer.elapsed() < ms)
            QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 5);
        return done();
    };
    if (!waitFor([&] { return session->ids().size() == 1; }, 10000)) {
        std::fprintf(stderr, "error: the photo was not added\n");
        return 1;
    }
    const quint64 id = session->ids().first();
    if (!waitFor(
            [&] {
                return session->photo(id)->state == clearcut::ui::PhotoSession::State::Done &&
                       session->hasFullMask(id) && view->hasResult();
            },
            180000)) {
        std::fprintf(stderr, "error: no result and full-resolution mask for %s\n",
                     qPrintable(photo));
        return 1;
    }
    std::printf("Brush strokes on the window: %s (%dx%d), result and full-resolution mask in "
                "%.1f s\n",
                qPrintable(photo), session->photo(id)->fullSize.width(),
                session->photo(id)->fullSize.height(), double(clock.elapsed()) / 1000.0);

    QAction *erase = nullptr;
    for (QAction *action : window.findChildren<QAction *>())
        if (action->shortcuts().contains(QKeySequence(Qt::Key_E)))
            erase = action;
    if (!erase) {
        std::fprintf(stderr, "error: no Erase brush action\n");
        return 1;
    }
    erase->trigger();
    if (edgeAware) {
        for (QAction *action : window.findChildren<QAction *>())
            if (action->text() == QStringLiteral("Edge-&Aware") && !action->isChecked())
                action->trigger();
        if (!view->brush()->edgeAware) {
            std::fprintf(stderr, "error: no Edge-Aware brush action\n");
            return 1;
        }
    }
    std::printf("  radius %.0f px (full resolution)%s, %d strokes per zoom\n",
                view->brush()->radius, edgeAware ? ", edge-aware" : "", strokes);

    QElapsedTimer sinceRelease;
    QObject::connect(view, &CompareView::strokePainted, [&sinceRelease] { sinceRelease.start(); });
    bool shown = false;
    QObject::connect(session, &clearcut::ui::PhotoSession::resultChanged,
                     [&shown](quint64) { shown = true; });
    clearcut::ui::StallProbe probe;
    std::mt19937 rng(20240611);
    for (const bool fit : {true, false}) {
        if (fit)
            view->zoomToFit();
        else
            view->zoomToActualSize();
        QCoreApplication::processEvents();
        std::vector<double> toFullMask, toResult;
        bool lost = false;
        const size_t before = session->strokes(id).size();
        size_t painted = before;
        probe.reset();
        probe.start();
        const FrameStats frames =
            clearcut::bench::measureStrokeFrames(*view, strokes, rng, 25, [&] {
                ++painted;
                shown = false;
                // The stroke's full-resolution mask, then the view's result made with it.
                if (!waitFor(
                        [&] {
                            return session->strokes(id).size() == painted &&
                                   session->hasFullMask(id);
                        },
                        10000)) {
                    lost = true;
                    return;
                }
                toFullMask.push_back(double(sinceRelease.nsecsElapsed()) / 1e6);
                if (waitFor([&] { return shown; }, 10000))
                    toResult.push_back(double(sinceRelease.nsecsElapsed()) / 1e6);
            });
        probe.stop();
        print(fit ? "fit" : "100%", *view, frames);
        printTimes("release to full-resolution mask updated", toFullMask);
        printTimes("release to the view's new result", toResult);
        std::printf("    longest UI stall %.1f ms\n", probe.maxStallMs());
        if (lost || session->strokes(id).size() != before + size_t(strokes)) {
            std::fprintf(stderr, "error: %zu strokes in the document, %zu expected\n",
                         session->strokes(id).size() - before, size_t(strokes));
            return 1;
        }
    }
    // The baseline, in the same run: before the kept mask, a stroke's full-resolution mask was
    // made again from the network's (upsampled, refined, adjusted, every stroke painted).
    const DecodeResult decoded = clearcut::ImageIO::decodeFile(photo);
    if (decoded.image) {
        const cv::Mat &pixels = decoded.image->bgr;
        cv::Mat low(1024, 1024, CV_8UC1, cv::Scalar(0));
        cv::ellipse(low, {512, 512}, {300, 420}, 0, 0, 360, cv::Scalar(255), cv::FILLED);
        cv::GaussianBlur(low, low, {0, 0}, 6);
        const std::vector<clearcut::Stroke> all = session->strokes(id);
        std::vector<double> times;
        for (int run = 0; run < 3; ++run) {
            QElapsedTimer timer;
            timer.start();
            const cv::Mat mask =
                clearcut::MaskRefiner::finished(pixels, low, session->adjustments(id).adjust, all);
            times.push_back(double(timer.nsecsElapsed()) / 1e6);
        }
        printTimes("baseline: the full-resolution mask made again, with every stroke", times,
                   "runs");
    }
    return 0;
}

} // namespace

int main(int argc, char *argv[])
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    int strokes = 300;
    bool onWindow = false;
    bool edgeAware = false;
    QString photo;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--strokes") == 0 && i + 1 < argc) {
            strokes = std::atoi(argv[++i]);
        } else if (std::strcmp(argv[i], "--edge-aware") == 0) {
            edgeAware = true;
        } else if (std::strcmp(argv[i], "--window") == 0) {
            onWindow = true;
            if (i + 1 < argc && argv[i + 1][0] != '-')
                photo = QString::fromLocal8Bit(argv[++i]);
        } else {
            std::fprintf(stderr, "usage: %s [--strokes N] [--window [PHOTO]] [--edge-aware]\n",
                         argv[0]);
            return 2;
        }
    }
    if (strokes <= 0) {
        std::fprintf(stderr, "--strokes must be above 0\n");
        return 2;
    }
    // The window's settings are its own (a temporary folder), not the user's.
    QTemporaryDir settings;
    if (onWindow)
        qputenv("XDG_CONFIG_HOME", settings.path().toLocal8Bit());
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("ClearCut"));
    QApplication::setOrganizationName(QStringLiteral("ClearCut"));
    if (onWindow)
        return runWindow(photo, strokes, edgeAware);

    // The display copy and its cut-out, and what the brush paints: transparency where it
    // erases, the subject's colours where it restores.
    const auto [original, result] = clearcut::bench::makeDisplayCopy();
    const QSize display = original.size();
    QImage atZero(display, QImage::Format_ARGB32_Premultiplied);
    atZero.fill(Qt::transparent);
    const QImage atFull = original.convertToFormat(QImage::Format_ARGB32_Premultiplied);

    CompareView view;
    view.resize(1400, 900);
    view.show();
    QCoreApplication::processEvents();
    view.setOriginal(original, clearcut::bench::DisplayCopy::kFullSize);
    view.setResult(result);
    view.setBrushLayers(atZero, atFull);
    clearcut::Stroke brush;
    brush.mode = clearcut::Stroke::Mode::Erase;
    brush.radius = 60;
    view.setBrush(brush);
    int painted = 0;
    QObject::connect(&view, &CompareView::strokePainted, [&painted] { ++painted; });
    QCoreApplication::processEvents();

    std::printf("Brush stroke frames, 1400x900 view, 2560x1707 display copy of 6000x4000, "
                "radius %.0f px, %d strokes per zoom\n",
                brush.radius, strokes);
    std::mt19937 rng(20240611);
    view.zoomToFit();
    QCoreApplication::processEvents();
    print("fit", view, clearcut::bench::measureStrokeFrames(view, strokes, rng));
    view.zoomToActualSize();
    QCoreApplication::processEvents();
    print("100%", view, clearcut::bench::measureStrokeFrames(view, strokes, rng));

    if (painted != 2 * strokes) {
        std::fprintf(stderr, "error: %d strokes painted, %d sent\n", painted, 2 * strokes);
        return 1;
    }
    return 0;
}
