#pragma once

// The side panel that shapes the result: what to put behind the subject (or the mask itself), a
// hard edge at a chosen threshold, keeping the background instead of the subject, how the edge is
// refined, cleaned, softened and moved, and how the result is framed (cropped to the subject, on
// a canvas). Every change applies at once; there is no Apply button.

#include "Presets.h"

#include "engine/Framing.h"
#include "engine/MaskRefiner.h"
#include "engine/OutputType.h"
#include "engine/PhotoExport.h"

#include <QColor>
#include <QWidget>

#include <functional>
#include <optional>

class QButtonGroup;
class QCheckBox;
class QComboBox;
class QLabel;
class QSlider;
class QSpinBox;
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
    // Ask for a preset's name (Save preset); nullopt when cancelled.
    using NamePicker = std::function<std::optional<QString>(const QString &current)>;

    explicit AdjustPanel(QWidget *parent = nullptr);

    OutputType outputType() const { return m_type; }
    MaskAdjust adjust() const;
    // Margins in pixels (never percent); a canvas always crops to the subject first.
    Framing framing() const;
    Adjustments adjustments() const { return {m_type, adjust(), framing()}; }

    // None emits changed().
    void setOutputType(const OutputType &type);
    void setAdjust(const MaskAdjust &adjust);
    // A percent margin is shown as that many pixels: the panel has no percent margins.
    void setFraming(const Framing &framing);
    void setAdjustments(const Adjustments &adjustments);

    void setColourPicker(ColourPicker picker);
    void setImagePicker(ImagePicker picker);
    void setNamePicker(NamePicker picker);

    // The presets offered at the top of the panel; the one matching what the panel shows is
    // selected, else "No preset".
    void setPresets(const QList<Preset> &presets);
    QList<Preset> presets() const { return m_presets; }

Q_SIGNALS:
    // On every change the user makes, with everything the panel shows; while a slider is dragged,
    // on every step (the receiver drops work made stale by a newer step). A number typed into a
    // spin box counts once it is entered, not on every key.
    void changed(const clearcut::Adjustments &adjustments);
    // The user picked a preset (its adjustments are shown and changed() was emitted too: this
    // adds its format).
    void presetChosen(const clearcut::ui::Preset &preset);
    // Save preset: what the panel shows, under this name (the receiver keeps the list and gives
    // it back through setPresets).
    void presetSaveRequested(const QString &name);

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
    void showEdge();
    void showFraming();
    void emitChanged();
    void showPreset();
    void choosePreset(int index);
    void savePreset();

    OutputType m_type;
    QColor m_colour; // the last custom colour, invalid until one is chosen
    QString m_image; // the last background image, empty until one is chosen
    ColourPicker m_colourPicker;
    ImagePicker m_imagePicker;
    NamePicker m_namePicker;
    QList<Preset> m_presets;

    QButtonGroup *m_choices;
    QToolButton *m_colourSwatch;
    QToolButton *m_imageChooser;
    QCheckBox *m_hardEdge;
    QSlider *m_threshold;
    QLabel *m_thresholdValue;
    QCheckBox *m_reverse;
    QCheckBox *m_refine;
    QSlider *m_refineStrength;
    QLabel *m_refineStrengthValue;
    QCheckBox *m_cleanColours;
    QSpinBox *m_feather;
    QSpinBox *m_shiftEdge;
    QCheckBox *m_crop;
    bool m_cropChosen = false; // the user's crop choice, shown again when the canvas is removed
    QLabel *m_marginLabel;
    QSpinBox *m_margin;
    QComboBox *m_canvas;
    QWidget *m_canvasSize;
    QSpinBox *m_canvasWidth;
    QSpinBox *m_canvasHeight;
    QComboBox *m_preset;
    QToolButton *m_savePreset;
};

} // namespace clearcut::ui
