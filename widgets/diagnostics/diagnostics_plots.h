#pragma once
// The figures of a model's diagnostics (engine/analysis/diagnostics.h, diagnostics.json), drawn
// by the diagnostics page and the HTML report: ROC curves per class with their AUC, the confusion
// matrix, true vs predicted for regression, weight tensors against the scheme's range, sparsity
// per tensor, and a layer's output histogram against its limits.
#include <QString>
#include <vector>

#include "engine/analysis/diagnostics.h"

class QCustomPlot;

namespace netsurf::widgets {

// One curve per class with positives and negatives (legend: class and AUC), the chance diagonal.
void drawRoc(QCustomPlot* plot, const ClassificationDiagnostics& d);
// Rows = true class (class 0 on top), columns = predicted; colour = share of the true class's
// samples (recall per row), each cell labelled with its count.
void drawConfusion(QCustomPlot* plot, const ClassificationDiagnostics& d);
// Test-split targets against the model's predictions, with the identity line.
void drawTrueVsPredicted(QCustomPlot* plot, const RegressionDiagnostics& d,
                         const QString& targetName);
// A weight tensor's kept values (share per bin: one bin per code of the scheme where it has at
// most 256) against the scheme's [Qmin, Qmax], dashed; `when` ("initial", "trained") in the title.
void drawTensorValues(QCustomPlot* plot, const TensorDiagnostics& t, const QString& when);
// Per trainable tensor: the share pruned (not stored) and kept but zero (stacked bars, %).
void drawSparsity(QCustomPlot* plot, const std::vector<SparsityDiagnostics>& sparsity);
// A layer's output values (share per bin), with the quantized layer's limits dashed.
void drawActivation(QCustomPlot* plot, const ActivationDiagnostics& a);

} // namespace netsurf::widgets
