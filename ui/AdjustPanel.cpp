#include "AdjustPanel.h"

#include <QButtonGroup>
#include <QCheckBox>
#include <QColorDialog>
#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QPainter>
#include <QRadioButton>
#include <QSignalBlocker>
#include <QSlider>
#include <QSpinBox>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace clearcut::ui {

namespace {

constexpr int kDefaultThresholdPercent = 50;
constexpr int kMaxFeather = 100;
constexpr int kMaxShiftEdge = 50;
constexpr int kMaxMargin = 2000;
constexpr int kDefaultCanvasSide = 2000;

// A pixel count in a spin box: the value counts once it is entered (not on every key typed),
// so typing "250" does not re-composite for 2 and 25 on the way.
QSpinBox *pixelBox(QWidget *parent, const char *objectName, int minimum, int maximum)
{
    auto *box = new QSpinBox(parent);
    box->setObjectName(QString::fromLatin1(objectName));
    box->setRange(minimum, maximum);
    box->setSuffix(QObject::tr(" px"));
    box->setKeyboardTracking(false);
    box->setAlignment(Qt::AlignRight);
    return box;
}

QColor toQColor(const cv::Vec3b &rgb)
{
    return QColor(rgb[0], rgb[1], rgb[2]);
}

cv::Vec3b toRgb(const QColor &colour)
{
    return cv::Vec3b(uchar(colour.red()), uchar(colour.green()), uchar(colour.blue()));
}

QIcon swatchIcon(const QColor &colour, const QSize &size, qreal dpr)
{
    QPixmap pixmap(size * dpr);
    pixmap.setDevicePixelRatio(dpr);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    // A mid grey outline stays visible on white and black swatches, in light and dark themes.
    painter.setPen(QColor(128, 128, 128));
    painter.setBrush(colour);
    painter.drawRect(QRectF(QPointF(0.5, 0.5), QSizeF(size) - QSizeF(1, 1)));
    return QIcon(pixmap);
}

} // namespace

AdjustPanel::AdjustPanel(QWidget *parent)
    : QWidget(parent), m_choices(new QButtonGroup(this)), m_colourSwatch(new QToolButton(this)),
      m_imageChooser(new QToolButton(this)), m_hardEdge(new QCheckBox(this)),
      m_threshold(new QSlider(Qt::Horizontal, this)), m_thresholdValue(new QLabel(this)),
      m_reverse(new QCheckBox(this)), m_refine(new QCheckBox(this)),
      m_refineStrength(new QSlider(Qt::Horizontal, this)), m_refineStrengthValue(new QLabel(this)),
      m_cleanColours(new QCheckBox(this)), m_feather(pixelBox(this, "feather", 0, kMaxFeather)),
      m_shiftEdge(pixelBox(this, "shiftEdge", -kMaxShiftEdge, kMaxShiftEdge)),
      m_crop(new QCheckBox(this)), m_marginLabel(new QLabel(this)),
      m_margin(pixelBox(this, "cropMargin", 0, kMaxMargin)), m_canvas(new QComboBox(this)),
      m_canvasSize(new QWidget(this)),
      m_canvasWidth(pixelBox(m_canvasSize, "canvasWidth", 1, Framing::kMaxCanvasSide)),
      m_canvasHeight(pixelBox(m_canvasSize, "canvasHeight", 1, Framing::kMaxCanvasSide)),
      m_preset(new QComboBox(this)), m_savePreset(new QToolButton(this))
{
    m_colourPicker = [this](const QColor &current) -> std::optional<QColor> {
        const QColor colour = QColorDialog::getColor(current.isValid() ? current : Qt::white, this,
                                                     tr("Background colour"));
        if (!colour.isValid())
            return std::nullopt;
        return colour;
    };
    m_imagePicker = [this](const QString &current) -> std::optional<QString> {
        const QString path = QFileDialog::getOpenFileName(
            this, tr("Background image"), current,
            tr("Images (*.png *.jpg *.jpeg *.webp *.bmp *.tif *.tiff);;All files (*)"));
        if (path.isEmpty())
            return std::nullopt;
        return path;
    };

    // Output
    struct Row
    {
        Choice choice;
        const char *objectName;
        QString text;
        QString toolTip;
    };
    const Row rows[] = {
        {Transparent, "outputRgba", tr("Transparent"), tr("The subject alone, with transparency")},
        {White, "outputWhite", tr("White"), tr("The subject on white")},
        {Green, "outputGreen", tr("Green"), tr("The subject on green, for keying")},
        {Colour, "outputColour", tr("Colour"), tr("The subject on a colour of your choice")},
        {Blur, "outputBlur", tr("Blur"), tr("The photo with its background blurred")},
        {Overlay, "outputOverlay", tr("Overlay"),
         tr("The photo with the subject tinted and outlined, to check the cut")},
        {Image, "outputImage", tr("Image"), tr("The subject on a picture of your choice")},
        {Mask, "outputMap", tr("Mask"), tr("The black and white mask itself")},
    };

    auto *outputBox = new QGroupBox(tr("Output"), this);
    auto *outputGrid = new QGridLayout(outputBox);
    outputGrid->setColumnStretch(1, 1);
    int row = 0;
    for (const Row &r : rows) {
        auto *radio = new QRadioButton(r.text, outputBox);
        radio->setObjectName(QString::fromLatin1(r.objectName));
        radio->setToolTip(r.toolTip);
        m_choices->addButton(radio, r.choice);
        outputGrid->addWidget(radio, row++, 0);
    }
    m_colourSwatch->setObjectName(QStringLiteral("colourSwatch"));
    m_colourSwatch->setToolTip(tr("Choose the background colour…"));
    m_colourSwatch->setAutoRaise(false);
    m_imageChooser->setObjectName(QStringLiteral("imageChooser"));
    m_imageChooser->setToolButtonStyle(Qt::ToolButtonTextOnly);
    outputGrid->addWidget(m_colourSwatch, int(Colour), 1, Qt::AlignLeft);
    outputGrid->addWidget(m_imageChooser, int(Image), 1, Qt::AlignLeft);

    // Mask
    m_hardEdge->setObjectName(QStringLiteral("hardEdge"));
    m_hardEdge->setText(tr("Hard edge"));
    m_hardEdge->setToolTip(
        tr("Make every pixel fully kept or fully removed, split at the threshold."));
    m_threshold->setObjectName(QStringLiteral("threshold"));
    m_threshold->setRange(0, 100);
    m_threshold->setPageStep(10);
    m_threshold->setValue(kDefaultThresholdPercent);
    m_threshold->setToolTip(tr("Pixels at least this sure to be the subject are kept."));
    m_thresholdValue->setObjectName(QStringLiteral("thresholdValue"));
    m_thresholdValue->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    m_thresholdValue->setMinimumWidth(
        m_thresholdValue->fontMetrics().horizontalAdvance(tr("%1%").arg(100)));
    m_reverse->setObjectName(QStringLiteral("reverse"));
    m_reverse->setText(tr("Keep background instead"));
    m_reverse->setToolTip(tr("Remove the subject and keep what is behind it."));

    auto *thresholdRow = new QHBoxLayout;
    thresholdRow->addSpacing(20);
    thresholdRow->addWidget(m_threshold, 1);
    thresholdRow->addWidget(m_thresholdValue);

    auto *maskBox = new QGroupBox(tr("Mask"), this);
    auto *maskLayout = new QVBoxLayout(maskBox);
    maskLayout->addWidget(m_hardEdge);
    maskLayout->addLayout(thresholdRow);
    maskLayout->addWidget(m_reverse);

    // Edge
    m_refine->setObjectName(QStringLiteral("refine"));
    m_refine->setText(tr("Edge refinement"));
    m_refine->setToolTip(tr("Make the edge follow the photo's own edges at full resolution: "
                            "hair, fur and other fine detail."));
    m_refine->setChecked(true);
    m_refineStrength->setObjectName(QStringLiteral("refineStrength"));
    m_refineStrength->setRange(0, 100);
    m_refineStrength->setPageStep(10);
    m_refineStrength->setValue(100);
    m_refineStrength->setToolTip(tr("How far the edge may move to follow the photo."));
    m_refineStrengthValue->setObjectName(QStringLiteral("refineStrengthValue"));
    m_refineStrengthValue->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    m_refineStrengthValue->setMinimumWidth(m_thresholdValue->minimumWidth());
    m_cleanColours->setObjectName(QStringLiteral("cleanColours"));
    m_cleanColours->setText(tr("Colour clean-up"));
    m_cleanColours->setToolTip(
        tr("Remove the old background's colour from semi-transparent edges."));
    m_cleanColours->setChecked(true);
    m_feather->setToolTip(tr("Soften the edge over about this many pixels of the photo."));
    m_shiftEdge->setToolTip(tr("Grow (+) or shrink (−) the subject by this many pixels of the "
                               "photo."));

    auto *strengthRow = new QHBoxLayout;
    strengthRow->addSpacing(20);
    strengthRow->addWidget(m_refineStrength, 1);
    strengthRow->addWidget(m_refineStrengthValue);

    auto *featherLabel = new QLabel(tr("Feather:"), this);
    featherLabel->setBuddy(m_feather);
    auto *shiftLabel = new QLabel(tr("Shift edge:"), this);
    shiftLabel->setBuddy(m_shiftEdge);
    auto *edgeGrid = new QGridLayout;
    edgeGrid->setColumnStretch(1, 1);
    edgeGrid->addWidget(featherLabel, 0, 0);
    edgeGrid->addWidget(m_feather, 0, 1, Qt::AlignLeft);
    edgeGrid->addWidget(shiftLabel, 1, 0);
    edgeGrid->addWidget(m_shiftEdge, 1, 1, Qt::AlignLeft);

    auto *edgeBox = new QGroupBox(tr("Edge"), this);
    auto *edgeLayout = new QVBoxLayout(edgeBox);
    edgeLayout->addWidget(m_refine);
    edgeLayout->addLayout(strengthRow);
    edgeLayout->addWidget(m_cleanColours);
    edgeLayout->addLayout(edgeGrid);

    // Crop
    m_crop->setObjectName(QStringLiteral("crop"));
    m_crop->setText(tr("Crop to subject"));
    m_crop->setToolTip(tr("Cut the result down to the subject, with a margin around it."));
    m_marginLabel->setText(tr("Margin:"));
    m_marginLabel->setBuddy(m_margin);
    m_margin->setToolTip(tr("Space left around the subject, in pixels of the photo."));
    m_canvas->setObjectName(QStringLiteral("canvas"));
    m_canvas->addItem(tr("Original size"), int(Framing::Canvas::None));
    m_canvas->addItem(tr("Square"), int(Framing::Canvas::Square));
    m_canvas->addItem(tr("Custom…"), int(Framing::Canvas::Size));
    m_canvas->setToolTip(tr("Place the subject on a square, or on a canvas of exactly the size "
                            "you give. A canvas always crops to the subject first."));
    // One "px" for the pair: two suffixes would make the row wider than the panel.
    m_canvasWidth->setSuffix(QString());
    m_canvasWidth->setValue(kDefaultCanvasSide);
    m_canvasWidth->setToolTip(tr("Canvas width in pixels"));
    m_canvasHeight->setSuffix(QString());
    m_canvasHeight->setValue(kDefaultCanvasSide);
    m_canvasHeight->setToolTip(tr("Canvas height in pixels"));
    m_canvasSize->setObjectName(QStringLiteral("canvasSize"));
    auto *sizeRow = new QHBoxLayout(m_canvasSize);
    sizeRow->setContentsMargins(0, 0, 0, 0);
    sizeRow->addWidget(m_canvasWidth, 1);
    sizeRow->addWidget(new QLabel(QStringLiteral("×"), m_canvasSize));
    sizeRow->addWidget(m_canvasHeight, 1);
    sizeRow->addWidget(new QLabel(tr("px"), m_canvasSize));

    auto *canvasLabel = new QLabel(tr("Canvas:"), this);
    canvasLabel->setBuddy(m_canvas);
    auto *cropGrid = new QGridLayout;
    cropGrid->setColumnMinimumWidth(0, 20);
    cropGrid->setColumnStretch(2, 1);
    cropGrid->addWidget(m_crop, 0, 0, 1, 3);
    cropGrid->addWidget(m_marginLabel, 1, 1);
    cropGrid->addWidget(m_margin, 1, 2, Qt::AlignLeft);
    cropGrid->addWidget(canvasLabel, 2, 0, 1, 2);
    cropGrid->addWidget(m_canvas, 2, 2);
    cropGrid->addWidget(m_canvasSize, 3, 1, 1, 2);

    auto *cropBox = new QGroupBox(tr("Crop"), this);
    cropBox->setLayout(cropGrid);

    m_preset->setObjectName(QStringLiteral("preset"));
    m_preset->setToolTip(tr("Saved adjustments: pick one to apply it"));
    m_preset->addItem(tr("No preset"));
    m_savePreset->setObjectName(QStringLiteral("savePreset"));
    m_savePreset->setText(tr("Save…"));
    m_savePreset->setToolTip(tr("Save these adjustments as a preset"));
    auto *presetRow = new QHBoxLayout;
    presetRow->addWidget(m_preset, 1);
    presetRow->addWidget(m_savePreset);
    auto *presetBox = new QGroupBox(tr("Preset"), this);
    presetBox->setLayout(presetRow);
    m_namePicker = [this](const QString &current) -> std::optional<QString> {
        bool ok = false;
        const QString name = QInputDialog::getText(this, tr("Save Preset"), tr("Preset name:"),
                                                   QLineEdit::Normal, current, &ok)
                                 .trimmed();
        if (!ok || name.isEmpty())
            return std::nullopt;
        return name;
    };
    connect(m_preset, &QComboBox::activated, this, &AdjustPanel::choosePreset);
    connect(m_savePreset, &QToolButton::clicked, this, &AdjustPanel::savePreset);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(presetBox);
    layout->addWidget(outputBox);
    layout->addWidget(maskBox);
    layout->addWidget(edgeBox);
    layout->addWidget(cropBox);
    layout->addStretch(1);

    connect(m_choices, &QButtonGroup::idClicked, this, &AdjustPanel::choose);
    connect(m_colourSwatch, &QToolButton::clicked, this, &AdjustPanel::pickColour);
    connect(m_imageChooser, &QToolButton::clicked, this, &AdjustPanel::pickImage);
    connect(m_hardEdge, &QCheckBox::toggled, this, [this] {
        showThreshold();
        emitChanged();
    });
    connect(m_threshold, &QSlider::valueChanged, this, [this] {
        showThreshold();
        emitChanged();
    });
    connect(m_reverse, &QCheckBox::toggled, this, &AdjustPanel::emitChanged);
    for (QCheckBox *box : {m_refine, m_cleanColours})
        connect(box, &QCheckBox::toggled, this, [this] {
            showEdge();
            emitChanged();
        });
    connect(m_refineStrength, &QSlider::valueChanged, this, [this] {
        showEdge();
        emitChanged();
    });
    connect(m_crop, &QCheckBox::toggled, this, [this](bool on) {
        m_cropChosen = on;
        showFraming();
        emitChanged();
    });
    connect(m_canvas, &QComboBox::currentIndexChanged, this, [this] {
        showFraming();
        emitChanged();
    });
    for (QSpinBox *box : {m_feather, m_shiftEdge, m_margin, m_canvasWidth, m_canvasHeight})
        connect(box, &QSpinBox::valueChanged, this, &AdjustPanel::emitChanged);

    showType();
    showThreshold();
    showEdge();
    showFraming();
}

MaskAdjust AdjustPanel::adjust() const
{
    MaskAdjust result;
    if (m_hardEdge->isChecked())
        result.threshold = m_threshold->value() / 100.0;
    result.reverse = m_reverse->isChecked();
    result.refine = m_refine->isChecked();
    result.refineStrength = m_refineStrength->value() / 100.0;
    result.cleanColours = m_cleanColours->isChecked();
    result.feather = m_feather->value();
    result.shiftEdge = m_shiftEdge->value();
    return result;
}

Framing AdjustPanel::framing() const
{
    Framing result;
    result.crop = m_crop->isChecked();
    result.margin = m_margin->value();
    result.canvas = Framing::Canvas(m_canvas->currentData().toInt());
    if (result.canvas == Framing::Canvas::Size)
        result.canvasSize = cv::Size(m_canvasWidth->value(), m_canvasHeight->value());
    return result;
}

void AdjustPanel::setOutputType(const OutputType &type)
{
    m_type = type;
    if (type.kind == OutputType::Kind::Colour && type.colourRgb != OutputType::kWhite &&
        type.colourRgb != OutputType::kGreen)
        m_colour = toQColor(type.colourRgb);
    if (type.kind == OutputType::Kind::BackgroundImage)
        m_image = type.backgroundPath;
    showType();
}

void AdjustPanel::setAdjust(const MaskAdjust &adjust)
{
    const QSignalBlocker blockHardEdge(m_hardEdge);
    const QSignalBlocker blockThreshold(m_threshold);
    const QSignalBlocker blockReverse(m_reverse);
    const QSignalBlocker blockRefine(m_refine);
    const QSignalBlocker blockStrength(m_refineStrength);
    const QSignalBlocker blockClean(m_cleanColours);
    const QSignalBlocker blockFeather(m_feather);
    const QSignalBlocker blockShift(m_shiftEdge);
    m_hardEdge->setChecked(adjust.threshold.has_value());
    if (adjust.threshold)
        m_threshold->setValue(int(std::lround(std::clamp(*adjust.threshold, 0.0, 1.0) * 100)));
    m_reverse->setChecked(adjust.reverse);
    m_refine->setChecked(adjust.refine);
    m_refineStrength->setValue(int(std::lround(std::clamp(adjust.refineStrength, 0.0, 1.0) * 100)));
    m_cleanColours->setChecked(adjust.cleanColours);
    m_feather->setValue(adjust.feather); // clamped to the box's range
    m_shiftEdge->setValue(adjust.shiftEdge);
    showThreshold();
    showEdge();
}

void AdjustPanel::setFraming(const Framing &framing)
{
    const QSignalBlocker blockCrop(m_crop);
    const QSignalBlocker blockMargin(m_margin);
    const QSignalBlocker blockCanvas(m_canvas);
    const QSignalBlocker blockWidth(m_canvasWidth);
    const QSignalBlocker blockHeight(m_canvasHeight);
    m_cropChosen = framing.crop;
    m_crop->setChecked(framing.crop);
    // A canvas without crop frames the bare subject box: the same as a crop with no margin.
    m_margin->setValue(framing.crop ? int(std::lround(framing.margin)) : 0);
    m_canvas->setCurrentIndex(std::max(0, m_canvas->findData(int(framing.canvas))));
    if (framing.canvas == Framing::Canvas::Size) {
        m_canvasWidth->setValue(framing.canvasSize.width);
        m_canvasHeight->setValue(framing.canvasSize.height);
    }
    showFraming();
}

void AdjustPanel::setAdjustments(const Adjustments &adjustments)
{
    setOutputType(adjustments.type);
    setAdjust(adjustments.adjust);
    setFraming(adjustments.framing);
    showPreset();
}

void AdjustPanel::setColourPicker(ColourPicker picker)
{
    m_colourPicker = std::move(picker);
}

void AdjustPanel::setImagePicker(ImagePicker picker)
{
    m_imagePicker = std::move(picker);
}

void AdjustPanel::choose(int choice)
{
    switch (Choice(choice)) {
    case Transparent:
        apply(OutputType{});
        break;
    case White:
        apply(OutputType::colour(OutputType::kWhite));
        break;
    case Green:
        apply(OutputType::colour(OutputType::kGreen));
        break;
    case Colour:
        // Back to the colour chosen before; the swatch picks another.
        if (m_colour.isValid())
            apply(OutputType::colour(toRgb(m_colour)));
        else
            pickColour();
        break;
    case Blur:
        apply(OutputType{OutputType::Kind::Blur, {}, {}});
        break;
    case Overlay:
        apply(OutputType{OutputType::Kind::Overlay, {}, {}});
        break;
    case Image:
        if (!m_image.isEmpty() && QFileInfo(m_image).isFile())
            apply(OutputType::backgroundImage(m_image));
        else
            pickImage();
        break;
    case Mask:
        apply(OutputType{OutputType::Kind::Map, {}, {}});
        break;
    }
}

void AdjustPanel::pickColour()
{
    const std::optional<QColor> colour =
        m_colourPicker ? m_colourPicker(m_colour) : std::optional<QColor>();
    if (!colour || !colour->isValid()) {
        showType(); // a cancelled picker leaves the previous choice checked
        return;
    }
    m_colour = *colour;
    apply(OutputType::colour(toRgb(m_colour)));
}

void AdjustPanel::pickImage()
{
    const std::optional<QString> path =
        m_imagePicker ? m_imagePicker(m_image) : std::optional<QString>();
    if (!path || path->isEmpty()) {
        showType();
        return;
    }
    m_image = QFileInfo(*path).absoluteFilePath();
    apply(OutputType::backgroundImage(m_image));
}

void AdjustPanel::apply(const OutputType &type)
{
    const bool same = type == m_type;
    m_type = type;
    showType();
    if (!same)
        emitChanged();
}

void AdjustPanel::showType()
{
    Choice choice = Transparent;
    switch (m_type.kind) {
    case OutputType::Kind::Rgba:
        choice = Transparent;
        break;
    case OutputType::Kind::Map:
        choice = Mask;
        break;
    case OutputType::Kind::Colour:
        if (m_type.colourRgb == OutputType::kWhite)
            choice = White;
        else if (m_type.colourRgb == OutputType::kGreen)
            choice = Green;
        else
            choice = Colour;
        break;
    case OutputType::Kind::Blur:
        choice = Blur;
        break;
    case OutputType::Kind::Overlay:
        choice = Overlay;
        break;
    case OutputType::Kind::BackgroundImage:
        choice = Image;
        break;
    }
    m_choices->button(choice)->setChecked(true);

    if (m_colour.isValid()) {
        m_colourSwatch->setToolButtonStyle(Qt::ToolButtonIconOnly);
        m_colourSwatch->setIconSize(QSize(32, 14));
        m_colourSwatch->setIcon(
            swatchIcon(m_colour, m_colourSwatch->iconSize(), m_colourSwatch->devicePixelRatioF()));
        m_colourSwatch->setText(m_colour.name());
    } else {
        m_colourSwatch->setToolButtonStyle(Qt::ToolButtonTextOnly);
        m_colourSwatch->setIcon(QIcon());
        m_colourSwatch->setText(tr("Choose…"));
    }

    if (m_image.isEmpty()) {
        m_imageChooser->setText(tr("Choose…"));
        m_imageChooser->setToolTip(tr("Choose the background image…"));
    } else {
        const QString name = QFileInfo(m_image).fileName();
        m_imageChooser->setText(
            m_imageChooser->fontMetrics().elidedText(name, Qt::ElideMiddle, 140));
        m_imageChooser->setToolTip(tr("%1\nClick to choose another image…").arg(m_image));
    }
}

void AdjustPanel::showThreshold()
{
    const bool on = m_hardEdge->isChecked();
    m_threshold->setEnabled(on);
    m_thresholdValue->setEnabled(on);
    m_thresholdValue->setText(tr("%1%").arg(m_threshold->value()));
}

void AdjustPanel::showEdge()
{
    const bool on = m_refine->isChecked();
    m_refineStrength->setEnabled(on);
    m_refineStrengthValue->setEnabled(on);
    m_refineStrengthValue->setText(tr("%1%").arg(m_refineStrength->value()));
}

void AdjustPanel::showFraming()
{
    // A canvas always crops to the subject first: the box says so, and the margin applies.
    const bool canvas = Framing::Canvas(m_canvas->currentData().toInt()) != Framing::Canvas::None;
    {
        const QSignalBlocker blockCrop(m_crop);
        m_crop->setChecked(canvas || m_cropChosen);
    }
    m_crop->setEnabled(!canvas);
    m_marginLabel->setEnabled(m_crop->isChecked());
    m_margin->setEnabled(m_crop->isChecked());
    m_canvasSize->setVisible(Framing::Canvas(m_canvas->currentData().toInt()) ==
                             Framing::Canvas::Size);
}

void AdjustPanel::emitChanged()
{
    showPreset();
    Q_EMIT changed(adjustments());
}

void AdjustPanel::setNamePicker(NamePicker picker)
{
    m_namePicker = std::move(picker);
}

void AdjustPanel::setPresets(const QList<Preset> &presets)
{
    m_presets = presets;
    const QSignalBlocker blocker(m_preset);
    while (m_preset->count() > 1)
        m_preset->removeItem(1);
    for (const Preset &preset : presets)
        m_preset->addItem(preset.name);
    showPreset();
}

void AdjustPanel::showPreset()
{
    const Adjustments shown = adjustments();
    int index = 0;
    for (int i = 0; i < m_presets.size(); ++i) {
        if (m_presets.at(i).adjustments == shown) {
            index = i + 1;
            break;
        }
    }
    const QSignalBlocker blocker(m_preset);
    m_preset->setCurrentIndex(index);
}

void AdjustPanel::choosePreset(int index)
{
    if (index < 1 || index > m_presets.size())
        return;
    const Preset preset = m_presets.at(index - 1);
    setAdjustments(preset.adjustments);
    emitChanged();
    Q_EMIT presetChosen(preset);
}

void AdjustPanel::savePreset()
{
    const QString current = m_preset->currentIndex() > 0 ? m_preset->currentText() : QString();
    if (const std::optional<QString> name = m_namePicker(current))
        Q_EMIT presetSaveRequested(*name);
}

} // namespace clearcut::ui
