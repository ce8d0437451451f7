// The side panel turns each user choice into one changed() signal with the right output type,
// mask adjustment and framing, uses the injected pickers instead of dialogs, and reflects values
// set from code without echoing them back.

#include "ui/AdjustPanel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QLabel>
#include <QRadioButton>
#include <QSignalSpy>
#include <QSlider>
#include <QSpinBox>
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

Adjustments emitted(const QSignalSpy &spy, int i = -1)
{
    return spy.at(i < 0 ? spy.size() - 1 : i).at(0).value<Adjustments>();
}

OutputType emittedType(const QSignalSpy &spy, int i = -1)
{
    return emitted(spy, i).type;
}

MaskAdjust emittedAdjust(const QSignalSpy &spy, int i = -1)
{
    return emitted(spy, i).adjust;
}

Framing emittedFraming(const QSignalSpy &spy, int i = -1)
{
    return emitted(spy, i).framing;
}

int canvasIndex(QComboBox *combo, Framing::Canvas canvas)
{
    const int index = combo->findData(int(canvas));
    if (index < 0)
        qFatal("no canvas choice %d", int(canvas));
    return index;
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

    void theEdgeStartsRefinedAndCleanWithNothingElse()
    {
        AdjustPanel panel;
        QVERIFY(child<QCheckBox>(&panel, "refine")->isChecked());
        QVERIFY(child<QSlider>(&panel, "refineStrength")->isEnabled());
        QCOMPARE(child<QLabel>(&panel, "refineStrengthValue")->text(), QStringLiteral("100%"));
        QVERIFY(child<QCheckBox>(&panel, "cleanColours")->isChecked());
        const MaskAdjust adjust = panel.adjust();
        QVERIFY(adjust.refine);
        QCOMPARE(adjust.refineStrength, 1.0);
        QVERIFY(adjust.cleanColours);
        QCOMPARE(adjust.feather, 0);
        QCOMPARE(adjust.shiftEdge, 0);
        QVERIFY(panel.adjust() == MaskAdjust());
        QVERIFY(panel.framing().isNoOp());
        QVERIFY(!child<QSpinBox>(&panel, "cropMargin")->isEnabled());
        QVERIFY(!child<QSpinBox>(&panel, "canvasWidth")->isVisibleTo(&panel));
    }

    void turningRefinementOffEmitsItAndDisablesItsStrength()
    {
        AdjustPanel panel;
        auto *refine = child<QCheckBox>(&panel, "refine");
        auto *strength = child<QSlider>(&panel, "refineStrength");
        QSignalSpy spy(&panel, &AdjustPanel::changed);

        refine->click();
        QCOMPARE(spy.size(), 1);
        QVERIFY(!emittedAdjust(spy).refine);
        QVERIFY(!panel.adjust().refine);
        QVERIFY(!strength->isEnabled());
        QVERIFY(!child<QLabel>(&panel, "refineStrengthValue")->isEnabled());

        refine->click();
        QCOMPARE(spy.size(), 2);
        QVERIFY(emittedAdjust(spy).refine);
        QVERIFY(strength->isEnabled());
    }

    void theStrengthSliderEmitsOnEveryStep()
    {
        AdjustPanel panel;
        auto *strength = child<QSlider>(&panel, "refineStrength");
        QSignalSpy spy(&panel, &AdjustPanel::changed);

        QVERIFY(strength->hasTracking());
        strength->setSliderDown(true);
        for (int value : {90, 60, 40}) {
            strength->setSliderPosition(value);
            QCOMPARE(emittedAdjust(spy).refineStrength, value / 100.0);
        }
        strength->setSliderDown(false);
        QCOMPARE(spy.size(), 3);
        QCOMPARE(panel.adjust().refineStrength, 0.4);
        QCOMPARE(child<QLabel>(&panel, "refineStrengthValue")->text(), QStringLiteral("40%"));
    }

    void colourCleanUpCanBeTurnedOff()
    {
        AdjustPanel panel;
        QSignalSpy spy(&panel, &AdjustPanel::changed);

        child<QCheckBox>(&panel, "cleanColours")->click();
        QCOMPARE(spy.size(), 1);
        QVERIFY(!emittedAdjust(spy).cleanColours);
        QVERIFY(emittedAdjust(spy).refine); // the rest as it was
    }

    void featherAndShiftEdgeReachTheAdjustment()
    {
        AdjustPanel panel;
        auto *feather = child<QSpinBox>(&panel, "feather");
        auto *shift = child<QSpinBox>(&panel, "shiftEdge");
        QCOMPARE(feather->minimum(), 0);
        QCOMPARE(feather->maximum(), 100);
        QCOMPARE(shift->minimum(), -50);
        QCOMPARE(shift->maximum(), 50);
        QCOMPARE(feather->suffix(), QStringLiteral(" px"));
        QCOMPARE(shift->suffix(), QStringLiteral(" px"));
        QSignalSpy spy(&panel, &AdjustPanel::changed);

        feather->setValue(12);
        QCOMPARE(spy.size(), 1);
        QCOMPARE(emittedAdjust(spy).feather, 12);
        shift->setValue(-7);
        QCOMPARE(spy.size(), 2);
        QCOMPARE(emittedAdjust(spy).shiftEdge, -7);
        QCOMPARE(emittedAdjust(spy).feather, 12);
        QCOMPARE(panel.adjust().shiftEdge, -7);

        // A number typed in counts once it is entered, not on every key.
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        feather->setFocus();
        feather->selectAll();
        QTest::keyClicks(feather, QStringLiteral("25"));
        QCOMPARE(spy.size(), 2);
        QTest::keyClick(feather, Qt::Key_Return);
        QCOMPARE(spy.size(), 3);
        QCOMPARE(emittedAdjust(spy).feather, 25);
    }

    void cropWithAMarginGivesTheFraming()
    {
        AdjustPanel panel;
        auto *crop = child<QCheckBox>(&panel, "crop");
        auto *margin = child<QSpinBox>(&panel, "cropMargin");
        QCOMPARE(margin->suffix(), QStringLiteral(" px"));
        QCOMPARE(margin->maximum(), 2000);
        QSignalSpy spy(&panel, &AdjustPanel::changed);

        crop->click();
        QCOMPARE(spy.size(), 1);
        QVERIFY(emittedFraming(spy).crop);
        QVERIFY(margin->isEnabled());

        margin->setValue(20);
        QCOMPARE(spy.size(), 2);
        const Framing framing = emittedFraming(spy);
        QVERIFY(framing.crop);
        QCOMPARE(framing.margin, 20.0);
        QVERIFY(!framing.marginPercent);
        QCOMPARE(framing.canvas, Framing::Canvas::None);
        QCOMPARE(framing.cropText(), QStringLiteral("20px"));

        crop->click();
        QCOMPARE(spy.size(), 3);
        QVERIFY(emittedFraming(spy).isNoOp());
        QVERIFY(!margin->isEnabled());
    }

    void aSquareCanvasCropsToTheSubject()
    {
        AdjustPanel panel;
        auto *crop = child<QCheckBox>(&panel, "crop");
        auto *margin = child<QSpinBox>(&panel, "cropMargin");
        auto *canvas = child<QComboBox>(&panel, "canvas");
        QSignalSpy spy(&panel, &AdjustPanel::changed);

        canvas->setCurrentIndex(canvasIndex(canvas, Framing::Canvas::Square));
        QCOMPARE(spy.size(), 1);
        QCOMPARE(emittedFraming(spy).canvas, Framing::Canvas::Square);
        QVERIFY(emittedFraming(spy).crop);
        // The box says so and cannot be unchecked; the margin applies.
        QVERIFY(crop->isChecked());
        QVERIFY(!crop->isEnabled());
        QVERIFY(margin->isEnabled());
        QVERIFY(!child<QSpinBox>(&panel, "canvasWidth")->isVisibleTo(&panel));

        // Without the canvas, the crop is what the user had chosen: off.
        canvas->setCurrentIndex(canvasIndex(canvas, Framing::Canvas::None));
        QCOMPARE(spy.size(), 2);
        QVERIFY(emittedFraming(spy).isNoOp());
        QVERIFY(!crop->isChecked());
        QVERIFY(crop->isEnabled());
        QVERIFY(!margin->isEnabled());
    }

    void aCustomCanvasShowsItsSizeAndGivesIt()
    {
        AdjustPanel panel;
        auto *canvas = child<QComboBox>(&panel, "canvas");
        auto *width = child<QSpinBox>(&panel, "canvasWidth");
        auto *height = child<QSpinBox>(&panel, "canvasHeight");
        QCOMPARE(width->minimum(), 1);
        QCOMPARE(width->maximum(), 30000);
        QCOMPARE(height->maximum(), 30000);
        QSignalSpy spy(&panel, &AdjustPanel::changed);

        canvas->setCurrentIndex(canvasIndex(canvas, Framing::Canvas::Size));
        QVERIFY(width->isVisibleTo(&panel));
        QVERIFY(height->isVisibleTo(&panel));
        QCOMPARE(spy.size(), 1);
        QCOMPARE(emittedFraming(spy).canvas, Framing::Canvas::Size);
        QCOMPARE(emittedFraming(spy).canvasSize, cv::Size(width->value(), height->value()));

        width->setValue(1200);
        height->setValue(800);
        QCOMPARE(spy.size(), 3);
        QCOMPARE(emittedFraming(spy).canvasSize, cv::Size(1200, 800));
        QCOMPARE(emittedFraming(spy).canvasText(), QStringLiteral("1200x800"));

        canvas->setCurrentIndex(canvasIndex(canvas, Framing::Canvas::Square));
        QVERIFY(!width->isVisibleTo(&panel));
    }

    void edgeAndFramingSetFromCodeShowWithoutEmitting()
    {
        AdjustPanel panel;
        QSignalSpy spy(&panel, &AdjustPanel::changed);

        MaskAdjust adjust;
        adjust.refine = false;
        adjust.refineStrength = 0.35;
        adjust.cleanColours = false;
        adjust.feather = 9;
        adjust.shiftEdge = -4;
        panel.setAdjust(adjust);
        QVERIFY(!child<QCheckBox>(&panel, "refine")->isChecked());
        QCOMPARE(child<QSlider>(&panel, "refineStrength")->value(), 35);
        QVERIFY(!child<QSlider>(&panel, "refineStrength")->isEnabled());
        QCOMPARE(child<QLabel>(&panel, "refineStrengthValue")->text(), QStringLiteral("35%"));
        QVERIFY(!child<QCheckBox>(&panel, "cleanColours")->isChecked());
        QCOMPARE(child<QSpinBox>(&panel, "feather")->value(), 9);
        QCOMPARE(child<QSpinBox>(&panel, "shiftEdge")->value(), -4);
        QVERIFY(panel.adjust() == adjust);

        Framing framing;
        framing.crop = true;
        framing.margin = 30;
        framing.canvas = Framing::Canvas::Size;
        framing.canvasSize = cv::Size(640, 480);
        panel.setFraming(framing);
        QVERIFY(child<QCheckBox>(&panel, "crop")->isChecked());
        QCOMPARE(child<QSpinBox>(&panel, "cropMargin")->value(), 30);
        QCOMPARE(child<QComboBox>(&panel, "canvas")->currentData().toInt(),
                 int(Framing::Canvas::Size));
        QVERIFY(child<QSpinBox>(&panel, "canvasWidth")->isVisibleTo(&panel));
        QCOMPARE(child<QSpinBox>(&panel, "canvasWidth")->value(), 640);
        QCOMPARE(child<QSpinBox>(&panel, "canvasHeight")->value(), 480);
        QVERIFY(panel.framing() == framing);

        // All at once, as the window shows a photo's own.
        Adjustments all{OutputType::colour(OutputType::kWhite), MaskAdjust(), Framing()};
        all.framing.crop = true;
        all.framing.margin = 12;
        panel.setAdjustments(all);
        QVERIFY(panel.adjustments() == all);
        QVERIFY(child<QCheckBox>(&panel, "refine")->isChecked());
        QVERIFY(!child<QSpinBox>(&panel, "canvasWidth")->isVisibleTo(&panel));

        // A canvas without crop frames the bare subject: shown as a crop with no margin.
        Framing bare;
        bare.canvas = Framing::Canvas::Square;
        panel.setFraming(bare);
        QVERIFY(child<QCheckBox>(&panel, "crop")->isChecked());
        QCOMPARE(child<QSpinBox>(&panel, "cropMargin")->value(), 0);
        QCOMPARE(panel.framing().canvas, Framing::Canvas::Square);
        QCOMPARE(panel.framing().margin, 0.0);

        QCOMPARE(spy.size(), 0);
    }
};

QTEST_MAIN(TestAdjustPanel)
#include "test_adjustpanel.moc"
