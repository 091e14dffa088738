#include "engine/data/smartpixel_sim.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>

#include "engine/core/parallel.h"
#include "engine/core/rng.h"
#include "engine/core/sha256.h"
#include "engine/data/smartpixel_csv_loader.h"

namespace netsurf {

namespace {

constexpr double kPi = std::numbers::pi;
constexpr double kElectronMassMeV = 0.51099895;
constexpr double kBoltzmannOverCharge = 8.617333262e-5; // k/q [V/K]
constexpr double kGeVPerTeslaMetre = 0.299792458;       // pT = 0.3·B·R
constexpr double kLandauModeOffset = 0.22278;            // mode of the standard Landau = −0.22278
constexpr int kWindow = kSmartPixelFeatures;              // 13 y-bins
constexpr int kHalfWindow = kWindow / 2;

// Silicon (PDG tables of atomic and nuclear properties): Z/A, density, mean excitation energy,
// Sternheimer density-effect parameters C̄, x0, x1, a, k, δ0.
constexpr double kSiZOverA = 0.49848, kSiDensity = 2.329, kSiIeV = 173.0;
constexpr double kSiCbar = 4.4355, kSiX0 = 0.2015, kSiX1 = 2.8716, kSiA = 0.14921,
                 kSiK = 3.2546, kSiDelta0 = 0.14;

// Uniform in the open interval (0, 1).
double openUnit(KeyedStream& s) { return (double(s.next() >> 11) + 0.5) * 0x1.0p-53; }

double gauss(KeyedStream& s) {
    const double u1 = openUnit(s), u2 = openUnit(s);
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * kPi * u2);
}

// Standard Landau variate (mode −0.22278, median 1.3558) by the Chambers–Mallows–Stuck method
// for the stable law α = 1, β = 1: λ = (π/2)·X + ln(π/2).
double landau(KeyedStream& s) {
    const double v = kPi * (openUnit(s) - 0.5);
    const double w = -std::log(openUnit(s));
    const double h = kPi / 2 + v;
    const double x = (2 / kPi) * (h * std::tan(v) - std::log((kPi / 2) * w * std::cos(v) / h));
    return (kPi / 2) * x + std::log(kPi / 2);
}

// Density-effect correction δ(βγ) for silicon (Sternheimer parametrization).
double densityEffect(double betaGamma) {
    const double x = std::log10(betaGamma);
    const double twoLn10x = 2 * std::numbers::ln10 * x;
    if (x >= kSiX1) return twoLn10x - kSiCbar;
    if (x >= kSiX0) return twoLn10x - kSiCbar + kSiA * std::pow(kSiX1 - x, kSiK);
    return kSiDelta0 * std::pow(10.0, 2 * (x - kSiX0));
}

double betaSquared(double betaGamma) {
    const double bg2 = betaGamma * betaGamma;
    return bg2 / (1 + bg2);
}

// One simulated track crossing the sensor, in the sensor's local frame.
struct Track {
    double signedPt = 0;
    double slopeY = 0, slopeX = 0; // dy/dz, dx/dz
    double betaGamma = 0;
    double entryY = 0, entryX = 0; // µm, at z = 0
};

// Physics constants derived once from the parameters.
struct Derived {
    double tanLorentz = 0;
    double diffusionCoef = 0; // σ² = diffusionCoef · drift distance [µm²/µm]
};

Track drawTrack(const SmartPixelPhysics& p, KeyedStream& s) {
    Track t;
    const double pt = p.ptMinGeV * std::pow(p.ptMaxGeV / p.ptMinGeV, s.uniform()); // ∝ 1/pT
    const double charge = s.uniform() < 0.5 ? -1.0 : 1.0;
    t.signedPt = charge * pt;
    // Circle of radius R through the beam line reaches radius r at angle α to the radial
    // direction, sin α = r / 2R, after a transverse arc length sT = 2R·α.
    const double radiusM = p.radiusMm * 1e-3;
    const double curvRadiusM = pt / (kGeVPerTeslaMetre * p.fieldT);
    const double alpha = std::asin(std::min(1.0, radiusM / (2 * curvRadiusM)));
    const double arcMm = 2 * curvRadiusM * alpha * 1e3;
    // Vertex z from the luminous region; hits on a fixed patch from a flat dN/dη come with
    // weight dη/dz ∝ sin θ = 1/sqrt(1 + cot²θ) (accept–reject).
    double cotTheta = 0;
    for (;;) {
        cotTheta = -p.vertexSigmaZMm * gauss(s) / arcMm;
        if (s.uniform() * std::sqrt(1 + cotTheta * cotTheta) < 1.0) break;
    }
    const double p3 = pt * std::sqrt(1 + cotTheta * cotTheta);
    t.betaGamma = p3 / p.massGeV;
    const double beta = std::sqrt(betaSquared(t.betaGamma));
    // Multiple scattering in the beam pipe (Highland): projected angle σ = θ0 in both planes.
    const double x0 = p.beamPipeX0 * std::sqrt(1 + cotTheta * cotTheta);
    const double theta0 =
        0.0136 / (beta * p3) * std::sqrt(x0) * (1 + 0.038 * std::log(x0 / (beta * beta)));
    // B along +x (the beam): a positive track bends toward −y (−φ), so dy/dz = −q·tan α.
    const double angleY = -charge * alpha + theta0 * gauss(s);
    const double dip = std::atan(cotTheta) + theta0 * gauss(s);
    t.slopeY = std::tan(angleY);
    t.slopeX = std::tan(dip) / std::cos(angleY);
    t.entryY = p.pitchYUm * s.uniform();
    t.entryX = p.pitchXUm * s.uniform();
    return t;
}

// Scratch buffers reused across the rows of one chunk.
struct Scratch {
    std::vector<double> sliceQ, sliceY, sliceX, sliceSigma, grid, cdfY, cdfX;
    std::vector<double> profile;
};

// Fills cdf[i] = Φ((i·pitch + offset − centre)/σ) for boundaries i = 0..n.
void boundaryCdf(std::vector<double>& cdf, int n, double pitch, double firstEdge, double centre,
                 double sigma) {
    cdf.resize(std::size_t(n) + 1);
    for (int i = 0; i <= n; ++i) {
        const double u = (firstEdge + i * pitch - centre) / sigma;
        cdf[std::size_t(i)] = u < -8 ? 0.0 : u > 8 ? 1.0 : 0.5 * std::erfc(-u / std::sqrt(2.0));
    }
}

// Deposits the track's charge in a pixel grid, applies noise and threshold and projects on
// y. Returns the profile (µm-grid index of its first bin in firstBin) and the e-h pair count.
double depositAndProject(const SmartPixelPhysics& p, const Derived& d, const Track& t,
                         KeyedStream& s, Scratch& w, int& firstBin) {
    const int n = p.slices;
    const double path = p.thicknessUm * std::sqrt(1 + t.slopeX * t.slopeX + t.slopeY * t.slopeY);
    // Landau(μ, ξ) of the whole path split into n slices: since Σλ_i = nλ + n·ln n for standard
    // Landau variates, slices with location (μ − ξ·ln n)/n and width ξ/n add up to Landau(μ, ξ).
    const double xi = siliconLandauXiKeV(t.betaGamma, path);
    const double location =
        siliconMostProbableKeV(t.betaGamma, path) + kLandauModeOffset * xi;
    const double sliceLocation = (location - xi * std::log(double(n))) / n;
    const double keVToPairs = 1e3 / p.pairEnergyEv;
    w.sliceQ.resize(std::size_t(n));
    w.sliceY.resize(std::size_t(n));
    w.sliceX.resize(std::size_t(n));
    w.sliceSigma.resize(std::size_t(n));
    double pairs = 0;
    double yLo = INFINITY, yHi = -INFINITY, xLo = INFINITY, xHi = -INFINITY;
    for (int k = 0; k < n; ++k) {
        const auto i = std::size_t(k);
        const double keV = std::clamp(sliceLocation + xi / n * landau(s), 0.0,
                                      p.maxSliceDepositKeV);
        w.sliceQ[i] = keV * keVToPairs;
        pairs += w.sliceQ[i];
        // Electrons drift to the pixel implants at z = t: Lorentz shift (t − z)·tan θ_L in +y,
        // diffusion σ = sqrt(2 (kT/q) · drift / E).
        const double z = (k + 0.5) * p.thicknessUm / n;
        const double drift = p.thicknessUm - z;
        w.sliceY[i] = t.entryY + z * t.slopeY + drift * d.tanLorentz;
        w.sliceX[i] = t.entryX + z * t.slopeX;
        w.sliceSigma[i] = std::max(1e-3, std::sqrt(d.diffusionCoef * drift));
        yLo = std::min(yLo, w.sliceY[i] - 6 * w.sliceSigma[i]);
        yHi = std::max(yHi, w.sliceY[i] + 6 * w.sliceSigma[i]);
        xLo = std::min(xLo, w.sliceX[i] - 6 * w.sliceSigma[i]);
        xHi = std::max(xHi, w.sliceX[i] + 6 * w.sliceSigma[i]);
    }
    const int iy0 = int(std::floor(yLo / p.pitchYUm)), ny = int(std::floor(yHi / p.pitchYUm)) - iy0 + 1;
    const int ix0 = int(std::floor(xLo / p.pitchXUm)), nx = int(std::floor(xHi / p.pitchXUm)) - ix0 + 1;
    w.grid.assign(std::size_t(nx) * std::size_t(ny), 0.0); // grid[ix·ny + iy], electrons
    for (int k = 0; k < n; ++k) {
        const auto i = std::size_t(k);
        boundaryCdf(w.cdfY, ny, p.pitchYUm, iy0 * p.pitchYUm, w.sliceY[i], w.sliceSigma[i]);
        boundaryCdf(w.cdfX, nx, p.pitchXUm, ix0 * p.pitchXUm, w.sliceX[i], w.sliceSigma[i]);
        for (int ix = 0; ix < nx; ++ix) {
            const double fx = w.cdfX[std::size_t(ix) + 1] - w.cdfX[std::size_t(ix)];
            if (fx <= 0) continue;
            for (int iy = 0; iy < ny; ++iy)
                w.grid[std::size_t(ix * ny + iy)] +=
                    w.sliceQ[i] * fx * (w.cdfY[std::size_t(iy) + 1] - w.cdfY[std::size_t(iy)]);
        }
    }
    // Front end: Gaussian noise on every pixel, then the threshold; y-profile = Σ_x kept charge.
    w.profile.assign(std::size_t(ny), 0.0);
    for (int ix = 0; ix < nx; ++ix)
        for (int iy = 0; iy < ny; ++iy) {
            const double q = w.grid[std::size_t(ix * ny + iy)] + p.noiseE * gauss(s);
            if (q >= p.thresholdE) w.profile[std::size_t(iy)] += q;
        }
    firstBin = iy0;
    return pairs;
}

// Quantized 13-bin window centred on the charge-weighted centroid; false when no pixel fired.
bool windowFeatures(const SmartPixelPhysics& p, const std::vector<double>& profile,
                    std::uint8_t* out) {
    double sum = 0, moment = 0;
    for (std::size_t i = 0; i < profile.size(); ++i) {
        sum += profile[i];
        moment += (double(i) + 0.5) * profile[i];
    }
    if (sum <= 0) return false;
    const int centre = int(std::floor(moment / sum));
    for (int k = 0; k < kWindow; ++k) {
        const int bin = centre - kHalfWindow + k;
        const double q = bin >= 0 && bin < int(profile.size()) ? profile[std::size_t(bin)] : 0.0;
        out[k] = std::uint8_t(std::min<double>(p.maxCount, std::floor(q / p.electronsPerCount)));
    }
    return true;
}

// Row of one split: 13 features and the label in out[0..14); the truth in *truth.
void simulateRow(const SmartPixelPhysics& p, const Derived& d, std::uint64_t key,
                 std::uint8_t* out, SmartPixelTruth& truth, Scratch& w) {
    KeyedStream s(key);
    for (int attempt = 0; attempt < 1000; ++attempt) { // a cluster with no pixel over threshold
        const Track t = drawTrack(p, s);                // is not a cluster: draw the next track
        int firstBin = 0;
        const double pairs = depositAndProject(p, d, t, s, w, firstBin);
        truth = {t.signedPt, t.slopeY, t.slopeX, pairs};
        out[kWindow] = std::uint8_t(smartPixelLabel(t.signedPt));
        if (windowFeatures(p, w.profile, out)) return;
    }
    std::fill(out, out + kWindow, std::uint8_t(0));
}

} // namespace

double smartPixelLorentzTangent(const SmartPixelPhysics& p) {
    // Electron drift mobility, Caughey–Thomas form with the parameters of Jacoboni et al. (1977):
    // v_m = 1.53e9·T^-0.87 cm/s, E_c = 1.01·T^1.55 V/cm, β = 2.57e-2·T^0.66, μ0 = v_m / E_c.
    const double T = p.temperatureK;
    const double vm = 1.53e9 * std::pow(T, -0.87), ec = 1.01 * std::pow(T, 1.55);
    const double beta = 2.57e-2 * std::pow(T, 0.66);
    const double field = p.biasV / (p.thicknessUm * 1e-4); // V/cm
    const double mu = (vm / ec) / std::pow(1 + std::pow(field / ec, beta), 1 / beta); // cm²/Vs
    return p.hallFactor * mu * 1e-4 * p.fieldT; // μ in m²/Vs · B in T
}

double siliconLandauXiKeV(double betaGamma, double pathUm) {
    // ξ = (K/2)·(Z/A)·ρx/β², K/2 = 0.1535375 MeV cm²/mol
    return 153.5375 * kSiZOverA * kSiDensity * pathUm * 1e-4 / betaSquared(betaGamma);
}

double siliconMostProbableKeV(double betaGamma, double pathUm) {
    // Δp = ξ [ln(2 m c² β²γ² / I) + ln(ξ / I) + j − β² − δ(βγ)], j = 0.200
    const double xi = siliconLandauXiKeV(betaGamma, pathUm);
    const double b2 = betaSquared(betaGamma);
    const double iKeV = kSiIeV * 1e-3;
    return xi * (std::log(2 * kElectronMassMeV * 1e3 * betaGamma * betaGamma / iKeV) +
                 std::log(xi / iKeV) + 0.200 - b2 - densityEffect(betaGamma));
}

int smartPixelLabel(double signedPtGeV) {
    if (std::abs(signedPtGeV) >= 2.0) return 0;
    return signedPtGeV < 0 ? 1 : 2;
}

Dataset simulateSmartPixel(const SmartPixelSimOptions& o, std::vector<SmartPixelTruth>* truth) {
    const SmartPixelPhysics& p = o.physics;
    Derived d;
    d.tanLorentz = smartPixelLorentzTangent(p);
    d.diffusionCoef =
        2 * kBoltzmannOverCharge * p.temperatureK * p.thicknessUm / p.biasV; // µm² per µm
    const std::size_t rows = o.trainRows + o.testRows;
    constexpr std::size_t kRowBytes = kWindow + 1;
    std::vector<std::uint8_t> bytes(rows * kRowBytes);
    std::vector<SmartPixelTruth> truths(rows);
    parallelChunks(rows, 512, [&](std::size_t, std::size_t begin, std::size_t end) {
        Scratch w;
        for (std::size_t r = begin; r < end; ++r) {
            const bool test = r >= o.trainRows;
            const std::uint64_t index = test ? r - o.trainRows : r;
            const std::uint64_t key = hashKey(o.seed, std::uint64_t(RngPurpose::Simulation),
                                              test ? 1 : 0, index);
            simulateRow(p, d, key, bytes.data() + r * kRowBytes, truths[r], w);
        }
    });

    Dataset ds;
    ds.name = "smartpixel";
    ds.source = DataSourceKind::Simulated;
    ds.sourceDetail = "simulated (seed " + std::to_string(o.seed) +
                      ", NetSurf smart-pixel simulator v" +
                      std::to_string(kSmartPixelSimVersion) + ")";
    ds.task = TaskKind::Classification;
    ds.classes = kSmartPixelClasses;
    ds.inputShape = {kSmartPixelFeatures};
    for (int k = 0; k < kWindow; ++k)
        ds.featureNames.push_back("y" + std::to_string(k - kHalfWindow));
    const auto fill = [&](std::size_t first, std::size_t n, MatrixRM& x, Eigen::VectorXd& y) {
        x.resize(Eigen::Index(n), kWindow);
        y.resize(Eigen::Index(n));
        for (std::size_t i = 0; i < n; ++i) {
            const std::uint8_t* row = bytes.data() + (first + i) * kRowBytes;
            for (int k = 0; k < kWindow; ++k)
                x(Eigen::Index(i), k) = row[k];
            y[Eigen::Index(i)] = row[kWindow];
        }
    };
    fill(0, o.trainRows, ds.trainX, ds.trainY);
    fill(o.trainRows, o.testRows, ds.testX, ds.testY);
    ds.checksum = sha256Hex(std::string_view(reinterpret_cast<const char*>(bytes.data()),
                                             bytes.size()));
    if (truth) *truth = std::move(truths);
    return ds;
}

} // namespace netsurf
