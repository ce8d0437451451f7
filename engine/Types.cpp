#include "Types.h"

#include <QCoreApplication>

#include <algorithm>
#include <array>
#include <atomic>

namespace clearcut {

quint64 SegmentRequest::nextId()
{
    static std::atomic<quint64> next{1};
    return next++;
}

QString loadStageName(LoadStage stage)
{
    switch (stage) {
    case LoadStage::Reading:
        return QCoreApplication::translate("clearcut", "Reading model");
    case LoadStage::Deserializing:
        return QCoreApplication::translate("clearcut", "Loading model");
    case LoadStage::Optimizing:
        return QCoreApplication::translate("clearcut", "Optimising");
    case LoadStage::WarmingUp:
        return QCoreApplication::translate("clearcut", "Warming up");
    }
    return {};
}

double overallLoadFraction(LoadStage stage, double fraction)
{
    // Shares of the total load time measured for the default model on a 2-core machine.
    static constexpr std::array<double, 4> share{0.1, 0.3, 0.4, 0.2};
    const int index = int(stage);
    double before = 0;
    for (int i = 0; i < index; ++i)
        before += share[i];
    return std::clamp(before + share[index] * std::clamp(fraction, 0.0, 1.0), 0.0, 1.0);
}

} // namespace clearcut
