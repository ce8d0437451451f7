#include "SmokeRun.h"

#include "engine/Engine.h"
#include "engine/ProcessClock.h"
#include "ui/MainWindow.h"
#include "ui/PhotoSession.h"

#include <QListWidget>

#include <QAction>
#include <QApplication>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProxyStyle>
#include <QStyle>
#include <QTimer>
#include <QToolBar>

#include <cstdio>

namespace clearcut::app {

namespace {

// The kernel's high-water mark of this process's resident memory, in MB.
double peakRssMb()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n'))
        if (line.startsWith("VmHWM:"))
            return line.mid(6).trimmed().split(' ').value(0).toDouble() / 1024.0;
    return -1;
}

} // namespace

SmokeRun::SmokeRun(ui::MainWindow *window, QStringList inputs, QString output, int select)
    : m_window(window), m_inputs(std::move(inputs)), m_output(std::move(output)), m_select(select)
{
    // The probe runs from the window's first paint to the end: model loading, reading,
    // inference, compositing and saving all happen in that span.
    connect(m_window, &ui::MainWindow::firstPaint, this, [this] {
        m_windowShownMs = ProcessClock::msSinceProcessStart();
        m_probeStartMs = m_windowShownMs;
        m_probe.start();
    });
    connect(m_window->engine(), &Engine::modelReady, this,
            [this](const ModelInfo &info) { m_model = info; });
    connect(m_window->engine(), &Engine::modelFailed, this,
            [this](const QString &reason) { finish(1, reason); });
    ui::PhotoSession *session = m_window->session();
    connect(session, &ui::PhotoSession::photoAdded, this, [this, session](quint64 id) {
        if (m_edits)
            session->setEdits(id, *m_edits);
        // Photo K is clicked as soon as it is in the list, as a user would right after the drop.
        if (++m_added == m_select) {
            m_selectedId = id;
            m_window->photoList()->setCurrentRow(m_select - 1);
        }
    });
    connect(session, &ui::PhotoSession::photoChanged, this, [this, session](quint64 id) {
        const ui::PhotoSession::Photo *photo = session->photo(id);
        if (photo->state == ui::PhotoSession::State::Failed)
            return finish(1, photo->error);
        onSettled();
    });
    connect(session, &ui::PhotoSession::resultChanged, this, [this, session](quint64 id) {
        if (id != m_selectedId || m_selectedResultMs >= 0 ||
            session->photo(id)->state != ui::PhotoSession::State::Done)
            return;
        m_selectedResultMs = double(m_sinceDrop.nsecsElapsed()) / 1e6;
        session->save(id, m_output, QFileInfo(m_output).suffix().toLower());
    });
    connect(session, &ui::PhotoSession::saved, this, [this] {
        m_saved = true;
        onSettled();
    });
    connect(session, &ui::PhotoSession::saveFailed, this,
            [this](quint64, const QString &message) { finish(1, message); });
}

void SmokeRun::start()
{
    // Through the same door as a drop, before the model is ready.
    m_sinceDrop.start();
    m_window->addFiles(m_inputs);
}

void SmokeRun::onSettled()
{
    const ui::PhotoSession *session = m_window->session();
    if (m_added < m_inputs.size() && session->ids().size() < m_inputs.size())
        return;
    for (const quint64 id : session->ids())
        if (session->photo(id)->state != ui::PhotoSession::State::Done)
            return;
    if (m_allDoneMs < 0)
        m_allDoneMs = double(m_sinceDrop.nsecsElapsed()) / 1e6;
    if (m_saved)
        finish(0);
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
        {QStringLiteral("photos"), int(m_inputs.size())},
        {QStringLiteral("selected"), m_select},
        {QStringLiteral("selected_result_ms"), m_selectedResultMs},
        {QStringLiteral("all_done_ms"), m_allDoneMs},
        {QStringLiteral("peak_rss_mb"), peakRssMb()},
        {QStringLiteral("ui_max_stall_ms"), m_probe.maxStallMs()},
        {QStringLiteral("ui_max_stall_at_ms"), m_probeStartMs + m_probe.maxStallAtMs()},
        {QStringLiteral("ok"), exitCode == 0}};
    if (!error.isEmpty())
        report.insert(QStringLiteral("error"), error);
    // The model's stages, on the same clock as the CLI's --timings: when the load started, how
    // long reading and building took, and the warm-up.
    report.insert(QStringLiteral("model_ready_ms"), m_model.readyMs);
    report.insert(QStringLiteral("model_load_started_ms"), m_model.readyMs - m_model.totalMs);
    report.insert(QStringLiteral("model_load_ms"), m_model.readMs + m_model.loadMs);
    report.insert(QStringLiteral("model_warmup_ms"), m_model.warmupMs);
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
