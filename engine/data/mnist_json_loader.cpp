#include "engine/data/mnist_json_loader.h"

#include <cmath>
#include <nlohmann/json.hpp>

#include "engine/core/file_io.h"
#include "engine/core/number_format.h"
#include "engine/core/sha256.h"

namespace netsurf {

namespace fs = std::filesystem;

namespace {

// SAX handler accepting exactly {"data": [numbers…]} (other top-level keys ignored if scalar);
// numbers go straight into `values` without building a DOM.
struct DigitSax : nlohmann::json_sax<nlohmann::json> {
    std::vector<double>& values;
    std::string problem; // first structural problem, empty when fine
    int depth = 0;
    bool nextIsData = false, inData = false, sawData = false;

    explicit DigitSax(std::vector<double>& v) : values(v) {}

    bool fail(const std::string& why) {
        if (problem.empty()) problem = why;
        return false;
    }
    bool scalar() {
        if (inData) return fail("a non-number inside \"data\"");
        nextIsData = false;
        return true;
    }
    bool number(double v) {
        if (!inData) return scalar();
        values.push_back(v);
        return true;
    }
    bool null() override { return scalar(); }
    bool boolean(bool) override { return scalar(); }
    bool number_integer(number_integer_t v) override { return number(double(v)); }
    bool number_unsigned(number_unsigned_t v) override { return number(double(v)); }
    bool number_float(number_float_t v, const string_t&) override { return number(v); }
    bool string(string_t&) override { return scalar(); }
    bool binary(binary_t&) override { return scalar(); }
    bool start_object(std::size_t) override {
        if (depth != 0) return fail("a nested object");
        nextIsData = false;
        ++depth;
        return true;
    }
    bool end_object() override {
        --depth;
        return true;
    }
    bool start_array(std::size_t) override {
        if (depth == 0) return fail("a top-level array instead of an object");
        if (depth != 1) return fail("a nested array inside \"data\"");
        if (!nextIsData) return fail("an array under a key other than \"data\"");
        inData = sawData = true;
        nextIsData = false;
        ++depth;
        return true;
    }
    bool end_array() override {
        inData = false;
        --depth;
        return true;
    }
    bool key(string_t& k) override {
        nextIsData = (k == "data");
        return true;
    }
    bool parse_error(std::size_t pos, const std::string&,
                     const nlohmann::detail::exception&) override {
        return fail("invalid JSON near byte " + std::to_string(pos));
    }
};

} // namespace

Result<std::vector<double>> parseDigitJson(std::string_view text, const std::string& name) {
    std::vector<double> values;
    values.reserve(text.size() / 3);
    DigitSax sax(values);
    const bool ok = nlohmann::json::sax_parse(text.begin(), text.end(), &sax);
    const std::string expect = " (expected {\"data\": [784·n pixel values in [0,1]]})";
    if (!ok || !sax.problem.empty())
        return Error::data(name + ": " + (sax.problem.empty() ? "invalid JSON" : sax.problem) +
                           expect);
    if (!sax.sawData) return Error::data(name + ": no \"data\" array" + expect);
    if (values.empty() || values.size() % kMnistPixels != 0)
        return Error::data(name + ": \"data\" has " + std::to_string(values.size()) +
                           " values, not a positive multiple of 784" + expect);
    for (std::size_t i = 0; i < values.size(); ++i)
        if (!(values[i] >= 0.0 && values[i] <= 1.0))
            return Error::data(name + ": value " + shortestDouble(values[i]) + " at index " +
                               std::to_string(i) + " is outside [0,1]" + expect);
    return values;
}

fs::path npmDigitsDir(const fs::path& packageDir) {
    return packageDir / "src" / "digits";
}

bool hasNpmDigits(const fs::path& packageDir) {
    std::error_code ec;
    for (int d = 0; d < 10; ++d)
        if (!fs::is_regular_file(npmDigitsDir(packageDir) / (std::to_string(d) + ".json"), ec))
            return false;
    return true;
}

std::size_t npmMnistTrainCount(std::size_t n) {
    return n >= 10000 ? 8000 : std::size_t(std::llround(0.8 * double(n)));
}

Status loadMnistNpm(const fs::path& packageDir, Dataset& out) {
    Sha256 hash;
    std::vector<double> pixels; // all digits, file order: (Σ n_d)·784
    std::vector<double> labels; // digit of each image
    for (int d = 0; d < 10; ++d) {
        const fs::path file = npmDigitsDir(packageDir) / (std::to_string(d) + ".json");
        auto text = readFile(file);
        if (!text) return text.error();
        hash.update(*text);
        auto values = parseDigitJson(*text, file.string());
        if (!values) return values.error();
        pixels.insert(pixels.end(), values->begin(), values->end());
        labels.insert(labels.end(), values->size() / kMnistPixels, double(d));
    }
    const auto n = Eigen::Index(labels.size());
    const MatrixRM x = Eigen::Map<const MatrixRM>(pixels.data(), n, kMnistPixels);
    const Eigen::VectorXd y = Eigen::Map<const Eigen::VectorXd>(labels.data(), n);
    assignSeededSplit(x, y, npmMnistTrainCount(labels.size()), out);
    out.inputShape = {28, 28};
    out.checksum = hash.hexDigest();
    return {};
}

} // namespace netsurf
