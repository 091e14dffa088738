#pragma once
// Seeded simulator of smart-pixel clusters: the substitute for the public smart-pixel CSVs
// (SPEC §2) when NETSURF_SMARTPIXEL_DIR is not set. Every parameter, its value and the reason
// for it are documented in docs/datasets.md ("smartpixel (simulated)").
//
// A charged pion from the beam line crosses a planar silicon sensor in a barrel layer; the
// sensor's local frame: z = depth (radially outward, 0 = inner face), y = r-phi (the bending
// direction, fine pitch), x = along the beam (B field direction). The collected charge of the
// pixels above threshold is summed along x, projected on 13 y-bins around the cluster's
// charge-weighted centroid and quantized to integers 0..25.
#include <cstdint>
#include <vector>

#include "engine/data/dataset.h"

namespace netsurf {

constexpr int kSmartPixelSimVersion = 1;

// Physics and detector parameters (units in the names). The defaults are the documented
// choices; they were fixed before any network was trained on the result.
struct SmartPixelPhysics {
    // Sensor and layer
    double thicknessUm = 100.0;
    double pitchXUm = 50.0;   // along the beam
    double pitchYUm = 12.5;   // r-phi, bending direction
    double radiusMm = 30.0;
    double fieldT = 3.8;
    // Track kinematics: dN/dpT ∝ 1/pT on [ptMin, ptMax], charge ±1 with equal probability,
    // vertex z ~ N(0, vertexSigmaZMm) weighted by the hit acceptance of a flat dN/dη.
    double ptMinGeV = 0.1;
    double ptMaxGeV = 20.0;
    double massGeV = 0.13957; // charged pion
    double vertexSigmaZMm = 35.0;
    double beamPipeX0 = 0.08 / 35.28; // 0.8 mm beryllium, X0 = 35.28 cm (multiple scattering)
    // Energy loss: Landau with PDG most probable value and width (silicon constants)
    double pairEnergyEv = 3.62;
    int slices = 50;              // depth slices carrying independent Landau deposits
    double maxSliceDepositKeV = 100.0; // delta electrons above this escape the cluster
    // Charge transport: electrons, uniform field V/t, Caughey–Thomas mobility (Jacoboni 1977)
    double biasV = 100.0;
    double temperatureK = 253.15;
    double hallFactor = 1.15;
    // Front end
    double noiseE = 100.0;      // ENC per pixel
    double thresholdE = 1000.0; // per pixel, applied after noise
    double electronsPerCount = 1000.0;
    int maxCount = 25;
};

struct SmartPixelSimOptions {
    std::uint64_t seed = 0;
    std::size_t trainRows = 45415;
    std::size_t testRows = 11113;
    SmartPixelPhysics physics;
};

// Truth of one simulated cluster (for documentation and tests).
struct SmartPixelTruth {
    double ptGeV = 0;     // signed: charge · pT
    double cotAlpha = 0;  // dy/dz of the track at the sensor (bending direction)
    double cotBeta = 0;   // dx/dz of the track at the sensor (along the beam)
    double electrons = 0; // e-h pairs created along the path
};

// Tangent of the electrons' Lorentz angle: r_H · μ(E = V/t, T) · B.
double smartPixelLorentzTangent(const SmartPixelPhysics& p);

// Most probable energy loss [keV] and Landau width ξ [keV] of a particle with βγ over a path
// of `pathUm` µm of silicon (PDG "Passage of particles through matter", eqs. for Δp and ξ,
// with the Sternheimer density effect for silicon).
double siliconMostProbableKeV(double betaGamma, double pathUm);
double siliconLandauXiKeV(double betaGamma, double pathUm);

// Label of a signed pT (SPEC §2): 0 = |pT| ≥ 2 GeV, 1 = low pT negative, 2 = low pT positive.
int smartPixelLabel(double signedPtGeV);

// Generates the dataset: train rows then test rows, row r of split s drawn only from the keyed
// stream hashKey(seed, RngPurpose::Simulation, s, r), so the result is identical for any
// thread count. Fills name, source (Simulated), sourceDetail, shapes, labels and checksum
// (SHA-256 over, per split train then test, per row, the 13 feature bytes and the label byte).
// `truth`, when given, receives one entry per row (train rows, then test rows).
Dataset simulateSmartPixel(const SmartPixelSimOptions& options,
                           std::vector<SmartPixelTruth>* truth = nullptr);

} // namespace netsurf
