#include "Strokes.h"

#include <QJsonArray>
#include <QJsonObject>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

namespace clearcut::Strokes {
namespace {

// The edge-aware brush: how far (8-bit RGB distance) a colour may be from the path's before its
// coverage has fallen to ~60%; and the core around the path it paints regardless (the share of
// the radius: wide enough for the soft edges of a thin stem the brush is centred on, narrow
// enough that a stroke 8 px from an edge with a 20 px brush does not cross it).
constexpr double kColourSigma = 24.0;
constexpr double kCoreShare = 0.3;
// Past this a radius or a coordinate is surely not a photo's (30000 px is 900 MP).
constexpr double kMaxCoordinate = 1e6;

bool number(const QJsonValue &value, double *out)
{
    if (!value.isDouble() || !std::isfinite(value.toDouble()))
        return false;
    *out = value.toDouble();
    return true;
}

std::optional<Stroke> strokeFromJson(const QJsonValue &value, QString *why)
{
    if (!value.isObject()) {
        *why = QStringLiteral("must be an object");
        return std::nullopt;
    }
    const QJsonObject o = value.toObject();
    Stroke stroke;
    const QString mode = o.value(QStringLiteral("mode")).toString();
    if (mode == QLatin1String("erase")) {
        stroke.mode = Stroke::Mode::Erase;
    } else if (mode == QLatin1String("restore")) {
        stroke.mode = Stroke::Mode::Restore;
    } else {
        *why = QStringLiteral("mode must be \"erase\" or \"restore\"");
        return std::nullopt;
    }
    if (!number(o.value(QStringLiteral("radius")), &stroke.radius) || stroke.radius <= 0 ||
        stroke.radius > kMaxCoordinate) {
        *why = QStringLiteral("radius must be a number above 0");
        return std::nullopt;
    }
    if (o.contains(QStringLiteral("hardness")) &&
        (!number(o.value(QStringLiteral("hardness")), &stroke.hardness) || stroke.hardness < 0 ||
         stroke.hardness > 1)) {
        *why = QStringLiteral("hardness must be a number from 0 to 1");
        return std::nullopt;
    }
    if (o.contains(QStringLiteral("edge_aware"))) {
        const QJsonValue edgeAware = o.value(QStringLiteral("edge_aware"));
        if (!edgeAware.isBool()) {
            *why = QStringLiteral("edge_aware must be true or false");
            return std::nullopt;
        }
        stroke.edgeAware = edgeAware.toBool();
    }
    const QJsonValue points = o.value(QStringLiteral("points"));
    if (!points.isArray() || points.toArray().isEmpty()) {
        *why = QStringLiteral("points must be a list of [x, y] pairs");
        return std::nullopt;
    }
    for (const QJsonValue &point : points.toArray()) {
        const QJsonArray xy = point.toArray();
        double x = 0, y = 0;
        if (!point.isArray() || xy.size() != 2 || !number(xy.at(0), &x) || !number(xy.at(1), &y) ||
            std::abs(x) > kMaxCoordinate || std::abs(y) > kMaxCoordinate) {
            *why = QStringLiteral("points must be a list of [x, y] pairs");
            return std::nullopt;
        }
        stroke.points.emplace_back(x, y);
    }
    return stroke;
}

// What the edge-aware brush tells apart inside its reach, by colour: the path's own (the mean
// under it); the colours already on the stroke's side (for Erase the background's, alpha under
// half; for Restore the subject's), which a pixel may mix with the path's (a thin thing's soft
// edge); and the colours it should keep, those of the pixels it would change that are plainly
// neither the path's nor such a mix (more than two sigmas from both). Each list holds up to three
// colours, the most common (the means of the fullest cells of a coarse colour grid), so that a
// dark antenna and a white wing spot are each kept as themselves rather than as their grey
// average.
struct EdgeColours
{
    cv::Vec3d path;
    std::vector<cv::Vec3d> done;
    std::vector<cv::Vec3d> kept;

    // How far (squared) a colour is from the path's, or from a mix of it with a colour done.
    double fromPath(const cv::Vec3d &colour) const
    {
        const cv::Vec3d toPath = colour - path;
        double nearest = toPath.dot(toPath);
        for (const cv::Vec3d &other : done) {
            const cv::Vec3d span = other - path;
            const double t =
                std::clamp(toPath.dot(span) / std::max(1e-9, span.dot(span)), 0.0, 1.0);
            const cv::Vec3d off = toPath - t * span;
            nearest = std::min(nearest, off.dot(off));
        }
        return nearest;
    }
    double fromKept(const cv::Vec3d &colour) const
    {
        double nearest = std::numeric_limits<double>::max();
        for (const cv::Vec3d &other : kept) {
            const cv::Vec3d off = colour - other;
            nearest = std::min(nearest, off.dot(off));
        }
        return nearest;
    }
};

// The most common colours of the pixels `take` accepts (see EdgeColours).
template <typename Take>
std::vector<cv::Vec3d> commonColours(const cv::Mat &photoBgr, const cv::Mat &mask,
                                     const cv::Mat &distance, double radius, Take take)
{
    constexpr int kCell = 32; // 8 x 8 x 8 cells
    constexpr int kCells = 256 / kCell;
    std::vector<cv::Vec3d> sums(kCells * kCells * kCells, cv::Vec3d(0, 0, 0));
    std::vector<int> counts(sums.size(), 0);
    int reach = 0;
    for (int y = 0; y < photoBgr.rows; ++y) {
        const float *d = distance.ptr<float>(y);
        const cv::Vec3b *c = photoBgr.ptr<cv::Vec3b>(y);
        const uchar *m = mask.ptr<uchar>(y);
        for (int x = 0; x < photoBgr.cols; ++x) {
            if (d[x] > radius)
                continue;
            ++reach;
            const cv::Vec3d colour(c[x][0], c[x][1], c[x][2]);
            if (!take(colour, m[x]))
                continue;
            const int cell =
                (c[x][0] / kCell * kCells + c[x][1] / kCell) * kCells + c[x][2] / kCell;
            sums[cell] += colour;
            ++counts[cell];
        }
    }
    const int enough = std::max(4, reach / 100);
    std::vector<cv::Vec3d> colours;
    for (int pick = 0; pick < 3; ++pick) {
        const auto fullest = std::max_element(counts.begin(), counts.end());
        if (*fullest < enough)
            break;
        const auto cell = size_t(fullest - counts.begin());
        colours.push_back(sums[cell] / double(*fullest));
        *fullest = 0;
    }
    return colours;
}

EdgeColours edgeColours(const cv::Mat &photoBgr, const cv::Mat &mask, const cv::Mat &notPath,
                        const cv::Mat &distance, double radius, bool erase)
{
    constexpr double kFar = 4 * kColourSigma * kColourSigma; // (2 sigma) squared
    EdgeColours colours;
    const cv::Scalar mean = cv::mean(photoBgr, notPath == 0);
    colours.path = cv::Vec3d(mean[0], mean[1], mean[2]);
    const auto changes = [erase](uchar alpha) {
        return (alpha >= 128) == erase;
    };
    colours.done = commonColours(photoBgr, mask, distance, radius,
                                 [&](const cv::Vec3d &, uchar alpha) { return !changes(alpha); });
    colours.kept =
        commonColours(photoBgr, mask, distance, radius, [&](const cv::Vec3d &colour, uchar alpha) {
            return changes(alpha) && colours.fromPath(colour) > kFar;
        });
    return colours;
}

} // namespace

std::optional<std::vector<Stroke>> fromJson(const QJsonValue &list, QString *error)
{
    std::vector<Stroke> strokes;
    if (list.isUndefined())
        return strokes;
    if (!list.isArray()) {
        if (error)
            *error = QStringLiteral("\"strokes\" must be a list");
        return std::nullopt;
    }
    int index = 0;
    for (const QJsonValue &value : list.toArray()) {
        ++index;
        QString why;
        auto stroke = strokeFromJson(value, &why);
        if (!stroke) {
            if (error)
                *error = QStringLiteral("stroke %1: %2").arg(index).arg(why);
            return std::nullopt;
        }
        strokes.push_back(std::move(*stroke));
    }
    return strokes;
}

QJsonArray toJson(const std::vector<Stroke> &strokes)
{
    QJsonArray list;
    for (const Stroke &stroke : strokes) {
        QJsonArray points;
        for (const cv::Point2d &p : stroke.points)
            points.append(QJsonArray{p.x, p.y});
        list.append(QJsonObject{{QStringLiteral("mode"), stroke.mode == Stroke::Mode::Erase
                                                             ? QStringLiteral("erase")
                                                             : QStringLiteral("restore")},
                                {QStringLiteral("radius"), stroke.radius},
                                {QStringLiteral("hardness"), stroke.hardness},
                                {QStringLiteral("edge_aware"), stroke.edgeAware},
                                {QStringLiteral("points"), points}});
    }
    return list;
}

cv::Rect bounds(const Stroke &stroke, double scale, const cv::Size &size)
{
    if (stroke.points.empty())
        return {};
    double left = stroke.points.front().x, right = left, top = stroke.points.front().y,
           bottom = top;
    for (const cv::Point2d &p : stroke.points) {
        left = std::min(left, p.x);
        right = std::max(right, p.x);
        top = std::min(top, p.y);
        bottom = std::max(bottom, p.y);
    }
    const int reach = int(std::ceil(stroke.radius * scale)) + 1;
    const int x0 = int(std::floor(left * scale)) - reach, y0 = int(std::floor(top * scale)) - reach;
    return cv::Rect(x0, y0, int(std::ceil(right * scale)) + reach + 1 - x0,
                    int(std::ceil(bottom * scale)) + reach + 1 - y0) &
           cv::Rect(0, 0, size.width, size.height);
}

void paint(cv::Mat &mask, const cv::Mat &photoBgr, const std::vector<Stroke> &strokes, double scale)
{
    CV_Assert(mask.type() == CV_8UC1 && photoBgr.type() == CV_8UC3 &&
              photoBgr.size() == mask.size() && scale > 0);
    for (const Stroke &stroke : strokes) {
        if (stroke.points.empty())
            continue;
        const double radius = stroke.radius * scale;
        std::vector<cv::Point2d> path;
        for (const cv::Point2d &p : stroke.points)
            path.push_back(p * scale);
        const cv::Rect roi = bounds(stroke, scale, mask.size());
        if (roi.empty())
            continue;

        // The path drawn into the ROI (sub-pixel, 4 fractional bits), then every pixel's distance
        // to it.
        constexpr int kShift = 4;
        const auto fixed = [&](const cv::Point2d &p) {
            return cv::Point(int(std::lround((p.x - roi.x) * (1 << kShift))),
                             int(std::lround((p.y - roi.y) * (1 << kShift))));
        };
        cv::Mat notPath(roi.size(), CV_8UC1, cv::Scalar(255));
        for (size_t i = 0; i < path.size(); ++i) {
            const cv::Point a = fixed(path[i]), b = fixed(path[i + 1 < path.size() ? i + 1 : i]);
            cv::line(notPath, a, b, cv::Scalar(0), 1, cv::LINE_8, kShift);
        }
        cv::Mat distance;
        cv::distanceTransform(notPath, distance, cv::DIST_L2, cv::DIST_MASK_PRECISE);

        const bool erase = stroke.mode == Stroke::Mode::Erase;
        EdgeColours colours;
        if (stroke.edgeAware)
            colours = edgeColours(photoBgr(roi), mask(roi), notPath, distance, radius, erase);
        const double hard = std::clamp(stroke.hardness, 0.0, 1.0) * radius;
        const double core = kCoreShare * radius;
        for (int y = 0; y < roi.height; ++y) {
            const float *d = distance.ptr<float>(y);
            const cv::Vec3b *c = photoBgr.ptr<cv::Vec3b>(roi.y + y) + roi.x;
            uchar *m = mask.ptr<uchar>(roi.y + y) + roi.x;
            for (int x = 0; x < roi.width; ++x) {
                if (d[x] > radius)
                    continue;
                double coverage = d[x] <= hard ? 1.0 : (radius - d[x]) / (radius - hard);
                if (stroke.edgeAware && d[x] > core) {
                    const cv::Vec3d colour(c[x][0], c[x][1], c[x][2]);
                    const double fromPath = colours.fromPath(colour);
                    double weight = std::exp(-fromPath / (2 * kColourSigma * kColourSigma));
                    if (!colours.kept.empty()) {
                        // Nearer the path's colour than any kept one goes with the path.
                        const double fromKept = colours.fromKept(colour);
                        weight = std::max(weight, fromKept / std::max(1e-9, fromPath + fromKept));
                    }
                    coverage *= weight;
                }
                const double alpha = m[x];
                const double painted =
                    erase ? alpha * (1.0 - coverage) : alpha + (255.0 - alpha) * coverage;
                m[x] = uchar(std::lround(std::clamp(painted, 0.0, 255.0)));
            }
        }
    }
}

} // namespace clearcut::Strokes
