#include "engine/rank/rank_method.h"

#include "engine/core/message_text.h"
#include "engine/rank/rank_context.h"

namespace netsurf {

namespace {

struct MethodEntry {
    RankMethod method;
    const char* name;
    ScoreFunction fn;
};

const std::vector<MethodEntry>& entries() {
    static const std::vector<MethodEntry> e{
        {RankMethod::Random, "random", scoreRandom},
        {RankMethod::BitwiseMsb, "bitwise_msb", scoreBitwiseMsb},
        {RankMethod::BitwiseLsb, "bitwise_lsb", scoreBitwiseLsb},
        {RankMethod::WeightAbsValue, "weight_abs_value", scoreWeightAbsValue},
        {RankMethod::Grad, "grad", scoreGrad},
        {RankMethod::GradNorm, "grad_norm", scoreGradNorm},
        {RankMethod::GradDelta, "graddelta", scoreGradDelta},
        {RankMethod::Fisher, "fisher", scoreFisher},
        {RankMethod::Hessian, "hessian", scoreHessian},
        {RankMethod::HessianDelta, "hessiandelta", scoreHessianDelta},
        {RankMethod::QPolar, "qpolar", scoreQPolar},
        {RankMethod::QPolarGrad, "qpolargrad", scoreQPolarGrad},
        {RankMethod::Taylor, "taylor", scoreTaylor},
        {RankMethod::Oracle, "oracle", scoreOracle},
    };
    return e;
}

const MethodEntry& entry(RankMethod m) { return entries()[std::size_t(m)]; }

} // namespace

const std::vector<RankMethod>& allRankMethods() {
    static const std::vector<RankMethod> all = [] {
        std::vector<RankMethod> v;
        for (const auto& e : entries()) v.push_back(e.method);
        return v;
    }();
    return all;
}

const char* toString(RankMethod m) { return entry(m).name; }
ScoreFunction scoreFunction(RankMethod m) { return entry(m).fn; }

Result<RankMethod> parseRankMethod(std::string_view text) {
    std::string valid;
    for (const auto& e : entries()) {
        if (text == e.name) return e.method;
        valid += (valid.empty() ? "" : ", ") + std::string(e.name);
    }
    return Error::usage("unknown ranking method " + quoteValue(text) + " (expected one of " +
                        valid + ")");
}

const char* toString(RankOrder o) { return o == RankOrder::Plane ? "plane" : "global"; }

Result<RankOrder> parseRankOrder(std::string_view text) {
    if (text == "plane") return RankOrder::Plane;
    if (text == "global") return RankOrder::Global;
    return Error::usage("unknown ranking order " + quoteValue(text) +
                        " (expected one of plane, global)");
}

bool usesOrder(RankMethod m) {
    return m != RankMethod::Random && m != RankMethod::BitwiseMsb && m != RankMethod::BitwiseLsb;
}

} // namespace netsurf
