#include "SmokeRun.h"

#include "engine/Engine.h"
#include "engine/ProcessClock.h"
#include "ui/MainWindow.h"
#include "ui/PhotoSession.h"

#include <QAction>
#include <QApplication>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProxyStyle>
#include <QStyle>
#include <QTimer>
#include <QToolBar>

#include <cstdio>

namespace clearcut::app {

SmokeRun::SmokeRun(ui::MainWindow *window, QString image, QString output)
    : m_window(window), m_image(std::move(image)), m_output(std::move(output))
{
    // The probe runs from the window's first paint to the end: model loading, decoding,
    // inference, compositing and saving all happen in that span.
    connect(m_window, &ui::MainWindow::firstPaint, this, [this] {
        m_windowShownMs = ProcessClock::msSinceProcessStart();
        m_probeStartMs = m_windowShownMs;
        m_probe.start();
    });
    connect(m_window->engine(), &Engine::modelReady, this,
            [this](const ModelInfo &info) { m_modelReadyMs = info.readyMs; });
    connect(m_window->engine(), &Engine::modelFailed, this,
            [this](const QString &reason) { finish(1, reason); });
    ui::PhotoSession *session = m_window->session();
    connect(session, &ui::PhotoSession::photoChanged, this, [this, session](quint64 id) {
        const ui::PhotoSession::Photo *photo = session->photo(id);
        if (photo->state == ui::PhotoSession::State::Failed)
            finish(1, photo->error);
    });
    connect(session, &ui::PhotoSession::resultChanged, this, [this, session](quint64 id) {
        if (session->photo(id)->state == ui::PhotoSession::State::Done)
            session->save(id, m_output, QFileInfo(m_output).suffix().toLower());
    });
    connect(session, &ui::PhotoSession::saved, this, [this] { finish(0); });
    connect(session, &ui::PhotoSession::saveFailed, this,
            [this](quint64, const QString &message) { finish(1, message); });
}

void SmokeRun::start()
{
    // Through the same door as a drop, before the model is ready.
    m_window->addFiles({m_image});
}

void SmokeRun::finish(int exitCode, const QString &error)
{
    if (m_done)
        return;
    m_done = true;
    m_probe.stop();
    QJsonObject report{
        {QStringLiteral("window_shown_ms"), m_windowShownMs},
        {QStringLiteral("result_ms"), ProcessClock::msSinceProcessStart()},
        {QStringLiteral("ui_max_stall_ms"), m_probe.maxStallMs()},
        {QStringLiteral("ui_max_stall_at_ms"), m_probeStartMs + m_probe.maxStallAtMs()},
        {QStringLiteral("ok"), exitCode == 0}};
    if (!error.isEmpty())
        report.insert(QStringLiteral("error"), error);
    report.insert(QStringLiteral("model_ready_ms"), m_modelReadyMs);
    // What an installed app must show: its translation, theme and icons from its resources.
    int toolbarIcons = 0;
    if (const auto *toolbar = m_window->findChild<QToolBar *>(QStringLiteral("mainToolbar"))) {
        for (const QAction *action : toolbar->actions())
            toolbarIcons += action->isSeparator() || action->icon().isNull() ? 0 : 1;
    }
    report.insert(QStringLiteral("toolbar_icons"), toolbarIcons);
    report.insert(QStringLiteral("window_icon"), !m_window->windowIcon().isNull());
    report.insert(QStringLiteral("translation"), m_translation);
    const QStyle *style = QApplication::style();
    if (const auto *proxy = qobject_cast<const QProxyStyle *>(style))
        style = proxy->baseStyle();
    report.insert(QStringLiteral("style"), style->name());
    report.insert(QStringLiteral("window_colour"),
                  QApplication::palette().color(QPalette::Window).name());
    std::printf("%s\n", QJsonDocument(report).toJson(QJsonDocument::Compact).constData());
    std::fflush(stdout);
    QTimer::singleShot(0, qApp, [exitCode] { QCoreApplication::exit(exitCode); });
}

} // namespace clearcut::app
