"""Produces detectors.json: River's alarm indices on the golden streams of detector_streams.py.

Pinned versions (pip install river==0.26.1 numpy==2.4.6 scipy==1.17.1), Python 3.11.7:
    river 0.26.1, numpy 2.4.6, scipy 1.17.1

Run from this folder: python3 generate_detector_fixtures.py [DETECTOR ...]
With detector names, only those run and their results are merged into an existing detectors.json (KSWIN, whose
scipy test costs about 0.5 ms per update, runs on the five numeric streams only and takes several minutes).
Every detector runs with River's defaults (KSWIN with seed=42, River's default is no seed). Indices are 0-based
positions in the stream at which `drift_detected` (or, for `warning_onsets`, `warning_detected` after a non-warning
event) is true after `update`.
"""

from __future__ import annotations

import json
import sys
import time

import numpy
import river
import scipy
from river import drift

import detector_streams as ds

assert river.__version__ == "0.26.1", river.__version__


def run(detector, stream, warnings):
    drifts = []
    onsets = []
    warning_events = 0
    was_warning = False
    for i, x in enumerate(stream):
        detector.update(x)
        if detector.drift_detected:
            drifts.append(i)
        if warnings:
            w = detector.warning_detected
            if w:
                warning_events += 1
                if not was_warning:
                    onsets.append(i)
            was_warning = w
    out = {"drift": drifts}
    if warnings:
        out["warning_onsets"] = onsets
        out["warning_events"] = warning_events
    return out


NUMERIC_DETECTORS = {
    "ADWIN": (lambda: drift.ADWIN(), False),
    "PageHinkley": (lambda: drift.PageHinkley(), False),
}
KSWIN = {"KSWIN": (lambda: drift.KSWIN(seed=42), False)}
BINARY_DETECTORS = {
    "DDM": (lambda: drift.binary.DDM(), True),
    "EDDM": (lambda: drift.binary.EDDM(), True),
    "HDDM_A": (lambda: drift.binary.HDDMA(), True),
    "HDDM_W": (lambda: drift.binary.HDDMW(), True),
    "FHDDM": (lambda: drift.binary.FHDDM(), False),
}


def ks_equal_size_pvalues():
    """scipy's ks_2samp(method="auto") p-value for two samples of size n whose statistic is h/n, h = 0 ... n."""
    import warnings

    from scipy import stats

    out = {}
    for n in (30, 50):
        values = []
        for h in range(n + 1):
            a = numpy.arange(n) * 1.0
            b = numpy.arange(n) * 1.0 + (h - 0.5 if h > 0 else 0.0)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", category=RuntimeWarning)
                result = stats.ks_2samp(a, b, method="auto")
            assert round(float(result.statistic) * n) == h
            values.append(float(result.pvalue))
        out[str(n)] = values
    return out


def main():
    if sys.argv[1:] == ["--pvalues-only"]:
        with open("detectors.json") as f:
            doc = json.load(f)
        doc["ks_equal_size_pvalues"] = ks_equal_size_pvalues()
        with open("detectors.json", "w") as f:
            json.dump(doc, f, indent=1)
            f.write("\n")
        return
    only = set(sys.argv[1:])
    streams = []
    results = {}
    for spec in ds.GOLDEN_NUMERIC + ds.GOLDEN_BINARY:
        values = ds.generate(spec)
        binary = spec in ds.GOLDEN_BINARY
        streams.append(
            {
                **spec,
                "count": len(values),
                "first": [float(v) for v in values[:8]],
                "fnv1a": str(ds.fnv1a(values)),
            }
        )
        detectors = dict(NUMERIC_DETECTORS)
        if not binary:
            detectors.update(KSWIN)
        if binary:
            detectors.update(BINARY_DETECTORS)
        for name, (make, warnings) in detectors.items():
            if only and name not in only:
                continue
            t = time.time()
            results.setdefault(name, {})[spec["name"]] = run(make(), values, warnings)
            print(f"{name:12s} {spec['name']:22s} {len(results[name][spec['name']]['drift']):4d} alarms"
                  f" {time.time() - t:6.1f}s", file=sys.stderr)
    if only:
        try:
            with open("detectors.json") as f:
                previous = json.load(f)
            for name, value in previous["results"].items():
                if name not in only:
                    results[name] = value
        except FileNotFoundError:
            pass
    doc = {
        "generated_by": "generate_detector_fixtures.py",
        "versions": {"river": river.__version__, "numpy": numpy.__version__, "scipy": scipy.__version__},
        "streams": streams,
        "results": results,
        "ks_equal_size_pvalues": ks_equal_size_pvalues(),
    }
    with open("detectors.json", "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
