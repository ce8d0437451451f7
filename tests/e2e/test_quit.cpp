// Quitting at any moment, with real processes on the real model: SIGTERM to clearcut-cli during
// the model load, during the first inference and in the middle of a batch, and to the window
// (clearcut) while it loads and while it works. Each exits within 2 s, cleanly (no crash, the
// expected exit code), with every output whole or absent and the photos untouched.

#include "RealModel.h"

#include "engine/ImageIO.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <functional>

using namespace clearcut;

namespace {

constexpr int kPhotos = 12;
constexpr qint64 kExitWithinMs = 2000;
const QString kPhoto = QStringLiteral(CLEARCUT_TEST_DATA "/photos/apple.jpg");

QByteArray bytesOf(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

enum class Moment
{
    Loading,     // half a second in: LibTorch or the model is loading
    Inferring,   // right after "model ready": the first photo's inference is running
    MidBatch,    // after the first photo was written
    WindowLater, // the window, a few seconds in (loaded, working through its photos)
};

// True once the process catches SIGTERM, as /proc says: its handler is installed (a signal sent
// before that ends it the default way, which is not what these tests are about).
bool catchesSigterm(qint64 pid)
{
    QFile status(QStringLiteral("/proc/%1/status").arg(pid));
    if (!status.open(QIODevice::ReadOnly))
        return false;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("SigCgt:")) {
            bool ok = false;
            const quint64 caught = line.mid(7).trimmed().toULongLong(&ok, 16);
            return ok && (caught & (quint64(1) << (SIGTERM - 1)));
        }
    }
    return false;
}

} // namespace

Q_DECLARE_METATYPE(Moment)

class TestQuit : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cliStopsCleanly_data();
    void cliStopsCleanly();
    void windowQuitsCleanly_data();
    void windowQuitsCleanly();

private:
    QString makePhotos(const QString &name);
    void checkFolders(const QString &in, const QString &out);

    QTemporaryDir m_dir;
    QByteArray m_original;
};

void TestQuit::initTestCase()
{
    REQUIRE_REAL_MODEL();
    QVERIFY(m_dir.isValid());
    m_original = bytesOf(kPhoto);
    QVERIFY(!m_original.isEmpty());
}

QString TestQuit::makePhotos(const QString &name)
{
    const QString in = m_dir.filePath(name);
    QDir().mkpath(in);
    for (int i = 0; i < kPhotos; ++i)
        QFile::copy(kPhoto, QDir(in).filePath(
                                QStringLiteral("photo_%1.jpg").arg(i, 2, 10, QLatin1Char('0'))));
    return in;
}

void TestQuit::checkFolders(const QString &in, const QString &out)
{
    // The photos are untouched; every output is a whole image; nothing else (no temporary file of
    // a write that was cut short) is left.
    const QStringList photos = QDir(in).entryList(QDir::Files | QDir::Hidden);
    QCOMPARE(photos.size(), kPhotos);
    for (const QString &photo : photos)
        QVERIFY2(bytesOf(QDir(in).filePath(photo)) == m_original, qPrintable(photo));
    for (const QString &file : QDir(out).entryList(QDir::Files | QDir::Hidden | QDir::System)) {
        QVERIFY2(file.endsWith(QLatin1String("_rgba.png")), qPrintable(file));
        const DecodeResult decoded = ImageIO::decodeFile(QDir(out).filePath(file));
        QVERIFY2(decoded.image, qPrintable(file + QStringLiteral(": ") + decoded.error));
    }
}

void TestQuit::cliStopsCleanly_data()
{
    QTest::addColumn<Moment>("moment");
    QTest::newRow("during the model load") << Moment::Loading;
    QTest::newRow("during the first inference") << Moment::Inferring;
    QTest::newRow("in the middle of a batch") << Moment::MidBatch;
}

void TestQuit::cliStopsCleanly()
{
    QFETCH(Moment, moment);
    const QString name = QStringLiteral("cli-%1").arg(int(moment));
    const QString in = makePhotos(name + QStringLiteral("-in"));
    const QString out = m_dir.filePath(name + QStringLiteral("-out"));

    QProcess process;
    process.start(QStringLiteral(CLEARCUT_CLI),
                  {QStringLiteral("-s"), in, QStringLiteral("-d"), out});
    QVERIFY(process.waitForStarted());
    QElapsedTimer clock;
    clock.start();
    QByteArray err, stdOut;
    const auto until = [&](const std::function<bool()> &done) {
        while (!done() && clock.elapsed() < 120000 && process.state() == QProcess::Running) {
            process.waitForReadyRead(50);
            err += process.readAllStandardError();
            stdOut += process.readAllStandardOutput();
        }
        return done();
    };
    switch (moment) {
    case Moment::Loading:
        // Past main()'s set-up (the handler is its last step before the event loop), into
        // LibTorch's loading.
        QTRY_VERIFY_WITH_TIMEOUT(catchesSigterm(process.processId()), 60000);
        QTest::qWait(300);
        QVERIFY2(!err.contains("model ready"), err.constData());
        break;
    case Moment::Inferring:
        QVERIFY2(until([&] { return err.contains("model ready"); }), err.constData());
        break;
    case Moment::MidBatch:
        QVERIFY2(until([&] { return stdOut.contains("_rgba.png"); }), err.constData());
        break;
    case Moment::WindowLater:
        break;
    }
    QVERIFY2(process.state() == QProcess::Running, err.constData());
    ::kill(pid_t(process.processId()), SIGTERM);
    QElapsedTimer stopping;
    stopping.start();
    QVERIFY(process.waitForFinished(30000));
    const qint64 exitMs = stopping.elapsed();
    err += process.readAllStandardError();
    QVERIFY2(exitMs < kExitWithinMs, qPrintable(QStringLiteral("exit took %1 ms").arg(exitMs)));
    QCOMPARE(process.exitStatus(), QProcess::NormalExit); // the handler ran: no crash, no kill
    QCOMPARE(process.exitCode(), 128 + SIGTERM);
    QVERIFY2(err.contains("SIGTERM: stopping"), err.constData());
    checkFolders(in, out);
    if (moment == Moment::MidBatch)
        QVERIFY(!QDir(out).entryList(QDir::Files).isEmpty());
}

void TestQuit::windowQuitsCleanly_data()
{
    QTest::addColumn<Moment>("moment");
    QTest::newRow("while the model loads") << Moment::Loading;
    QTest::newRow("while it works through photos") << Moment::WindowLater;
}

void TestQuit::windowQuitsCleanly()
{
    QFETCH(Moment, moment);
    const QString in = makePhotos(QStringLiteral("window-%1").arg(int(moment)));
    QStringList photos;
    for (const QString &file : QDir(in).entryList(QDir::Files))
        photos << QDir(in).filePath(file);

    QProcess process;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    environment.insert(QStringLiteral("XDG_CONFIG_HOME"), m_dir.filePath(QStringLiteral("config")));
    process.setProcessEnvironment(environment);
    process.start(QStringLiteral(CLEARCUT_GUI), photos);
    QVERIFY(process.waitForStarted());
    QTRY_VERIFY_WITH_TIMEOUT(catchesSigterm(process.processId()), 60000);
    QTest::qWait(moment == Moment::Loading ? 200 : 3500);
    QVERIFY(process.state() == QProcess::Running);
    ::kill(pid_t(process.processId()), SIGTERM);
    QElapsedTimer stopping;
    stopping.start();
    QVERIFY(process.waitForFinished(30000));
    const qint64 exitMs = stopping.elapsed();
    const QByteArray err = process.readAllStandardError();
    QVERIFY2(exitMs < kExitWithinMs,
             qPrintable(QStringLiteral("exit took %1 ms; %2").arg(exitMs).arg(err.constData())));
    QCOMPARE(process.exitStatus(), QProcess::NormalExit);
    QCOMPARE(process.exitCode(), 0);
    checkFolders(in, m_dir.filePath(QStringLiteral("no-output-folder")));
}

QTEST_GUILESS_MAIN(TestQuit)
#include "test_quit.moc"
