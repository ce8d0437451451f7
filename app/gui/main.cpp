#include "engine/EngineThread.h"
#include "engine/ModelSpec.h"
#include "ui/MainWindow.h"

#include <QApplication>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("ClearCut"));
    QApplication::setApplicationVersion(QStringLiteral(CLEARCUT_VERSION));

    clearcut::EngineThread engineThread;
    clearcut::ui::MainWindow window(engineThread.engine(), clearcut::defaultModelPath());
    window.show();
    window.loadModel();
    return app.exec();
}
