#pragma once

// The model's state in the status bar: a progress bar with the loading stage while it warms up,
// then a small "ready" indicator, or the failure with Retry / Choose model actions.

#include "engine/Types.h"

#include <QWidget>

class QLabel;
class QProgressBar;
class QToolButton;

namespace clearcut::ui {

class WarmupBar final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(WarmupBar)

public:
    explicit WarmupBar(QWidget *parent = nullptr);

public Q_SLOTS:
    void showLoading(const QString &path);
    void showProgress(clearcut::LoadStage stage, double fraction);
    void showReady(const clearcut::ModelInfo &info);
    void showFailed(const QString &reason);

Q_SIGNALS:
    void retryRequested();
    void chooseModelRequested();

private:
    QLabel *m_label;
    QProgressBar *m_bar;
    QToolButton *m_retry;
    QToolButton *m_choose;
};

} // namespace clearcut::ui
