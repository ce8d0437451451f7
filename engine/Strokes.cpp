#include "Strokes.h"

#include <QJsonArray>
#include <QJsonObject>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>

namespace clearcut::Strokes {
namespace {

// The edge-aware brush: how far (8-bit RGB distance) a colour may be from the path's before its
// coverage has fallen to ~60%; and the core around the path it paints regardless.
constexpr double kColourSigma = 24.0;
constexpr double kCoreShare = 0.25;
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

        cv::Vec3d pathColour(0, 0, 0);
        if (stroke.edgeAware) {
            const cv::Scalar mean = cv::mean(photoBgr(roi), notPath == 0);
            pathColour = cv::Vec3d(mean[0], mean[1], mean[2]);
        }
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
                    const cv::Vec3d diff = cv::Vec3d(c[x][0], c[x][1], c[x][2]) - pathColour;
                    coverage *= std::exp(-diff.dot(diff) / (2 * kColourSigma * kColourSigma));
                }
                const double alpha = m[x];
                const double painted = stroke.mode == Stroke::Mode::Erase
                                           ? alpha * (1.0 - coverage)
                                           : alpha + (255.0 - alpha) * coverage;
                m[x] = uchar(std::lround(std::clamp(painted, 0.0, 255.0)));
            }
        }
    }
}

} // namespace clearcut::Strokes
