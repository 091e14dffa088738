#include "engine/train/optimizer.h"

#include <cmath>

namespace netsurf {

void Adam::step(std::vector<Eigen::VectorXd>& params, const std::vector<Eigen::VectorXd>& grads) {
    if (m_m.empty()) {
        m_m.resize(params.size());
        m_v.resize(params.size());
        for (std::size_t i = 0; i < params.size(); ++i) {
            m_m[i] = Eigen::VectorXd::Zero(grads[i].size());
            m_v[i] = Eigen::VectorXd::Zero(grads[i].size());
        }
    }
    ++m_t;
    // lr_t = lr · sqrt(1 − β2^t) / (1 − β1^t);  p −= lr_t · m / (sqrt(v) + ε)
    const double lrT = m_lr * std::sqrt(1.0 - std::pow(m_beta2, double(m_t))) /
                       (1.0 - std::pow(m_beta1, double(m_t)));
    for (std::size_t i = 0; i < params.size(); ++i) {
        if (grads[i].size() == 0) continue;
        m_m[i] = m_beta1 * m_m[i] + (1.0 - m_beta1) * grads[i];
        m_v[i] = m_beta2 * m_v[i] + (1.0 - m_beta2) * grads[i].cwiseAbs2();
        params[i].array() -= lrT * m_m[i].array() / (m_v[i].array().sqrt() + m_eps);
    }
}

} // namespace netsurf
