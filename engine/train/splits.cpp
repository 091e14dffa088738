#include "engine/train/splits.h"
#include "engine/core/message_text.h"

#include <algorithm>

#include "engine/core/rng.h"

namespace netsurf {

namespace {

Split gather(const MatrixRM& X, const Eigen::VectorXd& y, const std::vector<std::uint32_t>& rows) {
    Split s;
    s.X.resize(Eigen::Index(rows.size()), X.cols());
    s.y.resize(Eigen::Index(rows.size()));
    for (std::size_t i = 0; i < rows.size(); ++i) {
        s.X.row(Eigen::Index(i)) = X.row(rows[i]);
        s.y[Eigen::Index(i)] = y[rows[i]];
    }
    return s;
}

} // namespace

Splits makeSplits(const Dataset& data, std::uint64_t seed) {
    const auto n = std::uint32_t(data.trainX.rows());
    const std::size_t v = validationCount(n);
    auto perm = keyedPermutation(n, hashKey(seed, std::uint64_t(RngPurpose::ValidationSplit)));
    std::vector<std::uint32_t> val(perm.begin(), perm.begin() + std::ptrdiff_t(v));
    std::vector<std::uint32_t> train(perm.begin() + std::ptrdiff_t(v), perm.end());
    std::sort(val.begin(), val.end());
    std::sort(train.begin(), train.end());
    Splits s;
    s.train = gather(data.trainX, data.trainY, train);
    s.validation = gather(data.trainX, data.trainY, val);
    s.test.X = data.testX;
    s.test.y = data.testY;
    return s;
}

Result<Splits> benchmarkSplits(const Dataset& data, std::uint64_t seed) {
    Splits s = makeSplits(data, seed);
    for (const auto& [name, split] :
         {std::pair{"training", &s.train}, std::pair{"validation", &s.validation},
          std::pair{"test", &s.test}})
        if (split->size() < kMinSplitRows)
            return Error::data("dataset " + data.name + " (" + data.sourceDetail + ") gives a " +
                               name + " split of " + std::to_string(split->size()) +
                               " rows; every split needs at least " +
                               std::to_string(kMinSplitRows) + " (the data has " +
                               std::to_string(data.trainX.rows()) + " training and " +
                               std::to_string(data.testX.rows()) + " test rows)");
    return s;
}

Status validateSplitName(std::string_view name) {
    if (name == "train" || name == "validation" || name == "test") return {};
    return Error::usage("unknown split " + quoteValue(name) +
                        " (expected train, validation or test)");
}

Result<const Split*> selectSplit(const Splits& splits, std::string_view name) {
    if (auto st = validateSplitName(name); !st) return st.error();
    if (name == "train") return &splits.train;
    if (name == "validation") return &splits.validation;
    return &splits.test;
}

Dataset subsetDataset(const Dataset& data, std::size_t train, std::size_t test) {
    Dataset d = data;
    if (train > 0 && train < std::size_t(d.trainX.rows())) {
        d.trainX = data.trainX.topRows(Eigen::Index(train));
        d.trainY = data.trainY.head(Eigen::Index(train));
    }
    if (test > 0 && test < std::size_t(d.testX.rows())) {
        d.testX = data.testX.topRows(Eigen::Index(test));
        d.testY = data.testY.head(Eigen::Index(test));
    }
    return d;
}

} // namespace netsurf
