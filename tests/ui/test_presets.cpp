// Presets: their JSON (the settings' and the import/export file's), and the panel's preset row.

#include "engine/AdjustmentsJson.h"
#include "ui/AdjustPanel.h"
#include "ui/Presets.h"

#include <QComboBox>
#include <QJsonObject>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

using namespace clearcut;
using namespace clearcut::ui;

Q_DECLARE_METATYPE(clearcut::Adjustments)
Q_DECLARE_METATYPE(clearcut::ui::Preset)

namespace {

// A product-photo look: white, soft edge, cropped onto a square.
Preset shop()
{
    Preset p;
    p.name = QStringLiteral("Shop");
    p.format = QStringLiteral("jpg");
    p.adjustments.type = OutputType::colour(OutputType::kWhite);
    p.adjustments.adjust.threshold = 0.4;
    p.adjustments.adjust.refineStrength = 0.5;
    p.adjustments.adjust.cleanColours = false;
    p.adjustments.adjust.feather = 3;
    p.adjustments.adjust.shiftEdge = -2;
    p.adjustments.framing = *Framing::parse(QStringLiteral("20px"), QStringLiteral("square"));
    return p;
}

} // namespace

class TestPresets : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void jsonRoundTrips();
    void badFilesSayWhatIsWrong_data();
    void badFilesSayWhatIsWrong();
    void settingsKeepThem();
    void aPresetOfTheSameNameIsReplaced();
    void thePanelAppliesAndSavesPresets();
};

void TestPresets::initTestCase()
{
    qRegisterMetaType<Adjustments>();
    qRegisterMetaType<Preset>();
}

void TestPresets::jsonRoundTrips()
{
    Preset plain;
    plain.name = QStringLiteral("Plain");
    const QList<Preset> presets{shop(), plain};
    QString error;
    const auto back = Presets::fromJson(Presets::toJson(presets), &error);
    QVERIFY2(back, qPrintable(error));
    QCOMPARE(back->size(), 2);
    QVERIFY(back->at(0) == presets.at(0));
    QVERIFY(back->at(1) == presets.at(1));
    // Every adjustment survives on its own too (the edits file will carry them).
    const auto adjustments = AdjustmentsJson::fromJson(AdjustmentsJson::toJson(shop().adjustments));
    QVERIFY(adjustments && *adjustments == shop().adjustments);
    // Missing keys are defaults; unknown keys are ignored.
    const auto sparse = AdjustmentsJson::fromJson(
        QJsonObject{{QStringLiteral("feather"), 4}, {QStringLiteral("sparkle"), true}});
    QVERIFY(sparse);
    QCOMPARE(sparse->adjust.feather, 4);
    QVERIFY(sparse->adjust.refine);
}

void TestPresets::badFilesSayWhatIsWrong_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("expected");
    QTest::newRow("not json") << QByteArray("[1,") << QStringLiteral("not a presets file");
    QTest::newRow("no name") << QByteArray(R"({"presets": [{"adjustments": {}}]})")
                             << QStringLiteral("preset 1: it has no name");
    QTest::newRow("format") << QByteArray(R"({"presets": [{"name": "A", "format": "gif"}]})")
                            << QStringLiteral("preset 1 (A): unknown format");
    QTest::newRow("feather") << QByteArray(R"({"presets": [{"name": "A"}, {"name": "B",
                                 "adjustments": {"feather": -3}}]})")
                             << QStringLiteral("preset 2 (B): feather");
    QTest::newRow("type") << QByteArray(R"({"presets": [{"name": "A",
                              "adjustments": {"type": "sparkles"}}]})")
                          << QStringLiteral("preset 1 (A): type");
    QTest::newRow("canvas") << QByteArray(R"({"presets": [{"name": "A",
                                "adjustments": {"canvas": "0x5"}}]})")
                            << QStringLiteral("--canvas");
}

void TestPresets::badFilesSayWhatIsWrong()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, expected);
    QString error;
    QVERIFY(!Presets::fromJson(json, &error));
    QVERIFY2(error.contains(expected), qPrintable(error));
}

void TestPresets::settingsKeepThem()
{
    QTemporaryDir dir;
    QSettings settings(dir.filePath(QStringLiteral("s.ini")), QSettings::IniFormat);
    QVERIFY(Presets::load(settings).isEmpty());
    Presets::save(settings, {shop()});
    settings.sync();
    QSettings again(dir.filePath(QStringLiteral("s.ini")), QSettings::IniFormat);
    const QList<Preset> loaded = Presets::load(again);
    QCOMPARE(loaded.size(), 1);
    QVERIFY(loaded.first() == shop());
}

void TestPresets::aPresetOfTheSameNameIsReplaced()
{
    Preset other;
    other.name = QStringLiteral("Other");
    Preset newer = shop();
    newer.adjustments.adjust.feather = 9;
    const QList<Preset> list = Presets::withPreset(Presets::withPreset({shop(), other}, newer),
                                                   Preset{QStringLiteral("Third"), {}, {}});
    QCOMPARE(list.size(), 3);
    QCOMPARE(list.at(0).adjustments.adjust.feather, 9);
    QCOMPARE(list.at(2).name, QStringLiteral("Third"));
}

void TestPresets::thePanelAppliesAndSavesPresets()
{
    AdjustPanel panel;
    auto *combo = panel.findChild<QComboBox *>(QStringLiteral("preset"));
    auto *save = panel.findChild<QToolButton *>(QStringLiteral("savePreset"));
    QVERIFY(combo && save);
    panel.setPresets({shop()});
    QCOMPARE(combo->count(), 2);
    QCOMPARE(combo->currentIndex(), 0); // the defaults are no preset

    QSignalSpy changed(&panel, &AdjustPanel::changed);
    QSignalSpy chosen(&panel, &AdjustPanel::presetChosen);
    Q_EMIT combo->activated(1); // the user picks "Shop"
    QCOMPARE(changed.size(), 1);
    QVERIFY(changed.first().first().value<Adjustments>() == shop().adjustments);
    QVERIFY(panel.adjustments() == shop().adjustments);
    QCOMPARE(chosen.size(), 1);
    QCOMPARE(chosen.first().first().value<Preset>().format, QStringLiteral("jpg"));
    QCOMPARE(combo->currentIndex(), 1);

    // Changing anything leaves the preset; coming back to its values shows it again.
    auto *feather = panel.findChild<QSpinBox *>(QStringLiteral("feather"));
    QVERIFY(feather);
    feather->setValue(7);
    QCOMPARE(combo->currentIndex(), 0);
    panel.setAdjustments(shop().adjustments);
    QCOMPARE(combo->currentIndex(), 1);

    // Save asks for a name, starting from the preset shown.
    QString offered;
    panel.setNamePicker([&](const QString &current) -> std::optional<QString> {
        offered = current;
        return QStringLiteral("Shop 2");
    });
    QSignalSpy saveRequested(&panel, &AdjustPanel::presetSaveRequested);
    save->click();
    QCOMPARE(offered, QStringLiteral("Shop"));
    QCOMPARE(saveRequested.size(), 1);
    QCOMPARE(saveRequested.first().first().toString(), QStringLiteral("Shop 2"));
    panel.setNamePicker([](const QString &) { return std::nullopt; }); // cancelled
    save->click();
    QCOMPARE(saveRequested.size(), 1);
}

QTEST_MAIN(TestPresets)
#include "test_presets.moc"
