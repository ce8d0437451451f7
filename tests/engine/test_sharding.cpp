// N workers over one list: every photo in exactly one part, parts as even as can be, {index} the
// photo's place in the whole list whichever part writes it, and bad I/N refused with a reason.

#include "engine/OutputNaming.h"
#include "engine/Sharding.h"

#include <QSet>
#include <QTest>

#include <algorithm>
#include <vector>

using namespace clearcut;

namespace {

QList<BatchInput> photos(int count, const QString &folder = QStringLiteral("/catalogue"))
{
    QList<BatchInput> list;
    for (int i = 1; i <= count; ++i)
        list.append(BatchInput{QStringLiteral("%1/IMG_%2.jpg").arg(folder).arg(i), QString()});
    return list;
}

} // namespace

class TestSharding : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void everyPhotoIsInExactlyOneShard_data();
    void everyPhotoIsInExactlyOneShard();
    void goodShardsParse_data();
    void goodShardsParse();
    void badShardsAreRefusedWithAReason_data();
    void badShardsAreRefusedWithAReason();
    void indexNamesThePlaceInTheWholeList();
    void photosThatWouldShareAnOutputAreFound();
};

void TestSharding::everyPhotoIsInExactlyOneShard_data()
{
    QTest::addColumn<int>("count");
    QTest::newRow("1 worker") << 1;
    QTest::newRow("3 workers") << 3;
    QTest::newRow("7 workers") << 7;
    QTest::newRow("more workers than photos") << 1500;
}

void TestSharding::everyPhotoIsInExactlyOneShard()
{
    QFETCH(int, count);
    const QList<BatchInput> all = photos(1000);
    std::vector<int> timesTaken(size_t(all.size()), 0);
    qsizetype smallest = all.size(), largest = 0;
    for (int index = 0; index < count; ++index) {
        const Shard shard{index, count};
        const QList<BatchInput> part = shardOf(all, shard);
        smallest = std::min(smallest, part.size());
        largest = std::max(largest, part.size());
        int previous = -1;
        for (const BatchInput &input : part) {
            const int k = input.listIndex;
            QVERIFY(k >= 0 && k < all.size());
            QCOMPARE(input.listSize, int(all.size()));
            QCOMPARE(input.path, all.at(k).path); // listIndex is where it stands in the list
            QVERIFY(k > previous);                // in list order
            QVERIFY(inShard(k, shard));
            previous = k;
            ++timesTaken[size_t(k)];
        }
    }
    // The union is the list, and no photo is in two shards.
    QVERIFY(std::all_of(timesTaken.begin(), timesTaken.end(), [](int n) { return n == 1; }));
    QVERIFY(largest - smallest <= 1);
}

void TestSharding::goodShardsParse_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("index");
    QTest::addColumn<int>("count");
    QTest::newRow("alone") << QStringLiteral("0/1") << 0 << 1;
    QTest::newRow("first") << QStringLiteral("0/4") << 0 << 4;
    QTest::newRow("last") << QStringLiteral("3/4") << 3 << 4;
    QTest::newRow("large") << QStringLiteral("499/500") << 499 << 500;
}

void TestSharding::goodShardsParse()
{
    QFETCH(QString, text);
    QFETCH(int, index);
    QFETCH(int, count);
    QString error;
    const std::optional<Shard> shard = parseShard(text, &error);
    QVERIFY2(shard, qPrintable(error));
    QCOMPARE(shard->index, index);
    QCOMPARE(shard->count, count);
}

void TestSharding::badShardsAreRefusedWithAReason_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("reason");
    QTest::newRow("index too large") << QStringLiteral("3/3") << QStringLiteral("less than N");
    QTest::newRow("negative index") << QStringLiteral("-1/2") << QStringLiteral("not I/N");
    QTest::newRow("no workers") << QStringLiteral("1/0") << QStringLiteral("at least 1");
    QTest::newRow("no workers, index 0") << QStringLiteral("0/0") << QStringLiteral("at least 1");
    QTest::newRow("not numbers") << QStringLiteral("a/b") << QStringLiteral("not I/N");
    QTest::newRow("no count") << QStringLiteral("1") << QStringLiteral("not I/N");
    QTest::newRow("empty") << QString() << QStringLiteral("not I/N");
    QTest::newRow("three parts") << QStringLiteral("1/2/3") << QStringLiteral("not I/N");
    QTest::newRow("too many digits")
        << QStringLiteral("1/99999999999") << QStringLiteral("not I/N");
}

void TestSharding::badShardsAreRefusedWithAReason()
{
    QFETCH(QString, text);
    QFETCH(QString, reason);
    QString error;
    QVERIFY(!parseShard(text, &error));
    QVERIFY2(error.contains(reason), qPrintable(error));
    QVERIFY2(error.contains(QLatin1Char('"') + text + QLatin1Char('"')), qPrintable(error));
}

void TestSharding::indexNamesThePlaceInTheWholeList()
{
    // Each worker names its photos as one run over the whole list would: zero-padded to the
    // list's length, numbered by the place in the list, so no two workers write one name.
    const QList<BatchInput> all = photos(12);
    BatchOptions options;
    options.destination = QStringLiteral("/out");
    options.namePattern = QStringLiteral("{index}_{stem}");
    options.keepStructure = false;
    QSet<QString> names;
    for (int index = 0; index < 3; ++index) {
        const QList<BatchInput> part = shardOf(all, Shard{index, 3});
        for (int j = 0; j < part.size(); ++j) {
            // As BatchExporter calls it: the place in the run, and the run's length.
            const QString name =
                OutputNaming::outputPathFor(part.at(j), j, int(part.size()), options);
            const int k = part.at(j).listIndex;
            QCOMPARE(name, OutputNaming::outputPathFor(all.at(k), k, int(all.size()), options));
            QVERIFY2(!names.contains(name), qPrintable(name));
            names.insert(name);
        }
    }
    QCOMPARE(names.size(), all.size());
    const BatchInput third = shardOf(all, Shard{2, 3}).first();
    QCOMPARE(OutputNaming::outputPathFor(third, 0, 4, options),
             QStringLiteral("/out/03_IMG_3.png"));
    // An input that is not part of a longer list is numbered by its place in the run, as before.
    QCOMPARE(OutputNaming::outputPathFor(all.at(2), 0, 4, options),
             QStringLiteral("/out/1_IMG_3.png"));
}

void TestSharding::photosThatWouldShareAnOutputAreFound()
{
    // Flat outputs: two photos with one stem would take one name, and workers cannot number
    // them apart.
    QList<BatchInput> all = photos(3, QStringLiteral("/day1")) + photos(2, QStringLiteral("/day2"));
    BatchOptions options;
    options.destination = QStringLiteral("/out");
    options.keepStructure = false;
    const QString clash = findOutputClash(all, options);
    QVERIFY(clash.contains(QLatin1String("/day1/IMG_1.jpg")));
    QVERIFY(clash.contains(QLatin1String("/day2/IMG_1.jpg")));
    QVERIFY(clash.contains(QLatin1String("/out/IMG_1_rgba.png")));

    options.namePattern = QStringLiteral("{stem}_{index}");
    QCOMPARE(findOutputClash(all, options), QString());

    // Kept structure puts them in folders of their own.
    options.namePattern = QStringLiteral("{stem}");
    options.keepStructure = true;
    for (qsizetype k = 0; k < all.size(); ++k)
        all[k].relativeDir = k < 3 ? QStringLiteral("day1") : QStringLiteral("day2");
    QCOMPARE(findOutputClash(all, options), QString());
}

QTEST_APPLESS_MAIN(TestSharding)
#include "test_sharding.moc"
