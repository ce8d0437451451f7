// The corpus of awkward and bad photos (tests/corpus/make_corpus.py: cut short, empty, random,
// pixel bombs, 1x1, 16-bit, CMYK, palette, grey + alpha, animated, EXIF orientations, odd names,
// a folder named like a photo, link loops) through the real programs on the real default model:
// ImageIO directly, clearcut-cli over the whole folder and over the EXIF orientations, and
// clearcut-server with each file's bytes. Each bad file gets a clear message, each good file its
// upright output, nothing else is written and no input changes.

#include "RealModel.h"
#include "ServerProcess.h"

#include "../corpus/Corpus.h"
#include "engine/ImageIO.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <QUrlQuery>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include <memory>
#include <optional>

using namespace clearcut;
using namespace clearcut::test;
using test::corpus::Entry;

namespace {

struct Run
{
    bool finished = false;
    QProcess::ExitStatus exitStatus = QProcess::CrashExit;
    int exitCode = -1;
    QString out;
    QString err;
};

Run runCli(const QStringList &arguments)
{
    QProcess process;
    process.start(QStringLiteral(CLEARCUT_CLI), arguments);
    Run run;
    run.finished = process.waitForFinished(180000);
    if (!run.finished)
        process.kill();
    process.waitForFinished(5000);
    run.exitStatus = process.exitStatus();
    run.exitCode = process.exitCode();
    run.out = QString::fromUtf8(process.readAllStandardOutput());
    run.err = QString::fromUtf8(process.readAllStandardError());
    return run;
}

QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// As stored (ImageIO drops alpha).
cv::Mat decodeUnchanged(const QByteArray &bytes)
{
    if (bytes.isEmpty())
        return {};
    return cv::imdecode(cv::Mat(1, int(bytes.size()), CV_8U, const_cast<char *>(bytes.data())),
                        cv::IMREAD_UNCHANGED);
}

// clearcut-cli's output for a corpus entry with the default name pattern, relative to --dest.
QString outputFor(const Entry &entry, const QString &type)
{
    const qsizetype slash = entry.path.lastIndexOf(QLatin1Char('/'));
    const QString folder = slash < 0 ? QString() : entry.path.left(slash + 1);
    return folder + QFileInfo(entry.path).completeBaseName() + QLatin1Char('_') + type +
           QStringLiteral(".png");
}

QString sizeText(const cv::Mat &image)
{
    return QStringLiteral("%1x%2").arg(image.cols).arg(image.rows);
}

QString sizeText(const QSize &size)
{
    return QStringLiteral("%1x%2").arg(size.width()).arg(size.height());
}

// The stderr lines that start with path and ": ".
QStringList linesAbout(const QStringList &lines, const QString &path)
{
    const QString prefix = QDir::toNativeSeparators(path) + QStringLiteral(": ");
    QStringList found;
    for (const QString &line : lines)
        if (line.startsWith(prefix))
            found << line;
    return found;
}

QString failures(const QStringList &problems)
{
    return QStringLiteral("%1 problem(s):\n  ").arg(problems.size()) +
           problems.join(QStringLiteral("\n  "));
}

// One clearcut-server process on a free port (as in test_server.cpp).
} // namespace

class TestCorpus : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void everyFileDecodesToItsPictureOrGetsItsReason();
    void exifOrientationsAreUpright();
    void cliOverTheWholeCorpus();
    void cliSaysOneClearLinePerProblem();
    void aFolderNamedLikeAPhotoGivenAloneIsReported();
    void serverAnswersEveryFileAndStaysUp();

private:
    QString unchanged() const; // what changed in the corpus, or empty

    QTemporaryDir m_dir;
    test::corpus::Corpus m_corpus;
    QMap<QString, QByteArray> m_before;
    std::optional<Run> m_cliRun; // cliOverTheWholeCorpus's, for cliSaysOneClearLinePerProblem
};

void TestCorpus::initTestCase()
{
    REQUIRE_REAL_MODEL();
    QVERIFY(m_dir.isValid());
    m_corpus = test::corpus::generate(m_dir.filePath(QStringLiteral("corpus")));
    QVERIFY2(m_corpus.error.isEmpty(), qPrintable(m_corpus.error));
    m_before = test::corpus::snapshot(m_corpus.root);
    QVERIFY(!m_before.isEmpty());
    int good = 0;
    for (const Entry &e : std::as_const(m_corpus.entries))
        good += e.good;
    qInfo("corpus: %d entries, %d good, in %s", int(m_corpus.entries.size()), good,
          qPrintable(m_corpus.root));
}

QString TestCorpus::unchanged() const
{
    return test::corpus::differences(m_before, test::corpus::snapshot(m_corpus.root))
        .join(QStringLiteral(", "));
}

// ImageIO::decodeFile on every entry: the picture (size after EXIF, quadrant colours) for a good
// one, the reason for a bad one (and the pixel limit flagged for a pixel bomb).
void TestCorpus::everyFileDecodesToItsPictureOrGetsItsReason()
{
    QStringList problems;
    for (const Entry &e : std::as_const(m_corpus.entries)) {
        const DecodeResult r = ImageIO::decodeFile(m_corpus.filePath(e));
        if (e.good) {
            if (!r.image)
                problems << QStringLiteral("%1 (%2): not decoded: %3").arg(e.path, e.note, r.error);
            else if (const QString why = test::corpus::pictureMismatch(r.image->bgr, e);
                     !why.isEmpty())
                problems << QStringLiteral("%1 (%2): %3").arg(e.path, e.note, why);
        } else if (r.image) {
            problems << QStringLiteral("%1 (%2): decoded, expected \"%3\"")
                            .arg(e.path, e.note, e.expect);
        } else if (!test::corpus::containsText(r.error, e.expect)) {
            problems << QStringLiteral("%1 (%2): \"%3\", expected \"%4\"")
                            .arg(e.path, e.note, r.error, e.expect);
        } else if (r.tooLarge != (e.status == 413)) {
            problems << QStringLiteral("%1: tooLarge is %2").arg(e.path).arg(r.tooLarge);
        }
    }
    QVERIFY2(problems.isEmpty(), qPrintable(failures(problems)));
    const QString changed = unchanged();
    QVERIFY2(changed.isEmpty(), qPrintable(changed));
}

// Orientations 1-8 (JPEG) and 6 in PNG, WebP and TIFF: decoded upright (ImageIO), and
// clearcut-cli's map has the upright size.
void TestCorpus::exifOrientationsAreUpright()
{
    QList<Entry> oriented;
    for (const Entry &e : std::as_const(m_corpus.entries))
        if (e.orientation > 0)
            oriented << e;
    QVERIFY(oriented.size() >= 8);
    QStringList problems;
    for (const Entry &e : std::as_const(oriented)) {
        const DecodeResult r = ImageIO::decodeFile(m_corpus.filePath(e));
        const QString why = r.image ? test::corpus::pictureMismatch(r.image->bgr, e) : r.error;
        if (!why.isEmpty())
            problems << QStringLiteral("decoded %1 (orientation %2): %3")
                            .arg(e.path)
                            .arg(e.orientation)
                            .arg(why);
    }

    // All of them are in exif/, and nothing else is.
    const QString folder = QDir(m_corpus.root).filePath(QStringLiteral("exif"));
    const QString out = m_dir.filePath(QStringLiteral("exif-out"));
    const Run run = runCli({QStringLiteral("-s"), folder, QStringLiteral("-d"), out,
                            QStringLiteral("-t"), QStringLiteral("map"), QStringLiteral("--mode"),
                            QStringLiteral("fast"), QStringLiteral("-q")});
    QVERIFY2(run.finished && run.exitStatus == QProcess::NormalExit, qPrintable(run.err));
    if (run.exitCode != 0)
        problems << QStringLiteral("clearcut-cli exit code %1: %2").arg(run.exitCode).arg(run.err);
    for (const Entry &e : std::as_const(oriented)) {
        const QString name = QFileInfo(e.path).completeBaseName() + QStringLiteral("_map.png");
        const cv::Mat map = decodeUnchanged(readAll(QDir(out).filePath(name)));
        if (map.empty())
            problems << QStringLiteral("map of %1: missing or unreadable").arg(e.path);
        else if (map.cols != e.size.width() || map.rows != e.size.height())
            problems << QStringLiteral("map of %1 (orientation %2): %3, the upright size is %4")
                            .arg(e.path)
                            .arg(e.orientation)
                            .arg(sizeText(map), sizeText(e.size));
        else if (map.channels() != 1)
            problems << QStringLiteral("map of %1: %2 channels").arg(e.path).arg(map.channels());
    }
    QVERIFY2(problems.isEmpty(), qPrintable(failures(problems)));
    const QString changed = unchanged();
    QVERIFY2(changed.isEmpty(), qPrintable(changed));
}

// The whole corpus as one batch folder: exit code 1, each bad file named with its reason on
// stderr, an upright RGBA output for every good file and nothing else, no input changed.
void TestCorpus::cliOverTheWholeCorpus()
{
    const QString out = m_dir.filePath(QStringLiteral("cli-out"));
    QElapsedTimer clock;
    clock.start();
    m_cliRun = runCli({QStringLiteral("-s"), m_corpus.root, QStringLiteral("-d"), out,
                       QStringLiteral("-t"), QStringLiteral("rgba"), QStringLiteral("--mode"),
                       QStringLiteral("fast")});
    const Run &run = *m_cliRun;
    qInfo("clearcut-cli over the corpus: %.1f s", clock.elapsed() / 1000.0);
    QVERIFY2(run.finished, "clearcut-cli did not finish in 180 s");
    QVERIFY2(run.exitStatus == QProcess::NormalExit, qPrintable(run.err)); // no crash
    QVERIFY2(run.exitCode == 1,
             qPrintable(QString::number(run.exitCode) + QLatin1Char(' ') + run.err));

    const QStringList lines = run.err.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QStringList problems;
    QStringList expectedOutputs;
    for (const Entry &e : std::as_const(m_corpus.entries)) {
        const QStringList said = linesAbout(lines, m_corpus.filePath(e));
        if (e.good) {
            const QString output = outputFor(e, QStringLiteral("rgba"));
            expectedOutputs << output;
            if (!said.isEmpty())
                problems << QStringLiteral("%1 (%2): %3")
                                .arg(e.path, e.note, said.join(QStringLiteral(" | ")));
            const QString path = QDir(out).filePath(output);
            const DecodeResult decoded = ImageIO::decodeFile(path);
            const cv::Mat rgba = decodeUnchanged(readAll(path));
            if (!QFileInfo::exists(path))
                problems << QStringLiteral("%1 (%2): no output %3").arg(e.path, e.note, output);
            else if (!decoded.image || rgba.empty())
                problems << QStringLiteral("%1: the output does not decode: %2")
                                .arg(e.path, decoded.error);
            else if (rgba.cols != e.size.width() || rgba.rows != e.size.height())
                problems << QStringLiteral("%1 (%2): output %3, expected %4 (upright)")
                                .arg(e.path, e.note, sizeText(rgba), sizeText(e.size));
            else if (rgba.channels() != 4)
                problems << QStringLiteral("%1: output has %2 channels, not RGBA")
                                .arg(e.path)
                                .arg(rgba.channels());
        } else if (e.isDir()) {
            // Walked as the folder it is: there is nothing to say about an empty folder.
            if (!said.isEmpty())
                problems << QStringLiteral("%1: %2").arg(e.path, said.join(QStringLiteral(" | ")));
        } else {
            const QString want = e.messageInWalk();
            if (said.isEmpty())
                problems << QStringLiteral("%1 (%2): not reported (expected \"%3\")")
                                .arg(e.path, e.note, want);
            else if (said.size() > 1)
                problems << QStringLiteral("%1: reported %2 times").arg(e.path).arg(said.size());
            else if (!test::corpus::containsText(said.first(), want))
                problems << QStringLiteral("%1: \"%2\", expected \"%3\"")
                                .arg(e.path, said.first(), want);
        }
    }
    // Nothing else in the destination: no output for a bad file, no temporary or partial file.
    expectedOutputs.sort();
    const QStringList written = test::corpus::filesUnder(out);
    for (const QString &file : written)
        if (!expectedOutputs.contains(file))
            problems << QStringLiteral("unexpected file in the destination: %1").arg(file);
    QVERIFY2(problems.isEmpty(), qPrintable(failures(problems)));
    const QString changed = unchanged();
    QVERIFY2(changed.isEmpty(), qPrintable(changed));
}

// The same run's stderr: a line per problem that names the file, and ClearCut's own lines (the
// model, the summary); nothing from the libraries underneath (libpng, OpenCV's warnings).
void TestCorpus::cliSaysOneClearLinePerProblem()
{
    if (!m_cliRun)
        QSKIP("cliOverTheWholeCorpus did not run");
    const QString root = QDir::toNativeSeparators(m_corpus.root) + QDir::separator();
    QStringList noise;
    for (const QString &line : m_cliRun->err.split(QLatin1Char('\n'), Qt::SkipEmptyParts)) {
        if (line.startsWith(root) || line.startsWith(QLatin1String("model ready: ")) ||
            line.startsWith(QLatin1String("done ")))
            continue;
        noise << line;
    }
    QVERIFY2(noise.isEmpty(), qPrintable(QStringLiteral("%1 line(s) that name no photo:\n  %2")
                                             .arg(noise.size())
                                             .arg(noise.join(QStringLiteral("\n  ")))));
}

// A folder named like a photo, given as the only source: walked as a folder, and reported as
// holding no photos (exit code 2), not read as a file.
void TestCorpus::aFolderNamedLikeAPhotoGivenAloneIsReported()
{
    for (const Entry &e : std::as_const(m_corpus.entries)) {
        if (!e.isDir())
            continue;
        const Run run = runCli({QStringLiteral("-s"), m_corpus.filePath(e), QStringLiteral("-d"),
                                m_dir.filePath(QStringLiteral("alone-out")), QStringLiteral("-q")});
        QVERIFY2(run.finished && run.exitStatus == QProcess::NormalExit, qPrintable(run.err));
        QVERIFY2(run.exitCode == 1 || run.exitCode == 2, qPrintable(run.err));
        QVERIFY2(test::corpus::containsText(run.err, e.aloneExpect), qPrintable(run.err));
        QVERIFY(!QFileInfo::exists(m_dir.filePath(QStringLiteral("alone-out"))) ||
                test::corpus::filesUnder(m_dir.filePath(QStringLiteral("alone-out"))).isEmpty());
    }
}

// Each regular file's bytes POSTed to /v1/remove: a PNG of the upright size for a good one, 400
// or 413 with the reason for a bad one; the server is alive and well after all of them.
void TestCorpus::serverAnswersEveryFileAndStaysUp()
{
    Server server;
    QVERIFY(server.port > 0);
    QNetworkAccessManager net;
    QVERIFY(QTest::qWaitFor(
        [&] { return call(net, server.url(QStringLiteral("/readyz")), "GET").status == 200; },
        60000));
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("type"), QStringLiteral("rgba"));
    query.addQueryItem(QStringLiteral("mode"), QStringLiteral("fast"));
    const QUrl remove = server.url(QStringLiteral("/v1/remove"), query);

    QStringList problems;
    int sent = 0;
    for (const Entry &e : std::as_const(m_corpus.entries)) {
        if (!e.isFile())
            continue; // a folder, a link loop: nothing to send
        QFile file(m_corpus.filePath(e));
        if (!file.open(QIODevice::ReadOnly))
            continue; // mode 000, not root: the client cannot read it either
        const QByteArray bytes = file.readAll();
        const Reply reply = call(net, remove, "POST", bytes);
        ++sent;
        if (e.good) {
            const cv::Mat png = decodeUnchanged(reply.body);
            if (reply.status != 200)
                problems << QStringLiteral("%1 (%2): %3 %4")
                                .arg(e.path, e.note)
                                .arg(reply.status)
                                .arg(QString::fromUtf8(reply.body.left(300)));
            else if (reply.contentType != "image/png" || png.empty())
                problems << QStringLiteral("%1: %2 that does not decode")
                                .arg(e.path, QString::fromLatin1(reply.contentType));
            else if (png.cols != e.size.width() || png.rows != e.size.height())
                problems << QStringLiteral("%1 (%2): %3, expected %4 (upright)")
                                .arg(e.path, e.note, sizeText(png), sizeText(e.size));
            else if (png.channels() != 4)
                problems << QStringLiteral("%1: %2 channels").arg(e.path).arg(png.channels());
        } else if (reply.status != e.status ||
                   !test::corpus::containsText(reply.error(), e.messageOverHttp())) {
            problems << QStringLiteral("%1 (%2): %3 \"%4\", expected %5 \"%6\"")
                            .arg(e.path, e.note)
                            .arg(reply.status)
                            .arg(reply.error())
                            .arg(e.status)
                            .arg(e.messageOverHttp());
        }
        if (server.process.state() != QProcess::Running) {
            problems << QStringLiteral("the server died after %1").arg(e.path);
            break;
        }
    }
    qInfo("%d requests", sent);
    QVERIFY2(problems.isEmpty(), qPrintable(failures(problems)));
    QCOMPARE(server.process.state(), QProcess::Running);
    QCOMPARE(call(net, server.url(QStringLiteral("/healthz")), "GET").status, 200);
    QCOMPARE(call(net, server.url(QStringLiteral("/readyz")), "GET").status, 200);
    const QString changed = unchanged();
    QVERIFY2(changed.isEmpty(), qPrintable(changed));
}

QTEST_GUILESS_MAIN(TestCorpus)
#include "test_corpus.moc"
