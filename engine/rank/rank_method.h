#pragma once
// Ranking methods, orders and the scores a method produces (SPEC §3).
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/core/result.h"
#include "engine/rank/bit_population.h"

namespace netsurf {

enum class RankMethod {
    Random, BitwiseMsb, BitwiseLsb, WeightAbsValue, Grad, GradNorm, GradDelta, Fisher, Hessian,
    HessianDelta, QPolar, QPolarGrad, Taylor, Oracle,
};
const std::vector<RankMethod>& allRankMethods();  // in the order of the table above
const char* toString(RankMethod m);               // "bitwise_msb", …
Result<RankMethod> parseRankMethod(std::string_view text); // lists the valid names on error

enum class RankOrder { Plane, Global };
const char* toString(RankOrder o); // "plane", "global"
Result<RankOrder> parseRankOrder(std::string_view text);

// Whether the order option applies (random and bitwise_* ignore it).
bool usesOrder(RankMethod m);

// What a method computes. Per-parameter scores are combined with the bit for the global order.
enum class ScoreKind { PerParam, PerBit };
enum class GlobalCombine { AbsDelta, DeltaSquared }; // score·|δ_{p,b}| or score·δ_{p,b}²

struct MethodScores {
    ScoreKind kind = ScoreKind::PerBit;
    GlobalCombine combine = GlobalCombine::AbsDelta;
    // PerParam: one score per population entry; PerBit: index p·m + b (b = 0 is the MSB).
    // Larger = more vulnerable = protected first.
    std::vector<double> values;
    // Diagnostics written into the ranking file's header (convergence of iterative methods,
    // eigenvalues, probe counts, …).
    std::vector<std::pair<std::string, double>> diagnostics;
};

} // namespace netsurf
