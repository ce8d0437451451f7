#include "BatchDialog.h"

#include "AdjustPanel.h"
#include "AppSettings.h"
#include "ScanReport.h"

#include "engine/ImageIO.h"
#include "engine/OutputNaming.h"
#include "engine/PhotoFinder.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QCloseEvent>
#include <QComboBox>
#include <QDesktopServices>
#include <QDir>
#include <QDragEnterEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMimeData>
#include <QPainter>
#include <QProgressBar>
#include <QPushButton>
#include <QSet>
#include <QSettings>
#include <QSpinBox>
#include <QStandardPaths>
#include <QStorageInfo>
#include <QStyle>
#include <QUrl>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace clearcut::ui {

namespace {

const QString kFormat = QStringLiteral("batch/format");
const QString kQuality = QStringLiteral("batch/quality");
const QString kType = QStringLiteral("batch/type");
const QString kAdjustPrefix = QStringLiteral("batch/"); // threshold, reverse, refine, crop, ...
const QString kResize = QStringLiteral("batch/resizeLongest");
const QString kPattern = QStringLiteral("batch/namePattern");
const QString kDestination = QStringLiteral("batch/destination");
const QString kKeepStructure = QStringLiteral("batch/keepStructure");
const QString kCollision = QStringLiteral("batch/collision");
const QString kGeometry = QStringLiteral("batch/geometry");

const QString kDefaultPattern = QStringLiteral("{stem}_{type}");

// The format combo's choices. WebP appears twice: lossless and lossy are different trade-offs.
struct FormatChoice
{
    const char *key; // stored in the settings and as the combo's data
    const char *format;
    bool webpLossless;
    bool lossy;
};

constexpr FormatChoice kFormats[] = {
    {"png", "png", false, false},  {"webp-lossless", "webp", true, false},
    {"webp", "webp", false, true}, {"tif", "tif", false, false},
    {"jpg", "jpg", false, true},   {"bmp", "bmp", false, false},
};

const FormatChoice &formatChoice(const QString &key)
{
    for (const FormatChoice &choice : kFormats)
        if (key == QLatin1String(choice.key))
            return choice;
    return kFormats[0];
}

QString collisionKey(CollisionPolicy policy)
{
    switch (policy) {
    case CollisionPolicy::Skip:
        return QStringLiteral("skip");
    case CollisionPolicy::Overwrite:
        return QStringLiteral("overwrite");
    case CollisionPolicy::AddNumber:
        break;
    }
    return QStringLiteral("number");
}

// Secondary text in the palette's placeholder colour, so it reads in light and dark themes; it
// still greys out with the rest while a batch runs.
QLabel *hintLabel(QWidget *parent, const QString &text = {})
{
    auto *label = new QLabel(text, parent);
    label->setWordWrap(true);
    QPalette palette = label->palette();
    for (const auto group : {QPalette::Active, QPalette::Inactive})
        palette.setColor(group, QPalette::WindowText,
                         palette.color(group, QPalette::PlaceholderText));
    label->setPalette(palette);
    QFont font = label->font();
    font.setPointSizeF(font.pointSizeF() * 0.9);
    label->setFont(font);
    return label;
}

QString photoCount(int count)
{
    return count == 1 ? QObject::tr("1 photo") : QObject::tr("%1 photos").arg(count);
}

QString duration(double seconds)
{
    seconds = std::max(0.0, seconds);
    if (seconds < 10)
        return QObject::tr("%1 s").arg(QLocale().toString(seconds, 'f', 1));
    const qint64 s = std::llround(seconds);
    if (s < 60)
        return QObject::tr("%1 s").arg(s);
    if (s < 3600)
        return QObject::tr("%1 min %2 s").arg(s / 60).arg(s % 60);
    return QObject::tr("%1 h %2 min").arg(s / 3600).arg(s % 3600 / 60);
}

// "12.3 photos/min"; whole numbers from 100 on.
QString rate(double photosPerMinute)
{
    return QObject::tr("%1 photos/min")
        .arg(QLocale().toString(photosPerMinute, 'f', photosPerMinute < 100 ? 1 : 0));
}

// An estimate, worded as one: "about 2 min left", not "1 min 57 s".
QString timeLeft(double seconds)
{
    const qint64 s = std::llround(std::max(0.0, seconds));
    if (s < 10)
        return QObject::tr("a few seconds left");
    if (s < 60)
        return QObject::tr("about %1 s left").arg((s + 2) / 5 * 5);
    if (s < 3600)
        return QObject::tr("about %1 min left").arg((s + 30) / 60);
    const qint64 minutes = (s + 30) / 60;
    return QObject::tr("about %1 h %2 min left").arg(minutes / 60).arg(minutes % 60);
}

// The nearest folder that exists, for the free space of a destination that will be created.
QString existingAncestor(const QString &path)
{
    QDir dir(QDir::cleanPath(QDir(path).absolutePath()));
    while (!dir.exists() && !dir.isRoot())
        if (!dir.cdUp())
            break;
    return dir.absolutePath();
}

} // namespace

// The photos to export. Says what to do while it is empty, since drops are the quickest way in.
class InputList final : public QListWidget
{
public:
    explicit InputList(QWidget *parent) : QListWidget(parent) {}

protected:
    void paintEvent(QPaintEvent *event) override
    {
        QListWidget::paintEvent(event);
        if (count() > 0)
            return;
        QPainter painter(viewport());
        painter.setPen(palette().color(QPalette::PlaceholderText));
        painter.drawText(viewport()->rect().adjusted(12, 12, -12, -12),
                         Qt::AlignCenter | Qt::TextWordWrap,
                         tr("Drop photos or folders here,\nor use Add files… and Add folder…"));
    }
};

BatchDialog::BatchDialog(Engine *engine, const QStringList &initialPaths, QWidget *parent)
    : QDialog(parent), m_exporter(new BatchExporter(engine, this))
{
    setWindowTitle(tr("Batch Export"));
    setAcceptDrops(true);
    m_exporter->setObjectName(QStringLiteral("batchExporter"));

    // What and where on the left, how the results look (the main window's own panel) on the right.
    m_settingsArea = new QWidget(this);
    auto *left = new QVBoxLayout;
    left->addWidget(createInputs(), 1);
    left->addWidget(createOutput());
    m_adjust = new AdjustPanel(m_settingsArea);
    m_adjust->setObjectName(QStringLiteral("adjustPanel"));
    m_adjust->layout()->setContentsMargins(0, 0, 0, 0);
    auto *settingsLayout = new QHBoxLayout(m_settingsArea);
    settingsLayout->setContentsMargins(0, 0, 0, 0);
    settingsLayout->addLayout(left, 1);
    settingsLayout->addWidget(m_adjust);

    m_openDestination = new QPushButton(tr("Open destination folder"), this);
    m_openDestination->setObjectName(QStringLiteral("openDestination"));
    m_copyFailures = new QPushButton(tr("Copy failure list"), this);
    m_copyFailures->setObjectName(QStringLiteral("copyFailures"));
    m_start = new QPushButton(tr("Start"), this);
    m_start->setObjectName(QStringLiteral("start"));
    m_start->setDefault(true);
    m_cancel = new QPushButton(tr("Cancel"), this);
    m_cancel->setObjectName(QStringLiteral("cancel"));
    m_close = new QPushButton(tr("Close"), this);
    m_close->setObjectName(QStringLiteral("close"));
    for (QPushButton *button : {m_openDestination, m_copyFailures, m_cancel, m_close})
        button->setAutoDefault(false);

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_openDestination);
    buttons->addWidget(m_copyFailures);
    buttons->addStretch(1);
    buttons->addWidget(m_start);
    buttons->addWidget(m_cancel);
    buttons->addWidget(m_close);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_settingsArea, 1);
    layout->addWidget(createProgress());
    layout->addLayout(buttons);

    connect(m_start, &QPushButton::clicked, this, &BatchDialog::start);
    connect(m_cancel, &QPushButton::clicked, this, &BatchDialog::cancel);
    connect(m_close, &QPushButton::clicked, this, &QWidget::close);
    connect(m_openDestination, &QPushButton::clicked, this, &BatchDialog::openDestination);
    connect(m_copyFailures, &QPushButton::clicked, this, &BatchDialog::copyFailures);
    connect(m_exporter, &BatchExporter::progress, this, &BatchDialog::onProgress);
    connect(m_exporter, &BatchExporter::itemFinished, this, &BatchDialog::onItemFinished);
    connect(m_exporter, &BatchExporter::finished, this, &BatchDialog::onFinished);
    connect(m_adjust, &AdjustPanel::presetChosen, this, [this](const Preset &preset) {
        // The batch's format list names WebP twice (lossless first): the preset's suffix picks
        // the first that writes it.
        for (int i = 0; i < m_format->count(); ++i) {
            if (QLatin1String(formatChoice(m_format->itemData(i).toString()).format) ==
                preset.format) {
                m_format->setCurrentIndex(i);
                break;
            }
        }
    });
    connect(m_adjust, &AdjustPanel::changed, this, [this] {
        updateFormat();
        updatePreview();
    });

    loadSettings();
    setRunning(false);
    addPaths(initialPaths);
}

BatchDialog::~BatchDialog()
{
    // A dialog closed by its parent mid-batch: the exporter stops on its own destruction too, but
    // asking first lets it drop queued work at once.
    if (isRunning())
        m_exporter->cancel();
    saveSettings();
}

QWidget *BatchDialog::createInputs()
{
    m_inputsBox = new QGroupBox(tr("Photos"), m_settingsArea);
    m_inputList = new InputList(m_inputsBox);
    m_inputList->setObjectName(QStringLiteral("inputList"));
    m_inputList->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_inputList->setUniformItemSizes(true);
    m_inputList->setTextElideMode(Qt::ElideMiddle);
    m_inputCount = new QLabel(m_inputsBox);
    m_inputCount->setObjectName(QStringLiteral("inputCount"));
    m_addFiles = new QPushButton(tr("Add files…"), m_inputsBox);
    m_addFiles->setObjectName(QStringLiteral("addFiles"));
    m_addFolder = new QPushButton(tr("Add folder…"), m_inputsBox);
    m_addFolder->setObjectName(QStringLiteral("addFolder"));
    m_remove = new QPushButton(tr("Remove"), m_inputsBox);
    m_remove->setObjectName(QStringLiteral("removeInputs"));
    m_clear = new QPushButton(tr("Clear"), m_inputsBox);
    m_clear->setObjectName(QStringLiteral("clearInputs"));
    for (QPushButton *button : {m_addFiles, m_addFolder, m_remove, m_clear})
        button->setAutoDefault(false);

    auto *side = new QVBoxLayout;
    side->addWidget(m_addFiles);
    side->addWidget(m_addFolder);
    side->addSpacing(8);
    side->addWidget(m_remove);
    side->addWidget(m_clear);
    side->addStretch(1);
    side->addWidget(m_inputCount, 0, Qt::AlignRight);

    auto *layout = new QHBoxLayout(m_inputsBox);
    layout->addWidget(m_inputList, 1);
    layout->addLayout(side);

    // The drop highlight: a translucent frame over the photo list while files hover over the
    // dialog.
    m_dropOverlay = new QLabel(tr("Drop to add photos"), m_inputsBox);
    m_dropOverlay->setObjectName(QStringLiteral("dropOverlay"));
    m_dropOverlay->setAlignment(Qt::AlignCenter);
    m_dropOverlay->setAttribute(Qt::WA_TransparentForMouseEvents);
    m_dropOverlay->setStyleSheet(QStringLiteral(
        "QLabel#dropOverlay { background: rgba(40, 120, 220, 40); border: 3px dashed "
        "palette(highlight); border-radius: 8px; font-size: 18px; color: palette(highlight); }"));
    m_dropOverlay->hide();

    connect(m_addFiles, &QPushButton::clicked, this, &BatchDialog::addFiles);
    connect(m_addFolder, &QPushButton::clicked, this, &BatchDialog::addFolder);
    connect(m_remove, &QPushButton::clicked, this, &BatchDialog::removeSelected);
    connect(m_clear, &QPushButton::clicked, this, &BatchDialog::clearInputs);
    connect(m_inputList, &QListWidget::itemSelectionChanged, this,
            [this] { m_remove->setEnabled(!m_inputList->selectedItems().isEmpty()); });
    return m_inputsBox;
}

QWidget *BatchDialog::createOutput()
{
    auto *box = new QGroupBox(tr("Files"), m_settingsArea);

    m_format = new QComboBox(box);
    m_format->setObjectName(QStringLiteral("format"));
    const QString formatNames[] = {tr("PNG"),  tr("WebP lossless"), tr("WebP lossy"),
                                   tr("TIFF"), tr("JPEG"),          tr("BMP")};
    for (size_t i = 0; i < std::size(kFormats); ++i)
        m_format->addItem(formatNames[i], QString::fromLatin1(kFormats[i].key));
    m_quality = new QSpinBox(box);
    m_quality->setObjectName(QStringLiteral("quality"));
    m_quality->setRange(1, 100);
    m_quality->setValue(95);
    m_quality->setPrefix(tr("quality "));
    m_quality->setToolTip(tr("For JPEG and lossy WebP: higher is better looking and larger."));
    m_formatNote = hintLabel(box);
    m_formatNote->setObjectName(QStringLiteral("formatNote"));

    m_resize = new QSpinBox(box);
    m_resize->setObjectName(QStringLiteral("resizeLongest"));
    m_resize->setRange(0, 30000);
    m_resize->setSingleStep(100);
    m_resize->setSuffix(tr(" px"));
    m_resize->setSpecialValueText(tr("Original size"));
    m_resize->setToolTip(tr("The longest side of each result; 0 keeps the photo's own size."));
    m_resize->setMinimumWidth(m_resize->fontMetrics().horizontalAdvance(tr("Original size")) +
                              m_resize->fontMetrics().height() * 3);

    m_pattern = new QLineEdit(box);
    m_pattern->setObjectName(QStringLiteral("namePattern"));
    m_pattern->setPlaceholderText(kDefaultPattern);
    m_pattern->setToolTip(tr("{stem}: the photo's name without its extension\n"
                             "{type}: the output type (rgba, white, map …)\n"
                             "{index}: the photo's number in the batch"));
    m_preview = hintLabel(box);
    m_preview->setObjectName(QStringLiteral("namePreview"));
    m_preview->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_destination = new QLineEdit(box);
    m_destination->setObjectName(QStringLiteral("destination"));
    m_destination->setPlaceholderText(tr("Choose a folder for the results"));
    m_browse = new QPushButton(tr("Browse…"), box);
    m_browse->setObjectName(QStringLiteral("destinationBrowse"));
    m_browse->setAutoDefault(false);
    m_freeSpace = hintLabel(box);
    m_freeSpace->setObjectName(QStringLiteral("freeSpace"));
    m_freeSpace->setWordWrap(false);
    m_keepStructure = new QCheckBox(tr("Keep folder structure"), box);
    m_keepStructure->setObjectName(QStringLiteral("keepStructure"));
    m_keepStructure->setChecked(true);
    m_keepStructure->setToolTip(
        tr("Photos found in subfolders of an added folder go to the same subfolders."));

    m_collision = new QComboBox(box);
    m_collision->setObjectName(QStringLiteral("collision"));
    m_collision->addItem(tr("Skip existing"), int(CollisionPolicy::Skip));
    m_collision->addItem(tr("Add a number"), int(CollisionPolicy::AddNumber));
    m_collision->addItem(tr("Overwrite"), int(CollisionPolicy::Overwrite));
    m_collision->setCurrentIndex(1);
    m_collision->setToolTip(tr("Skip existing finishes an interrupted batch. A source photo is "
                               "never overwritten, whatever is chosen here."));
    auto *collisionNote = hintLabel(box, tr("Source photos are never overwritten."));

    auto *formatRow = new QHBoxLayout;
    formatRow->addWidget(m_format);
    formatRow->addWidget(m_quality);
    formatRow->addStretch(1);

    auto *destinationRow = new QHBoxLayout;
    destinationRow->addWidget(m_destination, 1);
    destinationRow->addWidget(m_browse);

    auto *destinationNotes = new QHBoxLayout;
    destinationNotes->addWidget(m_freeSpace, 1);
    destinationNotes->addWidget(m_keepStructure);

    auto *sizeRow = new QHBoxLayout;
    sizeRow->addWidget(m_resize);
    sizeRow->addStretch(1);

    auto *collisionRow = new QHBoxLayout;
    collisionRow->addWidget(m_collision);
    collisionRow->addSpacing(6);
    collisionRow->addWidget(collisionNote, 1);

    auto *grid = new QGridLayout(box);
    grid->setColumnStretch(1, 1);
    grid->setVerticalSpacing(4);
    int row = 0;
    auto addRow = [&](const QString &label, QLayout *field, QWidget *buddy) {
        auto *name = new QLabel(label, box);
        name->setBuddy(buddy);
        grid->addWidget(name, row, 0, Qt::AlignRight | Qt::AlignVCenter);
        grid->addLayout(field, row++, 1);
    };
    addRow(tr("Format:"), formatRow, m_format);
    grid->addWidget(m_formatNote, row++, 1);
    addRow(tr("Size:"), sizeRow, m_resize);
    addRow(tr("If a file exists:"), collisionRow, m_collision);
    auto *patternRow = new QHBoxLayout;
    patternRow->addWidget(m_pattern, 1);
    addRow(tr("File names:"), patternRow, m_pattern);
    grid->addWidget(m_preview, row++, 1);
    addRow(tr("Save to:"), destinationRow, m_destination);
    grid->addLayout(destinationNotes, row++, 1);

    connect(m_format, &QComboBox::currentIndexChanged, this, [this] {
        updateFormat();
        updatePreview();
    });
    connect(m_pattern, &QLineEdit::textChanged, this, [this] {
        updatePreview();
        updateStart();
    });
    connect(m_keepStructure, &QCheckBox::toggled, this, &BatchDialog::updatePreview);
    connect(m_destination, &QLineEdit::textChanged, this, [this] {
        updatePreview();
        updateFreeSpace();
        updateStart();
    });
    connect(m_browse, &QPushButton::clicked, this, &BatchDialog::browseDestination);
    return box;
}

QWidget *BatchDialog::createProgress()
{
    auto *panel = new QWidget(this);
    m_status = new QLabel(panel);
    m_status->setObjectName(QStringLiteral("status"));
    m_status->setWordWrap(true);
    m_status->setTextFormat(Qt::RichText);
    m_progress = new QProgressBar(panel);
    m_progress->setObjectName(QStringLiteral("progress"));
    m_progress->setRange(0, 1000);
    m_progress->setValue(0);
    m_current = new QLabel(panel);
    m_current->setObjectName(QStringLiteral("currentFile"));
    // Long file names must not widen the dialog.
    m_current->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_rate = new QLabel(panel);
    m_rate->setObjectName(QStringLiteral("rate"));
    m_remaining = new QLabel(panel);
    m_remaining->setObjectName(QStringLiteral("remaining"));
    m_failuresTitle = new QLabel(panel);
    m_failuresTitle->setObjectName(QStringLiteral("failuresTitle"));
    m_failures = new QListWidget(panel);
    m_failures->setObjectName(QStringLiteral("failureList"));
    m_failures->setTextElideMode(Qt::ElideMiddle);
    m_failures->setMaximumHeight(m_failures->fontMetrics().height() * 5);
    m_failures->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_failures->setIconSize(QSize(16, 16));

    auto *details = new QHBoxLayout;
    details->addWidget(m_current, 1);
    details->addSpacing(12);
    details->addWidget(m_rate);
    details->addSpacing(12);
    details->addWidget(m_remaining);

    auto *layout = new QVBoxLayout(panel);
    layout->setContentsMargins(0, 4, 0, 0);
    layout->addWidget(m_status);
    layout->addWidget(m_progress);
    layout->addLayout(details);
    layout->addWidget(m_failuresTitle);
    layout->addWidget(m_failures);

    m_progress->hide();
    m_current->hide();
    m_rate->hide();
    m_remaining->hide();
    m_failuresTitle->hide();
    m_failures->hide();
    return panel;
}

void BatchDialog::addPaths(const QStringList &paths)
{
    QSet<QString> known;
    for (const Entry &entry : m_entries)
        known.insert(entry.path);
    for (auto it = m_scans.keyBegin(); it != m_scans.keyEnd(); ++it)
        known.insert((*it)->paths().constFirst());
    for (const QString &path : paths) {
        const QFileInfo info(path);
        const QString absolute = info.absoluteFilePath();
        if (path.isEmpty() || known.contains(absolute))
            continue;
        known.insert(absolute);
        if (!info.isDir()) {
            m_entries << Entry{absolute, false, {BatchInput{absolute, QString()}}};
            continue;
        }
        // Folders are searched off the UI thread; the row appears when the search is done.
        auto *scan = new PhotoScan({absolute}, this);
        m_scans.insert(scan, 0);
        connect(scan, &PhotoScan::progress, this, [this, scan](int found) {
            m_scans.insert(scan, found);
            updateSearchStatus();
        });
        connect(scan, &PhotoScan::finished, this, [this, scan, absolute](const FoundPhotos &found) {
            m_scans.remove(scan);
            scan->deleteLater();
            if (!found.cancelled && !found.inputs.isEmpty())
                m_entries << Entry{absolute, true, found.inputs};
            updateInputs();
            QStringList notes = scanNotes(found, {absolute});
            for (QString &note : notes)
                note = note.toHtmlEscaped();
            if (!notes.isEmpty() && !isRunning())
                m_status->setText(notes.join(QStringLiteral("<br>")));
        });
        scan->start();
    }
    updateInputs();
}

void BatchDialog::updateSearchStatus()
{
    if (m_scans.isEmpty() || isRunning())
        return;
    int found = 0;
    for (const int count : std::as_const(m_scans))
        found += count;
    const QString where =
        m_scans.size() == 1 ? QDir::toNativeSeparators((*m_scans.keyBegin())->paths().constFirst())
                            : tr("%1 folders").arg(m_scans.size());
    m_status->setText(tr("<b>Adding photos…</b> %1 found in %2")
                          .arg(locale().toString(found), where.toHtmlEscaped()));
}

QList<BatchInput> BatchDialog::inputs() const
{
    // A photo added on its own and again inside a folder is exported once.
    QList<BatchInput> result;
    QSet<QString> seen;
    for (const Entry &entry : m_entries)
        for (const BatchInput &input : entry.inputs) {
            const QString key = QFileInfo(input.path).absoluteFilePath();
            if (!seen.contains(key)) {
                seen.insert(key);
                result << input;
            }
        }
    return result;
}

BatchOptions BatchDialog::options() const
{
    BatchOptions result;
    result.destination = QDir::fromNativeSeparators(m_destination->text().trimmed());
    const FormatChoice &format = formatChoice(m_format->currentData().toString());
    result.format = QString::fromLatin1(format.format);
    result.webpLossless = format.webpLossless;
    result.quality = m_quality->value();
    result.type = m_adjust->outputType();
    result.adjust = m_adjust->adjust();
    result.framing = m_adjust->framing();
    result.segment = m_segment;
    result.resizeLongest = m_resize->value();
    const QString pattern = m_pattern->text().trimmed();
    result.namePattern = pattern.isEmpty() ? kDefaultPattern : pattern;
    result.keepStructure = m_keepStructure->isChecked();
    result.collision = CollisionPolicy(m_collision->currentData().toInt());
    result.heldStrokes = m_heldStrokes;
    return result;
}

bool BatchDialog::isRunning() const
{
    return m_exporter->isRunning();
}

QString BatchDialog::failureText() const
{
    QStringList lines;
    for (const BatchItemResult &failure : m_summary.failures)
        lines << tr("%1 — %2").arg(QDir::toNativeSeparators(failure.source), failure.reason);
    return lines.join(QLatin1Char('\n'));
}

void BatchDialog::start()
{
    const QList<BatchInput> all = inputs();
    const BatchOptions batch = options();
    if (isRunning() || all.isEmpty() || batch.destination.isEmpty() ||
        !OutputNaming::checkNamePattern(batch.namePattern).isEmpty())
        return;
    saveSettings();

    m_summary = BatchSummary();
    m_hasSummary = false;
    m_cancelling = false;
    m_failures->clear();
    m_failures->hide();
    m_failuresTitle->hide();
    m_progress->setValue(0);
    m_status->setText(tr("<b>Exporting %1…</b>").arg(photoCount(all.size())));
    m_current->setText(tr("Starting…"));
    m_current->setToolTip({});
    // No rate and no time until a photo has gone all the way through: the first one's time
    // is mostly the model's warm-up, and "0 photos/min" would only alarm.
    m_rate->clear();
    m_rate->hide();
    m_remaining->setText(tr("Estimating time left…"));
    for (QWidget *widget : {static_cast<QWidget *>(m_progress), static_cast<QWidget *>(m_current),
                            static_cast<QWidget *>(m_remaining)})
        widget->show();

    setRunning(true);
    m_exporter->start(all, batch);
}

void BatchDialog::cancel()
{
    if (!isRunning() || m_cancelling)
        return;
    // Answered here and now; the exporter confirms with finished() once the photo in hand is
    // dropped.
    m_cancelling = true;
    m_cancel->setEnabled(false);
    m_cancel->setText(tr("Cancelling…"));
    m_status->setText(tr("<b>Cancelling…</b> no partial files are left behind."));
    m_remaining->clear();
    m_exporter->cancel();
}

void BatchDialog::reject()
{
    // Escape stops a running batch rather than hiding it.
    if (isRunning())
        return cancel();
    QDialog::reject();
}

void BatchDialog::closeEvent(QCloseEvent *event)
{
    if (isRunning()) {
        // Closing mid-batch cancels it; the dialog goes once the exporter has stopped.
        m_closeWhenFinished = true;
        cancel();
        hide();
        event->ignore();
        return;
    }
    QDialog::closeEvent(event);
}

void BatchDialog::resizeEvent(QResizeEvent *event)
{
    QDialog::resizeEvent(event);
    if (m_dropHighlight)
        setDropHighlight(true);
}

void BatchDialog::dragEnterEvent(QDragEnterEvent *event)
{
    if (isRunning() || !event->mimeData()->hasUrls())
        return;
    const QList<QUrl> urls = event->mimeData()->urls();
    if (std::none_of(urls.begin(), urls.end(), [](const QUrl &url) { return url.isLocalFile(); }))
        return;
    event->acceptProposedAction();
    setDropHighlight(true);
}

void BatchDialog::dragLeaveEvent(QDragLeaveEvent *event)
{
    setDropHighlight(false);
    QDialog::dragLeaveEvent(event);
}

void BatchDialog::dropEvent(QDropEvent *event)
{
    setDropHighlight(false);
    if (isRunning())
        return;
    QStringList paths;
    for (const QUrl &url : event->mimeData()->urls())
        if (url.isLocalFile())
            paths << url.toLocalFile();
    if (paths.isEmpty())
        return;
    addPaths(paths);
    event->acceptProposedAction();
}

void BatchDialog::addFiles()
{
    QString folder = m_entries.isEmpty() ? QString() : QFileInfo(m_entries.last().path).path();
    if (folder.isEmpty())
        folder = QStandardPaths::writableLocation(QStandardPaths::PicturesLocation);
    QStringList patterns;
    for (const QString &suffix : PhotoFinder::supportedSuffixes())
        patterns << QStringLiteral("*.") + suffix;
    addPaths(QFileDialog::getOpenFileNames(
        this, tr("Add photos"), folder,
        tr("Images (%1);;All files (*)").arg(patterns.join(QLatin1Char(' ')))));
}

void BatchDialog::addFolder()
{
    const QString folder = QFileDialog::getExistingDirectory(
        this, tr("Add a folder of photos"),
        QStandardPaths::writableLocation(QStandardPaths::PicturesLocation));
    if (!folder.isEmpty())
        addPaths({folder});
}

void BatchDialog::removeSelected()
{
    QList<int> rows;
    for (const QListWidgetItem *item : m_inputList->selectedItems())
        rows << m_inputList->row(item);
    std::sort(rows.begin(), rows.end(), std::greater<int>());
    for (const int row : rows)
        m_entries.removeAt(row);
    updateInputs();
}

void BatchDialog::clearInputs()
{
    m_entries.clear();
    for (auto it = m_scans.keyBegin(); it != m_scans.keyEnd(); ++it)
        (*it)->cancel(); // its result is dropped
    updateInputs();
}

void BatchDialog::browseDestination()
{
    QString start = m_destination->text().trimmed();
    if (start.isEmpty())
        start = QStandardPaths::writableLocation(QStandardPaths::PicturesLocation);
    const QString folder =
        QFileDialog::getExistingDirectory(this, tr("Save the results in"), start);
    if (!folder.isEmpty())
        m_destination->setText(QDir::toNativeSeparators(folder));
}

void BatchDialog::copyFailures()
{
    QGuiApplication::clipboard()->setText(failureText());
}

void BatchDialog::openDestination()
{
    const QString folder = QDir::fromNativeSeparators(m_destination->text().trimmed());
    if (folder.isEmpty())
        return;
    // Said in the window: a click that silently does nothing looks like a hang.
    const QString shown = QDir::toNativeSeparators(folder).toHtmlEscaped();
    if (!QFileInfo(folder).isDir())
        m_status->setText(tr("Cannot open %1: the folder does not exist any more.").arg(shown));
    else if (!QDesktopServices::openUrl(QUrl::fromLocalFile(folder)))
        m_status->setText(
            tr("Cannot open %1: no file manager answered. The results are there.").arg(shown));
}

void BatchDialog::onProgress(const BatchProgress &progress)
{
    const int processed = progress.done + progress.skipped + progress.failed;
    if (progress.total > 0)
        m_progress->setValue(int(std::lround(
            1000.0 * std::clamp(processed + progress.currentFraction, 0.0, double(progress.total)) /
            progress.total)));
    if (!progress.current.isEmpty()) {
        const int number = std::min(processed + 1, progress.total);
        m_current->setText(tr("%1 of %2: %3")
                               .arg(number)
                               .arg(progress.total)
                               .arg(QFileInfo(progress.current).fileName()));
        m_current->setToolTip(QDir::toNativeSeparators(progress.current));
    }
    // Skipped photos say nothing about the speed: only those done or failed count.
    const bool rateKnown = progress.done + progress.failed > 0 && progress.photosPerMinute > 0;
    if (rateKnown)
        m_rate->setText(rate(progress.photosPerMinute));
    m_rate->setVisible(rateKnown);
    if (m_cancelling)
        return;
    m_remaining->setText(rateKnown && progress.secondsRemaining >= 0
                             ? timeLeft(progress.secondsRemaining)
                             : tr("Estimating time left…"));
    QStringList counts{tr("%1 of %2 done").arg(progress.done).arg(progress.total)};
    if (progress.skipped > 0)
        counts << tr("%1 skipped").arg(progress.skipped);
    if (progress.failed > 0)
        counts << tr("%1 failed").arg(progress.failed);
    m_status->setText(tr("<b>Exporting…</b> %1").arg(counts.join(QStringLiteral(" · "))));
}

void BatchDialog::onItemFinished(const BatchItemResult &result)
{
    if (result.status == BatchItemResult::Status::Failed)
        addFailure(result);
}

void BatchDialog::addFailure(const BatchItemResult &result)
{
    auto *item = new QListWidgetItem(
        style()->standardIcon(QStyle::SP_MessageBoxWarning),
        tr("%1 — %2").arg(QFileInfo(result.source).fileName(), result.reason), m_failures);
    item->setToolTip(tr("%1\n%2").arg(QDir::toNativeSeparators(result.source), result.reason));
    m_failuresTitle->setText(tr("Failed (%1):").arg(m_failures->count()));
    m_failuresTitle->show();
    m_failures->show();
    m_failures->scrollToBottom();
}

void BatchDialog::onFinished(const BatchSummary &summary)
{
    m_summary = summary;
    m_hasSummary = true;
    m_cancelling = false;

    // The summary's list is the whole truth, whatever item signals arrived before it.
    m_failures->clear();
    for (const BatchItemResult &failure : summary.failures)
        addFailure(failure);
    m_failuresTitle->setVisible(!summary.failures.isEmpty());
    m_failures->setVisible(!summary.failures.isEmpty());

    const int processed = summary.done + summary.skipped + summary.failed;
    QString headline;
    if (summary.cancelled)
        headline = tr("Cancelled after %1 of %2").arg(processed).arg(photoCount(summary.total));
    else if (summary.failed == 0 && summary.skipped == 0)
        headline = tr("Done: all %1 exported").arg(photoCount(summary.total));
    else
        headline = tr("Finished: %1 of %2 exported").arg(summary.done).arg(summary.total);
    QStringList details{tr("%1 exported").arg(summary.done), tr("%1 skipped").arg(summary.skipped),
                        tr("%1 failed").arg(summary.failed),
                        tr("%1 in all").arg(duration(summary.seconds))};
    if (summary.photosPerMinute > 0)
        details << rate(summary.photosPerMinute);
    m_status->setText(
        QStringLiteral("<b>%1</b><br>%2")
            .arg(headline.toHtmlEscaped(), details.join(QStringLiteral(" · ")).toHtmlEscaped()));

    m_progress->setValue(summary.total > 0 ? int(std::lround(1000.0 * processed / summary.total))
                                           : 1000);
    // The summary says it all; the running details would only repeat it.
    m_current->hide();
    m_rate->hide();
    m_remaining->hide();

    setRunning(false);
    m_start->setText(tr("Run again"));
    updateFreeSpace();
    if (m_closeWhenFinished)
        close();
}

void BatchDialog::setRunning(bool running)
{
    m_settingsArea->setEnabled(!running);
    m_start->setVisible(!running);
    m_cancel->setVisible(running);
    m_cancel->setEnabled(running);
    m_cancel->setText(tr("Cancel"));
    if (running)
        m_cancel->setFocus();
    updateStart();
}

void BatchDialog::setDropHighlight(bool on)
{
    m_dropHighlight = on;
    m_dropOverlay->setGeometry(m_inputsBox->rect().adjusted(4, 4, -4, -4));
    m_dropOverlay->setVisible(on);
    m_dropOverlay->raise();
}

void BatchDialog::updateInputs()
{
    m_inputList->clear();
    for (const Entry &entry : m_entries) {
        const QString name = QFileInfo(entry.path).fileName();
        auto *item = new QListWidgetItem(m_inputList);
        if (entry.folder) {
            item->setIcon(style()->standardIcon(QStyle::SP_DirIcon));
            item->setText(tr("%1 — %2").arg(name.isEmpty() ? entry.path : name,
                                            photoCount(int(entry.inputs.size()))));
        } else {
            item->setIcon(style()->standardIcon(QStyle::SP_FileIcon));
            item->setText(name);
        }
        item->setToolTip(QDir::toNativeSeparators(entry.path));
    }
    const int total = int(inputs().size());
    m_inputCount->setText(total == 0 ? tr("No photos") : photoCount(total));
    m_remove->setEnabled(false);
    m_clear->setEnabled(!m_entries.isEmpty() || !m_scans.isEmpty()); // Clear stops searches too
    if (!isRunning() && !m_hasSummary)
        m_status->setText(total == 0 ? tr("Add photos to export.")
                                     : tr("Ready to export %1.").arg(photoCount(total)));
    updateSearchStatus();
    updatePreview();
    updateStart();
}

void BatchDialog::updateFormat()
{
    const FormatChoice &format = formatChoice(m_format->currentData().toString());
    m_quality->setEnabled(format.lossy);
    m_quality->setVisible(format.lossy);
    const QString suffix = QString::fromLatin1(format.format);
    QString note;
    if (!ImageIO::formatSupportsAlpha(suffix))
        note = tr("No transparency: uses the chosen background (white for Transparent).");
    else if (format.webpLossless)
        note = tr("Lossless and smaller than PNG, but slower to write.");
    else if (format.lossy)
        note = tr("Smallest files; keeps transparency.");
    else
        note = tr("Lossless; keeps transparency.");
    m_formatNote->setText(note);
}

void BatchDialog::updatePreview()
{
    const QList<BatchInput> all = inputs();
    BatchOptions batch = options();
    // A stand-in folder when none is chosen yet: only the part under it is shown.
    if (batch.destination.isEmpty())
        batch.destination = QDir::homePath();
    const BatchInput sample =
        all.isEmpty() ? BatchInput{QStringLiteral("IMG_0001.jpg"), QString()} : all.first();
    const int total = std::max(1, int(all.size()));
    const QString problem = OutputNaming::checkNamePattern(batch.namePattern);
    if (!problem.isEmpty()) {
        m_preview->setText(tr("Not usable: %1").arg(problem));
        return;
    }
    const QString output = OutputNaming::outputPathFor(sample, 0, total, batch);
    const QString shown =
        QDir::toNativeSeparators(QDir(batch.destination).relativeFilePath(output));

    QString text = all.isEmpty()
                       ? tr("For example: %1").arg(shown)
                       : tr("First photo: %1 → %2").arg(QFileInfo(sample.path).fileName(), shown);
    if (total > 1 && !batch.namePattern.contains(QLatin1String("{stem}")) &&
        !batch.namePattern.contains(QLatin1String("{index}")))
        text += tr("  (add {stem} or {index} so the photos get different names)");
    m_preview->setText(text);
}

void BatchDialog::updateFreeSpace()
{
    const QString folder = QDir::fromNativeSeparators(m_destination->text().trimmed());
    m_openDestination->setEnabled(!folder.isEmpty() && QFileInfo(folder).isDir());
    if (folder.isEmpty()) {
        m_freeSpace->clear();
        return;
    }
    const QStorageInfo storage(existingAncestor(folder));
    QString text;
    if (storage.isValid() && storage.isReady())
        text = tr("%1 free").arg(locale().formattedDataSize(storage.bytesAvailable()));
    if (!QFileInfo(folder).exists())
        text = text.isEmpty() ? tr("The folder will be created.")
                              : tr("%1 · the folder will be created").arg(text);
    m_freeSpace->setText(text);
}

void BatchDialog::updateStart()
{
    QString missing;
    if (!m_scans.isEmpty())
        missing = tr("Wait for the folder search to finish");
    else if (m_entries.isEmpty())
        missing = tr("Add photos first");
    else if (m_destination->text().trimmed().isEmpty())
        missing = tr("Choose where to save the results first");
    else if (!OutputNaming::checkNamePattern(options().namePattern).isEmpty())
        missing = tr("Fix the file name pattern first");
    m_start->setEnabled(missing.isEmpty() && !isRunning());
    m_start->setToolTip(missing);
    m_copyFailures->setEnabled(!isRunning() && !m_summary.failures.isEmpty());
}

void BatchDialog::setPresets(const QList<Preset> &presets)
{
    m_adjust->setPresets(presets);
}

void BatchDialog::setHeldStrokes(const QHash<QString, std::vector<Stroke>> &strokes)
{
    m_heldStrokes = strokes;
}

void BatchDialog::startFrom(const Adjustments &adjustments)
{
    m_adjust->setAdjustments(adjustments);
}

void BatchDialog::loadSettings()
{
    const auto settings = openSettings();
    const AppSettings app = AppSettings::load(*settings);
    m_segment.quality = app.quality;

    const int format = m_format->findData(settings->value(kFormat).toString());
    m_format->setCurrentIndex(std::max(0, format));
    bool ok = false;
    const int quality = settings->value(kQuality).toInt(&ok);
    if (ok)
        m_quality->setValue(quality);
    const int longest = settings->value(kResize).toInt(&ok);
    if (ok)
        m_resize->setValue(longest);
    m_pattern->setText(settings->value(kPattern, kDefaultPattern).toString());
    m_destination->setText(QDir::toNativeSeparators(settings->value(kDestination).toString()));
    m_keepStructure->setChecked(settings->value(kKeepStructure, true).toBool());
    const QString collision = settings->value(kCollision).toString();
    for (const CollisionPolicy policy :
         {CollisionPolicy::Skip, CollisionPolicy::AddNumber, CollisionPolicy::Overwrite})
        if (collision == collisionKey(policy))
            m_collision->setCurrentIndex(m_collision->findData(int(policy)));

    // Until a batch has run, the main window's choice of output is the best guess.
    Adjustments adjustments{app.outputType, app.adjust, app.framing};
    if (settings->contains(kType)) {
        if (const auto stored = OutputType::parse(settings->value(kType).toString()))
            adjustments.type = *stored;
        adjustments.adjust = loadMaskAdjust(*settings, kAdjustPrefix);
        adjustments.framing = loadFraming(*settings, kAdjustPrefix);
    }
    m_adjust->setAdjustments(adjustments);

    if (!restoreGeometry(settings->value(kGeometry).toByteArray()))
        resize(800, 660);

    updateFormat();
    updateFreeSpace();
}

void BatchDialog::saveSettings() const
{
    const auto settings = openSettings();
    settings->setValue(kFormat, m_format->currentData().toString());
    settings->setValue(kQuality, m_quality->value());
    settings->setValue(kResize, m_resize->value());
    settings->setValue(kPattern, m_pattern->text().trimmed());
    settings->setValue(kDestination, QDir::fromNativeSeparators(m_destination->text().trimmed()));
    settings->setValue(kKeepStructure, m_keepStructure->isChecked());
    settings->setValue(kCollision,
                       collisionKey(CollisionPolicy(m_collision->currentData().toInt())));
    settings->setValue(kType, m_adjust->outputType().toString());
    saveMaskAdjust(*settings, kAdjustPrefix, m_adjust->adjust());
    saveFraming(*settings, kAdjustPrefix, m_adjust->framing());
    settings->setValue(kGeometry, saveGeometry());
}

} // namespace clearcut::ui
