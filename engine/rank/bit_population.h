#pragma once
// The bit population of a model (SPEC §2): every bit of every kept (non-pruned) entry of every
// trainable tensor; `nonzero` also drops entries whose quantized value is 0.
// Bits are addressed as p·m + b: p indexes BitPopulation::params, b the bit (0 = MSB).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/core/result.h"
#include "engine/model/model.h"

namespace netsurf {

enum class Population { All, NonZero };
const char* toString(Population p); // "all", "nonzero"
Result<Population> parsePopulation(std::string_view text);

struct ParamRef {
    std::uint32_t tensor = 0; // index into Model::tensors
    std::uint32_t index = 0;  // flat row-major index inside the tensor
};

struct BitPopulation {
    std::vector<ParamRef> params; // tensor order, index ascending inside a tensor
    int bitsPerParam = 0;         // m of the model's scheme
    std::size_t bits() const { return params.size() * std::size_t(bitsPerParam); }
};

BitPopulation makePopulation(const Model& model, Population population);

// Stored value Q(w) of population entry p.
inline double paramValue(const Model& model, const ParamRef& p) {
    return model.tensors[p.tensor].values[Eigen::Index(p.index)];
}

} // namespace netsurf
