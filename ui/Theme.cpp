#include "Theme.h"

#include <QApplication>
#include <QPainter>
#include <QPalette>
#include <QProxyStyle>
#include <QStyle>
#include <QStyleFactory>
#include <QStyleHints>
#include <QStyleOption>

#include <memory>

namespace clearcut::ui {
namespace {

const QColor kAccent(0x5b, 0x7c, 0xfa);

// What the platform gave before ClearCut changed anything, to go back to for System.
QColor mixed(const QColor &a, const QColor &b, double t)
{
    return QColor::fromRgbF(float(a.redF() + (b.redF() - a.redF()) * t),
                            float(a.greenF() + (b.greenF() - a.greenF()) * t),
                            float(a.blueF() + (b.blueF() - a.blueF()) * t));
}

// Fusion as ClearCut uses it: dialog buttons without the stock check and cross pictures, which
// look dated next to the app's own glyphs; radio buttons and check boxes with a visible ring and
// the accent colour when on (Fusion's outline is the window colour darkened, which vanishes on a
// dark window).
class ClearCutStyle final : public QProxyStyle
{
public:
    ClearCutStyle() : QProxyStyle(QStringLiteral("Fusion")) {}

    int styleHint(StyleHint hint, const QStyleOption *option, const QWidget *widget,
                  QStyleHintReturn *returnData) const override
    {
        if (hint == SH_DialogButtonBox_ButtonsHaveIcons)
            return 0;
        return QProxyStyle::styleHint(hint, option, widget, returnData);
    }

    void drawPrimitive(PrimitiveElement element, const QStyleOption *option, QPainter *painter,
                       const QWidget *widget) const override
    {
        if (element != PE_IndicatorRadioButton && element != PE_IndicatorCheckBox) {
            QProxyStyle::drawPrimitive(element, option, painter, widget);
            return;
        }
        const QPalette &palette = option->palette;
        const bool enabled = option->state & State_Enabled;
        const bool on = option->state & (State_On | State_NoChange);
        const QColor accent =
            palette.color(enabled ? QPalette::Active : QPalette::Disabled, QPalette::Highlight);
        const QColor ring = mixed(palette.color(QPalette::Window),
                                  palette.color(QPalette::WindowText), enabled ? 0.45 : 0.25);
        const QColor mark = palette.color(enabled ? QPalette::Active : QPalette::Disabled,
                                          QPalette::HighlightedText);
        const QRectF box = QRectF(option->rect).adjusted(1.5, 1.5, -1.5, -1.5);

        painter->save();
        painter->setRenderHint(QPainter::Antialiasing);
        painter->setPen(on ? QPen(accent, 1.0) : QPen(ring, 1.0));
        painter->setBrush(on ? accent : palette.color(QPalette::Base));
        if (element == PE_IndicatorRadioButton) {
            painter->drawEllipse(box);
            if (on) {
                const double r = box.width() * 0.2;
                painter->setPen(Qt::NoPen);
                painter->setBrush(mark);
                painter->drawEllipse(box.center(), r, r);
            }
        } else {
            painter->drawRoundedRect(box, 2.5, 2.5);
            if (option->state & State_NoChange) {
                painter->setPen(QPen(mark, 1.6, Qt::SolidLine, Qt::RoundCap));
                painter->drawLine(QPointF(box.left() + box.width() * 0.25, box.center().y()),
                                  QPointF(box.right() - box.width() * 0.25, box.center().y()));
            } else if (on) {
                painter->setPen(QPen(mark, 1.6, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
                const QPointF tick[] = {
                    {box.left() + box.width() * 0.22, box.top() + box.height() * 0.52},
                    {box.left() + box.width() * 0.42, box.top() + box.height() * 0.72},
                    {box.left() + box.width() * 0.78, box.top() + box.height() * 0.30}};
                painter->drawPolyline(tick, 3);
            }
        }
        painter->restore();
    }
};

struct PlatformLook
{
    QString styleName;
    QPalette palette;
};

const PlatformLook &platformLook()
{
    static const PlatformLook look{QApplication::style()->name(), QApplication::palette()};
    return look;
}

void setColour(QPalette &palette, QPalette::ColorRole role, const QColor &normal,
               const QColor &disabled)
{
    palette.setColor(QPalette::All, role, normal);
    palette.setColor(QPalette::Disabled, role, disabled);
}

} // namespace

Theme defaultTheme()
{
#if QT_VERSION >= QT_VERSION_CHECK(6, 5, 0)
    if (QGuiApplication::instance() &&
        QGuiApplication::styleHints()->colorScheme() != Qt::ColorScheme::Unknown)
        return Theme::System;
    return Theme::Dark;
#elif defined(Q_OS_WIN) || defined(Q_OS_MACOS)
    return Theme::Dark; // Qt before 6.5 cannot read their light/dark setting
#else
    // Before Qt 6.5 there is no colour-scheme query: a desktop environment or a platform theme
    // plug-in is what brings a preference.
    return qEnvironmentVariableIsEmpty("XDG_CURRENT_DESKTOP") &&
                   qEnvironmentVariableIsEmpty("QT_QPA_PLATFORMTHEME")
               ? Theme::Dark
               : Theme::System;
#endif
}

QString themeKey(Theme theme)
{
    switch (theme) {
    case Theme::Light:
        return QStringLiteral("light");
    case Theme::Dark:
        return QStringLiteral("dark");
    case Theme::System:
        break;
    }
    return QStringLiteral("system");
}

Theme themeFromKey(const QString &key)
{
    const QString k = key.trimmed().toLower();
    if (k == QLatin1String("system"))
        return Theme::System;
    if (k == QLatin1String("light"))
        return Theme::Light;
    if (k == QLatin1String("dark"))
        return Theme::Dark;
    return defaultTheme();
}

QPalette darkPalette()
{
    QPalette p;
    const QColor window(0x2b, 0x2d, 0x31), base(0x1e, 0x1f, 0x22), text(0xe6, 0xe6, 0xe6);
    const QColor dim(0x80, 0x83, 0x89);
    setColour(p, QPalette::Window, window, window);
    setColour(p, QPalette::WindowText, text, dim);
    setColour(p, QPalette::Base, base, QColor(0x26, 0x28, 0x2c));
    setColour(p, QPalette::AlternateBase, QColor(0x25, 0x27, 0x2b), QColor(0x25, 0x27, 0x2b));
    setColour(p, QPalette::Text, text, dim);
    setColour(p, QPalette::Button, QColor(0x36, 0x39, 0x3f), QColor(0x30, 0x32, 0x37));
    setColour(p, QPalette::ButtonText, text, dim);
    setColour(p, QPalette::BrightText, QColor(0xff, 0x6b, 0x6b), QColor(0xff, 0x6b, 0x6b));
    setColour(p, QPalette::Light, QColor(0x4a, 0x4d, 0x54), QColor(0x4a, 0x4d, 0x54));
    setColour(p, QPalette::Midlight, QColor(0x3d, 0x40, 0x46), QColor(0x3d, 0x40, 0x46));
    setColour(p, QPalette::Mid, QColor(0x24, 0x26, 0x2a), QColor(0x24, 0x26, 0x2a));
    setColour(p, QPalette::Dark, QColor(0x1a, 0x1b, 0x1e), QColor(0x1a, 0x1b, 0x1e));
    setColour(p, QPalette::Shadow, QColor(0x0c, 0x0c, 0x0e), QColor(0x0c, 0x0c, 0x0e));
    setColour(p, QPalette::Highlight, kAccent, QColor(0x45, 0x48, 0x4f));
    setColour(p, QPalette::HighlightedText, Qt::white, dim);
    setColour(p, QPalette::Link, QColor(0x8f, 0xa8, 0xff), dim);
    setColour(p, QPalette::LinkVisited, QColor(0xb4, 0x9c, 0xff), dim);
    setColour(p, QPalette::ToolTipBase, base, base);
    setColour(p, QPalette::ToolTipText, text, text);
    setColour(p, QPalette::PlaceholderText, QColor(0x9a, 0x9d, 0xa3), QColor(0x6b, 0x6e, 0x74));
    return p;
}

QPalette lightPalette()
{
    const std::unique_ptr<QStyle> fusion(QStyleFactory::create(QStringLiteral("Fusion")));
    QPalette p = fusion->standardPalette();
    p.setColor(QPalette::All, QPalette::Highlight, kAccent);
    p.setColor(QPalette::All, QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::All, QPalette::Link, kAccent.darker(130));
    return p;
}

void applyTheme(Theme theme)
{
    const PlatformLook &platform = platformLook(); // before the first change
    switch (theme) {
    case Theme::System:
        QApplication::setStyle(platform.styleName);
        QApplication::setPalette(platform.palette);
        return;
    case Theme::Light:
        QApplication::setStyle(new ClearCutStyle); // the application owns it
        QApplication::setPalette(lightPalette());
        return;
    case Theme::Dark:
        QApplication::setStyle(new ClearCutStyle);
        QApplication::setPalette(darkPalette());
        return;
    }
}

} // namespace clearcut::ui
