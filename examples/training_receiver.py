#!/usr/bin/env python3
"""A training-system receiver for driftwatch retraining triggers over ZeroMQ (pyzmq).

Usage: python3 examples/training_receiver.py [--bind tcp://127.0.0.1:7790] [--seen FILE]
                                             [--ack-delay SECONDS] [--ack-twice] [--exit-after N]
                                             [--curve-secret RECEIVER.secret [--allow COLLECTOR.pub ...]]

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

With --curve-secret (a key file from `driftwatch keygen`) the ROUTER is a CURVE server (ZeroMQ RFC 26): traffic is
encrypted and only a collector that knows this receiver's public key (`driftwatch collector --trigger-zmq-key
RECEIVER.pub`) can connect. With --allow (repeatable) a ZAP handler admits only the listed collector public keys;
refused handshakes are reported on stderr as "refused KEY".
"""

import argparse
import json
import os
import signal
import sys
import time

import zmq
import zmq.auth.thread


def read_key_file(path):
    """The keys of a `driftwatch keygen` file: lines `public-key = "<Z85>"` / `secret-key = "<Z85>"`, # comments."""
    keys = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#") or "=" not in line:
                continue
            name, value = (part.strip() for part in line.split("=", 1))
            keys[name] = value.strip('"').encode()
    return keys


class AllowList:
    """A pyzmq ZAP credentials provider admitting a fixed set of Z85 public keys."""

    def __init__(self, keys):
        self.keys = set(keys)

    def callback(self, domain, key):
        if key in self.keys:
            return True
        print("refused", key.decode(), file=sys.stderr, flush=True)
        return False


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bind", default="tcp://127.0.0.1:7790", help="ROUTER endpoint to bind")
    parser.add_argument("--seen", help="file of trigger ids already acted upon (deduplication across restarts)")
    parser.add_argument("--ack-delay", type=float, default=0.0, help="seconds to wait before acknowledging")
    parser.add_argument("--ack-twice", action="store_true", help="send every acknowledgement twice")
    parser.add_argument("--exit-after", type=int, default=0, help="exit after this many new triggers (0: never)")
    parser.add_argument("--curve-secret", help="this receiver's key file (driftwatch keygen): be a CURVE server")
    parser.add_argument("--allow", action="append", default=[], help="a collector .pub file admitted (repeatable)")
    args = parser.parse_args()
    if args.allow and not args.curve_secret:
        parser.error("--allow needs --curve-secret")

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
    authenticator = None
    if args.curve_secret:
        keys = read_key_file(args.curve_secret)
        socket.curve_secretkey = keys["secret-key"]
        socket.curve_publickey = zmq.curve_public(keys["secret-key"])
        socket.curve_server = True
        if args.allow:
            authenticator = zmq.auth.thread.ThreadAuthenticator(context)
            authenticator.start()
            allowed = [read_key_file(path)["public-key"] for path in args.allow]
            authenticator.configure_curve_callback("*", credentials_provider=AllowList(allowed))
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
    if authenticator:
        authenticator.stop()
    context.term()
    return 0


if __name__ == "__main__":
    sys.exit(main())
