#pragma once
// The robustness profile's figures (SPEC §6), drawn by the profile page and the HTML report from
// the files netsurf-cli profile writes: a distribution before and after training as density
// histograms with their CDFs (right axis), and their Lorenz curves with the Gini coefficients.
#include <QString>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

class QCustomPlot;

namespace netsurf::widgets {

// profile_pre.json / profile_post.json, checked once so that drawing never meets a surprise: null
// when the file does not exist; null with `error` set when it cannot be read or is not a profile
// file of this version.
nlohmann::json readProfileFile(const std::filesystem::path& file, QString* error);

// "Fisher diagonal (per parameter)", … for a distribution name.
QString distributionTitle(const std::string& name);
// A statistic as the tables show it ("—" when not a number).
QString statText(const nlohmann::json& value);

// `pre` and `post` are one distribution of each file ("distributions"[name]).
void drawProfileHistogram(QCustomPlot* plot, const nlohmann::json& pre, const nlohmann::json& post,
                          const std::string& name);
void drawProfileLorenz(QCustomPlot* plot, const nlohmann::json& pre, const nlohmann::json& post,
                       const std::string& name);

} // namespace netsurf::widgets
