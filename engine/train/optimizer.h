#pragma once
// Adam (Kingma & Ba) with Keras defaults: β1 0.9, β2 0.999, ε 1e-7.
#include <Eigen/Core>
#include <vector>

namespace netsurf {

class Adam {
public:
    explicit Adam(double learningRate = 1e-3) : m_lr(learningRate) {}
    // Updates every non-empty params[i] with grads[i] (tensors with empty gradients are skipped).
    void step(std::vector<Eigen::VectorXd>& params, const std::vector<Eigen::VectorXd>& grads);
    long long steps() const { return m_t; }

private:
    double m_lr;
    double m_beta1 = 0.9, m_beta2 = 0.999, m_eps = 1e-7;
    long long m_t = 0;
    std::vector<Eigen::VectorXd> m_m, m_v;
};

} // namespace netsurf
