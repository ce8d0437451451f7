#include "SaveDialog.h"

#include "AppSettings.h"

#include "engine/ImageIO.h"

#include <QFileInfo>
#include <QGridLayout>
#include <QLabel>

namespace clearcut::ui {
namespace {

// One name filter per AppSettings::outputFormats(), in its order.
QStringList saveFilters()
{
    return {QObject::tr("PNG (*.png)"), QObject::tr("WebP (*.webp)"),
            QObject::tr("JPEG (*.jpg *.jpeg)"), QObject::tr("TIFF (*.tif *.tiff)"),
            QObject::tr("BMP (*.bmp)")};
}

QString formatName(const QString &format)
{
    if (format == QLatin1String("jpg"))
        return QObject::tr("JPEG");
    if (format == QLatin1String("bmp"))
        return QObject::tr("BMP");
    return format.toUpper();
}

} // namespace

SaveDialog::SaveDialog(QWidget *parent, const QString &suggested, bool hasAlpha)
    : QFileDialog(parent, tr("Save result")), m_hasAlpha(hasAlpha), m_note(new QLabel(this))
{
    setOption(QFileDialog::DontUseNativeDialog);
    setAcceptMode(QFileDialog::AcceptSave);
    setFileMode(QFileDialog::AnyFile);
    setNameFilters(saveFilters());
    const QFileInfo info(suggested);
    setDirectory(info.absolutePath());
    selectFile(info.fileName());

    m_note->setObjectName(QStringLiteral("flattenNote"));
    m_note->setWordWrap(true);
    // Qt's dialog lays itself out in a grid: the note goes on a row of its own at the bottom.
    if (auto *grid = qobject_cast<QGridLayout *>(layout()))
        grid->addWidget(m_note, grid->rowCount(), 0, 1, grid->columnCount());

    connect(this, &QFileDialog::filterSelected, this, &SaveDialog::onFilterSelected);
    const int index = AppSettings::outputFormats().indexOf(ImageIO::suffixForFormat(info.suffix()));
    const QString filter = saveFilters().value(std::max(0, index));
    selectNameFilter(filter);
    onFilterSelected(filter);
}

QString SaveDialog::selectedFormat() const
{
    const int index = saveFilters().indexOf(selectedNameFilter());
    return AppSettings::outputFormats().value(std::max(0, index));
}

void SaveDialog::onFilterSelected(const QString &filter)
{
    const int index = saveFilters().indexOf(filter);
    const QString format = AppSettings::outputFormats().value(std::max(0, index));
    // A name typed without a suffix gets the chosen type's.
    setDefaultSuffix(format);
    const bool flattens = m_hasAlpha && !ImageIO::formatSupportsAlpha(format);
    m_note->setText(
        flattens
            ? tr("%1 has no transparency: the cut-out is saved on white.").arg(formatName(format))
            : QString());
    m_note->setVisible(flattens);
}

} // namespace clearcut::ui
