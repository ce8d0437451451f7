#include "AboutDialog.h"

#include "IconSet.h"

#include <QApplication>
#include <QClipboard>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QScreen>
#include <QVBoxLayout>
#include <QtGlobal>

#include <opencv2/core/version.hpp>

#include <algorithm>

#ifndef CLEARCUT_VERSION
#define CLEARCUT_VERSION "unknown"
#endif

namespace clearcut::ui {

namespace {

QString orDefault(const QString &value, const QString &fallback)
{
    return value.isEmpty() ? fallback : value;
}

// Library strings can be long (a BLAS build's configuration, a CUDA device name): they wrap
// within the dialog's width instead of widening it.
QLabel *valueLabel(const QString &text, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    label->setWordWrap(true);
    label->setAlignment(Qt::AlignLeft | Qt::AlignTop);
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
    setWindowIcon(appIcon());
    // Wide enough for the provenance to read as a paragraph, never wider than the screen.
    int width = 520;
    if (const QScreen *screen = parent ? parent->screen() : QGuiApplication::primaryScreen())
        width = std::min(width, screen->availableGeometry().width() - 40);
    setFixedWidth(width);

    auto *icon = new QLabel(this);
    icon->setObjectName(QStringLiteral("appIcon"));
    icon->setPixmap(appIcon().pixmap(QSize(64, 64), devicePixelRatio()));
    icon->setAlignment(Qt::AlignTop);

    auto *title = new QLabel(tr("ClearCut %1").arg(info.appVersion), this);
    title->setObjectName(QStringLiteral("title"));
    QFont titleFont = title->font();
    titleFont.setBold(true);
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.5);
    title->setFont(titleFont);

    auto *description =
        new QLabel(tr("Removes the background from photos, on this computer."), this);
    description->setWordWrap(true);

    auto *heading = new QVBoxLayout;
    heading->addWidget(title);
    heading->addWidget(description);
    auto *top = new QHBoxLayout;
    top->addWidget(icon);
    top->addSpacing(12);
    top->addLayout(heading, 1);

    auto *versions = new QFormLayout;
    versions->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    versions->addRow(tr("Qt:"), valueLabel(info.qtVersion, this));
    versions->addRow(tr("LibTorch:"), valueLabel(torch, this));
    versions->addRow(tr("OpenCV:"), valueLabel(info.openCvVersion, this));
    versions->addRow(tr("Model:"), valueLabel(model, this));
    versions->addRow(tr("Device:"), valueLabel(device, this));
    versions->addRow(tr("BLAS:"), valueLabel(blas, this));

    auto *provenance = new QLabel(
        tr("The default model is ISNet (Qin et al., “Highly Accurate Dichotomous Image "
           "Segmentation”, ECCV 2022). Its weights come from the DIS project by way of the npm "
           "package @imgly/background-removal-data, licensed AGPL-3.0; the model package's "
           "copyright file (packaging/MODEL_NOTICE.md in the source) has the details."),
        this);
    provenance->setObjectName(QStringLiteral("provenance"));
    provenance->setWordWrap(true);
    provenance->setForegroundRole(QPalette::PlaceholderText);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    QPushButton *copy = buttons->addButton(tr("Copy details"), QDialogButtonBox::ActionRole);
    copy->setAutoDefault(false);
    buttons->button(QDialogButtonBox::Close)->setDefault(true);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addSpacing(8);
    layout->addLayout(versions);
    layout->addSpacing(8);
    layout->addWidget(provenance);
    layout->addWidget(buttons);

    // Plain text to paste into a bug report.
    m_details =
        QStringLiteral("ClearCut %1\nQt %2\nLibTorch %3\nOpenCV %4\nModel: %5 on %6\n"
                       "BLAS: %7")
            .arg(info.appVersion, info.qtVersion, torch, info.openCvVersion, model, device, blas);

    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    // Top-level widgets do not take their height from their width by themselves: as tall as the
    // wrapped text needs at the fixed width, no taller.
    setFixedHeight(layout->totalHeightForWidth(width));

    connect(copy, &QPushButton::clicked, this,
            [this] { QApplication::clipboard()->setText(m_details); });
}

void showAboutDialog(QWidget *parent, const AboutInfo &info)
{
    AboutDialog dialog(info, parent);
    dialog.exec();
}

} // namespace clearcut::ui
