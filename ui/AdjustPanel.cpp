#include "AdjustPanel.h"

#include <QButtonGroup>
#include <QCheckBox>
#include <QColorDialog>
#include <QFileDialog>
#include <QFileInfo>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QRadioButton>
#include <QSignalBlocker>
#include <QSlider>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace clearcut::ui {

namespace {

constexpr int kDefaultThresholdPercent = 50;

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
      m_reverse(new QCheckBox(this))
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

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(outputBox);
    layout->addWidget(maskBox);
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

    showType();
    showThreshold();
}

MaskAdjust AdjustPanel::adjust() const
{
    MaskAdjust result;
    if (m_hardEdge->isChecked())
        result.threshold = m_threshold->value() / 100.0;
    result.reverse = m_reverse->isChecked();
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
    m_hardEdge->setChecked(adjust.threshold.has_value());
    if (adjust.threshold)
        m_threshold->setValue(int(std::lround(std::clamp(*adjust.threshold, 0.0, 1.0) * 100)));
    m_reverse->setChecked(adjust.reverse);
    showThreshold();
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

void AdjustPanel::emitChanged()
{
    Q_EMIT changed(m_type, adjust());
}

} // namespace clearcut::ui
