#pragma once

// `clearcut --smoke IN... OUT.png [--select K]`: the real window takes the inputs exactly as a
// drop would, photo K (from 1, in the order given) is selected right after the drop, its
// full-quality result is saved to OUT.png through the window's Save, and once every photo is done
// one JSON line of timings is printed and the app quits (exit 0, or 1 on any failure).

#include "engine/Edits.h"
#include "engine/Types.h"
#include "ui/StallProbe.h"

#include <QElapsedTimer>
#include <QObject>
#include <QString>
#include <QStringList>

#include <optional>
#include <vector>

namespace clearcut::ui {
class MainWindow;
}

namespace clearcut::app {

class SmokeRun final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SmokeRun)

public:
    SmokeRun(ui::MainWindow *window, QStringList inputs, QString output, int select = 1);
    void start();
    // Reported in the JSON line, with the theme and the icons the window shows.
    void setTranslation(const QString &file) { m_translation = file; }
    // Given to every photo's document as it is added (--edits).
    void setEdits(std::optional<PhotoEdits> edits) { m_edits = std::move(edits); }

private:
    void onSettled();
    void finish(int exitCode, const QString &error = {});

    ui::MainWindow *m_window;
    QStringList m_inputs;
    QString m_output;
    int m_select;
    QString m_translation;
    std::optional<PhotoEdits> m_edits;
    ui::StallProbe m_probe;
    QElapsedTimer m_sinceDrop;
    qint64 m_probeStartMs = 0;
    qint64 m_windowShownMs = -1;
    ModelInfo m_model;
    int m_added = 0;
    quint64 m_selectedId = 0;
    double m_selectedResultMs = -1;
    double m_allDoneMs = -1;
    bool m_saved = false;
    bool m_done = false;
};

} // namespace clearcut::app
