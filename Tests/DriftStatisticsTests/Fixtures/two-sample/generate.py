#!/usr/bin/env python3
"""Golden fixtures for the DriftStatistics two-sample tests, distances and corrections.

Pinned versions (the values in two_sample.json were produced with exactly these):
    python 3.11.7, numpy==2.4.6, scipy==1.17.1, statsmodels==0.14.4

Run from this folder:  python3 generate.py   (writes two_sample.json; deterministic, seeded)

PSI uses Evidently's definition (get_binned_data with feel_zeroes=True, psi_stat_test):
    PSI = sum((ref% - cur%) * ln(ref% / cur%)), a zero percentage replaced by 0.0001,
computed here on driftwatch's equal-frequency reference bins (numpy.quantile, linear) with an
under-range and an over-range bin, so both sides count exactly the same bins.
"""
import json
import math

import numpy as np
import scipy
import scipy.special
import scipy.stats as st
from scipy.spatial.distance import jensenshannon
import statsmodels
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportions_ztest

assert np.__version__ == "2.4.6", np.__version__
assert scipy.__version__ == "1.17.1", scipy.__version__
assert statsmodels.__version__ == "0.14.4", statsmodels.__version__

rng = np.random.default_rng(20260517)


def sample(kind, n, shift=0.0, scale=1.0, decimals=4):
    if kind == "normal":
        x = rng.normal(shift, scale, n)
    elif kind == "lognormal":
        x = rng.lognormal(shift, scale, n)
    elif kind == "integers":
        x = rng.poisson(5 + shift, n).astype(float)
    else:
        raise ValueError(kind)
    return np.round(x, decimals)


def encode(x):
    """Compact form: sorted distinct values and their counts."""
    values, counts = np.unique(x, return_counts=True)
    return {"values": [float(v) for v in values], "counts": [int(c) for c in counts]}


fixtures = {
    "versions": {"numpy": np.__version__, "scipy": scipy.__version__, "statsmodels": statsmodels.__version__},
}

# --- Kolmogorov–Smirnov two-sample ------------------------------------------------------------
ks_cases = [
    ("equal-small-null", "normal", 40, 40, 0.0, 1.0, 4),
    ("equal-500-shift", "normal", 500, 500, 0.15, 1.0, 4),
    ("equal-1000-null", "normal", 1000, 1000, 0.0, 1.0, 4),
    ("equal-1000-scale", "normal", 1000, 1000, 0.0, 1.3, 4),
    ("equal-300-ties", "integers", 300, 300, 0.4, 1.0, 0),
    ("unequal-30-47", "normal", 30, 47, 0.6, 1.0, 4),
    ("unequal-200-350-lognormal", "lognormal", 200, 350, 0.1, 1.0, 4),
    ("unequal-1000-800-ties", "integers", 1000, 800, 0.2, 1.0, 0),
    ("unequal-999-1000-shift", "normal", 999, 1000, 0.1, 1.0, 3),
    ("unequal-2000-1500-null", "normal", 2000, 1500, 0.0, 1.0, 2),
    ("asymp-12000-300-shift", "normal", 12000, 300, 0.25, 1.0, 2),
    ("asymp-12000-300-null", "normal", 12000, 300, 0.0, 1.0, 2),
    ("asymp-10001-60-pomeranz", "normal", 10001, 60, 0.2, 1.0, 2),
    ("asymp-20000-15000-null", "normal", 20000, 15000, 0.0, 1.0, 2),
    ("asymp-20000-15000-small-shift", "normal", 20000, 15000, 0.04, 1.0, 2),
    ("asymp-11000-9000-ties", "integers", 11000, 9000, 0.1, 1.0, 0),
]
fixtures["ks"] = []
for name, kind, n1, n2, shift, scale, decimals in ks_cases:
    a = sample(kind, n1, 0.0 if kind != "integers" else 0.0, 1.0, decimals)
    b = sample(kind, n2, shift, scale, decimals)
    res = st.ks_2samp(a, b, method="auto")
    fixtures["ks"].append({
        "name": name,
        "reference": encode(a),
        "current": encode(b),
        "statistic": float(res.statistic),
        "pvalue": float(res.pvalue),
        "exact": max(n1, n2) <= 10000,
    })

# --- kstwo.sf and smirnov over a grid covering every branch ------------------------------------
fixtures["kstwo"] = []
for n in [1, 2, 5, 20, 100, 140, 141, 300, 1000, 5000, 20000, 150000]:
    for x in [0.001, 0.004, 0.01, 0.02, 0.03, 0.05, 0.08, 0.1, 0.15, 0.2, 0.3, 0.45, 0.5, 0.6, 0.9, 0.99]:
        sf = float(st.kstwo.sf(x, n))
        fixtures["kstwo"].append({"n": n, "x": x, "sf": sf})
fixtures["smirnov"] = []
for n in [2, 3, 10, 50, 200, 1000, 4000]:
    for x in [0.003, 0.01, 0.05, 0.1, 0.2, 0.35, 0.5, 0.7, 0.95]:
        fixtures["smirnov"].append({"n": n, "x": x, "sf": float(scipy.special.smirnov(n, x))})

# --- Wasserstein ---------------------------------------------------------------------------------
fixtures["wasserstein"] = []
for name, kind, n1, n2, shift, decimals in [
    ("normal-100-80-shift", "normal", 100, 80, 0.5, 6),
    ("normal-1000-1000-null", "normal", 1000, 1000, 0.0, 6),
    ("lognormal-500-700", "lognormal", 500, 700, 0.3, 6),
    ("ties-400-300", "integers", 400, 300, 1.0, 0),
]:
    a = sample(kind, n1, 0.0, 1.0, decimals)
    b = sample(kind, n2, shift, 1.0, decimals)
    w = float(st.wasserstein_distance(a, b))
    norm = max(float(np.std(a)), 0.001)
    fixtures["wasserstein"].append({
        "name": name, "reference": [float(v) for v in a], "current": [float(v) for v in b],
        "distance": w, "normalized": w / norm, "referenceStd": float(np.std(a)),
    })

# --- Jensen–Shannon and Hellinger on count vectors --------------------------------------------------
fixtures["distances"] = []
for name, k, zero_bins in [("bins-10", 10, 0), ("bins-20-with-empty", 20, 3), ("bins-3", 3, 0), ("bins-64", 64, 5)]:
    p = rng.integers(0, 200, k).astype(float)
    q = rng.integers(0, 200, k).astype(float)
    if zero_bins:
        p[:zero_bins] = 0
        q[-zero_bins:] = 0
    hell = float(np.sqrt(np.sum((np.sqrt(p / p.sum()) - np.sqrt(q / q.sum())) ** 2)) / np.sqrt(2))
    fixtures["distances"].append({
        "name": name, "p": [float(v) for v in p], "q": [float(v) for v in q],
        "jensenShannon": float(jensenshannon(p, q)), "jensenShannonBase2": float(jensenshannon(p, q, base=2)),
        "hellinger": hell,
    })

# --- chi-square homogeneity (2 x k), scipy's default correction (Yates only when dof == 1) ---------
fixtures["chi2"] = []
for name, ref, cur in [
    ("two-categories-yates", [120, 80], [95, 105]),
    ("two-categories-small", [12, 3], [7, 9]),
    ("five-categories", [50, 40, 30, 20, 10], [45, 38, 35, 25, 14]),
    ("unseen-category", [300, 200, 100, 0], [280, 190, 110, 25]),
    ("strong-drift", [500, 300, 150, 40, 10], [100, 200, 300, 250, 150]),
    ("many-categories", list(rng.integers(5, 80, 30)), list(rng.integers(5, 80, 30))),
]:
    table = np.array([ref, cur], dtype=float)
    chi2, p, dof, _ = st.chi2_contingency(table)
    fixtures["chi2"].append({
        "name": name, "reference": [float(v) for v in ref], "current": [float(v) for v in cur],
        "statistic": float(chi2), "pvalue": float(p), "dof": int(dof),
    })
fixtures["chi2sf"] = []
for df in [1, 2, 3, 9, 29, 100, 500]:
    for x in [0.01, 0.5, 1.0, 3.0, 10.0, 40.0, 120.0, 700.0]:
        fixtures["chi2sf"].append({"x": x, "df": df, "sf": float(st.chi2.sf(x, df))})


# --- PSI on equal-frequency reference bins with under/over-range bins ------------------------------
def reference_edges(ref, bins):
    qs = [k / bins for k in range(bins + 1)]
    edges = np.quantile(np.sort(ref), qs)
    return np.unique(edges)


def bin_counts(edges, x):
    k = len(edges) - 1
    counts = np.zeros(k + 2)
    for v in x:
        if v < edges[0]:
            counts[0] += 1
        elif v > edges[-1]:
            counts[-1] += 1
        else:
            i = np.searchsorted(edges, v, side="right") - 1
            counts[1 + min(i, k - 1)] += 1
    return counts


def evidently_psi(ref_counts, cur_counts):
    r = ref_counts / ref_counts.sum()
    c = cur_counts / cur_counts.sum()
    np.place(r, r == 0, 0.0001)
    np.place(c, c == 0, 0.0001)
    return float(np.sum((r - c) * np.log(r / c)))


fixtures["psi"] = []
for name, kind, n1, n2, shift, bins, decimals in [
    ("normal-10-bins-null", "normal", 1000, 1000, 0.0, 10, 6),
    ("normal-10-bins-shift", "normal", 1000, 800, 0.3, 10, 6),
    ("lognormal-20-bins-out-of-range", "lognormal", 500, 500, 0.8, 20, 6),
    ("integers-duplicate-edges", "integers", 400, 400, 1.0, 10, 0),
]:
    a = sample(kind, n1, 0.0, 1.0, decimals)
    b = sample(kind, n2, shift, 1.0, decimals)
    edges = reference_edges(a, bins)
    rc = bin_counts(edges, a)
    cc = bin_counts(edges, b)
    fixtures["psi"].append({
        "name": name, "reference": [float(v) for v in a], "current": [float(v) for v in b], "bins": bins,
        "edges": [float(e) for e in edges], "referenceCounts": [float(v) for v in rc],
        "currentCounts": [float(v) for v in cc], "psi": evidently_psi(rc, cc),
    })

# --- two-proportion z-test --------------------------------------------------------------------------
fixtures["proportions"] = []
for x1, n1, x2, n2 in [(12, 1000, 30, 1000), (50, 5000, 48, 4000), (0, 300, 5, 250), (400, 1000, 380, 900)]:
    z, p = proportions_ztest([x1, x2], [n1, n2])
    fixtures["proportions"].append({"x1": x1, "n1": n1, "x2": x2, "n2": n2, "z": float(z), "pvalue": float(p)})

# --- multiple testing -------------------------------------------------------------------------------
fixtures["multitest"] = []
for name, pv in [
    ("mixed", [0.001, 0.04, 0.03, 0.2, 0.0005, 0.8, 0.049, 0.011]),
    ("ties", [0.01, 0.01, 0.02, 0.02, 0.5, 0.03]),
    ("random-40", list(np.round(rng.uniform(0, 0.2, 40) ** 2, 6))),
]:
    rb, pb, _, _ = multipletests(pv, alpha=0.05, method="bonferroni")
    rh, ph, _, _ = multipletests(pv, alpha=0.05, method="fdr_bh")
    fixtures["multitest"].append({
        "name": name, "pvalues": [float(v) for v in pv], "alpha": 0.05,
        "bonferroniRejected": [bool(v) for v in rb], "bonferroniAdjusted": [float(v) for v in pb],
        "bhRejected": [bool(v) for v in rh], "bhAdjusted": [float(v) for v in ph],
    })

with open("two_sample.json", "w") as f:
    json.dump(fixtures, f, separators=(",", ":"))
print("wrote two_sample.json")
