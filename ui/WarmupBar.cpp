#include "WarmupBar.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QToolButton>

namespace clearcut::ui {

WarmupBar::WarmupBar(QWidget *parent)
    : QWidget(parent), m_label(new QLabel(this)), m_bar(new QProgressBar(this)),
      m_retry(new QToolButton(this)), m_choose(new QToolButton(this))
{
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_label);
    layout->addWidget(m_bar);
    layout->addWidget(m_retry);
    layout->addWidget(m_choose);
    m_bar->setRange(0, 1000);
    m_bar->setTextVisible(false);
    m_bar->setFixedWidth(160);
    m_retry->setObjectName(QStringLiteral("retryButton"));
    m_choose->setObjectName(QStringLiteral("chooseModelButton"));
    m_label->setObjectName(QStringLiteral("modelStatus"));
    m_retry->setText(tr("Retry"));
    m_choose->setText(tr("Choose model…"));
    connect(m_retry, &QToolButton::clicked, this, &WarmupBar::retryRequested);
    connect(m_choose, &QToolButton::clicked, this, &WarmupBar::chooseModelRequested);
    showLoading({});
}

void WarmupBar::showLoading(const QString &)
{
    m_label->setText(tr("Starting the model…"));
    m_bar->setValue(0);
    m_bar->show();
    m_retry->hide();
    m_choose->hide();
}

void WarmupBar::showProgress(LoadStage stage, double fraction)
{
    const double overall = overallLoadFraction(stage, fraction);
    m_label->setText(tr("%1… %2%").arg(loadStageName(stage)).arg(int(overall * 100)));
    m_bar->setValue(int(overall * 1000));
}

void WarmupBar::showReady(const ModelInfo &info)
{
    m_bar->hide();
    m_retry->hide();
    m_choose->hide();
    const QString threads = info.threads == 1 ? tr("1 thread") : tr("%1 threads").arg(info.threads);
    m_label->setText(tr("● ready — %1, %2, %3, %4")
                         .arg(info.name, info.device.toUpper(), threads, info.precision));
    m_label->setToolTip(
        tr("Loaded in %1 ms (read %2, load %3, optimise %4, warm-up %5)\nGraph: %6\nBLAS: %7")
            .arg(info.totalMs)
            .arg(info.readMs)
            .arg(info.loadMs)
            .arg(info.optimizeMs)
            .arg(info.warmupMs)
            .arg(info.optimization, info.blas));
}

void WarmupBar::showFailed(const QString &reason)
{
    m_bar->hide();
    m_label->setText(tr("Model not loaded: %1").arg(reason));
    m_retry->show();
    m_choose->show();
}

} // namespace clearcut::ui
