"""Deterministic synthetic streams shared by the Swift tests and the Python reference scripts.

The same generator is implemented in Swift (Tests/DriftStatisticsTests/DetectorStreams.swift):

* SplitMix64 (Steele, Lea & Flood 2014) produces 64-bit words;
* a uniform double in [0, 1) is the top 53 bits times 2**-53;
* a standard normal is Box-Muller, sqrt(-2 log(1 - u1)) * cos(2 pi u2), one normal per two uniforms;
* a Bernoulli(p) draw is 1 when one uniform is < p.

`math.log`, `math.sqrt` and `math.cos` are glibc's, as are Swift's on Linux, so both languages produce
bit-identical streams; the fixtures carry the first values and an FNV-1a hash of every value's bit pattern so the
Swift tests prove it.

A stream is a list of segments. In a segment of `length` events the level moves linearly from `start` to `end`
(level = start + (end - start) * (i / length)); a `normal` segment emits level + sd * z, a `bernoulli` segment emits
1 with probability level.
"""

from __future__ import annotations

import math
import struct

MASK64 = (1 << 64) - 1
TWO_PI = 6.283185307179586


class SplitMix64:
    def __init__(self, seed: int) -> None:
        self.state = seed & MASK64

    def next(self) -> int:
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK64
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        return z ^ (z >> 31)

    def uniform(self) -> float:
        return (self.next() >> 11) * (1.0 / 9007199254740992.0)

    def normal(self) -> float:
        u1 = self.uniform()
        u2 = self.uniform()
        return math.sqrt(-2.0 * math.log(1.0 - u1)) * math.cos(TWO_PI * u2)


def generate(spec: dict) -> list:
    """Returns the stream described by `spec` (floats for normal segments, ints 0/1 for bernoulli ones)."""
    rng = SplitMix64(spec["seed"])
    out = []
    for seg in spec["segments"]:
        length = seg["length"]
        start = float(seg["start"])
        end = float(seg["end"])
        if seg["kind"] == "normal":
            sd = float(seg["sd"])
            for i in range(length):
                level = start + (end - start) * (i / length)
                out.append(level + sd * rng.normal())
        elif seg["kind"] == "bernoulli":
            for i in range(length):
                level = start + (end - start) * (i / length)
                out.append(1 if rng.uniform() < level else 0)
        else:
            raise ValueError(seg["kind"])
    return out


def fnv1a(values) -> int:
    """FNV-1a over the little-endian IEEE-754 bit patterns of the values (as doubles)."""
    h = 0xCBF29CE484222325
    for v in values:
        for b in struct.pack("<d", float(v)):
            h ^= b
            h = (h * 0x100000001B3) & MASK64
    return h


def normal(length, mean, sd=1.0, end=None):
    return {"kind": "normal", "length": length, "start": mean, "end": mean if end is None else end, "sd": sd}


def bernoulli(length, p, end=None):
    return {"kind": "bernoulli", "length": length, "start": p, "end": p if end is None else end, "sd": 0.0}


# Streams for the golden (River parity) tests: 100k events each.
GOLDEN_NUMERIC = [
    {"name": "mean-shift-up-down", "seed": 1, "segments": [normal(40000, 0.0), normal(30000, 1.0), normal(30000, -0.5)]},
    {"name": "variance-shift", "seed": 2, "segments": [normal(50000, 0.0), normal(50000, 0.0, sd=3.0)]},
    {"name": "gradual-drift", "seed": 3, "segments": [normal(40000, 0.0), normal(20000, 0.0, end=2.0), normal(40000, 2.0)]},
    {
        "name": "small-mean-shifts",
        "seed": 4,
        "segments": [normal(20000, 0.0), normal(20000, 0.3), normal(20000, 0.0), normal(20000, -0.3), normal(20000, 0.0)],
    },
    {"name": "stationary-normal", "seed": 5, "segments": [normal(100000, 0.0)]},
]

GOLDEN_BINARY = [
    {"name": "error-step-up", "seed": 11, "segments": [bernoulli(50000, 0.1), bernoulli(50000, 0.2)]},
    {"name": "error-step-down", "seed": 12, "segments": [bernoulli(50000, 0.3), bernoulli(50000, 0.1)]},
    {"name": "error-steps", "seed": 13, "segments": [bernoulli(30000, 0.05), bernoulli(30000, 0.15), bernoulli(40000, 0.05)]},
    {"name": "error-gradual", "seed": 14, "segments": [bernoulli(40000, 0.1), bernoulli(30000, 0.1, end=0.4), bernoulli(30000, 0.4)]},
    {"name": "error-stationary", "seed": 15, "segments": [bernoulli(100000, 0.2)]},
]
