#include "IconSet.h"

#include <QPainter>
#include <QPalette>
#include <QPixmap>

namespace clearcut::ui {
namespace {

QString actionPath(const QString &name, const char *suffix)
{
    return QStringLiteral(":/icons/actions/") + name + QLatin1String(suffix);
}

QPixmap tinted(const QString &path, const QColor &colour)
{
    QPixmap mask(path);
    if (mask.isNull())
        return mask;
    QPainter painter(&mask);
    painter.setCompositionMode(QPainter::CompositionMode_SourceIn);
    painter.fillRect(mask.rect(), colour);
    return mask;
}

} // namespace

QIcon actionIcon(const QString &name, const QPalette &palette)
{
    QIcon icon;
    for (const char *suffix : {".png", "@2x.png"}) {
        const QString path = actionPath(name, suffix);
        icon.addPixmap(tinted(path, palette.color(QPalette::Normal, QPalette::ButtonText)),
                       QIcon::Normal);
        icon.addPixmap(tinted(path, palette.color(QPalette::Disabled, QPalette::ButtonText)),
                       QIcon::Disabled);
        icon.addPixmap(tinted(path, palette.color(QPalette::Normal, QPalette::HighlightedText)),
                       QIcon::Selected);
    }
    return icon;
}

QIcon colourIcon(const QString &name)
{
    QIcon icon;
    for (const char *suffix : {".png", "@2x.png"})
        icon.addFile(actionPath(name, suffix));
    return icon;
}

QIcon appIcon()
{
    QIcon fallback;
    for (const int size : {16, 22, 24, 32, 48, 64, 128, 256, 512})
        fallback.addFile(QStringLiteral(":/icons/app/clearcut-%1.png").arg(size),
                         QSize(size, size));
    return QIcon::fromTheme(QStringLiteral(CLEARCUT_APP_ID), fallback);
}

} // namespace clearcut::ui
