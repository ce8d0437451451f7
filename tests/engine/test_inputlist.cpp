// A list of photos, one a line: comments, blank lines and whitespace left out, relative paths
// from the list's own folder, and a list that cannot be read named in the error.

#include "engine/InputList.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace clearcut;

class TestInputList : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void linesBecomePaths();
    void relativePathsAreFromTheListsFolder();
    void aListThatCannotBeReadIsNamed();
};

void TestInputList::linesBecomePaths()
{
    const QString text =
        QString(QChar(0xFEFF)) + QStringLiteral("# the spring catalogue\n"
                                                "a.jpg\n"
                                                "\n"
                                                "   \t\n"
                                                "  shoot/b.jpg  \r\n"
                                                "  # a comment after spaces\n"
                                                "/abs/c d.jpg\n"
                                                "../up/e.jpg\n"
                                                "./a.jpg"); // no newline at the end; listed twice
    QCOMPARE(InputList::parse(text, QStringLiteral("/lists")),
             (QStringList{QStringLiteral("/lists/a.jpg"), QStringLiteral("/lists/shoot/b.jpg"),
                          QStringLiteral("/abs/c d.jpg"), QStringLiteral("/up/e.jpg"),
                          QStringLiteral("/lists/a.jpg")}));
    QCOMPARE(InputList::parse(QString(), QStringLiteral("/lists")), QStringList());
    QCOMPARE(InputList::parse(QStringLiteral("# only\n\n"), QStringLiteral("/lists")),
             QStringList());
}

void TestInputList::relativePathsAreFromTheListsFolder()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QVERIFY(QDir().mkpath(dir.filePath(QStringLiteral("lists"))));
    const QString listPath = dir.filePath(QStringLiteral("lists/list.txt"));
    QFile file(listPath);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("photos/\xc3\xa9t\xc3\xa9.jpg\n/elsewhere/x.jpg\n"); // UTF-8
    file.close();

    // Wherever the process runs from.
    const QString before = QDir::currentPath();
    QVERIFY(QDir::setCurrent(dir.path()));
    QString error;
    const auto paths = InputList::read(QStringLiteral("lists/list.txt"), &error);
    QVERIFY(QDir::setCurrent(before));
    QVERIFY2(paths, qPrintable(error));
    QCOMPARE(*paths, (QStringList{QDir(dir.path()).filePath(QStringLiteral("lists/photos/été.jpg")),
                                  QStringLiteral("/elsewhere/x.jpg")}));
}

void TestInputList::aListThatCannotBeReadIsNamed()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QString error;
    const QString missing = dir.filePath(QStringLiteral("missing.txt"));
    QVERIFY(!InputList::read(missing, &error));
    QVERIFY2(error.contains(missing), qPrintable(error));
    error.clear();
    QVERIFY(!InputList::read(dir.path(), &error));
    QVERIFY2(error.contains(dir.path()) && error.contains(QLatin1String("folder")),
             qPrintable(error));
}

QTEST_APPLESS_MAIN(TestInputList)
#include "test_inputlist.moc"
