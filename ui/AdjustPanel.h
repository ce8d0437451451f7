#pragma once

// The side panel that shapes the result: what to put behind the subject (or the mask itself), a
// hard edge at a chosen threshold, and keeping the background instead of the subject. Every
// change applies at once; there is no Apply button.

#include "engine/MaskRefiner.h"
#include "engine/OutputType.h"

#include <QColor>
#include <QWidget>

#include <functional>
#include <optional>

class QButtonGroup;
class QCheckBox;
class QLabel;
class QSlider;
class QToolButton;

namespace clearcut::ui {

class AdjustPanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AdjustPanel)

public:
    // Ask the user for a colour or a background image, starting from the current one; nullopt
    // when cancelled. Replaceable so tests never open a modal dialog.
    using ColourPicker = std::function<std::optional<QColor>(const QColor &current)>;
    using ImagePicker = std::function<std::optional<QString>(const QString &current)>;

    explicit AdjustPanel(QWidget *parent = nullptr);

    OutputType outputType() const { return m_type; }
    MaskAdjust adjust() const;

    // Neither emits changed().
    void setOutputType(const OutputType &type);
    void setAdjust(const MaskAdjust &adjust);

    void setColourPicker(ColourPicker picker);
    void setImagePicker(ImagePicker picker);

Q_SIGNALS:
    // On every change the user makes; while the threshold slider is dragged, on every step.
    void changed(const clearcut::OutputType &type, const clearcut::MaskAdjust &adjust);

private:
    enum Choice
    {
        Transparent,
        White,
        Green,
        Colour,
        Blur,
        Overlay,
        Image,
        Mask
    };

    void choose(int choice);
    void pickColour();
    void pickImage();
    void apply(const OutputType &type);
    void showType();
    void showThreshold();
    void emitChanged();

    OutputType m_type;
    QColor m_colour; // the last custom colour, invalid until one is chosen
    QString m_image; // the last background image, empty until one is chosen
    ColourPicker m_colourPicker;
    ImagePicker m_imagePicker;

    QButtonGroup *m_choices;
    QToolButton *m_colourSwatch;
    QToolButton *m_imageChooser;
    QCheckBox *m_hardEdge;
    QSlider *m_threshold;
    QLabel *m_thresholdValue;
    QCheckBox *m_reverse;
};

} // namespace clearcut::ui
