#pragma once

// What the view benchmarks paint: a realistic display copy of a 24 MP (6000 x 4000) photo and a
// cut-out of it with soft alpha.

#include <QColor>
#include <QImage>
#include <QPainter>
#include <QSize>

namespace clearcut::bench {

struct DisplayCopy
{
    static constexpr QSize kFullSize{6000, 4000};
    QImage original;
    QImage result;
};

inline DisplayCopy makeDisplayCopy()
{
    const QSize display(2560, 1707);
    DisplayCopy copy;
    copy.original = QImage(display, QImage::Format_RGB32);
    for (int y = 0; y < display.height(); ++y) {
        auto *line = reinterpret_cast<QRgb *>(copy.original.scanLine(y));
        for (int x = 0; x < display.width(); ++x)
            line[x] = qRgb(x % 256, y % 256, (x + y) % 256);
    }
    copy.result = QImage(display, QImage::Format_ARGB32_Premultiplied);
    copy.result.fill(Qt::transparent);
    QPainter painter(&copy.result);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setBrush(QColor(40, 160, 90));
    painter.setPen(Qt::NoPen);
    painter.drawEllipse(QRectF(QPointF(0, 0), QSizeF(display)).adjusted(300, 200, -300, -200));
    return copy;
}

} // namespace clearcut::bench
