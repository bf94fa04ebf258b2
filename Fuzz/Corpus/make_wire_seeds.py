"""Usage: python3 Fuzz/Corpus/make_wire_seeds.py

Writes the wire-decoder seeds in Fuzz/Corpus/wire: small event batches (every prediction kind, missing values,
request ids, custom metrics, an empty batch), label batches (numeric and class labels) and acknowledgements,
encoded by the reference encoder Tests/InteropTests/Python/driftwatch_wire.py. The protocol fixture
Tests/DriftProtocolTests/Fixtures/python_event_batch_v1.bin is copied beside them. Python 3.11, standard library
only (no packages).
"""

import math
import os
import shutil
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "Tests", "InteropTests", "Python"))

import driftwatch_wire as wire  # noqa: E402

OUT = os.path.join(ROOT, "Fuzz", "Corpus", "wire")


def write(name, data):
    with open(os.path.join(OUT, name), "wb") as handle:
        handle.write(data)


def main():
    os.makedirs(OUT, exist_ok=True)
    shutil.copy(
        os.path.join(ROOT, "Tests", "DriftProtocolTests", "Fixtures", "python_event_batch_v1.bin"),
        os.path.join(OUT, "event-batch-python-fixture.bin"),
    )
    features = [("amount", wire.NUMERIC), ("country", wire.CATEGORICAL), ("age", wire.NUMERIC)]
    events = [
        {
            "timestamp_ns": 1732300000000000000,
            "request_id": "r-1",
            "latency_us": 12500.0,
            "prediction": ("number", 0.93),
            "numeric": [120.5, 31.0],
            "categorical": ["DE"],
            "custom_metrics": {"tokens": 87.0},
        },
        {
            "timestamp_ns": 1732300000001000000,
            "outcome": 500,
            "prediction": ("class", "fraud"),
            "numeric": [math.nan, None],
            "categorical": [None],
        },
        {
            "timestamp_ns": 1732300000002000000,
            "request_id": "r-3",
            "prediction": ("probabilities", [("fraud", 0.25), ("ok", 0.75)]),
            "numeric": [-3.5, 0.0],
            "categorical": ["FR"],
            "custom_metrics": {},
        },
        {"timestamp_ns": 1732300000003000000, "prediction": None, "numeric": [1e300, -0.0], "categorical": ["DE"]},
    ]
    write("event-batch-mixed.bin", wire.encode_event_batch("agent-1", 7, "fraud", "v3", features, ["tokens"], events))
    write("event-batch-empty.bin", wire.encode_event_batch("a", 1, "m", "", [], [], []))
    write(
        "event-batch-one-numeric.bin",
        wire.encode_event_batch("a", 2, "m", "", [("x", wire.NUMERIC)], [], [{"timestamp_ns": 0, "numeric": [1.0]}]),
    )
    labels = [
        {"timestamp_ns": 1732300000000000000, "request_id": "r-1", "number": 1.0},
        {"timestamp_ns": 1732300000001000000, "request_id": "r-2", "class_label": "fraud"},
        {"timestamp_ns": 1732300000002000000, "request_id": "r-3", "class_label": "ok"},
        {"timestamp_ns": 1732300000003000000, "request_id": "r-4", "class_label": "fraud"},
    ]
    write("label-batch-mixed.bin", wire.encode_label_batch("agent-1", 8, "fraud", "v3", labels))
    write("label-batch-empty.bin", wire.encode_label_batch("a", 1, "m", "", []))
    write("acknowledgement.bin", wire.encode_acknowledgement("agent-1", 8))
    write("acknowledgement-zero.bin", wire.encode_acknowledgement("a", 0))


if __name__ == "__main__":
    main()
