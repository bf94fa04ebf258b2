#!/usr/bin/env python3
"""A tiny driftwatch client for models that report themselves (Python standard library only).

It sends JSON lines (docs/agent.md, "JSON lines") to a `driftwatch agent` started with `--udp 127.0.0.1:PORT` or
`--unix PATH`. Sending is fire-and-forget: one datagram per call, never blocking the model on the agent.

    from driftwatch_client import DriftwatchClient
    client = DriftwatchClient(udp=("127.0.0.1", 7501))          # or DriftwatchClient(unix="/run/driftwatch/agent.sock")
    with client.timed(request_id="r-42", features={"amount": 120.5, "country": "DE"}) as call:
        call.prediction = model.predict(...)                     # latency and errors are measured around the block
    client.label("r-42", 1)                                      # the ground truth, when it is known

Run it as a script to send a few sample events:  python3 examples/driftwatch_client.py --udp 127.0.0.1:7501
"""

import argparse
import json
import random
import socket
import time


class DriftwatchClient:
    """Sends events and labels to a local driftwatch agent."""

    def __init__(self, udp=None, unix=None, model=None, version=None):
        if (udp is None) == (unix is None):
            raise ValueError("give exactly one of udp=(host, port) or unix=path")
        self.model = model
        self.version = version
        if udp is not None:
            self._socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            self._address = udp
        else:
            self._socket = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            self._address = unix
        self._socket.setblocking(False)
        self.dropped = 0  # datagrams the kernel would not take right now

    def event(self, features=None, prediction=None, latency_ms=None, outcome="ok", request_id=None, metrics=None):
        """Sends one prediction event. Features: numbers, strings, booleans or None (missing)."""
        line = {"features": features or {}, "outcome": outcome, "timestamp": time.time()}
        if prediction is not None:
            line["prediction"] = prediction
        if latency_ms is not None:
            line["latency_ms"] = latency_ms
        if request_id is not None:
            line["request_id"] = request_id
        if metrics:
            line["metrics"] = metrics
        self._send(line)

    def label(self, request_id, label):
        """Sends the ground truth of an earlier prediction (a number or a class label)."""
        self._send({"type": "label", "request_id": request_id, "label": label, "timestamp": time.time()})

    def timed(self, request_id=None, features=None):
        """A context manager that measures latency and outcome around a model call and sends the event."""
        return _TimedCall(self, request_id, features)

    def _send(self, line):
        if self.model is not None:
            line.setdefault("model", self.model)
        if self.version is not None:
            line.setdefault("version", self.version)
        try:
            self._socket.sendto(json.dumps(line, separators=(",", ":")).encode(), self._address)
        except (BlockingIOError, ConnectionRefusedError, FileNotFoundError):
            self.dropped += 1


class _TimedCall:
    def __init__(self, client, request_id, features):
        self.client, self.request_id, self.features = client, request_id, features
        self.prediction = None

    def __enter__(self):
        self._start = time.perf_counter()
        return self

    def __exit__(self, kind, value, traceback):
        latency = (time.perf_counter() - self._start) * 1000
        self.client.event(self.features, self.prediction, latency, "error" if kind else "ok", self.request_id)
        return False


def main():
    parser = argparse.ArgumentParser(description="Send sample events to a driftwatch agent.")
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--udp", help="HOST:PORT of the agent's --udp listener")
    target.add_argument("--unix", help="path of the agent's --unix socket")
    parser.add_argument("--count", type=int, default=100)
    arguments = parser.parse_args()
    if arguments.udp:
        host, port = arguments.udp.rsplit(":", 1)
        client = DriftwatchClient(udp=(host, int(port)))
    else:
        client = DriftwatchClient(unix=arguments.unix)
    for index in range(arguments.count):
        features = {"amount": random.gauss(100, 15), "country": random.choice(["DE", "FR", "US"])}
        with client.timed(request_id=f"sample-{index}", features=features) as call:
            call.prediction = 1 / (1 + 2.718 ** (-(features["amount"] - 100) / 15))
        if index % 2 == 0:
            client.label(f"sample-{index}", 1 if features["amount"] > 100 else 0)
    print(f"sent {arguments.count} events ({client.dropped} dropped by the kernel)")


if __name__ == "__main__":
    main()
