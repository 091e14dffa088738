// PLACEHOLDER (being implemented): returns an internal error until the method lands.
#include "engine/rank/rank_context.h"

namespace netsurf {

Result<MethodScores> scoreQPolar(RankContext&, ProgressSink&, std::stop_token) {
    return Error::internal("scoreQPolar is not implemented yet");
}

Result<MethodScores> scoreQPolarGrad(RankContext&, ProgressSink&, std::stop_token) {
    return Error::internal("scoreQPolarGrad is not implemented yet");
}

} // namespace netsurf
