#!/usr/bin/env python3
"""A training-system receiver for driftwatch retraining triggers over ZeroMQ (pyzmq).

Usage: python3 examples/training_receiver.py [--bind tcp://127.0.0.1:7790] [--seen FILE]
                                             [--ack-delay SECONDS] [--ack-twice] [--exit-after N]

It binds a ROUTER socket; the collector (`driftwatch collector --trigger-zmq ENDPOINT`) connects a DEALER and
sends each trigger as three frames: b"trigger", the trigger id, the JSON payload (docs/triggers.md). The receiver
answers b"ack" + the id once the trigger is safely recorded; the collector retries until it gets that answer, so the
same trigger may arrive more than once. Retraining is started once per trigger id: ids already seen are
acknowledged again but not acted upon. With --seen FILE the ids seen survive a restart of the receiver (one id per
line, appended and flushed before the ack).

Each new trigger is printed as one JSON line on stdout: {"event": "retrain", "trigger": {...}}; a duplicate as
{"event": "duplicate", "trigger_id": ...}. "listening ENDPOINT" goes to stderr once bound (with tcp://…:* the
port is chosen by the system). --ack-delay (seconds spent on each new trigger before its ack) and --ack-twice make a slow or stuttering receiver
for tests.
"""

import argparse
import json
import os
import signal
import sys
import time

import zmq


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bind", default="tcp://127.0.0.1:7790", help="ROUTER endpoint to bind")
    parser.add_argument("--seen", help="file of trigger ids already acted upon (deduplication across restarts)")
    parser.add_argument("--ack-delay", type=float, default=0.0, help="seconds to wait before acknowledging")
    parser.add_argument("--ack-twice", action="store_true", help="send every acknowledgement twice")
    parser.add_argument("--exit-after", type=int, default=0, help="exit after this many new triggers (0: never)")
    args = parser.parse_args()

    seen = set()
    if args.seen and os.path.exists(args.seen):
        with open(args.seen) as f:
            seen = {line.strip() for line in f if line.strip()}

    # A child inherits its parent's ignored/blocked signals; make SIGTERM end the receiver.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    signal.signal(signal.SIGTERM, signal.SIG_DFL)

    context = zmq.Context()
    socket = context.socket(zmq.ROUTER)
    socket.setsockopt(zmq.LINGER, 1000)
    socket.bind(args.bind)
    endpoint = socket.getsockopt(zmq.LAST_ENDPOINT).decode()
    print("listening", endpoint, "pid", os.getpid(), file=sys.stderr, flush=True)

    new = 0
    while True:
        frames = socket.recv_multipart()
        if len(frames) != 4 or frames[1] != b"trigger":
            continue  # not a trigger request: ignore it
        routing_id, _, trigger_id, body = frames
        tid = trigger_id.decode()
        try:
            trigger = json.loads(body)
        except ValueError:
            socket.send_multipart([routing_id, b"nack", trigger_id, b"invalid JSON"])
            continue
        if tid in seen:
            print(json.dumps({"event": "duplicate", "trigger_id": tid}), flush=True)
        else:
            # Record first (durably), then act, then acknowledge: a crash before the ack means a resend, which the
            # record turns into a no-op.
            seen.add(tid)
            if args.seen:
                with open(args.seen, "a") as f:
                    f.write(tid + "\n")
                    f.flush()
                    os.fsync(f.fileno())
            new += 1
            print(json.dumps({"event": "retrain", "trigger": trigger}, sort_keys=True), flush=True)
            if args.ack_delay > 0:
                time.sleep(args.ack_delay)  # starting the training job takes a while
        socket.send_multipart([routing_id, b"ack", trigger_id])
        if args.ack_twice:
            socket.send_multipart([routing_id, b"ack", trigger_id])
        if args.exit_after and new >= args.exit_after:
            break
    socket.close()
    context.term()
    return 0


if __name__ == "__main__":
    sys.exit(main())
