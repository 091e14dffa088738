// diagnostics.json (docs/diagnostics.md): ModelDiagnostics to JSON and back. NaN is written as
// null (JSON has no NaN), the first ROC point's threshold +∞ as null too.
#include <cmath>

#include "engine/analysis/diagnostics.h"
#include "engine/core/file_io.h"

namespace netsurf {

namespace {

using nlohmann::json;

json num(double v) {
    return std::isfinite(v) ? json(v) : json(nullptr);
}
double numOf(const json& j) {
    return j.is_null() ? NAN : j.get<double>();
}

json histogramJson(const Histogram& h) {
    return {{"edges", h.edges}, {"counts", h.counts}};
}
Histogram histogramOf(const json& j) {
    return {j.at("edges").get<std::vector<double>>(),
            j.at("counts").get<std::vector<std::uint64_t>>()};
}

json classificationJson(const ClassificationDiagnostics& c) {
    json roc = json::array();
    for (const RocCurve& r : c.roc) {
        json points = json::array();
        for (const RocPoint& p : r.points)
            points.push_back({num(p.threshold), p.fpr, p.tpr});
        roc.push_back({{"class", r.positiveClass},
                       {"positives", r.positives},
                       {"negatives", r.negatives},
                       {"auc", num(r.auc)},
                       {"points", std::move(points)}});
    }
    return {{"samples", c.samples},
            {"accuracy", num(c.accuracy)},
            {"macro_auc", num(c.macroAuc)},
            {"confusion", c.confusion},
            {"roc", std::move(roc)}};
}

ClassificationDiagnostics classificationOf(const json& j) {
    ClassificationDiagnostics c;
    c.samples = j.at("samples").get<std::size_t>();
    c.accuracy = numOf(j.at("accuracy"));
    c.macroAuc = numOf(j.at("macro_auc"));
    c.confusion = j.at("confusion").get<std::vector<std::vector<std::uint64_t>>>();
    for (const json& r : j.at("roc")) {
        RocCurve curve;
        curve.positiveClass = r.at("class").get<int>();
        curve.positives = r.at("positives").get<std::size_t>();
        curve.negatives = r.at("negatives").get<std::size_t>();
        curve.auc = numOf(r.at("auc"));
        for (const json& p : r.at("points")) {
            const double t = p.at(0).is_null() ? INFINITY : p.at(0).get<double>();
            curve.points.push_back({t, p.at(1).get<double>(), p.at(2).get<double>()});
        }
        c.roc.push_back(std::move(curve));
    }
    return c;
}

json regressionJson(const RegressionDiagnostics& r) {
    json pairs = json::array();
    for (std::size_t i = 0; i < r.truth.size(); ++i)
        pairs.push_back({r.truth[i], num(r.predicted[i])});
    return {{"samples", r.truth.size()},
            {"mae", num(r.mae)},
            {"r2", num(r.r2)},
            {"pearson", num(r.pearson)},
            {"pairs", std::move(pairs)}};
}

RegressionDiagnostics regressionOf(const json& j) {
    RegressionDiagnostics r;
    r.mae = numOf(j.at("mae"));
    r.r2 = numOf(j.at("r2"));
    r.pearson = numOf(j.at("pearson"));
    for (const json& p : j.at("pairs")) {
        r.truth.push_back(p.at(0).get<double>());
        r.predicted.push_back(numOf(p.at(1)));
    }
    return r;
}

json activationJson(const ActivationDiagnostics& a) {
    json j{{"layer", a.layer},
           {"kind", a.kind},
           {"values", a.values},
           {"min", num(a.min)},
           {"max", num(a.max)},
           {"quantized", a.quantized},
           {"histogram", histogramJson(a.histogram)}};
    if (a.quantized)
        j["saturation"] = {
            {"low", a.low}, {"high", a.high}, {"at_low", num(a.atLow)}, {"at_high", num(a.atHigh)}};
    return j;
}

ActivationDiagnostics activationOf(const json& j) {
    ActivationDiagnostics a;
    a.layer = j.at("layer").get<std::string>();
    a.kind = j.at("kind").get<std::string>();
    a.values = j.at("values").get<std::size_t>();
    a.min = numOf(j.at("min"));
    a.max = numOf(j.at("max"));
    a.quantized = j.at("quantized").get<bool>();
    a.histogram = histogramOf(j.at("histogram"));
    if (a.quantized) {
        const json& s = j.at("saturation");
        a.low = s.at("low").get<double>();
        a.high = s.at("high").get<double>();
        a.atLow = numOf(s.at("at_low"));
        a.atHigh = numOf(s.at("at_high"));
    }
    return a;
}

json sparsityJson(const SparsityDiagnostics& s) {
    return {{"tensor", s.tensor},
            {"count", s.count},
            {"pruned", s.pruned},
            {"zero_kept", s.zeroKept},
            {"pruned_fraction", s.prunedFraction},
            {"zero_kept_fraction", s.zeroKeptFraction}};
}

SparsityDiagnostics sparsityOf(const json& j) {
    return {j.at("tensor").get<std::string>(),     j.at("count").get<std::size_t>(),
            j.at("pruned").get<std::size_t>(),     j.at("zero_kept").get<std::size_t>(),
            j.at("pruned_fraction").get<double>(), j.at("zero_kept_fraction").get<double>()};
}

json tensorJson(const TensorDiagnostics& t) {
    return {{"tensor", t.tensor},
            {"role", t.role},
            {"kept", t.kept},
            {"min", num(t.min)},
            {"max", num(t.max)},
            {"mean", num(t.mean)},
            {"std", num(t.std)},
            {"qmin", t.qmin},
            {"qmax", t.qmax},
            {"at_qmin", num(t.atQmin)},
            {"at_qmax", num(t.atQmax)},
            {"grid_aligned", t.gridAligned},
            {"histogram", histogramJson(t.histogram)}};
}

TensorDiagnostics tensorOf(const json& j) {
    TensorDiagnostics t;
    t.tensor = j.at("tensor").get<std::string>();
    t.role = j.at("role").get<std::string>();
    t.kept = j.at("kept").get<std::size_t>();
    t.min = numOf(j.at("min"));
    t.max = numOf(j.at("max"));
    t.mean = numOf(j.at("mean"));
    t.std = numOf(j.at("std"));
    t.qmin = j.at("qmin").get<double>();
    t.qmax = j.at("qmax").get<double>();
    t.atQmin = numOf(j.at("at_qmin"));
    t.atQmax = numOf(j.at("at_qmax"));
    t.gridAligned = j.at("grid_aligned").get<bool>();
    t.histogram = histogramOf(j.at("histogram"));
    return t;
}

template <typename T, typename F> json arrayJson(const std::vector<T>& v, F f) {
    json a = json::array();
    for (const T& x : v)
        a.push_back(f(x));
    return a;
}
template <typename T, typename F> std::vector<T> arrayOf(const json& j, F f) {
    if (!j.is_array()) throw json::type_error::create(302, "expected an array", &j);
    std::vector<T> v;
    for (const json& x : j)
        v.push_back(f(x));
    return v;
}

json historyJson(const HistoryTable& h) {
    json rows = json::array();
    for (const auto& r : h.rows)
        rows.push_back(arrayJson(r, num));
    return {{"columns", h.columns}, {"rows", std::move(rows)}};
}

HistoryTable historyOf(const json& j) {
    HistoryTable h;
    h.columns = j.at("columns").get<std::vector<std::string>>();
    h.rows = arrayOf<std::vector<double>>(j.at("rows"), [&](const json& r) {
        std::vector<double> row = arrayOf<double>(r, numOf);
        if (row.size() != h.columns.size())
            throw json::other_error::create(501, "a history row of the wrong width", &r);
        return row;
    });
    return h;
}

} // namespace

nlohmann::json diagnosticsToJson(const ModelDiagnostics& d) {
    json test = json::object();
    if (d.classification) test["classification"] = classificationJson(*d.classification);
    if (d.regression) test["regression"] = regressionJson(*d.regression);
    return {{"format", kDiagnosticsFormat},
            {"version", kDiagnosticsVersion},
            {"provenance", d.provenance},
            {"task", toString(d.task)},
            {"test", std::move(test)},
            {"activations",
             {{"rows", d.activationRows}, {"layers", arrayJson(d.activations, activationJson)}}},
            {"sparsity", arrayJson(d.sparsity, sparsityJson)},
            {"tensors", arrayJson(d.tensors, tensorJson)},
            {"initial_tensors", arrayJson(d.initialTensors, tensorJson)},
            {"history", d.history ? historyJson(*d.history) : json(nullptr)}};
}

Result<ModelDiagnostics> diagnosticsFromJson(const nlohmann::json& j, const std::string& source) {
    if (!j.is_object() || j.value("format", std::string()) != kDiagnosticsFormat)
        return Error::data(source + " is not a diagnostics file (expected format " +
                           kDiagnosticsFormat + ")");
    if (!j.contains("version") || !j["version"].is_number_integer() ||
        j["version"].get<int>() != kDiagnosticsVersion)
        return Error::data(source + " has diagnostics version " +
                           (j.contains("version") ? j["version"].dump() : "(none)") +
                           ", this build reads version " + std::to_string(kDiagnosticsVersion) +
                           " (run netsurf-cli diagnose again)");
    try {
        ModelDiagnostics d;
        d.provenance = j.at("provenance");
        d.task = j.at("task").get<std::string>() == "regression" ? TaskKind::Regression
                                                                 : TaskKind::Classification;
        const json& test = j.at("test");
        if (test.contains("classification"))
            d.classification = classificationOf(test["classification"]);
        if (test.contains("regression")) d.regression = regressionOf(test["regression"]);
        d.activationRows = j.at("activations").at("rows").get<std::size_t>();
        d.activations =
            arrayOf<ActivationDiagnostics>(j.at("activations").at("layers"), activationOf);
        d.sparsity = arrayOf<SparsityDiagnostics>(j.at("sparsity"), sparsityOf);
        d.tensors = arrayOf<TensorDiagnostics>(j.at("tensors"), tensorOf);
        d.initialTensors = arrayOf<TensorDiagnostics>(j.at("initial_tensors"), tensorOf);
        if (!j.at("history").is_null()) d.history = historyOf(j["history"]);
        return d;
    } catch (const json::exception& e) {
        return Error::data(source + " is damaged (" + e.what() + ")");
    }
}

Result<ModelDiagnostics> readDiagnosticsFile(const std::filesystem::path& path) {
    auto text = readFile(path);
    if (!text) return text.error();
    const json j = json::parse(*text, nullptr, false);
    if (j.is_discarded())
        return Error::data(path.string() + " is damaged (not valid JSON; run netsurf-cli "
                                           "diagnose again)");
    return diagnosticsFromJson(j, path.string());
}

} // namespace netsurf
