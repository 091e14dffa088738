#pragma once
// Train / validation / test splits (SPEC §2): validation is a seeded 10 % carved out of the
// dataset's training split; test is the dataset's own test split.
#include <cstdint>
#include <string_view>

#include "engine/data/dataset.h"

namespace netsurf {

struct Split {
    MatrixRM X;
    Eigen::VectorXd y;
    std::size_t size() const { return std::size_t(X.rows()); }
};

struct Splits {
    Split train, validation, test;
};

// Rows of the validation split: the first validationCount(n) entries of the permutation keyed
// by (seed, ValidationSplit), kept in ascending order; train keeps the rest in dataset order.
Splits makeSplits(const Dataset& data, std::uint64_t seed);

// Fewest rows a split of a benchmark's dataset may have: below that a loss or metric (R²,
// Pearson, accuracy) over it is not meaningful, and an empty split would have none at all.
constexpr std::size_t kMinSplitRows = 10;

// makeSplits for a benchmark's dataset: a data error naming the dataset, its source and the
// split when the training (after the carve-out), validation or test split has fewer than
// kMinSplitRows rows.
Result<Splits> benchmarkSplits(const Dataset& data, std::uint64_t seed);

// "train", "validation" or "test"; anything else is a usage error.
Status validateSplitName(std::string_view name);
Result<const Split*> selectSplit(const Splits& splits, std::string_view name);

// First `train` training rows and `test` test rows (0 = all): small subsets for tests.
Dataset subsetDataset(const Dataset& data, std::size_t train, std::size_t test);

} // namespace netsurf
