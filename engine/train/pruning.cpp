#include "engine/train/pruning.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace netsurf {

double scheduledSparsity(const PruningSchedule& schedule, double target, int epoch, int epochs) {
    if (target <= 0) return -1;
    const int end = std::min(schedule.end, epochs);
    if (epoch > end) return -1;
    if (end <= schedule.begin) return epoch == end ? target : -1;
    const bool onStep = epoch >= schedule.begin && (epoch - schedule.begin) % schedule.step == 0;
    if (!onStep && epoch != end) return -1;
    const double frac = std::min(1.0, double(epoch - schedule.begin) / double(end - schedule.begin));
    return target * frac;
}

void applyMagnitudePruning(Model& model, std::vector<Eigen::VectorXd>& shadow, double sparsity) {
    for (std::size_t ti = 0; ti < model.tensors.size(); ++ti) {
        Tensor& t = model.tensors[ti];
        if (!t.prunable) continue;
        const auto n = std::size_t(t.size());
        const auto k = std::size_t(std::llround(sparsity * double(n)));
        std::vector<std::uint32_t> order(n);
        std::iota(order.begin(), order.end(), 0u);
        const Eigen::VectorXd& w = shadow[ti];
        // k smallest |w| (ties by index) are masked.
        std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
            return std::abs(w[a]) < std::abs(w[b]);
        });
        t.mask.assign(n, 1);
        for (std::size_t i = 0; i < k; ++i) {
            t.mask[order[i]] = 0;
            shadow[ti][order[i]] = 0.0;
        }
    }
}

} // namespace netsurf
