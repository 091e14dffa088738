// PLACEHOLDER (being implemented): returns an internal error until the method lands.
#include "engine/rank/rank_context.h"

namespace netsurf {

Result<MethodScores> scoreOracle(RankContext&, ProgressSink&, std::stop_token) {
    return Error::internal("scoreOracle is not implemented yet");
}

} // namespace netsurf
