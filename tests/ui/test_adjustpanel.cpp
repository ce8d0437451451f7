// The side panel turns each user choice into one changed() signal with the right output type and
// mask adjustment, uses the injected pickers instead of dialogs, and reflects values set from code
// without echoing them back.

#include "ui/AdjustPanel.h"

#include <QCheckBox>
#include <QFile>
#include <QLabel>
#include <QRadioButton>
#include <QSignalSpy>
#include <QSlider>
#include <QTemporaryDir>
#include <QToolButton>
#include <QtTest>

using namespace clearcut;
using namespace clearcut::ui;

Q_DECLARE_METATYPE(clearcut::OutputType)

namespace {

template <typename T> T *child(QObject *parent, const char *name)
{
    T *widget = parent->findChild<T *>(QString::fromLatin1(name));
    if (!widget)
        qFatal("no child %s", name);
    return widget;
}

OutputType ofKind(OutputType::Kind kind)
{
    OutputType type;
    type.kind = kind;
    return type;
}

OutputType emittedType(const QSignalSpy &spy, int i = -1)
{
    return spy.at(i < 0 ? spy.size() - 1 : i).at(0).value<OutputType>();
}

MaskAdjust emittedAdjust(const QSignalSpy &spy, int i = -1)
{
    return spy.at(i < 0 ? spy.size() - 1 : i).at(1).value<MaskAdjust>();
}

QString checkedOutput(const AdjustPanel &panel)
{
    for (const QRadioButton *radio : panel.findChildren<QRadioButton *>())
        if (radio->isChecked())
            return radio->objectName();
    return QString();
}

} // namespace

class TestAdjustPanel : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_background;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_background = m_dir.filePath(QStringLiteral("beach.png"));
        QFile file(m_background);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("x");
    }

    void startsTransparentWithASoftEdge()
    {
        AdjustPanel panel;
        QVERIFY(panel.outputType() == OutputType{});
        QVERIFY(panel.adjust().isNoOp());
        QCOMPARE(checkedOutput(panel), QStringLiteral("outputRgba"));
        QVERIFY(!child<QSlider>(&panel, "threshold")->isEnabled());
    }

    void eachChoiceEmitsItsOutputType_data()
    {
        QTest::addColumn<QString>("radio");
        QTest::addColumn<OutputType>("expected");
        QTest::newRow("transparent") << "outputRgba" << OutputType{};
        QTest::newRow("white") << "outputWhite" << OutputType::colour(OutputType::kWhite);
        QTest::newRow("green") << "outputGreen" << OutputType::colour(OutputType::kGreen);
        QTest::newRow("blur") << "outputBlur" << ofKind(OutputType::Kind::Blur);
        QTest::newRow("overlay") << "outputOverlay" << ofKind(OutputType::Kind::Overlay);
        QTest::newRow("mask") << "outputMap" << ofKind(OutputType::Kind::Map);
    }

    void eachChoiceEmitsItsOutputType()
    {
        QFETCH(QString, radio);
        QFETCH(OutputType, expected);
        AdjustPanel panel;
        panel.setOutputType(expected.kind == OutputType::Kind::Blur
                                ? ofKind(OutputType::Kind::Overlay)
                                : ofKind(OutputType::Kind::Blur));
        QSignalSpy spy(&panel, &AdjustPanel::changed);

        child<QRadioButton>(&panel, radio.toLatin1().constData())->click();

        QCOMPARE(spy.size(), 1);
        QVERIFY2(emittedType(spy) == expected, qPrintable(emittedType(spy).toString()));
        QVERIFY(panel.outputType() == expected);
        QCOMPARE(checkedOutput(panel), radio);

        // Clicking the choice already made changes nothing.
        child<QRadioButton>(&panel, radio.toLatin1().constData())->click();
        QCOMPARE(spy.size(), 1);
    }

    void colourUsesThePickerAndRemembersTheColour()
    {
        AdjustPanel panel;
        int calls = 0;
        QColor offered;
        std::optional<QColor> answer = QColor(10, 20, 30);
        panel.setColourPicker([&](const QColor &current) {
            ++calls;
            offered = current;
            return answer;
        });
        QSignalSpy spy(&panel, &AdjustPanel::changed);

        child<QRadioButton>(&panel, "outputColour")->click();
        QCOMPARE(calls, 1);
        QCOMPARE(spy.size(), 1);
        QVERIFY(emittedType(spy) == OutputType::colour(cv::Vec3b(10, 20, 30)));
        QCOMPARE(checkedOutput(panel), QStringLiteral("outputColour"));

        // Back to the remembered colour without asking again.
        child<QRadioButton>(&panel, "outputWhite")->click();
        child<QRadioButton>(&panel, "outputColour")->click();
        QCOMPARE(calls, 1);
        QCOMPARE(spy.size(), 3);
        QVERIFY(emittedType(spy) == OutputType::colour(cv::Vec3b(10, 20, 30)));

        // The swatch asks for another, starting from the current one.
        answer = QColor(200, 100, 0);
        child<QToolButton>(&panel, "colourSwatch")->click();
        QCOMPARE(calls, 2);
        QCOMPARE(offered, QColor(10, 20, 30));
        QCOMPARE(spy.size(), 4);
        QVERIFY(emittedType(spy) == OutputType::colour(cv::Vec3b(200, 100, 0)));
    }

    void aCancelledColourPickerKeepsThePreviousChoice()
    {
        AdjustPanel panel;
        panel.setOutputType(ofKind(OutputType::Kind::Blur));
        int calls = 0;
        panel.setColourPicker([&](const QColor &) -> std::optional<QColor> {
            ++calls;
            return std::nullopt;
        });
        QSignalSpy spy(&panel, &AdjustPanel::changed);

        child<QRadioButton>(&panel, "outputColour")->click();
        QCOMPARE(calls, 1);
        QCOMPARE(spy.size(), 0);
        QVERIFY(panel.outputType() == ofKind(OutputType::Kind::Blur));
        QCOMPARE(checkedOutput(panel), QStringLiteral("outputBlur"));

        child<QToolButton>(&panel, "colourSwatch")->click();
        QCOMPARE(calls, 2);
        QCOMPARE(spy.size(), 0);
        QCOMPARE(checkedOutput(panel), QStringLiteral("outputBlur"));
    }

    void imageUsesThePicker()
    {
        AdjustPanel panel;
        std::optional<QString> answer;
        int calls = 0;
        panel.setImagePicker([&](const QString &) {
            ++calls;
            return answer;
        });
        QSignalSpy spy(&panel, &AdjustPanel::changed);

        child<QRadioButton>(&panel, "outputImage")->click(); // cancelled
        QCOMPARE(calls, 1);
        QCOMPARE(spy.size(), 0);
        QCOMPARE(checkedOutput(panel), QStringLiteral("outputRgba"));

        answer = m_background;
        child<QRadioButton>(&panel, "outputImage")->click();
        QCOMPARE(calls, 2);
        QCOMPARE(spy.size(), 1);
        QVERIFY(emittedType(spy) == OutputType::backgroundImage(m_background));
        QCOMPARE(checkedOutput(panel), QStringLiteral("outputImage"));
        QVERIFY(
            child<QToolButton>(&panel, "imageChooser")->text().contains(QStringLiteral("beach")));
    }

    void hardEdgeGivesAThreshold()
    {
        AdjustPanel panel;
        auto *hardEdge = child<QCheckBox>(&panel, "hardEdge");
        auto *slider = child<QSlider>(&panel, "threshold");
        QSignalSpy spy(&panel, &AdjustPanel::changed);

        hardEdge->click();
        QCOMPARE(spy.size(), 1);
        QCOMPARE(emittedAdjust(spy).threshold, std::optional<double>(0.5));
        QVERIFY(slider->isEnabled());
        QCOMPARE(child<QLabel>(&panel, "thresholdValue")->text(), QStringLiteral("50%"));

        // Dragging emits on every step.
        QVERIFY(slider->hasTracking());
        slider->setSliderDown(true);
        for (int value : {55, 60, 75}) {
            slider->setSliderPosition(value);
            QCOMPARE(emittedAdjust(spy).threshold, std::optional<double>(value / 100.0));
        }
        slider->setSliderDown(false);
        QCOMPARE(spy.size(), 4);
        QCOMPARE(panel.adjust().threshold, std::optional<double>(0.75));
        QCOMPARE(child<QLabel>(&panel, "thresholdValue")->text(), QStringLiteral("75%"));

        slider->setValue(0);
        QCOMPARE(emittedAdjust(spy).threshold, std::optional<double>(0.0));
        slider->setValue(100);
        QCOMPARE(emittedAdjust(spy).threshold, std::optional<double>(1.0));

        hardEdge->click();
        QCOMPARE(emittedAdjust(spy).threshold, std::nullopt);
        QVERIFY(!slider->isEnabled());
        QVERIFY(panel.adjust().isNoOp());
    }

    void reverseKeepsTheBackground()
    {
        AdjustPanel panel;
        panel.setOutputType(ofKind(OutputType::Kind::Map));
        QSignalSpy spy(&panel, &AdjustPanel::changed);

        child<QCheckBox>(&panel, "reverse")->click();
        QCOMPARE(spy.size(), 1);
        QVERIFY(emittedAdjust(spy).reverse);
        QVERIFY(emittedType(spy) == ofKind(OutputType::Kind::Map));

        child<QCheckBox>(&panel, "reverse")->click();
        QCOMPARE(spy.size(), 2);
        QVERIFY(!emittedAdjust(spy).reverse);
    }

    void valuesSetFromCodeShowWithoutEmitting()
    {
        AdjustPanel panel;
        QSignalSpy spy(&panel, &AdjustPanel::changed);

        panel.setOutputType(OutputType::colour(cv::Vec3b(1, 2, 3)));
        QCOMPARE(checkedOutput(panel), QStringLiteral("outputColour"));
        QCOMPARE(child<QToolButton>(&panel, "colourSwatch")->text(), QStringLiteral("#010203"));
        panel.setOutputType(OutputType::colour(OutputType::kWhite));
        QCOMPARE(checkedOutput(panel), QStringLiteral("outputWhite"));
        panel.setOutputType(OutputType::backgroundImage(m_background));
        QCOMPARE(checkedOutput(panel), QStringLiteral("outputImage"));
        QVERIFY(panel.outputType() == OutputType::backgroundImage(m_background));

        MaskAdjust adjust;
        adjust.threshold = 0.3;
        adjust.reverse = true;
        panel.setAdjust(adjust);
        QVERIFY(child<QCheckBox>(&panel, "hardEdge")->isChecked());
        QCOMPARE(child<QSlider>(&panel, "threshold")->value(), 30);
        QVERIFY(child<QSlider>(&panel, "threshold")->isEnabled());
        QCOMPARE(child<QLabel>(&panel, "thresholdValue")->text(), QStringLiteral("30%"));
        QVERIFY(child<QCheckBox>(&panel, "reverse")->isChecked());
        QCOMPARE(panel.adjust().threshold, std::optional<double>(0.3));
        QVERIFY(panel.adjust().reverse);

        panel.setAdjust(MaskAdjust{});
        QVERIFY(!child<QCheckBox>(&panel, "hardEdge")->isChecked());
        QVERIFY(!child<QSlider>(&panel, "threshold")->isEnabled());
        QVERIFY(!child<QCheckBox>(&panel, "reverse")->isChecked());
        QVERIFY(panel.adjust().isNoOp());

        QCOMPARE(spy.size(), 0);

        // The colour set from code is the one the Colour choice goes back to.
        panel.setOutputType(OutputType::colour(cv::Vec3b(1, 2, 3)));
        panel.setOutputType(OutputType{});
        panel.setColourPicker([](const QColor &) -> std::optional<QColor> {
            qFatal("the picker should not be asked");
            return std::nullopt;
        });
        child<QRadioButton>(&panel, "outputColour")->click();
        QCOMPARE(spy.size(), 1);
        QVERIFY(emittedType(spy) == OutputType::colour(cv::Vec3b(1, 2, 3)));
    }
};

QTEST_MAIN(TestAdjustPanel)
#include "test_adjustpanel.moc"
