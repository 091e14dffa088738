#pragma once
// The two CSV files of `compare` (numbers with 10 significant digits, "nan" / "inf" when so,
// empty when a column does not apply to the row).
//
// comparison.csv — one row per (group, ranker, metric, quantity):
//   split,mode,population,model,eval_data,ranker,id,method,order,metric,higher_is_better,kind,
//   protection,ber,n,mean,std,se,dof,ci_low,ci_high,rank,diff_vs_best,diff_ci_low,diff_ci_high,
//   paired,indistinguishable_from_best
// kind: `cell` (protection, ber: statistics over the repetitions), `auc_log10_ber` (protection:
// AUC over log10 BER / axis length), `auc_protection` (ber: AUC over protection / axis length),
// `vus` (volume / domain area; rank … indistinguishable_from_best only here). model = the first
// 12 hex digits of the model checksum, eval_data those of the evaluation data's checksum; std is
// nan for propagated functionals and single repetitions, dof is inf when the variance is
// exactly 0.
//
// ranking_comparison.csv — one row per (ranking, reference, level):
//   population,reference,reference_ranker,reference_id,ranker,id,protection,k,common,jaccard,
//   dice,precision_at_k,kendall_tau_b,spearman,jaccard_ci_low,jaccard_ci_high,dice_ci_low,
//   dice_ci_high,kendall_tau_b_ci_low,kendall_tau_b_ci_high,spearman_ci_low,spearman_ci_high
// reference: `baseline` or `oracle`; precision_at_k (= dice) only for the oracle; the CI
// columns are empty without --bootstrap.
#include <string>
#include <vector>

#include "engine/compare/comparison.h"
#include "engine/compare/ranking_overlap.h"

namespace netsurf {

std::string comparisonCsv(const std::vector<GroupComparison>& groups);
std::string rankingComparisonCsv(const std::vector<RankingOverlapTable>& tables);

} // namespace netsurf
