// FileRead: only regular files are read, opening never blocks, reads stop at the limit, and each
// refusal says why in words.

#include "engine/FileRead.h"
#include "engine/ImageIO.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#ifdef Q_OS_UNIX
#include <sys/stat.h>
#endif

using namespace clearcut;

namespace {

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

} // namespace

class TestFileRead : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void readsARegularFileWhole();
    void refusesAFileOverTheLimit();
    void refusesWhatIsNotARegularFile_data();
    void refusesWhatIsNotARegularFile();
    void saysWhyNothingIsThere();
    void photosFromFifosAndDevicesFailAtOnce();
};

void TestFileRead::readsARegularFileWhole()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("ünïcode name.txt"));
    const QByteArray bytes(100000, 'x');
    QVERIFY(writeFile(path, bytes));
    const FileRead::Result read = FileRead::regularFile(path, bytes.size());
    QVERIFY2(read.ok(), qPrintable(read.error));
    QCOMPARE(read.bytes, bytes);
    QVERIFY(writeFile(path, QByteArray()));
    QVERIFY(FileRead::regularFile(path, 10).ok());
    QVERIFY(FileRead::regularFile(path, 10).bytes.isEmpty());
}

void TestFileRead::refusesAFileOverTheLimit()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("big.json"));
    QVERIFY(writeFile(path, QByteArray(3 * 1024 * 1024, '{')));
    const FileRead::Result read = FileRead::regularFile(path, 1024 * 1024);
    QVERIFY(!read.ok());
    QCOMPARE(read.error, QStringLiteral("file too large: 3 MB (limit 1 MB)"));
    QVERIFY(read.bytes.isEmpty());
}

void TestFileRead::refusesWhatIsNotARegularFile_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("expected");
    QTest::newRow("folder") << QStringLiteral("folder")
                            << QStringLiteral("not a regular file (a folder)");
#ifdef Q_OS_UNIX
    QTest::newRow("FIFO") << QStringLiteral("fifo")
                          << QStringLiteral("not a regular file (a FIFO)");
    QTest::newRow("link to /dev/zero")
        << QStringLiteral("zero") << QStringLiteral("not a regular file (a device)");
    QTest::newRow("link loop") << QStringLiteral("loop")
                               << QStringLiteral("cannot open file: a symbolic link loop");
    QTest::newRow("missing") << QStringLiteral("missing")
                             << QStringLiteral("cannot open file: no such file");
#endif
}

void TestFileRead::refusesWhatIsNotARegularFile()
{
    QFETCH(QString, kind);
    QFETCH(QString, expected);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("IMG_1.jpg"));
    if (kind == QLatin1String("folder")) {
        QVERIFY(QDir(dir.path()).mkdir(QStringLiteral("IMG_1.jpg")));
#ifdef Q_OS_UNIX
    } else if (kind == QLatin1String("fifo")) {
        QVERIFY(::mkfifo(QFile::encodeName(path).constData(), 0600) == 0);
    } else if (kind == QLatin1String("zero")) {
        QVERIFY(QFile::link(QStringLiteral("/dev/zero"), path));
    } else if (kind == QLatin1String("loop")) {
        QVERIFY(QFile::link(dir.filePath(QStringLiteral("other.jpg")), path));
        QVERIFY(QFile::link(path, dir.filePath(QStringLiteral("other.jpg"))));
#endif
    }
    // A FIFO with no writer would block a plain open() for ever; /dev/zero would never end.
    QElapsedTimer timer;
    timer.start();
    const FileRead::Result read = FileRead::regularFile(path, 1 << 20);
    QVERIFY(timer.elapsed() < 2000);
    QCOMPARE(read.error, expected);
    QVERIFY(read.bytes.isEmpty());
}

void TestFileRead::saysWhyNothingIsThere()
{
    QTemporaryDir dir;
    QCOMPARE(FileRead::whyMissing(dir.filePath(QStringLiteral("none.jpg"))),
             QStringLiteral("no such file or folder"));
#ifdef Q_OS_UNIX
    const QString a = dir.filePath(QStringLiteral("a.jpg")),
                  b = dir.filePath(QStringLiteral("b.jpg"));
    QVERIFY(QFile::link(b, a));
    QCOMPARE(FileRead::whyMissing(a), QStringLiteral("a broken link (to %1)").arg(b));
    QVERIFY(QFile::link(a, b));
    QCOMPARE(FileRead::whyMissing(a), QStringLiteral("a symbolic link loop"));
#endif
}

void TestFileRead::photosFromFifosAndDevicesFailAtOnce()
{
#ifndef Q_OS_UNIX
    QSKIP("FIFOs and /dev/zero are POSIX");
#else
    QTemporaryDir dir;
    const QString fifo = dir.filePath(QStringLiteral("fifo.jpg"));
    const QString zero = dir.filePath(QStringLiteral("zero.png"));
    QVERIFY(::mkfifo(QFile::encodeName(fifo).constData(), 0600) == 0);
    QVERIFY(QFile::link(QStringLiteral("/dev/zero"), zero));
    QElapsedTimer timer;
    timer.start();
    QCOMPARE(ImageIO::decodeFile(fifo).error, QStringLiteral("not a regular file (a FIFO)"));
    QCOMPARE(ImageIO::decodeFile(zero).error, QStringLiteral("not a regular file (a device)"));
    QVERIFY(timer.elapsed() < 2000);
    // The file size limit follows the pixel limit.
    QCOMPARE(ImageIO::maxFileBytes(1'000'000), qint64(8'000'000 + (64 << 20)));
    QCOMPARE(ImageIO::maxFileBytes(250'000'000), qint64(2'000'000'000) + (64 << 20));
    QCOMPARE(ImageIO::maxFileBytes(1'000'000'000), qint64(2147483647)); // cv::Mat's int sizes
    const QString big = dir.filePath(QStringLiteral("big.jpg"));
    QVERIFY(writeFile(big, QByteArray(int(ImageIO::maxFileBytes(100)) + 1, '\xff')));
    QVERIFY2(ImageIO::decodeFile(big, 100).error.startsWith(QStringLiteral("file too large")),
             qPrintable(ImageIO::decodeFile(big, 100).error));
#endif
}

QTEST_GUILESS_MAIN(TestFileRead)
#include "test_fileread.moc"
