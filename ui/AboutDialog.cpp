#include "AboutDialog.h"

#include <QApplication>
#include <QClipboard>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>
#include <QtGlobal>

#include <opencv2/core/version.hpp>

#ifndef CLEARCUT_VERSION
#define CLEARCUT_VERSION "unknown"
#endif

namespace clearcut::ui {

namespace {

QString orDefault(const QString &value, const QString &fallback)
{
    return value.isEmpty() ? fallback : value;
}

QLabel *valueLabel(const QString &text, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return label;
}

} // namespace

AboutDialog::AboutDialog(const AboutInfo &given, QWidget *parent) : QDialog(parent)
{
    AboutInfo info = given;
    info.appVersion = orDefault(info.appVersion, QStringLiteral(CLEARCUT_VERSION));
    info.qtVersion = orDefault(info.qtVersion, QString::fromLatin1(qVersion()));
    info.openCvVersion = orDefault(info.openCvVersion, QStringLiteral(CV_VERSION));
    const QString unknown = tr("unknown");
    const QString none = tr("—");
    const QString torch = orDefault(info.torchVersion, unknown);
    const QString model = orDefault(info.modelName, tr("not loaded yet"));
    const QString device = orDefault(info.modelDevice, none);
    const QString blas = orDefault(info.blas, none);

    setWindowTitle(tr("About ClearCut"));
    setMinimumWidth(440);

    auto *title = new QLabel(tr("ClearCut %1").arg(info.appVersion), this);
    title->setObjectName(QStringLiteral("title"));
    QFont titleFont = title->font();
    titleFont.setBold(true);
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.5);
    title->setFont(titleFont);

    auto *description =
        new QLabel(tr("Removes the background from photos, on this computer."), this);
    description->setWordWrap(true);

    auto *versions = new QFormLayout;
    versions->addRow(tr("Qt:"), valueLabel(info.qtVersion, this));
    versions->addRow(tr("LibTorch:"), valueLabel(torch, this));
    versions->addRow(tr("OpenCV:"), valueLabel(info.openCvVersion, this));
    versions->addRow(tr("Model:"), valueLabel(model, this));
    versions->addRow(tr("Device:"), valueLabel(device, this));
    versions->addRow(tr("BLAS:"), valueLabel(blas, this));

    auto *provenance = new QLabel(
        tr("The default model is ISNet (Qin et al., “Highly Accurate Dichotomous Image "
           "Segmentation”, ECCV 2022). Its weights come from the DIS project by way of the npm "
           "package @imgly/background-removal-data, licensed AGPL-3.0; "
           "packaging/MODEL_NOTICE.md has the details."),
        this);
    provenance->setObjectName(QStringLiteral("provenance"));
    provenance->setWordWrap(true);
    provenance->setForegroundRole(QPalette::PlaceholderText);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    QPushButton *copy = buttons->addButton(tr("Copy details"), QDialogButtonBox::ActionRole);
    copy->setAutoDefault(false);
    buttons->button(QDialogButtonBox::Close)->setDefault(true);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(title);
    layout->addWidget(description);
    layout->addSpacing(8);
    layout->addLayout(versions);
    layout->addSpacing(8);
    layout->addWidget(provenance);
    layout->addStretch(1);
    layout->addWidget(buttons);

    // Plain text to paste into a bug report.
    m_details =
        QStringLiteral("ClearCut %1\nQt %2\nLibTorch %3\nOpenCV %4\nModel: %5 on %6\n"
                       "BLAS: %7")
            .arg(info.appVersion, info.qtVersion, torch, info.openCvVersion, model, device, blas);

    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(copy, &QPushButton::clicked, this,
            [this] { QApplication::clipboard()->setText(m_details); });
}

void showAboutDialog(QWidget *parent, const AboutInfo &info)
{
    AboutDialog dialog(info, parent);
    dialog.exec();
}

} // namespace clearcut::ui
