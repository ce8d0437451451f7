// Model sidecars, presets and the input-size policy.

#include "engine/ModelSpec.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace clearcut;

class TestModelSpec : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parsesIsnetSidecar();
    void int8SidecarsAndTheirParity();
    void rejectsBadSidecars_data();
    void rejectsBadSidecars();
    void recognisesTransparentBackgroundFiles_data();
    void recognisesTransparentBackgroundFiles();
    void unknownFileWithoutSidecarIsAnError();
    void inputSizes_data();
    void inputSizes();
    void defaultModelPathHonoursOverride();
    void defaultModelIsSearchedUserFirstThenInstalledFolders();
};

void TestModelSpec::parsesIsnetSidecar()
{
    QString error;
    const auto spec = ModelSpec::fromJson(
        R"json({"name":"ISNet (DIS)","family":"isnet","input":{"policy":"fixed","width":1024,"height":1024,"multiple":32,"fast_side":512},
           "scale":1.0,"mean":[128,128,128],"std":[256,256,256],"output":"probability","minmax":false})json",
        &error);
    QVERIFY2(spec, qPrintable(error));
    QCOMPARE(spec->name, QStringLiteral("ISNet (DIS)"));
    QCOMPARE(spec->policy, ModelSpec::Policy::Fixed);
    QCOMPARE(spec->width, 1024);
    QCOMPARE(spec->fastSide, 512);
    QCOMPARE(spec->mean[1], 128.0);
    QCOMPARE(spec->std[2], 256.0);
    QCOMPARE(spec->output, ModelSpec::Output::Probability);
    QVERIFY(!spec->minmax);
}

void TestModelSpec::int8SidecarsAndTheirParity()
{
    QString error;
    const auto floatSpec = ModelSpec::fromJson(R"({"name":"n"})", &error);
    QVERIFY2(floatSpec, qPrintable(error));
    QVERIFY(!floatSpec->int8);
    QCOMPARE(int8ParityProblem(*floatSpec), QStringLiteral("not an int8 model"));

    const auto unmeasured = ModelSpec::fromJson(R"({"precision":"int8"})", &error);
    QVERIFY2(unmeasured, qPrintable(error));
    QVERIFY(unmeasured->int8);
    QVERIFY(int8ParityProblem(*unmeasured).contains(QLatin1String("no accuracy")));

    const QByteArray measured = R"({"precision":"int8","quantization":{
        "float_blocks":["stage1d","side1"],
        "accuracy":{"cat.png":{"mean_abs":0.4,"iou":0.997},"rocket.jpg":{"mean_abs":1.9,"iou":0.985}}}})";
    const auto within = ModelSpec::fromJson(measured, &error);
    QVERIFY2(within, qPrintable(error));
    QCOMPARE(within->accuracy.size(), 2);
    QCOMPARE(within->floatBlocks,
             QStringList({QStringLiteral("stage1d"), QStringLiteral("side1")}));
    QCOMPARE(int8ParityProblem(*within), QString());

    // One photo out of bounds is enough, and the reason names it with its numbers.
    const auto outside =
        ModelSpec::fromJson(QByteArray(measured).replace("0.985", "0.975"), &error);
    QVERIFY2(outside, qPrintable(error));
    const QString problem = int8ParityProblem(*outside);
    QVERIFY2(problem.contains(QLatin1String("rocket.jpg")) &&
                 problem.contains(QLatin1String("IoU 0.9750")),
             qPrintable(problem));
    const auto tooFar = ModelSpec::fromJson(QByteArray(measured).replace("1.9", "2.5"), &error);
    QVERIFY2(tooFar, qPrintable(error));
    QVERIFY(int8ParityProblem(*tooFar).contains(QLatin1String("2.50 of 255")));

    QCOMPARE(int8VariantPath(QStringLiteral("/m/isnet.pt")), QStringLiteral("/m/isnet-int8.pt"));
}

void TestModelSpec::rejectsBadSidecars_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("expected");
    QTest::newRow("not json") << QByteArray("{oops") << QStringLiteral("not a JSON object");
    QTest::newRow("policy") << QByteArray(R"({"input":{"policy":"square"}})")
                            << QStringLiteral("unknown input policy");
    QTest::newRow("mean size") << QByteArray(R"({"mean":[1,2]})") << QStringLiteral("\"mean\"");
    QTest::newRow("zero std") << QByteArray(R"({"std":[1,0,1]})") << QStringLiteral("\"std\"");
    QTest::newRow("output") << QByteArray(R"({"output":"mask"})")
                            << QStringLiteral("unknown output kind");
    // Every field checked at load, named with its limit: never a silent default, never a
    // later allocation failure or an OpenCV exception.
    const QString widthRule =
        QStringLiteral("\"input.width\" must be a whole number from 1 to 8192");
    QTest::newRow("negative size") << QByteArray(R"({"input":{"width":-4}})") << widthRule;
    QTest::newRow("zero size") << QByteArray(R"({"input":{"width":0}})") << widthRule;
    QTest::newRow("huge size") << QByteArray(R"({"input":{"width":1000000000}})") << widthRule;
    QTest::newRow("fractional size") << QByteArray(R"({"input":{"width":512.5}})") << widthRule;
    QTest::newRow("size as a string") << QByteArray(R"({"input":{"width":"1024"}})")
                                      << widthRule + QStringLiteral(" (got \"1024\")");
    QTest::newRow("size as null") << QByteArray(R"({"input":{"width":null}})") << widthRule;
    QTest::newRow("huge height") << QByteArray(R"({"input":{"height":99999}})")
                                 << QStringLiteral("\"input.height\"");
    QTest::newRow("huge multiple") << QByteArray(R"({"input":{"multiple":1e12}})")
                                   << QStringLiteral("\"input.multiple\" must be a whole number");
    QTest::newRow("negative fast side")
        << QByteArray(R"({"input":{"fast_side":-1}})") << QStringLiteral("\"input.fast_side\"");
    QTest::newRow("input not an object")
        << QByteArray(R"({"input":[1024,1024]})") << QStringLiteral("\"input\" must be an object");
    QTest::newRow("dynamic not a bool")
        << QByteArray(R"({"input":{"dynamic":"yes"}})")
        << QStringLiteral("\"input.dynamic\" must be true or false");
    QTest::newRow("policy not a string") << QByteArray(R"({"input":{"policy":3}})")
                                         << QStringLiteral("\"input.policy\" must be a string");
    QTest::newRow("scale as a string")
        << QByteArray(R"({"scale":"1/255"})") << QStringLiteral("\"scale\" must be a number");
    QTest::newRow("zero scale") << QByteArray(R"({"scale":0})") << QStringLiteral("\"scale\"");
    QTest::newRow("huge mean") << QByteArray(R"({"mean":[1e300,0,0]})")
                               << QStringLiteral("\"mean[0]\" must be a number");
    QTest::newRow("mean of strings")
        << QByteArray(R"({"mean":["a",0,0]})") << QStringLiteral("\"mean[0]\"");
    QTest::newRow("tiny std") << QByteArray(R"({"std":[1,1e-308,1]})")
                              << QStringLiteral("\"std\" must not contain 0 or values smaller");
    QTest::newRow("std not an array")
        << QByteArray(R"({"std":255})") << QStringLiteral("\"std\" must be an array of 3 numbers");
    QTest::newRow("name not a string")
        << QByteArray(R"({"name":{"a":1}})") << QStringLiteral("\"name\" must be a string");
    QTest::newRow("minmax not a bool")
        << QByteArray(R"({"minmax":1})") << QStringLiteral("\"minmax\" must be true or false");
    QTest::newRow("unknown precision")
        << QByteArray(R"({"precision":"int4"})") << QStringLiteral("unknown precision \"int4\"");
    QTest::newRow("precision not a string")
        << QByteArray(R"({"precision":8})") << QStringLiteral("\"precision\" must be a string");
    QTest::newRow("quantization not an object")
        << QByteArray(R"({"quantization":[1]})") << QStringLiteral("\"quantization\"");
    QTest::newRow("accuracy not an object")
        << QByteArray(R"({"quantization":{"accuracy":3}})") << QStringLiteral("\"accuracy\"");
    QTest::newRow("a photo's accuracy not an object")
        << QByteArray(R"({"quantization":{"accuracy":{"a.png":0.5}}})")
        << QStringLiteral("\"quantization.accuracy.a.png\" must be an object");
    QTest::newRow("negative mean difference")
        << QByteArray(R"({"quantization":{"accuracy":{"a.png":{"mean_abs":-1,"iou":1}}}})")
        << QStringLiteral("\"quantization.accuracy.a.png.mean_abs\" must be a number from 0");
    QTest::newRow("IoU above 1")
        << QByteArray(R"({"quantization":{"accuracy":{"a.png":{"mean_abs":1,"iou":1.5}}}})")
        << QStringLiteral("\"quantization.accuracy.a.png.iou\" must be a number from 0 to 1");
    QTest::newRow("IoU missing") << QByteArray(
                                        R"({"quantization":{"accuracy":{"a.png":{"mean_abs":1}}}})")
                                 << QStringLiteral("\"quantization.accuracy.a.png.iou\"");
    QTest::newRow("mean difference as a string")
        << QByteArray(R"({"quantization":{"accuracy":{"a.png":{"mean_abs":"0","iou":1}}}})")
        << QStringLiteral("\"quantization.accuracy.a.png.mean_abs\"");
    QTest::newRow("float blocks not an array")
        << QByteArray(R"({"quantization":{"float_blocks":"stage1"}})")
        << QStringLiteral("\"quantization.float_blocks\"");
    QTest::newRow("output not a string")
        << QByteArray(R"({"output":false})") << QStringLiteral("\"output\" must be a string");
}

void TestModelSpec::rejectsBadSidecars()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, expected);
    QString error;
    QVERIFY(!ModelSpec::fromJson(json, &error));
    QVERIFY2(error.contains(expected), qPrintable(error));
}

void TestModelSpec::recognisesTransparentBackgroundFiles_data()
{
    QTest::addColumn<QString>("fileName");
    QTest::addColumn<int>("size");
    QTest::newRow("base cpu") << QStringLiteral("ckpt_base_cpu.pt") << 1024;
    QTest::newRow("base cuda:0") << QStringLiteral("ckpt_base_cuda:0.pt") << 1024;
    QTest::newRow("fast cpu") << QStringLiteral("ckpt_fast_cpu.pt") << 384;
}

void TestModelSpec::recognisesTransparentBackgroundFiles()
{
    QFETCH(QString, fileName);
    QFETCH(int, size);
    QTemporaryDir dir;
    QString error;
    const auto spec = ModelSpec::forModelFile(dir.filePath(fileName), &error);
    QVERIFY2(spec, qPrintable(error));
    QCOMPARE(spec->family, QStringLiteral("inspyrenet"));
    QCOMPARE(spec->width, size);
    QCOMPARE(spec->height, size);
    QCOMPARE(spec->scale, 1.0 / 255.0);
    QCOMPARE(spec->mean[0], 0.485);
    QCOMPARE(spec->std[2], 0.225);
    QVERIFY(spec->minmax);
    QVERIFY(!spec->dynamicSizes); // traced: only its own size
    // Even with --resize dynamic it is fed at its own size.
    SegmentOptions dynamic;
    dynamic.resize = ResizeMode::Dynamic;
    dynamic.quality = Quality::Fast;
    QCOMPARE(spec->inputSizeFor({4000, 3000}, dynamic), cv::Size(size, size));
}

void TestModelSpec::unknownFileWithoutSidecarIsAnError()
{
    QTemporaryDir dir;
    QString error;
    QVERIFY(!ModelSpec::forModelFile(dir.filePath(QStringLiteral("mystery.pt")), &error));
    QVERIFY2(error.contains(QLatin1String("mystery.json")), qPrintable(error));
}

void TestModelSpec::inputSizes_data()
{
    QTest::addColumn<QSize>("photo");
    QTest::addColumn<int>("resize");
    QTest::addColumn<int>("quality");
    QTest::addColumn<QSize>("expected");
    const int st = int(ResizeMode::Static), dy = int(ResizeMode::Dynamic);
    const int best = int(Quality::Best), fast = int(Quality::Fast);
    QTest::newRow("static best") << QSize(6000, 4000) << st << best << QSize(1024, 1024);
    QTest::newRow("static fast") << QSize(6000, 4000) << st << fast << QSize(512, 512);
    // Dynamic: the longest side follows the photo's from 1024 up to 1280.
    QTest::newRow("dynamic landscape") << QSize(6000, 4000) << dy << best << QSize(1280, 864);
    QTest::newRow("dynamic portrait") << QSize(3000, 4000) << dy << best << QSize(960, 1280);
    QTest::newRow("dynamic between") << QSize(1150, 575) << dy << best << QSize(1152, 576);
    QTest::newRow("dynamic fast") << QSize(6000, 4000) << dy << fast << QSize(512, 352);
    QTest::newRow("dynamic tiny") << QSize(1000, 10) << dy << best << QSize(1024, 32);
}

void TestModelSpec::inputSizes()
{
    QFETCH(QSize, photo);
    QFETCH(int, resize);
    QFETCH(int, quality);
    QFETCH(QSize, expected);
    QString error;
    auto spec = ModelSpec::fromJson(
        R"({"input":{"policy":"fixed","width":1024,"height":1024,"multiple":32,"fast_side":512}})",
        &error);
    QVERIFY(spec);
    SegmentOptions options;
    options.resize = ResizeMode(resize);
    options.quality = Quality(quality);
    const cv::Size size = spec->inputSizeFor({photo.width(), photo.height()}, options);
    QCOMPARE(QSize(size.width, size.height), expected);
    QCOMPARE(size.width % 32, 0);
    QCOMPARE(size.height % 32, 0);
}

void TestModelSpec::defaultModelPathHonoursOverride()
{
    qputenv("CLEARCUT_MODEL_DIR", "/tmp/clearcut-models");
    QCOMPARE(defaultModelPath(), QStringLiteral("/tmp/clearcut-models/isnet.pt"));
    qunsetenv("CLEARCUT_MODEL_DIR");
    QVERIFY(defaultModelPath().endsWith(QLatin1String("/ClearCut/models/isnet.pt")));
}

void TestModelSpec::defaultModelIsSearchedUserFirstThenInstalledFolders()
{
    QTemporaryDir root;
    QVERIFY(root.isValid());
    const QString user = root.filePath(QStringLiteral("home/.local/share"));
    const QString first = root.filePath(QStringLiteral("opt/share"));
    const QString second = root.filePath(QStringLiteral("usr/share"));
    qunsetenv("CLEARCUT_MODEL_DIR");
    qputenv("XDG_DATA_HOME", user.toUtf8());
    qputenv("XDG_DATA_DIRS", (first + QLatin1Char(':') + second).toUtf8());
    const auto place = [](const QString &dir) { // checked where it is called
        QFile file(dir + QStringLiteral("/isnet.pt"));
        return QDir().mkpath(dir) && file.open(QIODevice::WriteOnly) && file.write("model") == 5;
    };
    const QString userModel = user + QStringLiteral("/ClearCut/models/isnet.pt");
    const QString secondModel = second + QStringLiteral("/clearcut/models/isnet.pt");

    const QStringList candidates = defaultModelCandidates();
    QCOMPARE(
        candidates.mid(0, 3),
        QStringList({userModel, first + QStringLiteral("/clearcut/models/isnet.pt"), secondModel}));
    // None installed: the user's folder, so the message names where setup puts it.
    QCOMPARE(defaultModelPath(), userModel);

    QVERIFY(place(second + QStringLiteral("/clearcut/models")));
    QCOMPARE(defaultModelPath(), secondModel);

    QVERIFY(place(user + QStringLiteral("/ClearCut/models")));
    QCOMPARE(defaultModelPath(), userModel);

    qunsetenv("XDG_DATA_HOME");
    qunsetenv("XDG_DATA_DIRS");
}

QTEST_APPLESS_MAIN(TestModelSpec)
#include "test_modelspec.moc"
