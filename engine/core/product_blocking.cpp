#include "engine/core/product_blocking.h"

#include <Eigen/Core>

namespace netsurf {

void pinProductBlocking() {
    if (Eigen::l1CacheSize() == kProductL1Bytes && Eigen::l2CacheSize() == kProductL2Bytes &&
        Eigen::l3CacheSize() == kProductL3Bytes)
        return;
    Eigen::setCpuCacheSizes(kProductL1Bytes, kProductL2Bytes, kProductL3Bytes);
}

} // namespace netsurf
