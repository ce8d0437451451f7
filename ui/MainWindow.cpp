#include "MainWindow.h"

#include "WarmupBar.h"

#include "engine/Engine.h"

#include <QFileDialog>
#include <QLabel>
#include <QStatusBar>

namespace clearcut::ui {

MainWindow::MainWindow(Engine *engine, QString modelPath, QWidget *parent)
    : QMainWindow(parent), m_engine(engine), m_modelPath(std::move(modelPath)),
      m_warmup(new WarmupBar(this)), m_placeholder(new QLabel(this))
{
    setWindowTitle(tr("ClearCut"));
    m_placeholder->setAlignment(Qt::AlignCenter);
    m_placeholder->setText(tr("Drop photos here"));
    setCentralWidget(m_placeholder);
    statusBar()->addPermanentWidget(m_warmup, 1);
    resize(1000, 700);

    connect(m_engine, &Engine::loadStarted, m_warmup, &WarmupBar::showLoading);
    connect(m_engine, &Engine::loadProgress, m_warmup, &WarmupBar::showProgress);
    connect(m_engine, &Engine::modelReady, m_warmup, &WarmupBar::showReady);
    connect(m_engine, &Engine::modelFailed, m_warmup, &WarmupBar::showFailed);
    connect(m_warmup, &WarmupBar::retryRequested, this, &MainWindow::loadModel);
    connect(m_warmup, &WarmupBar::chooseModelRequested, this, &MainWindow::chooseModel);
}

void MainWindow::loadModel()
{
    QMetaObject::invokeMethod(
        m_engine, [engine = m_engine, path = m_modelPath] { engine->loadModel(path, {}); },
        Qt::QueuedConnection);
}

void MainWindow::chooseModel()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Choose a TorchScript model"),
                                                      m_modelPath, tr("TorchScript (*.pt)"));
    if (path.isEmpty())
        return;
    m_modelPath = path;
    loadModel();
}

} // namespace clearcut::ui
