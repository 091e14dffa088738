// PLACEHOLDER (being implemented): returns an internal error until the method lands.
#include "engine/rank/rank_context.h"

namespace netsurf {

Result<MethodScores> scoreFisher(RankContext&, ProgressSink&, std::stop_token) {
    return Error::internal("scoreFisher is not implemented yet");
}

Result<MethodScores> scoreHessian(RankContext&, ProgressSink&, std::stop_token) {
    return Error::internal("scoreHessian is not implemented yet");
}

Result<MethodScores> scoreHessianDelta(RankContext&, ProgressSink&, std::stop_token) {
    return Error::internal("scoreHessianDelta is not implemented yet");
}

Result<MethodScores> scoreTaylor(RankContext&, ProgressSink&, std::stop_token) {
    return Error::internal("scoreTaylor is not implemented yet");
}

} // namespace netsurf
