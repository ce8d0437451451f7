// The batch export dialog with a real engine thread on a synthetic model: drops, the name preview,
// a run with its progress and summary, cancelling, failures to the clipboard, remembered settings,
// and the main window's way in.

#include "../engine/SyntheticModels.h"

#include "engine/BatchExporter.h"
#include "engine/Engine.h"
#include "engine/EngineThread.h"
#include "engine/ImageIO.h"
#include "engine/OutputNaming.h"
#include "ui/AppSettings.h"
#include "ui/BatchDialog.h"
#include "ui/MainWindow.h"
#include "ui/PhotoSession.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMimeData>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QRadioButton>
#include <QRegularExpression>
#include <QSettings>
#include <QSignalSpy>
#include <QSlider>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>
#include <QTextDocument>

#include <opencv2/core.hpp>

#include <memory>

using namespace clearcut;
using ui::BatchDialog;

namespace {

// Left half red (foreground for the synthetic model), right half blue.
QString writePhoto(const QString &dir, const QString &name, int width = 320, int height = 200)
{
    const QString path = dir + QLatin1Char('/') + name;
    QDir().mkpath(QFileInfo(path).absolutePath());
    cv::Mat photo(height, width, CV_8UC3, cv::Scalar(255, 0, 0));
    photo(cv::Rect(0, 0, width / 2, height)).setTo(cv::Scalar(0, 0, 255));
    return ImageIO::writeImageAtomic(path, photo).isEmpty() ? path : QString();
}

QString writeBytes(const QString &dir, const QString &name, const QByteArray &bytes)
{
    const QString path = dir + QLatin1Char('/') + name;
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size())
        return {};
    return path;
}

template <typename T> T *find(const QObject *parent, const char *name)
{
    return parent->findChild<T *>(QString::fromLatin1(name));
}

// The label's text as the user reads it, without its markup.
QString plainText(const QLabel *label)
{
    QTextDocument document;
    document.setHtml(label->text());
    return document.toPlainText();
}

// Every file under dir, relative to it.
QStringList filesUnder(const QString &dir)
{
    QStringList files;
    QDirIterator it(dir, QDir::Files | QDir::Hidden | QDir::System, QDirIterator::Subdirectories);
    while (it.hasNext())
        files << QDir(dir).relativeFilePath(it.next());
    files.sort();
    return files;
}

} // namespace

class TestBatchDialog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanupTestCase();
    void droppingAFolderAddsItsPhotosRecursively();
    void theNamePreviewFollowsThePattern();
    void startReportsProgressThenTheSummary();
    void theTimeLeftWaitsForTheFirstPhoto();
    void cancelAnswersAtOnceAndLeavesNoPartialFile();
    void copyFailureListPutsTheReasonsOnTheClipboard();
    void settingsPersistIntoANewDialog();
    void theMainWindowOpensItWithTheSessionsPhotos();
    void aFolderWithoutPhotosIsReportedWithItsProblems();
    void openDestinationSaysWhenItCannot();

private:
    Engine *engine() const { return m_engine->engine(); }
    // Runs the dialog's batch to its end; returns the summary.
    BatchSummary run(BatchDialog &dialog, int timeoutMs = 60000);

    QTemporaryDir m_dir;
    std::unique_ptr<EngineThread> m_engine;
};

void TestBatchDialog::initTestCase()
{
    QVERIFY(m_dir.isValid());
    // Never touch the user's real settings.
    qputenv("XDG_CONFIG_HOME", m_dir.filePath(QStringLiteral("config")).toUtf8());
    const QString model = test::writeSyntheticModel(m_dir.path(), QStringLiteral("model"),
                                                    test::SyntheticModel::RedIsForeground);
    m_engine = std::make_unique<EngineThread>();
    QSignalSpy ready(engine(), &Engine::modelReady);
    QMetaObject::invokeMethod(
        engine(), [engine = engine(), model] { engine->loadModel(model); }, Qt::QueuedConnection);
    QTRY_VERIFY_WITH_TIMEOUT(!ready.isEmpty(), 60000);
}

void TestBatchDialog::init()
{
    ui::openSettings()->clear();
}

void TestBatchDialog::cleanupTestCase()
{
    m_engine.reset();
}

BatchSummary TestBatchDialog::run(BatchDialog &dialog, int timeoutMs)
{
    auto *exporter = dialog.findChild<BatchExporter *>();
    QSignalSpy finished(exporter, &BatchExporter::finished);
    auto *start = find<QPushButton>(&dialog, "start");
    if (!start || !start->isEnabled())
        return {};
    QTest::mouseClick(start, Qt::LeftButton);
    if (!finished.wait(timeoutMs))
        return {};
    return finished.at(0).at(0).value<BatchSummary>();
}

void TestBatchDialog::droppingAFolderAddsItsPhotosRecursively()
{
    QTemporaryDir photos;
    const QStringList expected{
        writePhoto(photos.path(), QStringLiteral("a.png")),
        writePhoto(photos.path(), QStringLiteral("trip/b.jpg")),
        writePhoto(photos.path(), QStringLiteral("trip/day 2/c.png")),
    };
    QVERIFY(!writeBytes(photos.path(), QStringLiteral("notes.txt"), "not a photo").isEmpty());

    BatchDialog dialog(engine(), {});
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));

    QMimeData mime;
    mime.setUrls({QUrl::fromLocalFile(photos.path())});
    const QPoint pos = dialog.rect().center();
    QDragEnterEvent enter(pos, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(&dialog, &enter);
    QVERIFY(enter.isAccepted());
    QVERIFY(dialog.isDropHighlighted());
    QVERIFY(find<QLabel>(&dialog, "dropOverlay")->isVisible());

    QDropEvent drop(QPointF(pos), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(&dialog, &drop);
    QVERIFY(drop.isAccepted());
    QVERIFY(!dialog.isDropHighlighted());
    QVERIFY(!find<QLabel>(&dialog, "dropOverlay")->isVisible());
    QVERIFY(dialog.isSearching()); // off the UI thread
    QTRY_VERIFY(!dialog.isSearching());

    QStringList found;
    for (const BatchInput &input : dialog.inputs())
        found << QFileInfo(input.path).absoluteFilePath();
    found.sort();
    QStringList want;
    for (const QString &path : expected)
        want << QFileInfo(path).absoluteFilePath();
    want.sort();
    QCOMPARE(found, want);

    // One row for the folder, with its count; the total under the buttons.
    auto *list = find<QListWidget>(&dialog, "inputList");
    QCOMPARE(list->count(), 1);
    QVERIFY2(list->item(0)->text().contains(QLatin1String("3 photos")),
             qPrintable(list->item(0)->text()));
    QCOMPARE(find<QLabel>(&dialog, "inputCount")->text(), QStringLiteral("3 photos"));

    // The same folder again adds nothing; a photo from elsewhere adds one.
    QTemporaryDir other;
    const QString extra = writePhoto(other.path(), QStringLiteral("extra.png"));
    QMimeData more;
    more.setUrls({QUrl::fromLocalFile(photos.path()), QUrl::fromLocalFile(extra)});
    QDragEnterEvent enterAgain(pos, Qt::CopyAction, &more, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(&dialog, &enterAgain);
    QDropEvent dropAgain(QPointF(pos), Qt::CopyAction, &more, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(&dialog, &dropAgain);
    QCOMPARE(list->count(), 2);
    QCOMPARE(find<QLabel>(&dialog, "inputCount")->text(), QStringLiteral("4 photos"));

    // Something that is not a file is not offered a drop.
    QMimeData text;
    text.setText(QStringLiteral("hello"));
    QDragEnterEvent refused(pos, Qt::CopyAction, &text, Qt::LeftButton, Qt::NoModifier);
    refused.setAccepted(false);
    QApplication::sendEvent(&dialog, &refused);
    QVERIFY(!refused.isAccepted());
    QVERIFY(!dialog.isDropHighlighted());
}

void TestBatchDialog::theNamePreviewFollowsThePattern()
{
    QTemporaryDir photos;
    const QString photo = writePhoto(photos.path(), QStringLiteral("portrait.png"));
    BatchDialog dialog(engine(), {photo});
    dialog.show();

    auto *preview = find<QLabel>(&dialog, "namePreview");
    auto *pattern = find<QLineEdit>(&dialog, "namePattern");
    QVERIFY(preview && pattern);
    QVERIFY2(preview->text().contains(QLatin1String("portrait_rgba.png")),
             qPrintable(preview->text()));

    pattern->selectAll();
    QTest::keyClicks(pattern, QStringLiteral("{stem}-cut"));
    QVERIFY2(preview->text().contains(QLatin1String("portrait-cut.png")),
             qPrintable(preview->text()));

    // The preview is the exporter's own answer, format included.
    auto *format = find<QComboBox>(&dialog, "format");
    format->setCurrentIndex(format->findData(QStringLiteral("jpg")));
    const QString expected =
        QFileInfo(OutputNaming::outputPathFor(dialog.inputs().first(), 0, 1, dialog.options()))
            .fileName();
    QCOMPARE(expected, QStringLiteral("portrait-cut.jpg"));
    QVERIFY2(preview->text().contains(expected), qPrintable(preview->text()));
    QVERIFY(find<QLabel>(&dialog, "formatNote")->text().contains(QLatin1String("transparency")));
}

void TestBatchDialog::startReportsProgressThenTheSummary()
{
    QTemporaryDir photos;
    QTemporaryDir out;
    writePhoto(photos.path(), QStringLiteral("one.png"));
    writePhoto(photos.path(), QStringLiteral("two.jpg"), 200, 300);
    writePhoto(photos.path(), QStringLiteral("more/three.png"));

    BatchDialog dialog(engine(), {photos.path()});
    QTRY_VERIFY(!dialog.isSearching()); // folders are searched off the UI thread
    dialog.show();
    auto *start = find<QPushButton>(&dialog, "start");
    QVERIFY(!start->isEnabled()); // no destination yet
    find<QLineEdit>(&dialog, "destination")->setText(out.path());
    QVERIFY(start->isEnabled());

    auto *exporter = dialog.findChild<BatchExporter *>();
    QVERIFY(exporter);
    QSignalSpy progress(exporter, &BatchExporter::progress);
    QSignalSpy items(exporter, &BatchExporter::itemFinished);
    QSignalSpy finished(exporter, &BatchExporter::finished);

    const QList<BatchInput> inputs = dialog.inputs();
    const BatchOptions options = dialog.options();
    QTest::mouseClick(start, Qt::LeftButton);
    QVERIFY(dialog.isRunning());
    QVERIFY(!find<QComboBox>(&dialog, "format")->isEnabled());
    QVERIFY(!find<QListWidget>(&dialog, "inputList")->isEnabled());
    QVERIFY(find<QPushButton>(&dialog, "cancel")->isVisible());
    QVERIFY(!start->isVisible());

    QVERIFY(finished.wait(60000));
    QVERIFY(progress.count() > 0);
    QCOMPARE(items.count(), 3);
    const auto last = progress.last().at(0).value<BatchProgress>();
    QCOMPARE(last.total, 3);

    const auto summary = finished.at(0).at(0).value<BatchSummary>();
    QCOMPARE(summary.total, 3);
    QCOMPARE(summary.done, 3);
    QVERIFY(!summary.cancelled);
    const QString status = plainText(find<QLabel>(&dialog, "status"));
    QVERIFY2(status.contains(QLatin1String("3 exported")), qPrintable(status));
    QVERIFY2(status.contains(QLatin1String("0 failed")), qPrintable(status));
    QVERIFY2(status.contains(QLatin1String("photos/min")), qPrintable(status));
    QCOMPARE(find<QProgressBar>(&dialog, "progress")->value(), 1000);

    QVERIFY(!dialog.isRunning());
    QVERIFY(start->isVisible() && start->isEnabled());
    QCOMPARE(start->text(), QStringLiteral("Run again"));
    QVERIFY(find<QComboBox>(&dialog, "format")->isEnabled());
    QVERIFY(find<QPushButton>(&dialog, "openDestination")->isEnabled());
    QVERIFY(!find<QPushButton>(&dialog, "copyFailures")->isEnabled());

    for (int i = 0; i < inputs.size(); ++i) {
        const QString output = OutputNaming::outputPathFor(inputs.at(i), i, 3, options);
        QVERIFY2(QFileInfo(output).isFile(), qPrintable(output));
        QVERIFY2(ImageIO::decodeFile(output).image.has_value(), qPrintable(output));
    }
}

void TestBatchDialog::theTimeLeftWaitsForTheFirstPhoto()
{
    QTemporaryDir photos;
    QTemporaryDir out;
    for (int i = 0; i < 6; ++i)
        writePhoto(photos.path(), QStringLiteral("p%1.png").arg(i));
    // An engine of its own, without a model yet: no photo can finish until it has one.
    EngineThread waiting;
    BatchDialog dialog(waiting.engine(), {photos.path()});
    QTRY_VERIFY(!dialog.isSearching());
    dialog.show();
    find<QLineEdit>(&dialog, "destination")->setText(out.path());
    auto *exporter = dialog.findChild<BatchExporter *>();
    auto *rate = find<QLabel>(&dialog, "rate");
    auto *remaining = find<QLabel>(&dialog, "remaining");

    // What the dialog shows after each progress report (it hears the report first).
    struct Shown
    {
        int processed;
        bool rateVisible;
        QString rate;
        QString remaining;
    };
    QList<Shown> shown;
    connect(exporter, &BatchExporter::progress, &dialog, [&](const BatchProgress &progress) {
        shown.append({progress.done + progress.failed, rate->isVisibleTo(&dialog), rate->text(),
                      remaining->text()});
    });
    QSignalSpy finished(exporter, &BatchExporter::finished);
    QTest::mouseClick(find<QPushButton>(&dialog, "start"), Qt::LeftButton);
    QVERIFY(!rate->isVisibleTo(&dialog));
    QCOMPARE(remaining->text(), QStringLiteral("Estimating time left…"));
    QTRY_VERIFY(shown.size() >= 3); // reports while the photos wait for the model
    for (const Shown &s : std::as_const(shown)) {
        QCOMPARE(s.processed, 0);
        QVERIFY2(!s.rateVisible, qPrintable(s.rate));
        QCOMPARE(s.remaining, QStringLiteral("Estimating time left…"));
    }

    const QString model = m_dir.filePath(QStringLiteral("model.pt"));
    QMetaObject::invokeMethod(
        waiting.engine(), [engine = waiting.engine(), model] { engine->loadModel(model); },
        Qt::QueuedConnection);
    QVERIFY(finished.wait(60000));
    const QRegularExpression rateWording(
        QStringLiteral("^\\d{1,3}(,\\d{3})*(\\.\\d)? photos/min$"));
    const QRegularExpression leftWording(QStringLiteral(
        "^(a few seconds left|about \\d+ s left|about \\d+ min left|about \\d+ h \\d+ min left)$"));
    int afterFirst = 0;
    for (const Shown &s : std::as_const(shown)) {
        if (s.processed == 0) {
            QVERIFY2(!s.rateVisible, qPrintable(s.rate));
            QCOMPARE(s.remaining, QStringLiteral("Estimating time left…"));
            continue;
        }
        ++afterFirst;
        QVERIFY(s.rateVisible);
        QVERIFY2(rateWording.match(s.rate).hasMatch(), qPrintable(s.rate));
        QVERIFY2(leftWording.match(s.remaining).hasMatch(), qPrintable(s.remaining));
    }
    QVERIFY(afterFirst >= 1);
}

void TestBatchDialog::cancelAnswersAtOnceAndLeavesNoPartialFile()
{
    QTemporaryDir photos;
    QTemporaryDir out;
    constexpr int kPhotos = 12;
    for (int i = 0; i < kPhotos; ++i)
        writePhoto(photos.path(), QStringLiteral("photo%1.png").arg(i, 2, 10, QLatin1Char('0')),
                   1600, 1200);

    BatchDialog dialog(engine(), {photos.path()});
    QTRY_VERIFY(!dialog.isSearching()); // folders are searched off the UI thread
    dialog.show();
    find<QLineEdit>(&dialog, "destination")->setText(out.path());
    auto *exporter = dialog.findChild<BatchExporter *>();
    QSignalSpy finished(exporter, &BatchExporter::finished);

    auto *cancel = find<QPushButton>(&dialog, "cancel");
    auto *status = find<QLabel>(&dialog, "status");
    QElapsedTimer sinceCancel;
    QString statusAtCancel;
    bool cancelEnabledAfter = true;
    connect(
        exporter, &BatchExporter::itemFinished, &dialog,
        [&] {
            if (sinceCancel.isValid())
                return;
            sinceCancel.start();
            QTest::mouseClick(cancel, Qt::LeftButton);
            statusAtCancel = plainText(status);
            cancelEnabledAfter = cancel->isEnabled();
        },
        Qt::QueuedConnection);

    QTest::mouseClick(find<QPushButton>(&dialog, "start"), Qt::LeftButton);
    QVERIFY(finished.wait(60000));
    const qint64 cancelMs = sinceCancel.elapsed();

    // The click was answered before the exporter had stopped.
    QVERIFY2(statusAtCancel.contains(QLatin1String("Cancelling")), qPrintable(statusAtCancel));
    QVERIFY(!cancelEnabledAfter);
    QVERIFY2(cancelMs < 5000, qPrintable(QString::number(cancelMs)));

    const auto summary = finished.at(0).at(0).value<BatchSummary>();
    QVERIFY(summary.cancelled);
    QVERIFY2(summary.done < kPhotos, qPrintable(QString::number(summary.done)));
    const QString shown = plainText(status);
    QVERIFY2(shown.contains(QLatin1String("Cancelled")), qPrintable(shown));
    QVERIFY2(shown.contains(QStringLiteral("%1 exported").arg(summary.done)), qPrintable(shown));

    // Exactly the finished photos are there, each complete; nothing temporary is left behind.
    const QStringList files = filesUnder(out.path());
    QCOMPARE(files.size(), summary.done);
    for (const QString &file : files) {
        QVERIFY2(file.endsWith(QLatin1String("_rgba.png")), qPrintable(file));
        QVERIFY2(ImageIO::decodeFile(out.filePath(file)).image.has_value(), qPrintable(file));
    }
    QCOMPARE(find<QPushButton>(&dialog, "start")->text(), QStringLiteral("Run again"));
}

void TestBatchDialog::copyFailureListPutsTheReasonsOnTheClipboard()
{
    QTemporaryDir photos;
    QTemporaryDir out;
    const QString good = writePhoto(photos.path(), QStringLiteral("good.png"));
    const QString corrupt =
        writeBytes(photos.path(), QStringLiteral("corrupt.jpg"), "\xff\xd8\xff not a photo");
    const QString empty = writeBytes(photos.path(), QStringLiteral("empty.jpg"), {});
    QVERIFY(!good.isEmpty() && !corrupt.isEmpty() && !empty.isEmpty());

    BatchDialog dialog(engine(), {good, corrupt, empty});
    dialog.show();
    find<QLineEdit>(&dialog, "destination")->setText(out.path());
    auto *copy = find<QPushButton>(&dialog, "copyFailures");
    QVERIFY(!copy->isEnabled());

    const BatchSummary summary = run(dialog);
    QCOMPARE(summary.total, 3);
    QCOMPARE(summary.done, 1);
    QCOMPARE(summary.failed, 2);
    QCOMPARE(summary.failures.size(), 2);
    QCOMPARE(find<QListWidget>(&dialog, "failureList")->count(), 2);
    QVERIFY(find<QListWidget>(&dialog, "failureList")->isVisible());

    QVERIFY(copy->isEnabled());
    QGuiApplication::clipboard()->clear();
    QTest::mouseClick(copy, Qt::LeftButton);
    const QString text = QGuiApplication::clipboard()->text();
    QCOMPARE(text.split(QLatin1Char('\n')).size(), 2);
    QVERIFY2(text.contains(QLatin1String("corrupt.jpg")), qPrintable(text));
    QVERIFY2(text.contains(QLatin1String("empty.jpg")), qPrintable(text));
    QVERIFY2(!text.contains(QLatin1String("good.png")), qPrintable(text));
    for (const BatchItemResult &failure : summary.failures) {
        QVERIFY(!failure.reason.isEmpty());
        QVERIFY2(text.contains(failure.reason), qPrintable(text));
    }
}

void TestBatchDialog::settingsPersistIntoANewDialog()
{
    QTemporaryDir out;
    {
        BatchDialog dialog(engine(), {});
        auto *format = find<QComboBox>(&dialog, "format");
        format->setCurrentIndex(format->findData(QStringLiteral("jpg")));
        find<QSpinBox>(&dialog, "quality")->setValue(80);
        find<QSpinBox>(&dialog, "resizeLongest")->setValue(2048);
        find<QLineEdit>(&dialog, "namePattern")->setText(QStringLiteral("{index}_{stem}"));
        find<QLineEdit>(&dialog, "destination")->setText(out.path());
        find<QCheckBox>(&dialog, "keepStructure")->setChecked(false);
        auto *collision = find<QComboBox>(&dialog, "collision");
        collision->setCurrentIndex(collision->findData(int(CollisionPolicy::Skip)));
        find<QRadioButton>(&dialog, "outputWhite")->click();
        find<QCheckBox>(&dialog, "hardEdge")->setChecked(true);
        find<QSlider>(&dialog, "threshold")->setValue(70);
        find<QCheckBox>(&dialog, "reverse")->setChecked(true);
        find<QCheckBox>(&dialog, "refine")->setChecked(false);
        find<QCheckBox>(&dialog, "cleanColours")->setChecked(false);
        find<QSpinBox>(&dialog, "feather")->setValue(4);
        find<QSpinBox>(&dialog, "shiftEdge")->setValue(-3);
        find<QCheckBox>(&dialog, "crop")->setChecked(true);
        find<QSpinBox>(&dialog, "cropMargin")->setValue(25);
        auto *canvas = find<QComboBox>(&dialog, "canvas");
        canvas->setCurrentIndex(canvas->findData(int(Framing::Canvas::Size)));
        find<QSpinBox>(&dialog, "canvasWidth")->setValue(900);
        find<QSpinBox>(&dialog, "canvasHeight")->setValue(600);
    }

    BatchDialog dialog(engine(), {});
    const BatchOptions options = dialog.options();
    QCOMPARE(find<QComboBox>(&dialog, "format")->currentData().toString(), QStringLiteral("jpg"));
    QCOMPARE(options.format, QStringLiteral("jpg"));
    QCOMPARE(options.quality, 80);
    QCOMPARE(options.resizeLongest, 2048);
    QCOMPARE(options.namePattern, QStringLiteral("{index}_{stem}"));
    QCOMPARE(QDir(options.destination), QDir(out.path()));
    QCOMPARE(options.keepStructure, false);
    QCOMPARE(options.collision, CollisionPolicy::Skip);
    QVERIFY(options.type == OutputType::colour(OutputType::kWhite));
    QVERIFY(options.adjust.threshold.has_value());
    QCOMPARE(*options.adjust.threshold, 0.7);
    QCOMPARE(options.adjust.reverse, true);
    QCOMPARE(options.adjust.refine, false);
    QCOMPARE(options.adjust.cleanColours, false);
    QCOMPARE(options.adjust.feather, 4);
    QCOMPARE(options.adjust.shiftEdge, -3);
    QVERIFY(options.framing.crop);
    QCOMPARE(options.framing.margin, 25.0);
    QCOMPARE(options.framing.canvas, Framing::Canvas::Size);
    QCOMPARE(options.framing.canvasSize, cv::Size(900, 600));

    // WebP's two kinds are told apart.
    auto *format = find<QComboBox>(&dialog, "format");
    format->setCurrentIndex(format->findData(QStringLiteral("webp-lossless")));
    QCOMPARE(dialog.options().format, QStringLiteral("webp"));
    QVERIFY(dialog.options().webpLossless);
    format->setCurrentIndex(format->findData(QStringLiteral("webp")));
    QVERIFY(!dialog.options().webpLossless);
}

void TestBatchDialog::theMainWindowOpensItWithTheSessionsPhotos()
{
    QTemporaryDir photos;
    const QString a = writePhoto(photos.path(), QStringLiteral("a.png"));
    const QString b = writePhoto(photos.path(), QStringLiteral("b.png"));
    {
        // The window reads the model from the settings; keep it on the synthetic one.
        ui::AppSettings app;
        app.modelPath = m_dir.filePath(QStringLiteral("model.pt"));
        app.save(*ui::openSettings());
    }
    ui::MainWindow window(engine());
    window.show();
    window.addFiles({a, b});
    QTRY_COMPARE(window.session()->ids().size(), 2);

    QAction *batch = nullptr;
    for (QAction *action : window.findChildren<QAction *>())
        if (action->shortcut() == QKeySequence(Qt::CTRL | Qt::Key_B))
            batch = action;
    QVERIFY(batch);
    batch->trigger();

    QPointer<BatchDialog> dialog = window.findChild<BatchDialog *>();
    QVERIFY(dialog);
    QVERIFY(dialog->isVisible());
    QVERIFY(!dialog->isModal());
    QCOMPARE(dialog->inputs().size(), 2);

    dialog->close();
    QTRY_VERIFY(dialog.isNull()); // deleted on close
}

void TestBatchDialog::aFolderWithoutPhotosIsReportedWithItsProblems()
{
    QTemporaryDir photos;
    QVERIFY(QFile::link(photos.filePath(QStringLiteral("gone.jpg")),
                        photos.filePath(QStringLiteral("broken.jpg"))));
    BatchDialog dialog(engine(), {photos.path()});
    QVERIFY(dialog.isSearching());
    QVERIFY(!find<QPushButton>(&dialog, "start")->isEnabled());
    QTRY_VERIFY(!dialog.isSearching());
    const QString status = find<QLabel>(&dialog, "status")->text();
    QVERIFY2(status.contains(QLatin1String("No photos found")), qPrintable(status));
    QVERIFY2(status.contains(QLatin1String("broken link")), qPrintable(status));
    QVERIFY(dialog.inputs().isEmpty());
}

void TestBatchDialog::openDestinationSaysWhenItCannot()
{
    QTemporaryDir out;
    const QString folder = out.filePath(QStringLiteral("results"));
    QVERIFY(QDir().mkpath(folder));
    BatchDialog dialog(engine(), {});
    find<QLineEdit>(&dialog, "destination")->setText(folder);
    auto *open = find<QPushButton>(&dialog, "openDestination");
    QVERIFY(open->isEnabled());
    QVERIFY(QDir(folder).removeRecursively()); // gone since the button was enabled
    open->click();
    const QString status = find<QLabel>(&dialog, "status")->text();
    QVERIFY2(status.contains(QLatin1String("does not exist")), qPrintable(status));
    QVERIFY2(status.contains(QLatin1String("results")), qPrintable(status));
}

QTEST_MAIN(TestBatchDialog)
#include "test_batchdialog.moc"
