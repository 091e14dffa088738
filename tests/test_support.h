#pragma once
// Shared helpers for the Qt Test units.
#include <QTemporaryDir>
#include <QtTest>
#include <filesystem>
#include <string>

namespace netsurf::test {

inline std::filesystem::path dataDir() { return NETSURF_TEST_DATA_DIR; }
inline std::filesystem::path tempPath(const QTemporaryDir& dir, const std::string& name) {
    return std::filesystem::path(dir.path().toStdString()) / name;
}

} // namespace netsurf::test
