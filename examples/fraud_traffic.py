#!/usr/bin/env python3
"""Clients of the demo's fraud model: KServe V1 prediction requests at a steady rate, Python standard library only.

Usage: python3 examples/fraud_traffic.py URL [--rate EVENTS_PER_S] [--batch N] [--duration S]
                                             [--drift START+LENGTH:FEATURE*SHIFT] [--seed N]

POSTs {"instances": [...]} with --batch transactions per request to URL (the agent's proxy in front of
examples/fraud_model_server.py, e.g. http://127.0.0.1:8080/v1/models/fraud-detector:predict) so that --rate
transactions a second are scored, over a few kept-alive connections, for --duration seconds. Each transaction has
four numeric features (amount, account_age_days, tx_per_hour, distance_km) and two categorical ones (country,
device), drawn from fixed seeded distributions.

--drift 10+15:amount*3 shifts amount by 3 of its standard deviations from 10 s to 25 s after the start: the kind
of change in the input data (a new market, a broken upstream feature) driftwatch is there to notice. Repeatable.

Every 5 s, and at the end, one line on stdout: requests sent, answered, failed (5xx), and the mean round trip
(of the last 5 s; overall at the end).
Exits 1 when no request was answered at all.
"""

import argparse
import http.client
import json
import random
import sys
import threading
import time
import urllib.parse

# name: (draw, standard deviation used by --drift)
NUMERIC = {
    "amount": (lambda r: round(r.lognormvariate(4.159, 0.668), 2), 60.0),
    "account_age_days": (lambda r: round(r.gammavariate(3.0, 233.0)), 400.0),
    "tx_per_hour": (lambda r: round(r.expovariate(0.5), 2), 1.5),
    "distance_km": (lambda r: round(r.expovariate(1 / 15), 1), 20.0),
}
CATEGORICAL = {
    "country": (["DE", "FR", "US", "GB", "IT"], [40, 25, 20, 10, 5]),
    "device": (["ios", "android", "web"], [45, 35, 20]),
}
WORKERS = 8


def parse_drift(spec):
    """START+LENGTH:FEATURE*SHIFT → (start, end, feature, shift); exits with a usage error otherwise."""
    try:
        window, rest = spec.split(":")
        feature, shift = rest.split("*")
        start, length = window.split("+")
        start, length, shift = float(start), float(length), float(shift)
    except ValueError:
        sys.exit(f"fraud_traffic.py: --drift takes START+LENGTH:FEATURE*SHIFT, e.g. 10+15:amount*3; got {spec!r}")
    if feature not in NUMERIC:
        sys.exit(f"fraud_traffic.py: --drift: unknown feature {feature!r}; one of {', '.join(NUMERIC)}")
    if start < 0 or length <= 0:
        sys.exit(f"fraud_traffic.py: --drift needs START ≥ 0 and LENGTH > 0; got {spec!r}")
    return start, start + length, feature, shift


class Traffic:
    def __init__(self, url, rate, batch, duration, drifts, seed):
        self.url = urllib.parse.urlsplit(url)
        self.batch = batch
        self.interval = batch / rate
        self.total = max(1, int(duration * rate / batch))
        self.drifts = drifts
        self.random = random.Random(seed)
        self.lock = threading.Lock()
        self.next_request = 0
        self.sent = self.answered = self.failed = self.unreachable = 0
        self.round_trip = 0.0
        self.reported_answered = 0
        self.reported_round_trip = 0.0
        self.started = time.monotonic()

    def transaction(self, t):
        r = self.random
        instance = {name: draw(r) for name, (draw, _) in NUMERIC.items()}
        for name, (values, weights) in CATEGORICAL.items():
            instance[name] = r.choices(values, weights)[0]
        for start, end, feature, shift in self.drifts:
            if start <= t < end:
                instance[feature] = round(instance[feature] + shift * NUMERIC[feature][1], 2)
        return instance

    def take(self):
        """The next request's number and body, or None when all are sent; waits for its time."""
        with self.lock:
            k = self.next_request
            if k >= self.total:
                return None
            self.next_request += 1
            due = self.started + k * self.interval
            t = k * self.interval
            body = json.dumps({"instances": [self.transaction(t) for _ in range(self.batch)]}).encode()
        delay = due - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        return body

    def worker(self):
        connection = None
        path = self.url.path or "/"
        while (body := self.take()) is not None:
            began = time.monotonic()
            try:
                if connection is None:
                    connection = http.client.HTTPConnection(self.url.hostname, self.url.port, timeout=10)
                connection.request("POST", path, body, {"Content-Type": "application/json"})
                response = connection.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                if connection is not None:
                    connection.close()
                connection = None
                status = None
            with self.lock:
                self.sent += 1
                if status is None:
                    self.unreachable += 1
                    continue
                self.answered += 1
                self.round_trip += time.monotonic() - began
                if status >= 500:
                    self.failed += 1

    def report(self, final=False):
        """One line: totals, and the mean round trip since the last line (or overall at the end)."""
        with self.lock:
            answered = self.answered - (0 if final else self.reported_answered)
            round_trip = self.round_trip - (0 if final else self.reported_round_trip)
            self.reported_answered, self.reported_round_trip = self.answered, self.round_trip
            mean = round_trip / answered * 1000 if answered else 0.0
            elapsed = time.monotonic() - self.started
            line = (
                f"{'done' if final else 't=' + format(elapsed, '.0f') + ' s'}: {self.sent} requests "
                f"({self.sent * self.batch} transactions), {self.answered} answered, {self.failed} failed (5xx), "
                f"mean round trip {mean:.1f} ms{'' if final else ' in the last 5 s'}"
            )
            if self.unreachable:
                line += f", {self.unreachable} without an answer"
        print(line, flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", help="the prediction URL, e.g. http://127.0.0.1:8080/v1/models/fraud-detector:predict")
    parser.add_argument("--rate", type=float, default=1000, help="transactions scored per second (default 1000)")
    parser.add_argument("--batch", type=int, default=10, help="transactions per request (default 10)")
    parser.add_argument("--duration", type=float, default=60, help="seconds of traffic (default 60)")
    parser.add_argument("--drift", action="append", default=[], help="START+LENGTH:FEATURE*SHIFT (repeatable)")
    parser.add_argument("--seed", type=int, default=7, help="seed of the transactions")
    arguments = parser.parse_args()
    if arguments.rate <= 0 or arguments.batch <= 0 or arguments.duration <= 0:
        sys.exit("fraud_traffic.py: --rate, --batch and --duration must be positive")
    traffic = Traffic(
        arguments.url,
        arguments.rate,
        arguments.batch,
        arguments.duration,
        [parse_drift(spec) for spec in arguments.drift],
        arguments.seed,
    )
    workers = [threading.Thread(target=traffic.worker, daemon=True) for _ in range(WORKERS)]
    for worker in workers:
        worker.start()
    next_report = traffic.started + 5
    while any(worker.is_alive() for worker in workers):
        time.sleep(0.1)
        if time.monotonic() >= next_report:
            traffic.report()
            next_report += 5
    traffic.report(final=True)
    return 0 if traffic.answered else 1


if __name__ == "__main__":
    sys.exit(main())
