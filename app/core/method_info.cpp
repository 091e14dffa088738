#include "app/core/method_info.h"

#include <QObject>

namespace netsurf::app {

QString methodDescription(RankMethod m) {
    switch (m) {
    case RankMethod::Random:
        return QObject::tr("seeded random permutation (baseline)");
    case RankMethod::BitwiseMsb:
        return QObject::tr("bit planes MSB first, random inside a plane");
    case RankMethod::BitwiseLsb:
        return QObject::tr("bit planes LSB first, random inside a plane");
    case RankMethod::WeightAbsValue:
        return QObject::tr("|weight|: large weights first");
    case RankMethod::Grad:
        return QObject::tr("|gradient of the loss| per weight");
    case RankMethod::GradNorm:
        return QObject::tr("|gradient|, min-max normalized per tensor");
    case RankMethod::GradDelta:
        return QObject::tr("|gradient| with every tensor replaced by its bit-delta plane");
    case RankMethod::Fisher:
        return QObject::tr("empirical Fisher diagonal (per-sample gradients²)");
    case RankMethod::Hessian:
        return QObject::tr("top-3 Hessian eigenpairs: Σ|λ v w| per weight");
    case RankMethod::HessianDelta:
        return QObject::tr("top-3 Hessian eigenpairs with the bit delta");
    case RankMethod::QPolar:
        return QObject::tr("impact of the bit delta on the layer's inputs");
    case RankMethod::QPolarGrad:
        return QObject::tr("qpolar impact × gradient");
    case RankMethod::Taylor:
        return QObject::tr("|g δ + ½ H δ²|, second-order loss change");
    case RankMethod::Oracle:
        return QObject::tr("exact loss change of every single-bit flip (reference, slow)");
    }
    return {};
}

} // namespace netsurf::app
