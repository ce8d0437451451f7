// Cut-out quality against exact ground truth (a benchmark, not a test).
//
//   quality_eval --set DIR [--model PATH] [--reference DIR] [--modes fast,base,dynamic,tiled]
//
// DIR is what bench/make_quality_set.py makes: per case <name>.png (the composite I = aF + (1-a)B),
// <name>.alpha.png, <name>.fg.png and <name>.newbg.png. Each composite goes through the real
// model; its mask is then made each way below and compared with the true alpha:
//
//   upsampled    the network's mask upsampled to the photo (ClearCut before refinement)
//   refined      + full-resolution edge refinement (MaskRefiner::refined)
//   peer         the reference runtime's mask (tools/reference/reference_masks.mjs, --reference)
//
// Alpha metrics (alpha in [0,1]): SAD = sum |a' - a| / 1000, MSE x 1000, and the gradient error
// sum (|grad a'| - |grad a|)^2 / 1000 (Gaussian derivatives, sigma 1.4), as the matting
// benchmarks report them. Colour: the cut-out re-composited on <name>.newbg.png against the true
// aF + (1-a)B2, mean absolute error in 8-bit levels over the pixels where either alpha is above
// zero, with the photo's own colours and with the estimated foreground (colour clean-up).
// Times: each step on that photo, in ms (best of 3), so the large composites give the 24 MP cost.

#include "engine/Compositor.h"
#include "engine/Engine.h"
#include "engine/EngineThread.h"
#include "engine/ForegroundEstimate.h"
#include "engine/ImageIO.h"
#include "engine/MaskRefiner.h"
#include "engine/ModelSpec.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QMetaObject>
#include <QTimer>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <map>
#include <optional>
#include <vector>

using namespace clearcut;

namespace {

struct Metrics
{
    double sad = 0, mse = 0, grad = 0;
    int count = 0;
    Metrics &operator+=(const Metrics &o)
    {
        sad += o.sad;
        mse += o.mse;
        grad += o.grad;
        count += o.count;
        return *this;
    }
};

cv::Mat unit(const cv::Mat &alpha8u)
{
    cv::Mat f;
    alpha8u.convertTo(f, CV_32F, 1.0 / 255.0);
    return f;
}

cv::Mat gradientMagnitude(const cv::Mat &alpha)
{
    // Derivatives of a Gaussian with sigma 1.4.
    cv::Mat smooth, gx, gy, magnitude;
    cv::GaussianBlur(alpha, smooth, cv::Size(), 1.4);
    cv::Sobel(smooth, gx, CV_32F, 1, 0, 3);
    cv::Sobel(smooth, gy, CV_32F, 0, 1, 3);
    cv::magnitude(gx, gy, magnitude);
    return magnitude;
}

Metrics alphaMetrics(const cv::Mat &estimate8u, const cv::Mat &truth8u)
{
    const cv::Mat e = unit(estimate8u), t = unit(truth8u);
    cv::Mat diff = e - t;
    Metrics m;
    m.sad = cv::norm(diff, cv::NORM_L1) / 1000.0;
    m.mse = cv::norm(diff, cv::NORM_L2SQR) / double(diff.total()) * 1000.0;
    const cv::Mat g = gradientMagnitude(e) - gradientMagnitude(t);
    m.grad = cv::norm(g, cv::NORM_L2SQR) / 1000.0;
    m.count = 1;
    return m;
}

// a*F + (1-a)*B as 8-bit BGR.
cv::Mat over(const cv::Mat &fg, const cv::Mat &alpha8u, const cv::Mat &bg)
{
    return Compositor::blend(fg, bg, alpha8u);
}

// Mean absolute difference over the pixels where either alpha is above zero.
double colourError(const cv::Mat &a, const cv::Mat &b, const cv::Mat &alphaA, const cv::Mat &alphaB)
{
    const cv::Mat where = (alphaA > 0) | (alphaB > 0);
    cv::Mat diff;
    cv::absdiff(a, b, diff);
    const double n = cv::countNonZero(where);
    return n > 0 ? cv::sum(cv::mean(diff, where))[0] / 3.0 : 0.0;
}

double bestOf3(const std::function<void()> &step)
{
    double best = 1e30;
    for (int i = 0; i < 3; ++i) {
        QElapsedTimer timer;
        timer.start();
        step();
        best = std::min(best, timer.nsecsElapsed() / 1e6);
    }
    return best;
}

class Network
{
public:
    explicit Network(Engine *engine) : m_engine(engine) {}

    bool load(const QString &path, QString *error)
    {
        QEventLoop loop;
        bool ok = false;
        auto ready = QObject::connect(m_engine, &Engine::modelReady, &loop, [&] {
            ok = true;
            loop.quit();
        });
        auto failed =
            QObject::connect(m_engine, &Engine::modelFailed, &loop, [&](const QString &reason) {
                *error = reason;
                loop.quit();
            });
        QMetaObject::invokeMethod(
            m_engine, [engine = m_engine, path] { engine->loadModel(path); }, Qt::QueuedConnection);
        loop.exec();
        QObject::disconnect(ready);
        QObject::disconnect(failed);
        return ok;
    }

    // The quantized low-resolution mask, as a photo keeps it; empty on failure.
    cv::Mat mask(const cv::Mat &bgr, const SegmentOptions &options)
    {
        SegmentRequest request;
        request.id = SegmentRequest::nextId();
        request.bgr = std::make_shared<const cv::Mat>(bgr);
        request.options = options;
        QEventLoop loop;
        cv::Mat result;
        auto done =
            QObject::connect(m_engine, &Engine::segmented, &loop, [&](const SegmentResult &r) {
                if (r.id != request.id)
                    return;
                result = MaskRefiner::quantized(*r.probability);
                loop.quit();
            });
        auto failed = QObject::connect(
            m_engine, &Engine::segmentFailed, &loop, [&](quint64 id, const QString &reason) {
                if (id != request.id)
                    return;
                std::fprintf(stderr, "segment failed: %s\n", qPrintable(reason));
                loop.quit();
            });
        QMetaObject::invokeMethod(
            m_engine, [engine = m_engine, request] { engine->segment(request); },
            Qt::QueuedConnection);
        loop.exec();
        QObject::disconnect(done);
        QObject::disconnect(failed);
        return result;
    }

private:
    Engine *m_engine;
};

cv::Mat readImage(const QString &path, int flags)
{
    cv::Mat m = cv::imread(QFile::encodeName(path).toStdString(), flags);
    if (m.empty()) {
        std::fprintf(stderr, "cannot read %s\n", qPrintable(path));
        std::exit(1);
    }
    return m;
}

struct Mode
{
    QString name;
    SegmentOptions options;
};

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Cut-out quality against exact ground truth."));
    parser.addHelpOption();
    const QCommandLineOption setOption(QStringLiteral("set"), QStringLiteral("The set's folder."),
                                       QStringLiteral("dir"));
    const QCommandLineOption modelOption(QStringLiteral("model"),
                                         QStringLiteral("The model (default: ISNet)."),
                                         QStringLiteral("path"));
    const QCommandLineOption referenceOption(
        QStringLiteral("reference"), QStringLiteral("The reference runtime's masks <name>.png."),
        QStringLiteral("dir"));
    const QCommandLineOption modesOption(
        QStringLiteral("modes"), QStringLiteral("Size modes: fast, base, dynamic, tiled."),
        QStringLiteral("list"), QStringLiteral("fast,base,dynamic,tiled"));
    parser.addOptions({setOption, modelOption, referenceOption, modesOption});
    parser.process(app);
    if (!parser.isSet(setOption)) {
        std::fprintf(stderr, "--set is required\n");
        return 2;
    }
    const QDir set(parser.value(setOption));
    const QString referenceDir = parser.value(referenceOption);

    std::vector<Mode> modes;
    for (const QString &name : parser.value(modesOption).split(QLatin1Char(','))) {
        Mode mode{name, {}};
        if (name == QLatin1String("fast"))
            mode.options.quality = Quality::Fast;
        else if (name == QLatin1String("dynamic"))
            mode.options.resize = ResizeMode::Dynamic;
        else if (name == QLatin1String("tiled"))
            mode.options.tiled = true;
        else if (name != QLatin1String("base")) {
            std::fprintf(stderr, "unknown mode %s\n", qPrintable(name));
            return 2;
        }
        modes.push_back(mode);
    }

    EngineThread thread;
    Network network(thread.engine());
    QString error;
    const QString model =
        parser.isSet(modelOption) ? parser.value(modelOption) : defaultModelPath();
    if (!network.load(model, &error)) {
        std::fprintf(stderr, "cannot load %s: %s\n", qPrintable(model), qPrintable(error));
        return 1;
    }

    QStringList cases;
    for (const QString &file :
         set.entryList({QStringLiteral("*.alpha.png")}, QDir::Files, QDir::Name))
        cases << file.chopped(int(qstrlen(".alpha.png")));
    if (cases.isEmpty()) {
        std::fprintf(stderr, "no <name>.alpha.png in %s\n", qPrintable(set.path()));
        return 1;
    }

    std::map<QString, Metrics> totals;
    std::map<QString, double> colourTotals;
    std::printf("%-28s %-11s %-20s %10s %10s %12s\n", "case", "size", "mask", "SAD", "MSEx1e3",
                "grad/1e3");
    for (const QString &name : cases) {
        const cv::Mat photo =
            readImage(set.filePath(name + QStringLiteral(".png")), cv::IMREAD_COLOR);
        const cv::Mat truth =
            readImage(set.filePath(name + QStringLiteral(".alpha.png")), cv::IMREAD_GRAYSCALE);
        const cv::Mat fg =
            readImage(set.filePath(name + QStringLiteral(".fg.png")), cv::IMREAD_COLOR);
        const cv::Mat newBg =
            readImage(set.filePath(name + QStringLiteral(".newbg.png")), cv::IMREAD_COLOR);
        const QString size = QStringLiteral("%1x%2").arg(photo.cols).arg(photo.rows);
        const cv::Mat expected = over(fg, truth, newBg);

        auto report = [&](const QString &label, const cv::Mat &mask) {
            const Metrics m = alphaMetrics(mask, truth);
            totals[label] += m;
            std::printf("%-28s %-11s %-20s %10.1f %10.2f %12.1f\n", qPrintable(name),
                        qPrintable(size), qPrintable(label), m.sad, m.mse, m.grad);
        };
        auto colour = [&](const QString &label, const cv::Mat &mask, bool clean) {
            const cv::Mat rgba =
                Compositor::composite(photo, mask, OutputType(), {}, nullptr, clean);
            cv::Mat colours, alpha;
            cv::cvtColor(rgba, colours, cv::COLOR_BGRA2BGR);
            cv::extractChannel(rgba, alpha, 3);
            const double e = colourError(over(colours, alpha, newBg), expected, alpha, truth);
            colourTotals[label] += e;
            std::printf("%-28s %-11s %-20s colour MAE %.2f\n", qPrintable(name), qPrintable(size),
                        qPrintable(label), e);
        };

        cv::Mat baseUpsampled, baseRefined;
        cv::Mat baseLow;
        for (const Mode &mode : modes) {
            const cv::Mat low = network.mask(photo, mode.options);
            if (low.empty())
                return 1;
            const double scale =
                std::max(double(photo.cols) / low.cols, double(photo.rows) / low.rows);
            const cv::Mat upsampled = MaskRefiner::toFullResolution(low, photo.size());
            const cv::Mat refined = MaskRefiner::refined(photo, upsampled, scale);
            report(mode.name + QStringLiteral(" upsampled"), upsampled);
            report(mode.name + QStringLiteral(" refined"), refined);
            if (mode.name == QLatin1String("base")) {
                baseLow = low;
                baseUpsampled = upsampled;
                baseRefined = refined;
            }
        }
        if (!referenceDir.isEmpty()) {
            const QString path = QDir(referenceDir).filePath(name + QStringLiteral(".png"));
            if (QFileInfo::exists(path))
                report(QStringLiteral("peer (reference)"), readImage(path, cv::IMREAD_GRAYSCALE));
        }
        if (!baseUpsampled.empty()) {
            colour(QStringLiteral("upsampled, photo"), baseUpsampled, false);
            colour(QStringLiteral("upsampled, clean-up"), baseUpsampled, true);
            colour(QStringLiteral("refined, photo"), baseRefined, false);
            colour(QStringLiteral("refined, clean-up"), baseRefined, true);

            const double scale =
                std::max(double(photo.cols) / baseLow.cols, double(photo.rows) / baseLow.rows);
            cv::Mat sink;
            const double upMs =
                bestOf3([&] { sink = MaskRefiner::toFullResolution(baseLow, photo.size()); });
            const double refineMs =
                bestOf3([&] { sink = MaskRefiner::refined(photo, baseUpsampled, scale); });
            const double estimateMs =
                bestOf3([&] { sink = ForegroundEstimate::estimate(photo, baseRefined); });
            std::printf("%-28s %-11s times (ms): upsample %.0f, refine %.0f, foreground "
                        "estimate %.0f\n",
                        qPrintable(name), qPrintable(size), upMs, refineMs, estimateMs);
        }
        std::fflush(stdout);
    }

    std::printf("\nTotals over %d cases\n%-20s %10s %10s %12s\n", int(cases.size()), "mask", "SAD",
                "MSEx1e3", "grad/1e3");
    for (const auto &[label, m] : totals)
        std::printf("%-20s %10.1f %10.2f %12.1f   (%d cases)\n", qPrintable(label), m.sad,
                    m.mse / std::max(1, m.count), m.grad, m.count);
    std::printf("\n%-20s %s\n", "cut-out colours", "mean colour MAE on a new background");
    for (const auto &[label, e] : colourTotals)
        std::printf("%-20s %.2f\n", qPrintable(label), e / cases.size());
    return 0;
}
