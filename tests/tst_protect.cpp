// The protection decision: masks of the first ⌊T·p⌋ ranked bits, and their JSON/CSV/C exports.
#include "test_support.h"
#include "test_models.h"

#include <nlohmann/json.hpp>

#include "engine/core/file_io.h"
#include "engine/inject/protection_export.h"
#include "engine/rank/rank_context.h"

using namespace netsurf;

class TestProtect : public QObject {
    Q_OBJECT
    Model model = test::trainTiny(2).model;
    Ranking ranking;

private slots:
    void initTestCase() {
        ranking.config = {RankMethod::WeightAbsValue, RankOrder::Global, Population::All, 0, 0};
        ranking.population = makePopulation(model, Population::All);
        const Dataset d = test::blobs();
        const MatrixRM X = model.normalizer.apply(d.trainX);
        RankContext ctx{model, ranking.population, X, d.trainY, 0, {}, {}};
        NullProgressSink sink;
        auto s = scoreWeightAbsValue(ctx, sink, {});
        ranking.rows = orderBits(model, ranking.population, *s, ranking.config);
        ranking.id = "abcdef123456";
    }
    void masksHoldExactlyTheTopBits() {
        const ProtectionMasks p = protectionMasks(model, ranking, 0.1);
        QCOMPARE(p.totalBits, ranking.population.bits());
        QCOMPARE(p.protectedBits, std::size_t(std::floor(double(p.totalBits) * 0.1 + 1e-9)));
        std::size_t set = 0;
        for (const auto& t : p.masks)
            for (auto mk : t) set += std::size_t(__builtin_popcount(mk));
        QCOMPARE(set, p.protectedBits);
        const int m = model.scheme.m();
        for (std::size_t i = 0; i < ranking.rows.size(); ++i) {
            const ParamRef& ref = ranking.population.params[ranking.rows[i].param];
            const bool isSet = p.masks[ref.tensor][ref.index] & (1u << (m - 1 - ranking.rows[i].bit));
            QCOMPARE(isSet, i < p.protectedBits);
        }
        // pruned entries have no protected bits
        for (std::size_t t = 0; t < model.tensors.size(); ++t)
            for (std::size_t i = 0; i < p.masks[t].size(); ++i)
                if (!model.tensors[t].kept(Eigen::Index(i))) QCOMPARE(p.masks[t][i], 0u);
        QCOMPARE(protectionMasks(model, ranking, 1.0).protectedBits, ranking.rows.size());
        QCOMPARE(protectionMasks(model, ranking, 0.0).protectedBits, std::size_t(0));
    }
    void exportsAgree() {
        const ProtectionMasks p = protectionMasks(model, ranking, 0.25);
        QTemporaryDir dir;
        const auto out = test::tempPath(dir, "prot");
        auto files = writeProtectionFiles(out, model, ranking, p, {"tiny", "x.csv", 0.25});
        QVERIFY(files.ok());
        QCOMPARE(files->size(), std::size_t(3));
        const auto j = nlohmann::json::parse(*readFile(out / "protected_bits.json"));
        QCOMPARE(j.at("protected_bits").get<std::size_t>(), p.protectedBits);
        std::size_t fromJson = 0;
        for (const auto& t : j.at("tensors")) {
            const auto masks = t.at("masks").get<std::vector<std::uint32_t>>();
            QCOMPARE(masks, p.masks[std::size_t(model.tensorIndex(t.at("name").get<std::string>()))]);
            fromJson += t.at("protected_bits").get<std::size_t>();
        }
        QCOMPARE(fromJson, p.protectedBits);
        // CSV: one line per entry with protected bits, bits string = mask MSB first
        const std::string csv = *readFile(out / "protected_bits.csv");
        QVERIFY(csv.rfind("tensor,index,mask,bits\n", 0) == 0);
        std::size_t lines = 0, entries = 0;
        for (char c : csv) lines += c == '\n';
        for (const auto& t : p.masks)
            for (auto mk : t) entries += mk != 0;
        QCOMPARE(lines - 1, entries);
        QVERIFY(csv.find(",32,100000\n") != std::string::npos || csv.find(",48,110000\n") != std::string::npos ||
                csv.find(",63,111111\n") != std::string::npos);
        // C header: one array per trainable tensor with the right length
        const std::string h = *readFile(out / "protection_masks.h");
        QVERIFY(h.find("#pragma once") != std::string::npos);
        QVERIFY(h.find("static const uint8_t netsurf_protect_dense_0_kernel[48] = {") !=
                std::string::npos);
        QVERIFY(h.find("netsurf_protect_alpha_0_alpha[8]") != std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TestProtect)
#include "tst_protect.moc"
