// The app's settings survive a restart, bad values fall back to defaults, the Preferences dialog
// edits a copy of them, and the About dialog tells what this build is.

#include "engine/ModelSpec.h"
#include "ui/AboutDialog.h"
#include "ui/AppSettings.h"
#include "ui/PreferencesDialog.h"
#include "ui/Theme.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QProxyStyle>
#include <QPushButton>
#include <QRadioButton>
#include <QScreen>
#include <QSettings>
#include <QStandardItemModel>
#include <QStyle>
#include <QTemporaryDir>
#include <QtTest>

#include <opencv2/core/version.hpp>

using namespace clearcut;
using namespace clearcut::ui;

Q_DECLARE_METATYPE(clearcut::ui::AppSettings)

namespace {

void compareSettings(const AppSettings &actual, const AppSettings &expected)
{
    QCOMPARE(actual.modelPath, expected.modelPath);
    QCOMPARE(actual.device, expected.device);
    QCOMPARE(actual.quality, expected.quality);
    QCOMPARE(actual.outputFormat, expected.outputFormat);
    QCOMPARE(actual.outputFolder, expected.outputFolder);
    QVERIFY2(actual.outputType == expected.outputType,
             qPrintable(QStringLiteral("output type %1, expected %2")
                            .arg(actual.outputType.toString(), expected.outputType.toString())));
    QCOMPARE(actual.adjust.threshold, expected.adjust.threshold);
    QCOMPARE(actual.adjust.reverse, expected.adjust.reverse);
    QCOMPARE(actual.adjust.refine, expected.adjust.refine);
    QCOMPARE(actual.adjust.refineStrength, expected.adjust.refineStrength);
    QCOMPARE(actual.adjust.cleanColours, expected.adjust.cleanColours);
    QCOMPARE(actual.adjust.feather, expected.adjust.feather);
    QCOMPARE(actual.adjust.shiftEdge, expected.adjust.shiftEdge);
    QVERIFY2(actual.framing == expected.framing,
             qPrintable(QStringLiteral("framing '%1' '%2', expected '%3' '%4'")
                            .arg(actual.framing.cropText(), actual.framing.canvasText(),
                                 expected.framing.cropText(), expected.framing.canvasText())));
    QCOMPARE(actual.theme, expected.theme);
}

template <typename T> T *child(QObject *parent, const char *name)
{
    T *widget = parent->findChild<T *>(QString::fromLatin1(name));
    if (!widget)
        qFatal("no child %s", name);
    return widget;
}

void selectData(QComboBox *combo, const QVariant &data)
{
    const int index = combo->findData(data);
    QVERIFY(index >= 0);
    combo->setCurrentIndex(index);
}

QString allLabelText(const QWidget *widget)
{
    QStringList texts;
    for (const QLabel *label : widget->findChildren<QLabel *>())
        texts << label->text();
    return texts.join(QLatin1Char('\n'));
}

} // namespace

class TestPreferences : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_model; // an existing file, so a custom model path is accepted
    QString m_background;

    QString iniPath(const QString &name) const { return m_dir.filePath(name + ".ini"); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_model = m_dir.filePath(QStringLiteral("ckpt_base_test.pt"));
        m_background = m_dir.filePath(QStringLiteral("beach.png"));
        for (const QString &path : {m_model, m_background}) {
            QFile file(path);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write("x");
        }
    }

    void everyFieldSurvivesARestart_data()
    {
        QTest::addColumn<AppSettings>("settings");

        QTest::newRow("defaults") << AppSettings{};

        AppSettings all;
        all.modelPath = m_model;
        all.device = DevicePreference::Cuda;
        all.quality = Quality::Fast;
        all.outputFormat = QStringLiteral("webp");
        all.outputFolder = m_dir.path();
        all.outputType = OutputType::colour(cv::Vec3b(12, 34, 56));
        all.adjust.threshold = 0.25;
        all.adjust.reverse = true;
        all.theme = Theme::Light;
        QTest::newRow("colour, threshold, reverse") << all;

        AppSettings image;
        image.device = DevicePreference::Cpu;
        image.outputFormat = QStringLiteral("tif");
        image.outputType = OutputType::backgroundImage(m_background);
        image.adjust.threshold = std::nullopt;
        image.theme = Theme::System;
        QTest::newRow("background image, no threshold") << image;

        AppSettings zero;
        zero.outputFormat = QStringLiteral("jpg");
        zero.outputType = OutputType::colour(OutputType::kGreen);
        zero.adjust.threshold = 0.0;
        zero.theme = Theme::Dark;
        QTest::newRow("green, threshold 0") << zero;

        AppSettings map;
        map.outputFormat = QStringLiteral("bmp");
        map.outputType = OutputType{OutputType::Kind::Map, {}, {}};
        QTest::newRow("map") << map;

        AppSettings edge;
        edge.adjust.refine = false;
        edge.adjust.refineStrength = 0.35;
        edge.adjust.cleanColours = false;
        edge.adjust.feather = 12;
        edge.adjust.shiftEdge = -5;
        edge.framing.crop = true;
        edge.framing.margin = 20;
        edge.framing.canvas = Framing::Canvas::Square;
        QTest::newRow("edge, crop on a square") << edge;

        AppSettings canvas;
        canvas.adjust.shiftEdge = 7;
        canvas.framing.canvas = Framing::Canvas::Size;
        canvas.framing.canvasSize = cv::Size(1200, 800);
        QTest::newRow("custom canvas") << canvas;
    }

    void everyFieldSurvivesARestart()
    {
        QFETCH(AppSettings, settings);
        const QString path = iniPath(QString::fromLatin1(QTest::currentDataTag()));
        {
            QSettings file(path, QSettings::IniFormat);
            // A threshold saved earlier must not survive one saved as unset.
            file.setValue(QStringLiteral("adjust/threshold"), 0.9);
            settings.save(file);
            file.sync();
            QCOMPARE(file.status(), QSettings::NoError);
        }
        QSettings file(path, QSettings::IniFormat);
        compareSettings(AppSettings::load(file), settings);
    }

    void emptySettingsGiveDefaults()
    {
        QSettings file(iniPath(QStringLiteral("empty")), QSettings::IniFormat);
        const AppSettings loaded = AppSettings::load(file);
        compareSettings(loaded, AppSettings{});
        QCOMPARE(loaded.effectiveModelPath(), defaultModelPath());
    }

    void garbageGivesDefaults()
    {
        const QString path = iniPath(QStringLiteral("garbage"));
        QFile raw(path);
        QVERIFY(raw.open(QIODevice::WriteOnly));
        raw.write("[model]\ndevice=gpu9\nquality=ultra\n"
                  "[output]\nformat=gif\ntype=/no/such/background.png\n"
                  "[adjust]\nthreshold=1.5\nreverse=maybe\nrefine=perhaps\nrefineStrength=2\n"
                  "cleanColours=no\nfeather=-3\nshiftEdge=wide\ncrop=lots\ncanvas=round\n"
                  "[appearance]\ntheme=purple\n");
        raw.close();

        QSettings file(path, QSettings::IniFormat);
        compareSettings(AppSettings::load(file), AppSettings{});

        file.setValue(QStringLiteral("adjust/threshold"), QStringLiteral("half"));
        file.setValue(QStringLiteral("output/type"), QStringLiteral("[300,0,0]"));
        compareSettings(AppSettings::load(file), AppSettings{});
    }

    void handWrittenValuesAreUnderstood()
    {
        const QString path = iniPath(QStringLiteral("hand"));
        QFile raw(path);
        QVERIFY(raw.open(QIODevice::WriteOnly));
        // An unquoted comma makes QSettings read a list; "JPEG" and "CUDA" in capitals.
        raw.write("[model]\ndevice=CUDA\n[output]\nformat=JPEG\ntype=[255,0,0]\n");
        raw.close();

        QSettings file(path, QSettings::IniFormat);
        const AppSettings loaded = AppSettings::load(file);
        QCOMPARE(loaded.device, DevicePreference::Cuda);
        QCOMPARE(loaded.outputFormat, QStringLiteral("jpg"));
        QVERIFY(loaded.outputType == OutputType::colour(cv::Vec3b(255, 0, 0)));
    }

    void theDefaultThemeIsDarkUnlessTheDesktopSaysOtherwise()
    {
        // The tests run on the offscreen platform: no desktop, so no preference of its own.
        const QByteArray desktop = qgetenv("XDG_CURRENT_DESKTOP");
        const QByteArray platformTheme = qgetenv("QT_QPA_PLATFORMTHEME");
        qunsetenv("XDG_CURRENT_DESKTOP");
        qunsetenv("QT_QPA_PLATFORMTHEME");
        QCOMPARE(defaultTheme(), Theme::Dark);
        QCOMPARE(AppSettings{}.theme, Theme::Dark);
        QCOMPARE(themeFromKey(QStringLiteral("purple")), Theme::Dark);
        if (!desktop.isNull())
            qputenv("XDG_CURRENT_DESKTOP", desktop);
        if (!platformTheme.isNull())
            qputenv("QT_QPA_PLATFORMTHEME", platformTheme);
    }

    void themesSetTheApplicationsLook()
    {
        applyTheme(Theme::Dark);
        const auto *proxy = qobject_cast<QProxyStyle *>(QApplication::style());
        QVERIFY(proxy);
        QCOMPARE(proxy->baseStyle()->name().toLower(), QStringLiteral("fusion"));
        // Dialog buttons without the stock pictures.
        QCOMPARE(QApplication::style()->styleHint(QStyle::SH_DialogButtonBox_ButtonsHaveIcons), 0);
        QVERIFY(QApplication::palette().color(QPalette::Window).lightness() < 80);
        QVERIFY(QApplication::palette().color(QPalette::WindowText).lightness() > 180);
        applyTheme(Theme::Light);
        QVERIFY(QApplication::palette().color(QPalette::Window).lightness() > 180);
        QVERIFY(QApplication::palette().color(QPalette::WindowText).lightness() < 80);
        applyTheme(Theme::System); // back to what the platform gave
        QVERIFY(QApplication::palette().color(QPalette::Window).lightness() > 180);
    }

    void radioButtonsAndCheckBoxesReadOnTheDarkTheme()
    {
        applyTheme(Theme::Dark);
        const QColor window = QApplication::palette().color(QPalette::Window);
        const QColor accent = QApplication::palette().color(QPalette::Highlight);
        // The most different pixel from the window colour in the indicator's square.
        const auto indicator = [&](QAbstractButton *button) {
            button->resize(button->sizeHint());
            const QImage image = button->grab().toImage();
            const int side =
                std::min(image.height(),
                         button->style()->pixelMetric(QStyle::PM_ExclusiveIndicatorWidth) + 4);
            QColor most = window;
            int best = 0;
            for (int y = 0; y < image.height(); ++y)
                for (int x = 0; x < side; ++x) {
                    const QColor c = image.pixelColor(x, y);
                    const int d = std::abs(c.red() - window.red()) +
                                  std::abs(c.green() - window.green()) +
                                  std::abs(c.blue() - window.blue());
                    if (d > best) {
                        best = d;
                        most = c;
                    }
                }
            return std::make_pair(best, most);
        };
        QRadioButton off(QStringLiteral("off"));
        QVERIFY2(indicator(&off).first > 90, "the unchecked ring is not visible");
        QRadioButton on(QStringLiteral("on"));
        on.setChecked(true);
        QCheckBox ticked(QStringLiteral("ticked"));
        ticked.setChecked(true);
        for (QAbstractButton *button :
             {static_cast<QAbstractButton *>(&on), static_cast<QAbstractButton *>(&ticked)}) {
            // The accent fill, or the white mark on it.
            bool accentSeen = false;
            const QImage image = button->grab().toImage();
            for (int y = 0; y < image.height() && !accentSeen; ++y)
                for (int x = 0; x < image.height() && !accentSeen; ++x) {
                    const QColor c = image.pixelColor(x, y);
                    accentSeen = std::abs(c.red() - accent.red()) < 12 &&
                                 std::abs(c.green() - accent.green()) < 12 &&
                                 std::abs(c.blue() - accent.blue()) < 12;
                }
            QVERIFY2(accentSeen, qPrintable(button->text()));
        }
    }

    void dialogEditsTheTheme()
    {
        AppSettings current;
        current.theme = Theme::Dark;
        PreferencesDialog dialog(current);
        auto *theme = child<QComboBox>(&dialog, "theme");
        QCOMPARE(theme->count(), 3);
        QCOMPARE(Theme(theme->currentData().toInt()), Theme::Dark);
        selectData(theme, int(Theme::Light));
        QCOMPARE(dialog.settings().theme, Theme::Light);
        child<QDialogButtonBox>(&dialog, "buttons")
            ->button(QDialogButtonBox::RestoreDefaults)
            ->click();
        QCOMPARE(dialog.settings().theme, defaultTheme());
    }

    void effectiveModelPathPrefersTheCustomOne()
    {
        AppSettings settings;
        QCOMPARE(settings.effectiveModelPath(), defaultModelPath());
        settings.modelPath = m_model;
        QCOMPARE(settings.effectiveModelPath(), m_model);
    }

    void openSettingsIsTheAppsIniFile()
    {
        const auto settings = openSettings();
        QCOMPARE(settings->format(), QSettings::IniFormat);
        QCOMPARE(settings->organizationName(), QStringLiteral("ClearCut"));
        QCOMPARE(settings->applicationName(), QStringLiteral("ClearCut"));
    }

    void dialogShowsTheGivenSettings()
    {
        AppSettings current;
        current.modelPath = m_model;
        current.device = DevicePreference::Cpu;
        current.quality = Quality::Fast;
        current.outputFormat = QStringLiteral("tif");
        current.outputFolder = m_dir.path();
        PreferencesDialog dialog(current);

        QVERIFY(child<QRadioButton>(&dialog, "modelCustom")->isChecked());
        QVERIFY(!child<QRadioButton>(&dialog, "modelDefault")->isChecked());
        QCOMPARE(child<QLineEdit>(&dialog, "modelPath")->text(), QDir::toNativeSeparators(m_model));
        QCOMPARE(child<QComboBox>(&dialog, "device")->currentData().toInt(),
                 int(DevicePreference::Cpu));
        QCOMPARE(child<QComboBox>(&dialog, "quality")->currentData().toInt(), int(Quality::Fast));
        QCOMPARE(child<QComboBox>(&dialog, "outputFormat")->currentData().toString(),
                 QStringLiteral("tif"));
        QCOMPARE(child<QLineEdit>(&dialog, "outputFolder")->text(),
                 QDir::toNativeSeparators(m_dir.path()));
        compareSettings(dialog.settings(), current);
    }

    void dialogReturnsTheEdits()
    {
        AppSettings current;
        current.outputType = OutputType{OutputType::Kind::Blur, {}, {}};
        current.adjust.threshold = 0.4;
        PreferencesDialog dialog(current);
        QVERIFY(child<QRadioButton>(&dialog, "modelDefault")->isChecked());
        QVERIFY(!child<QLineEdit>(&dialog, "modelPath")->isEnabled());

        child<QRadioButton>(&dialog, "modelCustom")->click();
        child<QLineEdit>(&dialog, "modelPath")->setText(m_model);
        selectData(child<QComboBox>(&dialog, "device"), int(DevicePreference::Cuda));
        selectData(child<QComboBox>(&dialog, "quality"), int(Quality::Fast));
        selectData(child<QComboBox>(&dialog, "outputFormat"), QStringLiteral("webp"));
        child<QLineEdit>(&dialog, "outputFolder")->setText(m_dir.path());

        AppSettings expected = current; // output type and adjustment pass through
        expected.modelPath = m_model;
        expected.device = DevicePreference::Cuda;
        expected.quality = Quality::Fast;
        expected.outputFormat = QStringLiteral("webp");
        expected.outputFolder = m_dir.path();
        compareSettings(dialog.settings(), expected);
        QVERIFY(
            child<QDialogButtonBox>(&dialog, "buttons")->button(QDialogButtonBox::Ok)->isEnabled());

        child<QRadioButton>(&dialog, "modelDefault")->click();
        QCOMPARE(dialog.settings().modelPath, QString());
    }

    void aCustomModelMustBeAnExistingFile()
    {
        PreferencesDialog dialog(AppSettings{});
        QPushButton *ok = child<QDialogButtonBox>(&dialog, "buttons")->button(QDialogButtonBox::Ok);
        QVERIFY(ok->isEnabled());
        child<QRadioButton>(&dialog, "modelCustom")->click();
        QVERIFY(!ok->isEnabled());
        child<QLineEdit>(&dialog, "modelPath")->setText(m_dir.filePath(QStringLiteral("no.pt")));
        QVERIFY(!ok->isEnabled());
        QVERIFY(!child<QLabel>(&dialog, "modelProblem")->text().isEmpty());
        child<QLineEdit>(&dialog, "modelPath")->setText(m_model);
        QVERIFY(ok->isEnabled());
    }

    void restoreDefaultsResetsTheFields()
    {
        AppSettings current;
        current.modelPath = m_model;
        current.device = DevicePreference::Cuda;
        current.quality = Quality::Fast;
        current.outputFormat = QStringLiteral("bmp");
        current.outputFolder = m_dir.path();
        current.outputType = OutputType::colour(OutputType::kWhite);
        current.adjust.reverse = true;
        PreferencesDialog dialog(current);

        child<QDialogButtonBox>(&dialog, "buttons")
            ->button(QDialogButtonBox::RestoreDefaults)
            ->click();

        AppSettings expected;
        expected.outputType = current.outputType;
        expected.adjust = current.adjust;
        compareSettings(dialog.settings(), expected);
        QVERIFY(child<QRadioButton>(&dialog, "modelDefault")->isChecked());
    }

    void aboutDialogShowsTheVersions()
    {
        AboutInfo info;
        info.appVersion = QStringLiteral("9.8.7");
        info.torchVersion = QStringLiteral("2.1.0");
        info.modelName = QStringLiteral("ISNet (DIS)");
        info.modelDevice = QStringLiteral("cuda:0");
        info.blas = QStringLiteral("OpenBLAS");
        AboutDialog dialog(info);

        const QString text = allLabelText(&dialog);
        for (const QString &expected :
             {QStringLiteral("ClearCut 9.8.7"), QStringLiteral("2.1.0"),
              QString::fromLatin1(qVersion()), QStringLiteral(CV_VERSION),
              QStringLiteral("ISNet (DIS)"), QStringLiteral("cuda:0"), QStringLiteral("OpenBLAS"),
              QStringLiteral("AGPL-3.0"), QStringLiteral("@imgly/background-removal-data"),
              QStringLiteral("MODEL_NOTICE.md")})
            QVERIFY2(text.contains(expected), qPrintable(expected));
        QVERIFY(dialog.details().contains(QStringLiteral("ClearCut 9.8.7")));
        QVERIFY(dialog.details().contains(QStringLiteral(CV_VERSION)));
    }

    void aboutDialogWrapsLongLibraryStringsWithinTheScreen()
    {
        AboutInfo info;
        QStringList words;
        for (int i = 0; i < 60; ++i)
            words << QStringLiteral("OpenBLAS-0.3.21-DYNAMIC_ARCH-NO_AFFINITY-%1").arg(i);
        info.blas = words.join(QLatin1Char(' ')); // ~2,700 characters
        AboutDialog dialog(info);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        const int screenWidth = dialog.screen()->availableGeometry().width();
        QVERIFY2(dialog.width() <= std::min(520, screenWidth),
                 qPrintable(QString::number(dialog.width())));
        const QLabel *blas = nullptr;
        for (const QLabel *label : dialog.findChildren<QLabel *>())
            if (label->text() == info.blas)
                blas = label;
        QVERIFY(blas);
        QVERIFY(blas->wordWrap());
        QVERIFY(blas->geometry().right() <= dialog.contentsRect().right());
        QVERIFY(blas->height() > 3 * blas->fontMetrics().height()); // wrapped onto many lines
    }

    void aboutDialogShowsTheAppIcon()
    {
        AboutDialog dialog(AboutInfo{});
        const auto *icon = child<QLabel>(&dialog, "appIcon");
        QVERIFY(!icon->pixmap().isNull());
        QVERIFY(!dialog.windowIcon().isNull());
    }

    void aboutDialogFillsInTheBuildsVersions()
    {
        AboutDialog dialog(AboutInfo{});
        const QString text = allLabelText(&dialog);
        QVERIFY(text.contains(QStringLiteral("ClearCut " CLEARCUT_VERSION)));
        QVERIFY(text.contains(QString::fromLatin1(qVersion())));
        QVERIFY(text.contains(QStringLiteral(CV_VERSION)));
    }

    // CUDA is offered only once the check has said it can work; until then, and when it cannot,
    // its entry is greyed with the reason. A CUDA setting stays as it is (the window falls back
    // to the CPU when it cannot load there).
    void cudaIsOfferedOnlyWhenItCanWork()
    {
        AppSettings settings;
        settings.device = DevicePreference::Cuda;
        PreferencesDialog dialog(settings);
        auto *device = child<QComboBox>(&dialog, "device");
        auto *model = qobject_cast<QStandardItemModel *>(device->model());
        QVERIFY(model);
        const auto entry = [&](DevicePreference preference) {
            return model->item(device->findData(int(preference)));
        };
        QStandardItem *cuda = entry(DevicePreference::Cuda);
        QVERIFY(cuda);
        QVERIFY(!cuda->isEnabled());
        QVERIFY2(cuda->toolTip().startsWith(QLatin1String("Checking")),
                 qPrintable(cuda->toolTip()));

        auto *note = child<QLabel>(&dialog, "deviceNote");
        QVERIFY(!note->isVisibleTo(&dialog)); // nothing to say until the check has answered

        dialog.setCudaSupport(CudaSupport::NotBuiltIn);
        QVERIFY(!cuda->isEnabled());
        QCOMPARE(cuda->toolTip(), QStringLiteral("This build of LibTorch has no CUDA"));
        // The setting is still CUDA: the dialog says, in the open, what runs instead.
        QVERIFY(note->isVisibleTo(&dialog));
        QVERIFY2(note->text().contains(QLatin1String("This build of LibTorch has no CUDA")) &&
                     note->text().contains(QLatin1String("CPU")),
                 qPrintable(note->text()));
        selectData(device, int(DevicePreference::Cpu));
        QVERIFY(!note->isVisibleTo(&dialog));
        selectData(device, int(DevicePreference::Cuda));
        QVERIFY(note->isVisibleTo(&dialog));
        dialog.setCudaSupport(CudaSupport::NoDevice);
        QVERIFY(!cuda->isEnabled());
        QCOMPARE(cuda->toolTip(), QStringLiteral("No CUDA device found"));
        dialog.setCudaSupport(CudaSupport::Available);
        QVERIFY(cuda->isEnabled());
        QVERIFY(!note->isVisibleTo(&dialog));
        QVERIFY(PreferencesDialog::cudaUnavailableReason(CudaSupport::Available).isEmpty());

        QVERIFY(entry(DevicePreference::Auto)->isEnabled());
        QVERIFY(entry(DevicePreference::Cpu)->isEnabled());
        QCOMPARE(dialog.settings().device, DevicePreference::Cuda);
    }
};

QTEST_MAIN(TestPreferences)
#include "test_preferences.moc"
