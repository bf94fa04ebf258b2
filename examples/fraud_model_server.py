#!/usr/bin/env python3
"""A small fraud-detection model server for the demo: KServe V1 over HTTP, Python standard library only.

Usage: python3 examples/fraud_model_server.py --port PORT [--errors START+LENGTH*RATE] [--slow START+LENGTH*FACTOR]

POST /v1/models/fraud-detector:predict with {"instances": [{"amount": 120.5, "country": "DE", ...}, ...]} answers
{"predictions": [0.031, ...]}: the probability of fraud from a fixed logistic score of the numeric features (see
WEIGHTS). GET / answers "ok". Each request takes about 8 ms (lognormal), as a real model's inference would.

Faults, for demonstrations and tests, in seconds from the first prediction request (the model's own clock):
  --errors 20+10*0.3   from 20 s to 30 s, 30 % of requests fail with 500 (an "inference error")
  --slow 30+10*5       from 30 s to 40 s, every request takes 5 times as long
Everything the model does not do on purpose (a malformed body, an unknown path) is a 4xx with a JSON error.

Run it behind the driftwatch agent, which forwards every request unchanged and records its features, predictions,
latency and outcome (docs/agent-proxy.md):
  driftwatch agent --model fraud-detector --listen 127.0.0.1:8080 --upstream http://127.0.0.1:9000 \\
      --collector tcp://127.0.0.1:7701 -- python3 examples/fraud_model_server.py --port 9000
"""

import argparse
import json
import math
import random
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# The score: a logistic function of standardised numeric features (mean, standard deviation, weight).
WEIGHTS = {
    "amount": (80.0, 60.0, 1.1),
    "account_age_days": (700.0, 400.0, -0.8),
    "tx_per_hour": (2.0, 1.5, 0.6),
    "distance_km": (15.0, 20.0, 0.4),
}
INTERCEPT = -3.2
MEDIAN_LATENCY_SECONDS = 0.008


def parse_fault(spec, option):
    """START+LENGTH*VALUE → (start, end, value) in seconds; exits with a usage error naming the option."""
    try:
        window, value = spec.split("*")
        start, length = window.split("+")
        start, length, value = float(start), float(length), float(value)
    except ValueError:
        sys.exit(f"fraud_model_server.py: {option} takes START+LENGTH*VALUE, e.g. 20+10*0.3; got {spec!r}")
    if start < 0 or length <= 0 or value < 0:
        sys.exit(f"fraud_model_server.py: {option} needs START ≥ 0, LENGTH > 0 and VALUE ≥ 0; got {spec!r}")
    return start, start + length, value


class Model:
    def __init__(self, errors, slow, seed):
        self.errors = errors
        self.slow = slow
        self.random = random.Random(seed)
        self.lock = threading.Lock()
        self.started = None

    def clock(self):
        """Seconds since the first prediction request."""
        with self.lock:
            now = time.monotonic()
            if self.started is None:
                self.started = now
            return now - self.started

    def draw(self):
        with self.lock:
            return self.random.random(), self.random.gauss(0.0, 0.35)

    @staticmethod
    def active(fault, t):
        return fault is not None and fault[0] <= t < fault[1]

    def predict(self, instance):
        score = INTERCEPT
        for name, (mean, deviation, weight) in WEIGHTS.items():
            value = instance.get(name)
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                score += weight * (value - mean) / deviation
        return round(1.0 / (1.0 + math.exp(-score)), 6)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the agent's upstream connections expect
    # Headers and body go out in two writes; with Nagle's algorithm the second waits for the client's delayed ACK
    # (40 ms on Linux) once the connection is busy, which would look like the model itself being slow.
    disable_nagle_algorithm = True
    model = None

    def log_message(self, format, *args):  # one line per request would drown the demo's output
        pass

    def reply(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/":
            self.reply(200, {"status": "ok"})
        else:
            self.reply(404, {"error": f"no such path {self.path}"})

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.path != "/v1/models/fraud-detector:predict":
            self.reply(404, {"error": f"no such path {self.path}"})
            return
        try:
            instances = json.loads(body)["instances"]
            if not isinstance(instances, list) or not all(isinstance(i, dict) for i in instances):
                raise ValueError("instances must be a list of objects")
        except (ValueError, KeyError, TypeError) as error:
            self.reply(400, {"error": f"bad request body: {error}"})
            return
        model = self.model
        t = model.clock()
        chance, noise = model.draw()
        factor = model.slow[2] if model.active(model.slow, t) else 1.0
        time.sleep(MEDIAN_LATENCY_SECONDS * math.exp(noise) * factor)
        if model.active(model.errors, t) and chance < model.errors[2]:
            self.reply(500, {"error": "inference failed"})
            return
        self.reply(200, {"predictions": [model.predict(i) for i in instances]})


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True, help="the port to listen on (127.0.0.1)")
    parser.add_argument("--errors", help="START+LENGTH*RATE: fail that share of requests with 500")
    parser.add_argument("--slow", help="START+LENGTH*FACTOR: multiply the inference time")
    parser.add_argument("--seed", type=int, default=11, help="seed of the latency and failure draws")
    arguments = parser.parse_args()
    Handler.model = Model(
        parse_fault(arguments.errors, "--errors") if arguments.errors else None,
        parse_fault(arguments.slow, "--slow") if arguments.slow else None,
        arguments.seed,
    )
    server = ThreadingHTTPServer(("127.0.0.1", arguments.port), Handler)
    server.daemon_threads = True
    # The agent stops its model with SIGTERM when it stops.
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    print(f"fraud model listening on http://127.0.0.1:{server.server_address[1]}", file=sys.stderr, flush=True)
    server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
