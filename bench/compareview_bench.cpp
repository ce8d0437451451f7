// How long the before/after view takes to repaint a 24 MP photo's display copy with a soft
// cut-out, at fit, 100% and 400%: the first repaint (which builds any half-size copy it needs)
// and the mean of 100 more. Prints numbers; asserts nothing (run by hand:
// build/bin/compareview_bench). The goal it informs: a repaint well under a 16 ms frame.

#include "DisplayCopy.h"

#include "ui/CompareView.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QImage>

#include <cstdio>

using clearcut::ui::CompareView;

int main(int argc, char *argv[])
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);

    const auto [original, result] = clearcut::bench::makeDisplayCopy();

    CompareView view;
    view.resize(1000, 700);
    view.show();
    QCoreApplication::processEvents();
    view.setOriginal(original, clearcut::bench::DisplayCopy::kFullSize);
    view.setResult(result);
    QImage target(view.size(), QImage::Format_ARGB32_Premultiplied);

    std::printf("CompareView repaint, 1000x700 view, 2560x1707 display copy of 6000x4000\n");
    const auto time = [&](const char *label) {
        QElapsedTimer timer;
        timer.start();
        view.render(&target);
        const double first = timer.nsecsElapsed() / 1e6;
        timer.restart();
        constexpr int kRuns = 100;
        for (int i = 0; i < kRuns; ++i)
            view.render(&target);
        const double each = timer.nsecsElapsed() / 1e6 / kRuns;
        std::printf("  %-5s zoom %.3f: first %.1f ms, then %.2f ms each (%d runs)\n", label,
                    view.zoom(), first, each, kRuns);
    };
    time("fit");
    view.setZoom(1.0, QPointF(500, 350));
    time("100%");
    view.setZoom(4.0, QPointF(500, 350));
    time("400%");
    return 0;
}
