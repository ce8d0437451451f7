#pragma once

#include "engine/inference/ModelLoader.h"

#include <QMainWindow>

class QLabel;

namespace clearcut {
class Engine;
}

namespace clearcut::ui {

class WarmupBar;

class MainWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    // engine lives on another thread; the window only connects to it and queues calls.
    MainWindow(Engine *engine, QString modelPath, QWidget *parent = nullptr);

    void loadModel();

private:
    void chooseModel();

    Engine *m_engine;
    QString m_modelPath;
    WarmupBar *m_warmup;
    QLabel *m_placeholder;
};

} // namespace clearcut::ui
