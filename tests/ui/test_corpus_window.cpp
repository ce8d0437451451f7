// The corpus of awkward and bad photos (tests/corpus/make_corpus.py) dropped on a real window
// (offscreen, a synthetic model), and exported by the batch engine that the window's Batch Export
// uses: each bad file reported with its reason, every good one listed and processed upright, the
// window still responsive, nothing written for a bad file and no input changed.

#include "../corpus/Corpus.h"
#include "../engine/SyntheticModels.h"
#include "WindowTesting.h"

#include "engine/BatchExporter.h"
#include "engine/Engine.h"
#include "engine/EngineThread.h"
#include "engine/ImageIO.h"
#include "engine/PhotoFinder.h"
#include "ui/AppSettings.h"
#include "ui/CompareView.h"
#include "ui/MainWindow.h"
#include "ui/PhotoSession.h"
#include "ui/StallProbe.h"

#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QListWidget>
#include <QMimeData>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace clearcut;
using namespace clearcut::test;
using test::corpus::Entry;
using ui::PhotoSession;

namespace {

// As a file manager drops: enter, then drop, both accepted.
// The line of a report that starts with the path and ": ", or empty.
QString lineAbout(const QString &text, const QString &path)
{
    const QString prefix = QDir::toNativeSeparators(path) + QStringLiteral(": ");
    for (const QString &line : text.split(QLatin1Char('\n')))
        if (line.startsWith(prefix))
            return line;
    return QString();
}

QString failures(const QStringList &problems)
{
    return QStringLiteral("%1 problem(s):\n  ").arg(problems.size()) +
           problems.join(QStringLiteral("\n  "));
}

QString sizeText(const QSize &size)
{
    return QStringLiteral("%1x%2").arg(size.width()).arg(size.height());
}

} // namespace

class TestCorpusWindow : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void theCorpusDroppedOnTheWindowIsReportedFileByFile();
    void theBatchEngineExportsTheGoodAndReportsTheBad();

private:
    QTemporaryDir m_dir;
    QString m_model;
    test::corpus::Corpus m_corpus;
    QMap<QString, QByteArray> m_before;
};

void TestCorpusWindow::initTestCase()
{
    QVERIFY(m_dir.isValid());
    // Never touch the user's real settings.
    qputenv("XDG_CONFIG_HOME", m_dir.filePath(QStringLiteral("config")).toUtf8());
    m_model = test::writeSyntheticModel(m_dir.path(), QStringLiteral("model"),
                                        test::SyntheticModel::RedIsForeground);
    QVERIFY(!m_model.isEmpty());
    const auto settings = ui::openSettings();
    settings->clear();
    ui::AppSettings app;
    app.modelPath = m_model;
    app.save(*settings);

    m_corpus = test::corpus::generate(m_dir.filePath(QStringLiteral("corpus")));
    QVERIFY2(m_corpus.error.isEmpty(), qPrintable(m_corpus.error));
    m_before = test::corpus::snapshot(m_corpus.root);
}

void TestCorpusWindow::theCorpusDroppedOnTheWindowIsReportedFileByFile()
{
    EngineThread engine;
    ui::MainWindow window(engine.engine());
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    window.loadModel();
    ui::StallProbe probe;
    probe.start();
    QElapsedTimer clock;
    clock.start();
    drop(&window, {m_corpus.root});

    // What the search said (links that go nowhere), read the moment the window shows it: the
    // photos' own failures replace it in the banner afterwards.
    const QList<PhotoScan *> scans = window.findChildren<PhotoScan *>();
    QCOMPARE(scans.size(), 1);
    QString scanNote;
    bool scanned = false;
    connect(scans.first(), &PhotoScan::finished, this, [&] {
        scanNote = window.lastMessage();
        scanned = true;
    });
    // Every failure the window announced, in the order it did.
    QStringList announced;
    PhotoSession *session = window.session();
    connect(session, &PhotoSession::photoFailed, this,
            [&](quint64, const QString &message) { announced << message; });

    QTRY_VERIFY_WITH_TIMEOUT(scanned && !window.isScanning(), 30000);
    QTRY_VERIFY_WITH_TIMEOUT(allSettled(session), 60000);
    probe.stop();
    qInfo("%d photos settled in %.1f s; longest UI stall %.0f ms", int(session->ids().size()),
          clock.elapsed() / 1000.0, probe.maxStallMs());

    QMap<QString, quint64> byPath; // relative to the corpus
    for (const quint64 id : session->ids())
        byPath.insert(QDir(m_corpus.root).relativeFilePath(session->photo(id)->path), id);
    QStringList problems;
    int files = 0;
    QListWidgetItem *lastDone = nullptr;
    for (const Entry &e : std::as_const(m_corpus.entries)) {
        files += e.isFile();
        const QString path = m_corpus.filePath(e);
        if (!e.isFile()) {
            if (byPath.contains(e.path))
                problems << QStringLiteral("%1 (%2): listed as a photo").arg(e.path, e.note);
            if (e.isSymlink()) {
                const QString line = lineAbout(scanNote, path);
                if (!test::corpus::containsText(line, e.messageInWalk()))
                    problems << QStringLiteral("%1 (%2): not in the search's note \"%3\"")
                                    .arg(e.path, e.note, scanNote);
            }
            continue;
        }
        if (!byPath.contains(e.path)) {
            problems << QStringLiteral("%1 (%2): not listed").arg(e.path, e.note);
            continue;
        }
        const quint64 id = byPath.value(e.path);
        const PhotoSession::Photo *photo = session->photo(id);
        // The list shows the session's photos in its order, a row each: "name\nstate".
        QListWidgetItem *item = window.photoList()->item(int(session->ids().indexOf(id)));
        if (!item || !item->text().startsWith(photo->name + QLatin1Char('\n'))) {
            problems << QStringLiteral("%1: in the session, not in the list").arg(e.path);
            continue;
        }
        if (e.good) {
            if (photo->state != PhotoSession::State::Done)
                problems
                    << QStringLiteral("%1 (%2): not done: %3").arg(e.path, e.note, photo->error);
            else if (photo->fullSize != e.size)
                problems << QStringLiteral("%1 (%2): %3, expected %4 (upright)")
                                .arg(e.path, e.note, sizeText(photo->fullSize), sizeText(e.size));
            else
                lastDone = item;
        } else {
            const QString announcedLine =
                announced.filter(photo->name + QStringLiteral(": ")).join(QLatin1Char(' '));
            if (photo->state != PhotoSession::State::Failed)
                problems << QStringLiteral("%1 (%2): not failed").arg(e.path, e.note);
            else if (!test::corpus::containsText(photo->error, e.expect))
                problems << QStringLiteral("%1: \"%2\", expected \"%3\"")
                                .arg(e.path, photo->error, e.expect);
            else if (!item->toolTip().contains(photo->error) ||
                     !item->text().contains(QLatin1String("Failed")))
                problems << QStringLiteral("%1: the list row says \"%2\" / \"%3\"")
                                .arg(e.path, item->text(), item->toolTip());
            else if (!announcedLine.contains(photo->error))
                problems << QStringLiteral("%1: its failure was not announced").arg(e.path);
        }
    }
    if (session->ids().size() != files)
        problems << QStringLiteral("%1 photos listed, the corpus has %2 files")
                        .arg(session->ids().size())
                        .arg(files);
    QVERIFY2(problems.isEmpty(), qPrintable(failures(problems)));

    // Still responsive: the search and the reads never held the window, and a photo picked now
    // is shown with its result.
    QVERIFY2(probe.maxStallMs() < 1000.0, qPrintable(QString::number(probe.maxStallMs())));
    QVERIFY(lastDone);
    window.photoList()->setCurrentItem(lastDone);
    QTRY_VERIFY_WITH_TIMEOUT(window.compareView()->hasResult(), 15000);
    const QString changed =
        test::corpus::differences(m_before, test::corpus::snapshot(m_corpus.root))
            .join(QStringLiteral(", "));
    QVERIFY2(changed.isEmpty(), qPrintable(changed));
}

// BatchExporter over what PhotoFinder finds in the corpus (Batch Export's path): a Done item and
// an upright output for each good file, a Failed item with the reason for each bad one, no output
// for it, nothing else written; the search reports the links that go nowhere.
void TestCorpusWindow::theBatchEngineExportsTheGoodAndReportsTheBad()
{
    registerBatchMetaTypes();
    EngineThread engine;
    QSignalSpy ready(engine.engine(), &Engine::modelReady);
    QMetaObject::invokeMethod(
        engine.engine(), [e = engine.engine(), model = m_model] { e->loadModel(model); },
        Qt::QueuedConnection);
    QTRY_VERIFY_WITH_TIMEOUT(!ready.isEmpty(), 60000);

    const FoundPhotos found = PhotoFinder::find({m_corpus.root});
    const QString out = m_dir.filePath(QStringLiteral("batch-out"));
    BatchOptions options;
    options.destination = out;
    BatchExporter exporter(engine.engine());
    QMap<QString, BatchItemResult> results; // by source, relative to the corpus
    BatchSummary summary;
    bool finished = false;
    connect(&exporter, &BatchExporter::itemFinished, this, [&](const BatchItemResult &result) {
        results.insert(QDir(m_corpus.root).relativeFilePath(result.source), result);
    });
    connect(&exporter, &BatchExporter::finished, this, [&](const BatchSummary &s) {
        summary = s;
        finished = true;
    });
    exporter.start(found.inputs, options);
    QTRY_VERIFY_WITH_TIMEOUT(finished, 60000);
    qInfo("batch: %s", qPrintable(summary.toText()));

    QStringList problems;
    QStringList outputs;
    const QString problemsText = found.problems.join(QLatin1Char('\n'));
    for (const Entry &e : std::as_const(m_corpus.entries)) {
        if (e.isSymlink()) {
            if (!test::corpus::containsText(lineAbout(problemsText, m_corpus.filePath(e)),
                                            e.messageInWalk()))
                problems << QStringLiteral("%1 (%2): not among the search's problems: %3")
                                .arg(e.path, e.note, problemsText);
            continue;
        }
        if (e.isDir())
            continue; // walked as the (empty) folder it is
        if (!results.contains(e.path)) {
            problems << QStringLiteral("%1 (%2): not in the batch").arg(e.path, e.note);
            continue;
        }
        const BatchItemResult &r = results.value(e.path);
        if (e.good) {
            const DecodeResult decoded = ImageIO::decodeFile(r.output);
            if (r.status != BatchItemResult::Status::Done)
                problems << QStringLiteral("%1 (%2): not done: %3").arg(e.path, e.note, r.reason);
            else if (!decoded.image)
                problems << QStringLiteral("%1: output %2 does not decode: %3")
                                .arg(e.path, r.output, decoded.error);
            else if (decoded.image->originalSize != e.size)
                problems << QStringLiteral("%1 (%2): output %3, expected %4 (upright)")
                                .arg(e.path, e.note, sizeText(decoded.image->originalSize),
                                     sizeText(e.size));
            outputs << QDir(out).relativeFilePath(r.output);
        } else if (r.status != BatchItemResult::Status::Failed) {
            problems << QStringLiteral("%1 (%2): not failed").arg(e.path, e.note);
        } else if (!test::corpus::containsText(r.reason, e.expect)) {
            problems
                << QStringLiteral("%1: \"%2\", expected \"%3\"").arg(e.path, r.reason, e.expect);
        }
    }
    outputs.sort();
    const QStringList written = test::corpus::filesUnder(out);
    for (const QString &file : written)
        if (!outputs.contains(file))
            problems << QStringLiteral("unexpected file in the destination: %1").arg(file);
    QVERIFY2(problems.isEmpty(), qPrintable(failures(problems)));
    const QString changed =
        test::corpus::differences(m_before, test::corpus::snapshot(m_corpus.root))
            .join(QStringLiteral(", "));
    QVERIFY2(changed.isEmpty(), qPrintable(changed));
}

QTEST_MAIN(TestCorpusWindow)
#include "test_corpus_window.moc"
