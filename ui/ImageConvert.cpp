#include "ImageConvert.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>

namespace clearcut::ui {

QImage toQImage(const cv::Mat &mat)
{
    switch (mat.type()) {
    case CV_8UC1:
        return QImage(mat.data, mat.cols, mat.rows, int(mat.step), QImage::Format_Grayscale8)
            .copy();
    case CV_8UC3: {
        // BGR888 is the same byte order as OpenCV's: one copy, no channel swap.
        return QImage(mat.data, mat.cols, mat.rows, int(mat.step), QImage::Format_BGR888).copy();
    }
    case CV_8UC4:
        // OpenCV's BGRA bytes are ARGB32 on little-endian machines.
        return QImage(mat.data, mat.cols, mat.rows, int(mat.step), QImage::Format_ARGB32).copy();
    default:
        return {};
    }
}

QImage toDisplayImage(const cv::Mat &mat)
{
    switch (mat.type()) {
    case CV_8UC3: {
        // Written in place: OpenCV's BGRA bytes are RGB32 on little-endian machines.
        QImage image(mat.cols, mat.rows, QImage::Format_RGB32);
        if (image.isNull())
            return {};
        cv::Mat bgra(image.height(), image.width(), CV_8UC4, image.bits(),
                     size_t(image.bytesPerLine()));
        cv::cvtColor(mat, bgra, cv::COLOR_BGR2BGRA);
        return image;
    }
    case CV_8UC4:
        return QImage(mat.data, mat.cols, mat.rows, int(mat.step), QImage::Format_ARGB32)
            .convertToFormat(QImage::Format_ARGB32_Premultiplied);
    default:
        return toQImage(mat);
    }
}

cv::Mat toBgr(const QImage &image)
{
    const QImage rgb = image.convertToFormat(QImage::Format_BGR888);
    return cv::Mat(rgb.height(), rgb.width(), CV_8UC3, const_cast<uchar *>(rgb.constBits()),
                   size_t(rgb.bytesPerLine()))
        .clone();
}

} // namespace clearcut::ui
