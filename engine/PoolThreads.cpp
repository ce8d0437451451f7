#include "PoolThreads.h"

#include <QElapsedTimer>
#include <QThread>

#include <atomic>
#include <memory>

namespace clearcut {

void startThreadsNow(QThreadPool &pool)
{
    pool.setExpiryTimeout(-1);
    const int threads = pool.maxThreadCount();
    auto arrived = std::make_shared<std::atomic_int>(0);
    for (int i = 0; i < threads; ++i) {
        pool.start([arrived, threads] {
            ++*arrived;
            QElapsedTimer waited;
            waited.start();
            while (arrived->load() < threads && waited.elapsed() < 1000)
                QThread::msleep(1);
        });
    }
}

} // namespace clearcut
