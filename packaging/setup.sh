#!/usr/bin/env bash
# Installs NetSurf's build and runtime dependencies from Debian packages (idempotent: only what
# is missing is installed), then fetches the datasets.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# qemu-user: the test suite emulates a CPU without AVX2 to check the start-up CPU check.
# chromium: the HTML report's browser test opens it headless (tst_gui_report); fonts-dejavu-core:
# the report's figures are laid out with DejaVu Sans.
pkgs=(build-essential cmake ninja-build pkg-config git qt6-base-dev qt6-svg-dev libqcustomplot-dev
      libeigen3-dev libtbb-dev zlib1g-dev libsqlite3-dev nlohmann-json3-dev xvfb xauth qemu-user
      dataset-fashion-mnist python3-vega-datasets nodejs npm chromium fonts-dejavu-core)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# node/npm may come from outside Debian on some machines; accept a working npm binary.
if command -v npm >/dev/null 2>&1; then
  missing=("${missing[@]/nodejs}"); missing=("${missing[@]/npm}")
fi
read -r -a missing <<< "${missing[*]}"
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "setup: all packages present"
fi
bash "$here/fetch-datasets.sh"
