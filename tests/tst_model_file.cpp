// model.json is checked as a whole when it is read (issue 11, items 1, 2 and 4): every tensor the
// architecture needs exactly once with its shape and role, task / loss / output layer agreeing
// with each other and with the benchmark, values on the grid, pruned entries zero. Each
// mutation of a valid file is a data error naming the file and the violation; the crashes the
// audit found (a regression model declaring cross-entropy, a tensor listed twice) are run
// through the CLI and end with exit 1 and one line.
#include "cli_runner.h"
#include "test_models.h"
#include "test_support.h"

#include <functional>
#include <nlohmann/json.hpp>

#include "engine/core/file_io.h"
#include "engine/storage/model_file.h"

using namespace netsurf;
using nlohmann::json;
using Mutation = std::function<void(json&)>;

namespace {

// A valid model file of `bench` (stand-in data, every kernel partly pruned), as JSON.
json validModel(const std::string& bench, const QTemporaryDir& dir) {
    ModelFile f;
    f.model = test::makeCase(bench, QuantScheme()).model;
    f.pruning = 0.125;
    const auto path = test::tempPath(dir, bench + "-valid.json");
    if (!saveModelFile(path, f)) qFatal("cannot save");
    return json::parse(*readFile(path));
}

json& tensorNamed(json& j, const std::string& name) {
    for (json& t : j["tensors"])
        if (t["name"] == name) return t;
    qFatal("no tensor %s", name.c_str());
}

json& layerNamed(json& j, const std::string& name) {
    for (json& l : j["layers"])
        if (l["name"] == name) return l;
    qFatal("no layer %s", name.c_str());
}

// The first kept, non-zero entry of a kernel.
std::size_t keptNonZero(const json& t) {
    for (std::size_t i = 0; i < t["values"].size(); ++i)
        if (t["mask"][i] == 1 && t["values"][i].get<double>() != 0) return i;
    qFatal("no kept non-zero entry");
}

const char* kCliModel[] = {"--benchmark", "autompg", "--quant", "q<6,2,1>", "--pruning", "0.125"};

} // namespace

Q_DECLARE_METATYPE(Mutation)

class TestModelFile : public QObject {
    Q_OBJECT
private slots:
    void everyBenchmarkRoundTrips_data() {
        QTest::addColumn<QString>("bench");
        for (const char* b : {"mnist_fnn", "fashion_mnist_fnn", "autompg", "smartpixel_small"})
            QTest::newRow(b) << b;
    }
    void everyBenchmarkRoundTrips() {
        QFETCH(QString, bench);
        QTemporaryDir dir;
        const json j = validModel(bench.toStdString(), dir);
        const auto path = test::tempPath(dir, "model.json");
        QVERIFY(atomicWriteFile(path, j.dump()).ok());
        auto f = loadModelFile(path);
        QVERIFY2(f.ok(), f.ok() ? "" : f.error().message.c_str());
    }

    void inconsistentFilesAreRefused_data() {
        QTest::addColumn<QString>("bench");
        QTest::addColumn<Mutation>("mutate");
        QTest::addColumn<QString>("needle");
        const auto row = [](const char* name, const char* bench, Mutation m, const char* needle) {
            QTest::newRow(name) << bench << m << needle;
        };
        row(
            "regression declares cross-entropy", "autompg",
            [](json& j) { j["loss"] = "cross_entropy"; }, "found loss cross_entropy");
        row(
            "classification declares mse", "mnist_fnn", [](json& j) { j["loss"] = "mse"; },
            "a classification model needs loss cross_entropy");
        row(
            "regression declares classification", "autompg",
            [](json& j) { j["task"] = "classification"; }, "a classification model needs");
        row(
            "unknown task", "autompg", [](json& j) { j["task"] = "regresion"; },
            "\"task\" is 'regresion', expected classification or regression");
        row(
            "tensor listed twice", "mnist_fnn",
            [](json& j) { j["tensors"].push_back(j["tensors"][2]); },
            "tensor alpha_0/alpha is listed more than once");
        row(
            "tensor missing", "autompg",
            [](json& j) {
                auto& t = j["tensors"];
                for (std::size_t i = 0; i < t.size(); ++i)
                    if (t[i]["name"] == "alpha_0/beta") t.erase(i);
            },
            "layer alpha_0 refers to a missing beta tensor alpha_0/beta");
        row(
            "tensor no layer uses", "autompg",
            [](json& j) {
                json extra = tensorNamed(j, "dense_0/bias");
                extra["name"] = "spare/bias";
                j["tensors"].push_back(extra);
            },
            "tensor spare/bias is not used by any layer");
        row(
            "tensor used twice", "autompg",
            [](json& j) { layerNamed(j, "alpha_1")["tensors"]["beta"] = "alpha_0/beta"; },
            "is used by more than one layer");
        row(
            "tensors out of order", "autompg",
            [](json& j) { std::swap(j["tensors"][0], j["tensors"][1]); },
            "tensor 0 is dense_0/bias, benchmark autompg expects dense_0/kernel there");
        row(
            "kernel shape transposed", "autompg",
            [](json& j) {
                tensorNamed(j, "dense_0/kernel")["shape"] = {64, 9};
            },
            "tensor dense_0/kernel has shape [64, 9], expected [9, 64] for layer dense_0");
        row(
            "value off the grid", "autompg",
            [](json& j) { tensorNamed(j, "dense_0/bias")["values"][0] = -0.1250000001; },
            "value -0.1250000001 at index 0 is not a stored value of q<6,2,1>");
        row(
            "pruned entry not zero", "mnist_fnn",
            [](json& j) {
                json& t = tensorNamed(j, "dense_1/kernel");
                t["mask"][keptNonZero(t)] = 0;
            },
            "is pruned (mask 0) but not 0");
        row(
            "mask on a bias", "autompg",
            [](json& j) {
                json& t = tensorNamed(j, "dense_2/bias");
                t["mask"] = json::array({1});
            },
            "tensor dense_2/bias has a pruning mask but is not prunable");
        row(
            "mask value 2", "autompg",
            [](json& j) { tensorNamed(j, "dense_0/kernel")["mask"][0] = 2; },
            "holds a value other than 0 and 1");
        row(
            "moving statistic trainable", "smartpixel_small",
            [](json& j) { tensorNamed(j, "bn_0/moving_mean")["trainable"] = true; },
            "tensor bn_0/moving_mean is used as the moving_mean of layer bn_0, which is stored "
            "with trainable false and prunable false");
        row(
            "negative variance", "smartpixel_small",
            [](json& j) { tensorNamed(j, "bn_0/moving_variance")["values"][3] = -0.5; },
            "tensor bn_0/moving_variance has a negative variance at index 3");
        row(
            "extra layer", "autompg",
            [](json& j) {
                j["layers"].push_back(
                    {{"name", "qrelu_9"}, {"kind", "qrelu"}, {"in", 1}, {"out", 1}});
            },
            "benchmark autompg has 7 layers, the file 8");
        row(
            "narrower hidden layer", "autompg",
            [](json& j) { layerNamed(j, "dense_0")["out"] = 32; },
            "layer alpha_0 expects 64 inputs but the previous layer gives 32");
        row(
            "input shape", "mnist_fnn", [](json& j) { j["input_shape"] = {784}; },
            "benchmark mnist_fnn takes inputs of shape [28, 28], the file declares [784]");
        row(
            "normalizer range", "autompg", [](json& j) { j["normalizer"]["out_min"] = -3.5; },
            "the normalizer maps onto [-3.5, 3.875], expected the range of q<6,2,1>");
        row(
            "normalizer min above max", "autompg", [](json& j) { j["normalizer"]["min"][4] = 1e9; },
            "the normalizer's min/max of input 4 are not finite with min <= max");
        row(
            "pruning out of range", "autompg", [](json& j) { j["pruning"] = 1.5; },
            "pruning 1.5 is not a fraction in [0, 1)");
        row(
            "a value is null", "autompg",
            [](json& j) { tensorNamed(j, "dense_0/kernel")["values"][5] = nullptr; },
            "values of tensor dense_0/kernel must contain only numbers");
    }
    void inconsistentFilesAreRefused() {
        QFETCH(QString, bench);
        QFETCH(Mutation, mutate);
        QFETCH(QString, needle);
        QTemporaryDir dir;
        json j = validModel(bench.toStdString(), dir);
        mutate(j);
        const auto path = test::tempPath(dir, "model.json");
        QVERIFY(atomicWriteFile(path, j.dump()).ok());
        auto f = loadModelFile(path);
        QVERIFY(!f.ok());
        QCOMPARE(f.error().kind, ErrorKind::Data);
        const QString msg = QString::fromStdString(f.error().message);
        QVERIFY2(msg.startsWith("model file " + QString::fromStdString(path.string())),
                 qPrintable(msg));
        QVERIFY2(msg.contains(needle), qPrintable(msg));
    }

    void directoryIsNotAFile() {
        QTemporaryDir dir;
        const auto path = test::tempPath(dir, "model.json");
        std::filesystem::create_directories(path);
        auto f = loadModelFile(path);
        QVERIFY(!f.ok());
        QCOMPARE(QString::fromStdString(f.error().message),
                 "cannot read " + QString::fromStdString(path.string()) +
                     ": it is a directory, expected a file");
    }

    // The audit's crashes, through the CLI: malloc(): invalid size in rank, exit 134/139 in
    // inject, a random loss in evaluate, a segfault in qpolargrad, free(): invalid pointer in the
    // oracle. Now each is exit 1 with one line naming the file and the violation.
    void auditCrashesAreCleanErrors_data() {
        QTest::addColumn<Mutation>("mutate");
        QTest::addColumn<QStringList>("command");
        QTest::addColumn<QString>("needle");
        const Mutation ce = [](json& j) { j["loss"] = "cross_entropy"; };
        const Mutation twice = [](json& j) { j["tensors"].push_back(j["tensors"][2]); };
        const QString ceText = "found loss cross_entropy", twiceText = "listed more than once";
        QTest::newRow("cross-entropy: rank grad")
            << ce << QStringList{"rank", "--method", "grad"} << ceText;
        QTest::newRow("cross-entropy: inject")
            << ce << QStringList{"inject", "--method", "random", "--ber", "0.1"} << ceText;
        QTest::newRow("cross-entropy: evaluate") << ce << QStringList{"evaluate"} << ceText;
        QTest::newRow("twice: rank qpolargrad")
            << twice << QStringList{"rank", "--method", "qpolargrad"} << twiceText;
        QTest::newRow("twice: rank oracle")
            << twice << QStringList{"rank", "--method", "oracle"} << twiceText;
    }
    void auditCrashesAreCleanErrors() {
        QFETCH(Mutation, mutate);
        QFETCH(QStringList, command);
        QFETCH(QString, needle);
        QTemporaryDir ws;
        QStringList model;
        for (const char* a : kCliModel)
            model << a;
        test::Run r =
            test::cli(QStringList{"train", "--epochs", "2", "--quiet"} + model, ws.path());
        if (r.code == 1 && r.err.contains("cars.json")) QSKIP("Auto-MPG is not installed here");
        QCOMPARE(r.code, 0);
        const auto path = test::tempPath(ws, "autompg/q6_2_1/prune_0.125/model.json");
        json j = json::parse(*readFile(path));
        mutate(j);
        QVERIFY(atomicWriteFile(path, j.dump()).ok());
        r = test::cli(command + model + QStringList{"--quiet"}, ws.path());
        QCOMPARE(r.code, 1);
        const QString line = test::errorLine(r);
        QVERIFY2(line.contains(QString::fromStdString(path.string())) && line.contains(needle),
                 qPrintable(r.err));
    }
};

QTEST_GUILESS_MAIN(TestModelFile)
#include "tst_model_file.moc"
