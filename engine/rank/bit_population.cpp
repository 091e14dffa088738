#include "engine/rank/bit_population.h"

#include "engine/core/message_text.h"

namespace netsurf {

const char* toString(Population p) { return p == Population::All ? "all" : "nonzero"; }

Result<Population> parsePopulation(std::string_view text) {
    if (text == "all") return Population::All;
    if (text == "nonzero") return Population::NonZero;
    return Error::usage("unknown population " + quoteValue(text) +
                        " (expected one of all, nonzero)");
}

BitPopulation makePopulation(const Model& model, Population population) {
    BitPopulation pop;
    pop.bitsPerParam = model.scheme.m();
    for (std::size_t t = 0; t < model.tensors.size(); ++t) {
        const Tensor& tensor = model.tensors[t];
        if (!tensor.trainable) continue;
        for (Eigen::Index i = 0; i < tensor.size(); ++i) {
            if (!tensor.kept(i)) continue;
            if (population == Population::NonZero && tensor.values[i] == 0.0) continue;
            pop.params.push_back({std::uint32_t(t), std::uint32_t(i)});
        }
    }
    return pop;
}

} // namespace netsurf
