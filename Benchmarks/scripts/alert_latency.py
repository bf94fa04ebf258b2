"""Event-to-alert latency of a live collector, as a subscriber sees it.

Usage: python3 alert_latency.py PATH/TO/driftwatch [--cycles 100]

Starts `driftwatch collector` on ephemeral loopback ports with a configuration in which one numeric feature is
watched (KS, evaluation every 500 events, current window 500, `for: 0s`, `keep_firing_for: 0s`), then acts as an
agent (DEALER, wire protocol v1 through Tests/InteropTests/Python/driftwatch_wire.py) and as a subscriber (SUB on
alert.latency-probe.). After a 2 000-event reference, each cycle sends 1 000 stationary events (the alert resolves),
then one batch of 500 drifted events whose last event completes the evaluation that crosses the threshold. The
latency is the time from handing that batch to ZeroMQ to the firing alert arriving at the subscriber: transport,
decoding, ingestion, the evaluation (KS, Wasserstein, corrections), publishing and delivery. Prints p50/p90/p99/max.
"""

import argparse
import os
import random
import re
import subprocess
import sys
import tempfile
import time

import zmq

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "Tests", "InteropTests", "Python"))
import driftwatch_wire as wire  # noqa: E402

CONFIG = """
defaults:
  evaluate_every_events: 500
  evaluate_every: 1h
  reference: {policy: first_events, events: 2000}
  current_window_events: 500
  alerts: {for: 0s, keep_firing_for: 0s}
  error_rate: {enabled: false}
  latency: {enabled: false}
  traffic: {enabled: false}
  accuracy: {enabled: false}
  missing_rate: {enabled: false}
"""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("driftwatch")
    parser.add_argument("--cycles", type=int, default=100)
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="driftwatch-latency-")
    config = os.path.join(work, "collector.yaml")
    with open(config, "w") as handle:
        handle.write(CONFIG)
    log = open(os.path.join(work, "collector.log"), "w+")
    collector = subprocess.Popen(
        [args.driftwatch, "collector", "--config", config, "--ingest", "tcp://127.0.0.1:*",
         "--alerts", "tcp://127.0.0.1:*", "--http", "127.0.0.1:0"],
        stderr=log,
    )
    try:
        endpoints = wait_for_endpoints(os.path.join(work, "collector.log"), collector)
        run(endpoints, args.cycles)
    finally:
        collector.terminate()
        collector.wait(timeout=30)


def wait_for_endpoints(path, collector):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with open(path) as handle:
            text = handle.read()
        ingest = re.search(r"zmq\.ingest=(\S+)", text)
        alerts = re.search(r"zmq\.alerts=(\S+)", text)
        if ingest and alerts:
            return ingest.group(1), alerts.group(1)
        if collector.poll() is not None:
            sys.exit("collector exited:\n" + text)
        time.sleep(0.05)
    sys.exit("collector did not report its endpoints")


def run(endpoints, cycles):
    ingest, alerts = endpoints
    context = zmq.Context()
    agent = context.socket(zmq.DEALER)
    agent.setsockopt(zmq.ROUTING_ID, b"latency-probe")
    agent.setsockopt(zmq.LINGER, 0)
    agent.connect(ingest)
    subscriber = context.socket(zmq.SUB)
    subscriber.setsockopt_string(zmq.SUBSCRIBE, "alert.latency-probe.")
    subscriber.connect(alerts)
    time.sleep(0.5)  # let the subscription reach the collector

    generator = random.Random(7)
    state = {"sequence": 0, "time": time.time_ns()}

    def batch(count, mean):
        events = []
        for _ in range(count):
            state["time"] += 1_000_000
            events.append({"timestamp_ns": state["time"], "numeric": [generator.gauss(mean, 1.0)]})
        state["sequence"] += 1
        return wire.encode_event_batch("latency-probe", state["sequence"], "latency-probe", "v1",
                                       [("x", wire.NUMERIC)], [], events)

    def send_and_wait(body):
        agent.send(body)
        if not agent.poll(30_000):
            sys.exit("no acknowledgement within 30 s")
        agent.recv()

    for _ in range(4):
        send_and_wait(batch(500, 0.0))
    latencies = []
    for cycle in range(cycles):
        send_and_wait(batch(500, 0.0))
        send_and_wait(batch(500, 0.0))
        drain(subscriber)
        drifted = batch(500, 4.0)
        started = time.perf_counter()
        agent.send(drifted)
        while True:
            if not subscriber.poll(30_000):
                sys.exit(f"cycle {cycle}: no alert within 30 s")
            topic, body = subscriber.recv_multipart()
            if b'"state":"firing"' in body:
                latencies.append((time.perf_counter() - started) * 1000)
                break
        if not agent.poll(30_000):
            sys.exit("no acknowledgement within 30 s")
        agent.recv()
    latencies.sort()

    def quantile(q):
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))]

    print(f"{len(latencies)} alerts: p50 {quantile(0.5):.2f} ms, p90 {quantile(0.9):.2f} ms, "
          f"p99 {quantile(0.99):.2f} ms, max {latencies[-1]:.2f} ms")


def drain(subscriber):
    while subscriber.poll(0):
        subscriber.recv_multipart()


if __name__ == "__main__":
    main()
