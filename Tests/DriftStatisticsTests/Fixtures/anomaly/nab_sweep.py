#!/usr/bin/env python3
"""Parameter sweep and leave-series-out check for RobustAnomalyDetector on the visible NAB set.

A NumPy mirror of Sources/DriftStatistics/Anomaly/RobustAnomalyDetector.swift (same window, scale, novelty test,
warm-up and refractory period), used only to choose and sanity-check the defaults; the Swift detector, run by
Benchmarks/NABEvaluation, produces the reported alarms. With the default parameters this mirror's alarm rows are
identical to the Swift detector's on all 28 series (checked with --compare).

  python3 nab_sweep.py --nab ../shared/testdata-external/nab --scorer ../shared/tools/nab_score.py \
      [--compare ALARMS.jsonl]

Versions used: Python 3.11.7, numpy 2.4.6.
"""
import argparse
import bisect
import collections
import csv
import importlib.util
import itertools
import json
import math
import os

import numpy as np

MAD_CONSISTENCY = 1.482602218505602
TRIMMED_FRACTION = 0.95
TRIMMED_CONSISTENCY = 1.3950187702507593
MINIMUM_SCORING_COUNT = 8


def detect(values, window_size=1024, threshold=4.0, refractory=200, warm_up=150, relative_floor=1e-6):
    """Alarm rows (0-based) of the detector on one series."""
    ring = collections.deque()
    ordered = []
    alarms = []
    last_alarm = None
    for index, x in enumerate(values):
        anomalous = False
        n = len(ordered)
        if n >= MINIMUM_SCORING_COUNT:
            a = np.asarray(ordered)
            median = (a[(n - 1) // 2] + a[n // 2]) / 2
            deviations = np.sort(np.abs(a - median))
            mad = (deviations[(n - 1) // 2] + deviations[n // 2]) / 2
            kept = min(n, max(1, int(TRIMMED_FRACTION * n)))
            trimmed = deviations[:kept].sum() / kept
            scale = max(MAD_CONSISTENCY * mad, TRIMMED_CONSISTENCY * trimmed, relative_floor * max(1.0, abs(median)))
            z = (x - median) / scale
            anomalous = (x > a[-1] or x < a[0]) and abs(z) >= threshold
        ring.append(x)
        bisect.insort(ordered, x)
        if len(ring) > window_size:
            old = ring.popleft()
            del ordered[bisect.bisect_left(ordered, old)]
        if index + 1 <= warm_up or not anomalous:
            continue
        if last_alarm is not None and index - last_alarm <= refractory:
            continue
        alarms.append(index)
        last_alarm = index
    return alarms


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--nab", required=True)
    ap.add_argument("--scorer", required=True)
    ap.add_argument("--compare")
    args = ap.parse_args()
    spec = importlib.util.spec_from_file_location("nab_score", args.scorer)
    scorer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scorer)
    windows = json.load(open(os.path.join(args.nab, "labels", "combined_windows.json")))
    profiles = json.load(open(os.path.join(args.nab, "config", "profiles.json")))
    series = sorted(s for s in windows if os.path.exists(os.path.join(args.nab, "data", s)))
    data = {}
    for s in series:
        with open(os.path.join(args.nab, "data", s)) as f:
            rows = list(csv.reader(f))[1:]
        data[s] = ([scorer.parse_time(r[0]) for r in rows], [float(r[1]) for r in rows])

    def score(alarms, subset, profile="standard"):
        cost = profiles[profile]["CostMatrix"]
        raw = null = perfect = 0.0
        for s in subset:
            r, _, _, nwin = scorer.raw_score(data[s][0], set(alarms[s]), windows[s], cost)
            raw += r
            null += -cost["fnWeight"] * nwin
            perfect += cost["tpWeight"] * nwin
        return 100.0 * (raw - null) / (perfect - null)

    default = (1024, 4.0, 200)
    grid = list(itertools.product([288, 512, 1024, 1440], [4.0, 5.0, 6.0], [100, 200, 300]))
    results = {}
    for config in grid:
        w, z, r = config
        results[config] = {s: detect(data[s][1], w, z, r) for s in series}
        print(f"window={w} threshold={z} refractory={r}: standard {score(results[config], series):.1f}", flush=True)

    if args.compare:
        swift = collections.defaultdict(list)
        for line in open(args.compare):
            if line.strip():
                item = json.loads(line)
                swift[item["series"]].append(item["row"])
        same = all(sorted(swift[s]) == results[default][s] for s in series)
        print(f"default alarms identical to {args.compare}: {same}")

    print("\nAll profiles, default", default, {p: round(score(results[default], series, p), 1) for p in profiles})
    folds = {
        "even-indexed series": series[0::2],
        "odd-indexed series": series[1::2],
        "artificial series": [s for s in series if s.startswith("artificial")],
        "realAWSCloudwatch series": [s for s in series if s.startswith("real")],
    }
    print("\nLeave-series-out: tune on one part, score the held-out part (standard profile)")
    for tune, held in [
        ("even-indexed series", "odd-indexed series"),
        ("odd-indexed series", "even-indexed series"),
        ("artificial series", "realAWSCloudwatch series"),
        ("realAWSCloudwatch series", "artificial series"),
    ]:
        best = max(grid, key=lambda c: score(results[c], folds[tune]))
        oracle = max(grid, key=lambda c: score(results[c], folds[held]))
        print(
            f"tuned on {tune}: best {best} -> held-out {held}: {score(results[best], folds[held]):.1f}; "
            f"default {score(results[default], folds[held]):.1f}; best possible on held-out "
            f"{oracle} {score(results[oracle], folds[held]):.1f}"
        )


if __name__ == "__main__":
    main()
