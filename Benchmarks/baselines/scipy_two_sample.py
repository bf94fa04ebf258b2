#!/usr/bin/env python3
"""scipy baselines for the StatisticsBenchmarks, measured in the same run as the Swift benchmarks.

Pinned: python 3.11.7, numpy==2.4.6, scipy==1.17.1.
Usage: python3 Benchmarks/baselines/scipy_two_sample.py   (prints ns per call as JSON lines)

The inputs mirror the Swift benchmark: normal samples, the current one shifted by 0.05, n in {1000, 10000}.
KS: scipy.stats.ks_2samp(method="auto") on the same two arrays (scipy sorts internally).
PSI: numpy quantile bins from the reference (10 bins), np.histogram of the current sample, Evidently's formula.
"""
import json
import timeit

import numpy as np
import scipy.stats as st

rng = np.random.default_rng(2026)


def psi(ref_counts, current, edges):
    cur = np.histogram(current, edges)[0] / len(current)
    ref = ref_counts.copy()
    np.place(ref, ref == 0, 0.0001)
    np.place(cur, cur == 0, 0.0001)
    return np.sum((ref - cur) * np.log(ref / cur))


for n in (1000, 10000):
    reference = rng.normal(0, 1, n)
    current = rng.normal(0.05, 1, n)
    number = 200 if n == 1000 else 50
    t = min(timeit.repeat(lambda: st.ks_2samp(reference, current, method="auto"), number=number, repeat=5)) / number
    print(json.dumps({"benchmark": f"scipy ks_2samp {n}+{n}", "ns_per_call": t * 1e9}))
    edges = np.quantile(reference, np.linspace(0, 1, 11))
    ref_counts = np.histogram(reference, edges)[0] / n
    t = min(timeit.repeat(lambda: psi(ref_counts, current, edges), number=number, repeat=5)) / number
    print(json.dumps({"benchmark": f"numpy PSI {n} (histogram + index)", "ns_per_call": t * 1e9}))
