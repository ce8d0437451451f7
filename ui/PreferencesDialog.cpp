#include "PreferencesDialog.h"

#include "engine/ModelSpec.h"

#include <QButtonGroup>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QStandardItemModel>
#include <QStyle>
#include <QVBoxLayout>

namespace clearcut::ui {

namespace {

// Secondary text in the palette's placeholder colour, so it reads in light and dark themes.
QLabel *hintLabel(const QString &text, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    label->setWordWrap(true);
    label->setForegroundRole(QPalette::PlaceholderText);
    QFont font = label->font();
    font.setPointSizeF(font.pointSizeF() * 0.9);
    label->setFont(font);
    return label;
}

void selectData(QComboBox *combo, const QVariant &data)
{
    const int index = combo->findData(data);
    if (index >= 0)
        combo->setCurrentIndex(index);
}

} // namespace

PreferencesDialog::PreferencesDialog(const AppSettings &current, QWidget *parent)
    : QDialog(parent), m_original(current), m_modelDefault(new QRadioButton(this)),
      m_modelCustom(new QRadioButton(this)), m_modelPath(new QLineEdit(this)),
      m_modelBrowse(new QPushButton(this)), m_modelProblem(new QLabel(this)),
      m_device(new QComboBox(this)), m_quality(new QComboBox(this)), m_format(new QComboBox(this)),
      m_folder(new QLineEdit(this)), m_folderBrowse(new QPushButton(this)),
      m_theme(new QComboBox(this)),
      m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel |
                                         QDialogButtonBox::RestoreDefaults,
                                     this))
{
    setWindowTitle(tr("Preferences"));
    setMinimumWidth(560);

    m_modelDefault->setObjectName(QStringLiteral("modelDefault"));
    m_modelCustom->setObjectName(QStringLiteral("modelCustom"));
    m_modelPath->setObjectName(QStringLiteral("modelPath"));
    m_modelBrowse->setObjectName(QStringLiteral("modelBrowse"));
    m_modelProblem->setObjectName(QStringLiteral("modelProblem"));
    m_device->setObjectName(QStringLiteral("device"));
    m_quality->setObjectName(QStringLiteral("quality"));
    m_format->setObjectName(QStringLiteral("outputFormat"));
    m_folder->setObjectName(QStringLiteral("outputFolder"));
    m_folderBrowse->setObjectName(QStringLiteral("outputFolderBrowse"));
    m_buttons->setObjectName(QStringLiteral("buttons"));
    m_theme->setObjectName(QStringLiteral("theme"));

    // Model
    m_modelDefault->setText(tr("Default (ISNet)"));
    m_modelDefault->setToolTip(QDir::toNativeSeparators(defaultModelPath()));
    m_modelCustom->setText(tr("Custom TorchScript file"));
    auto *modelChoice = new QButtonGroup(this);
    modelChoice->addButton(m_modelDefault);
    modelChoice->addButton(m_modelCustom);
    m_modelPath->setPlaceholderText(tr("Path to a .pt file"));
    m_modelBrowse->setText(tr("Browse…"));
    m_modelProblem->setWordWrap(true);

    // The path and its notes sit under their radio button, lined up with the button's text.
    auto *modelPathRow = new QHBoxLayout;
    modelPathRow->addWidget(m_modelPath, 1);
    modelPathRow->addWidget(m_modelBrowse);

    auto *customBox = new QVBoxLayout;
    customBox->setContentsMargins(style()->pixelMetric(QStyle::PM_ExclusiveIndicatorWidth) +
                                      style()->pixelMetric(QStyle::PM_RadioButtonLabelSpacing),
                                  0, 0, 0);
    customBox->addLayout(modelPathRow);
    customBox->addWidget(m_modelProblem);
    customBox->addWidget(hintLabel(tr("transparent-background's ckpt_base_*.pt and ckpt_fast_*.pt "
                                      "files work as they are; other models need a .json sidecar "
                                      "with the same name."),
                                   this));

    auto *modelBox = new QVBoxLayout;
    modelBox->addWidget(m_modelDefault);
    modelBox->addWidget(m_modelCustom);
    modelBox->addLayout(customBox);

    // Running
    m_device->addItem(tr("Automatic"), QVariant::fromValue(int(DevicePreference::Auto)));
    m_device->addItem(tr("CPU"), QVariant::fromValue(int(DevicePreference::Cpu)));
    m_device->addItem(tr("CUDA (GPU)"), QVariant::fromValue(int(DevicePreference::Cuda)));
    m_device->setToolTip(tr("Automatic uses the GPU when CUDA is available, else the CPU."));
    m_deviceNote = hintLabel({}, this);
    m_deviceNote->setObjectName(QStringLiteral("deviceNote"));
    setCudaSupport(std::nullopt);
    auto *deviceBox = new QVBoxLayout;
    deviceBox->addWidget(m_device);
    deviceBox->addWidget(m_deviceNote);

    m_quality->addItem(tr("Best"), QVariant::fromValue(int(Quality::Best)));
    m_quality->addItem(tr("Fast — quicker, less detail"), QVariant::fromValue(int(Quality::Fast)));
    m_quality->setToolTip(tr("Fast runs the model at its smaller input size, when it has one."));

    // Saving
    const QStringList formatNames{tr("PNG"), tr("WebP"), tr("JPEG"), tr("TIFF"), tr("BMP")};
    for (int i = 0; i < AppSettings::outputFormats().size(); ++i)
        m_format->addItem(formatNames.value(i), AppSettings::outputFormats().at(i));

    auto *formatBox = new QVBoxLayout;
    formatBox->addWidget(m_format, 0, Qt::AlignLeft);
    formatBox->addWidget(hintLabel(tr("JPEG and BMP have no transparency."), this));

    m_folder->setPlaceholderText(tr("Next to the photo"));
    m_folder->setClearButtonEnabled(true);
    m_folderBrowse->setText(tr("Browse…"));
    auto *folderRow = new QHBoxLayout;
    folderRow->addWidget(m_folder, 1);
    folderRow->addWidget(m_folderBrowse);

    // Appearance
    m_theme->addItem(tr("System"), QVariant::fromValue(int(Theme::System)));
    m_theme->addItem(tr("Light"), QVariant::fromValue(int(Theme::Light)));
    m_theme->addItem(tr("Dark"), QVariant::fromValue(int(Theme::Dark)));
    m_theme->setToolTip(tr("System follows the desktop's colours; without a desktop preference "
                           "ClearCut is dark."));

    auto *form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    form->setLabelAlignment(Qt::AlignRight | Qt::AlignTop);
    form->addRow(tr("Model:"), modelBox);
    form->addRow(tr("Device:"), deviceBox);
    form->addRow(tr("Quality:"), m_quality);
    form->addRow(tr("Default save format:"), formatBox);
    form->addRow(tr("Default save folder:"), folderRow);
    form->addRow(tr("Theme:"), m_theme);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addStretch(1);
    layout->addWidget(m_buttons);

    connect(m_modelDefault, &QRadioButton::toggled, this, &PreferencesDialog::updateModelState);
    connect(m_modelPath, &QLineEdit::textChanged, this, &PreferencesDialog::updateModelState);
    connect(m_modelBrowse, &QPushButton::clicked, this, &PreferencesDialog::browseModel);
    connect(m_device, &QComboBox::currentIndexChanged, this, &PreferencesDialog::updateDeviceNote);
    connect(m_folderBrowse, &QPushButton::clicked, this, &PreferencesDialog::browseFolder);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_buttons->button(QDialogButtonBox::RestoreDefaults), &QPushButton::clicked, this,
            &PreferencesDialog::restoreDefaults);

    fillFrom(current);
}

AppSettings PreferencesDialog::settings() const
{
    AppSettings result = m_original;
    result.modelPath = m_modelCustom->isChecked()
                           ? QDir::fromNativeSeparators(m_modelPath->text().trimmed())
                           : QString();
    result.device = DevicePreference(m_device->currentData().toInt());
    result.quality = Quality(m_quality->currentData().toInt());
    result.outputFormat = m_format->currentData().toString();
    result.outputFolder = QDir::fromNativeSeparators(m_folder->text().trimmed());
    result.theme = Theme(m_theme->currentData().toInt());
    return result;
}

void PreferencesDialog::setCudaSupport(std::optional<CudaSupport> support)
{
    m_cudaSupport = support;
    auto *model = qobject_cast<QStandardItemModel *>(m_device->model());
    QStandardItem *cuda =
        model ? model->item(m_device->findData(int(DevicePreference::Cuda))) : nullptr;
    if (!cuda)
        return;
    const QString reason = cudaUnavailableReason(support);
    // Greyed, not removed: the user sees that the app knows about GPUs and why this one is out.
    // A setting of CUDA stays selected; the window falls back to the CPU if it cannot load there.
    cuda->setEnabled(reason.isEmpty());
    cuda->setToolTip(reason.isEmpty() ? tr("Runs the model on the GPU.") : reason);
    updateDeviceNote();
}

// A CUDA setting the greyed entry cannot offer says, in the open, what happens instead.
void PreferencesDialog::updateDeviceNote()
{
    const bool cuda = m_device->currentData().toInt() == int(DevicePreference::Cuda);
    const bool cannot = m_cudaSupport && *m_cudaSupport != CudaSupport::Available;
    m_deviceNote->setText(cuda && cannot ? tr("CUDA cannot be used here (%1): the model runs on "
                                              "the CPU.")
                                               .arg(cudaUnavailableReason(m_cudaSupport))
                                         : QString());
    m_deviceNote->setVisible(cuda && cannot);
}

QString PreferencesDialog::cudaUnavailableReason(std::optional<CudaSupport> support)
{
    if (!support)
        return tr("Checking whether CUDA can be used…");
    switch (*support) {
    case CudaSupport::Available:
        return {};
    case CudaSupport::NotBuiltIn:
        return tr("This build of LibTorch has no CUDA");
    case CudaSupport::NoDevice:
        return tr("No CUDA device found");
    case CudaSupport::NoInferenceLibrary:
        return tr("LibTorch could not be loaded");
    }
    return {};
}

void PreferencesDialog::fillFrom(const AppSettings &settings)
{
    const bool custom = !settings.modelPath.isEmpty();
    m_modelCustom->setChecked(custom);
    m_modelDefault->setChecked(!custom);
    m_modelPath->setText(QDir::toNativeSeparators(settings.modelPath));
    selectData(m_device, int(settings.device));
    selectData(m_quality, int(settings.quality));
    selectData(m_format, settings.outputFormat);
    m_folder->setText(QDir::toNativeSeparators(settings.outputFolder));
    selectData(m_theme, int(settings.theme));
    updateModelState();
}

void PreferencesDialog::restoreDefaults()
{
    AppSettings defaults;
    defaults.outputType = m_original.outputType;
    defaults.adjust = m_original.adjust;
    defaults.framing = m_original.framing;
    fillFrom(defaults);
}

void PreferencesDialog::browseModel()
{
    QString start = m_modelPath->text().trimmed();
    if (start.isEmpty())
        start = QFileInfo(defaultModelPath()).absolutePath();
    const QString path =
        QFileDialog::getOpenFileName(this, tr("Choose a TorchScript model"), start,
                                     tr("TorchScript (*.pt *.pth *.torchscript);;All files (*)"));
    if (path.isEmpty())
        return;
    m_modelPath->setText(QDir::toNativeSeparators(path));
    m_modelCustom->setChecked(true);
}

void PreferencesDialog::browseFolder()
{
    const QString path = QFileDialog::getExistingDirectory(this, tr("Default save folder"),
                                                           m_folder->text().trimmed());
    if (!path.isEmpty())
        m_folder->setText(QDir::toNativeSeparators(path));
}

// A custom model must name an existing file before OK is allowed: a wrong path would only show
// up later, as a model that fails to load.
void PreferencesDialog::updateModelState()
{
    const bool custom = m_modelCustom->isChecked();
    m_modelPath->setEnabled(custom);
    m_modelBrowse->setEnabled(custom);

    QString problem;
    if (custom) {
        const QString path = m_modelPath->text().trimmed();
        if (path.isEmpty())
            problem = tr("Choose a model file.");
        else if (!QFileInfo(path).isFile())
            problem = tr("There is no file at this path.");
    }
    m_modelProblem->setText(problem);
    m_modelProblem->setVisible(!problem.isEmpty());
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(problem.isEmpty());
}

} // namespace clearcut::ui
