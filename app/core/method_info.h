#pragma once
// One line per ranking method for the run configuration (SPEC §3, docs/rankings.md).
#include <QString>

#include "engine/rank/rank_method.h"

namespace netsurf::app {

QString methodDescription(RankMethod method);

} // namespace netsurf::app
