#pragma once

// `clearcut --smoke IMAGE OUT.png`: the real window processes IMAGE exactly as a drop would, saves
// the result, prints one JSON line of timings and quits (exit 0, or 1 on any failure).

#include "ui/StallProbe.h"

#include <QObject>
#include <QString>

namespace clearcut::ui {
class MainWindow;
}

namespace clearcut::app {

class SmokeRun final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SmokeRun)

public:
    SmokeRun(ui::MainWindow *window, QString image, QString output);
    void start();
    // Reported in the JSON line, with the theme and the icons the window shows.
    void setTranslation(const QString &file) { m_translation = file; }

private:
    void finish(int exitCode, const QString &error = {});

    ui::MainWindow *m_window;
    QString m_image;
    QString m_output;
    QString m_translation;
    ui::StallProbe m_probe;
    qint64 m_probeStartMs = 0;
    qint64 m_windowShownMs = -1;
    qint64 m_modelReadyMs = -1;
    bool m_done = false;
};

} // namespace clearcut::app
