// `clearcut --smoke`: the real window, the real default model, a real photo, through the same code
// path as a drop. Reports the UI thread's longest stall; asserts a generous bound.

#include "RealModel.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace {

// Runs `clearcut --smoke ARGS` in a clean configuration under the offscreen platform.
void startSmoke(QProcess &process, const QTemporaryDir &dir, const QStringList &args)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), dir.filePath(QStringLiteral("config")));
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    // An English locale: the app loads its English translation (plural forms and all).
    env.remove(QStringLiteral("LC_ALL"));
    env.remove(QStringLiteral("LC_MESSAGES"));
    env.insert(QStringLiteral("LANG"), QStringLiteral("en_US.UTF-8"));
    env.remove(QStringLiteral("XDG_CURRENT_DESKTOP"));
    env.remove(QStringLiteral("QT_QPA_PLATFORMTHEME"));
    process.setProcessEnvironment(env);
    process.start(QStringLiteral(CLEARCUT_GUI), QStringList{QStringLiteral("--smoke")} + args);
}

} // namespace

class TestGuiSmoke : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void smokeRunSavesTheCutOut();
    void smokeRunPaintsTheEditsThroughTheDocument();
};

void TestGuiSmoke::smokeRunSavesTheCutOut()
{
    REQUIRE_REAL_MODEL();
    QTemporaryDir dir;
    const QString out = dir.filePath(QStringLiteral("out.png"));
    QProcess process;
    startSmoke(process, dir, {QStringLiteral(CLEARCUT_TEST_DATA "/photos/messi5.jpg"), out});
    QVERIFY(process.waitForFinished(120000));
    const QByteArray stdoutText = process.readAllStandardOutput();
    QVERIFY2(process.exitCode() == 0, process.readAllStandardError().constData());
    const QJsonObject report = QJsonDocument::fromJson(stdoutText.trimmed()).object();
    QVERIFY2(report.value(QStringLiteral("ok")).toBool(), stdoutText.constData());
    const double stall = report.value(QStringLiteral("ui_max_stall_ms")).toDouble();
    qInfo("window_shown_ms %d, model_ready_ms %d, result_ms %d, ui_max_stall_ms %.1f",
          report.value(QStringLiteral("window_shown_ms")).toInt(),
          report.value(QStringLiteral("model_ready_ms")).toInt(),
          report.value(QStringLiteral("result_ms")).toInt(), stall);
    QVERIFY(report.value(QStringLiteral("window_shown_ms")).toInt() > 0);
    QVERIFY(report.value(QStringLiteral("model_ready_ms")).toInt() >=
            report.value(QStringLiteral("window_shown_ms")).toInt());
    // Generous: the goal is < 50 ms on an idle machine; CI machines are busy.
    QVERIFY2(stall < 250.0, qPrintable(QString::number(stall)));

    // The window's look comes from the app itself: its icons, its translation, its dark theme
    // (no desktop here states a preference).
    QCOMPARE(report.value(QStringLiteral("toolbar_icons")).toInt(), 8);
    QVERIFY(report.value(QStringLiteral("window_icon")).toBool());
    QCOMPARE(report.value(QStringLiteral("translation")).toString(),
             QStringLiteral(":/i18n/clearcut_en.qm"));
    QCOMPARE(report.value(QStringLiteral("style")).toString().toLower(), QStringLiteral("fusion"));

    // The saved cut-out's alpha is the reference runtime's mask.
    const cv::Mat rgba = cv::imread(out.toStdString(), cv::IMREAD_UNCHANGED);
    QCOMPARE(rgba.channels(), 4);
    const cv::Mat reference =
        cv::imread(CLEARCUT_TEST_DATA "/reference/messi5.png", cv::IMREAD_GRAYSCALE);
    cv::Mat alpha, diff;
    cv::extractChannel(rgba, alpha, 3);
    cv::absdiff(alpha, reference, diff);
    QVERIFY(cv::mean(diff)[0] <= 2.0);
}

void TestGuiSmoke::smokeRunPaintsTheEditsThroughTheDocument()
{
    REQUIRE_REAL_MODEL();
    // An erase stroke where the reference says there is subject.
    const cv::Mat reference =
        cv::imread(CLEARCUT_TEST_DATA "/reference/messi5.png", cv::IMREAD_GRAYSCALE);
    cv::Mat sure;
    cv::erode(reference > 240, sure, cv::Mat::ones(31, 31, CV_8U));
    std::vector<cv::Point> inside;
    cv::findNonZero(sure, inside);
    QVERIFY(!inside.empty());
    const cv::Point target = inside[inside.size() / 2];
    QTemporaryDir dir;
    const QString edits = dir.filePath(QStringLiteral("messi5.clearcut.json"));
    QFile file(edits);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(
        QStringLiteral(R"({"strokes": [{"mode": "erase", "radius": 8, "points": [[%1, %2]]}]})")
            .arg(target.x)
            .arg(target.y)
            .toUtf8());
    file.close();

    const QString out = dir.filePath(QStringLiteral("out.png"));
    QProcess process;
    startSmoke(process, dir,
               {QStringLiteral(CLEARCUT_TEST_DATA "/photos/messi5.jpg"), out,
                QStringLiteral("--edits"), edits});
    QVERIFY(process.waitForFinished(120000));
    QVERIFY2(process.exitCode() == 0, process.readAllStandardError().constData());
    const cv::Mat rgba = cv::imread(out.toStdString(), cv::IMREAD_UNCHANGED);
    QCOMPARE(rgba.channels(), 4);
    QCOMPARE(int(rgba.at<cv::Vec4b>(target)[3]), 0);
    QCOMPARE(int(rgba.at<cv::Vec4b>(target + cv::Point(5, 0))[3]), 0);
    // Past the brush the subject is still there.
    QVERIFY(rgba.at<cv::Vec4b>(target + cv::Point(14, 0))[3] > 200);
}

QTEST_GUILESS_MAIN(TestGuiSmoke)
#include "test_gui_smoke.moc"
