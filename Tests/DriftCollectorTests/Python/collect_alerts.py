"""Usage: python3 collect_alerts.py ENDPOINT TOPIC_PREFIX SECONDS [IDLE_SECONDS]

A pyzmq SUB socket that subscribes to TOPIC_PREFIX on ENDPOINT and prints every alert it receives as one JSON line
{"topic": ..., "alert": {...}}, for at most SECONDS, and stops earlier once IDLE_SECONDS pass without an alert after
the first one. Prints "subscribed" to stderr once connected. Written from
docs/protocol.md ("Alert delivery") only: two frames, the topic alert.<model>.<kind> and the JSON body.
"""

import json
import sys
import time

import zmq


def main():
    if len(sys.argv) not in (4, 5):
        print("usage: collect_alerts.py ENDPOINT TOPIC_PREFIX SECONDS [IDLE_SECONDS]", file=sys.stderr)
        return 2
    endpoint, prefix, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
    idle = float(sys.argv[4]) if len(sys.argv) == 5 else None
    last_alert = None
    context = zmq.Context()
    socket = context.socket(zmq.SUB)
    socket.setsockopt(zmq.LINGER, 0)
    socket.setsockopt_string(zmq.SUBSCRIBE, prefix)
    socket.connect(endpoint)
    print("subscribed", file=sys.stderr, flush=True)
    deadline = time.monotonic() + seconds
    poller = zmq.Poller()
    poller.register(socket, zmq.POLLIN)
    while (remaining := deadline - time.monotonic()) > 0:
        if idle is not None and last_alert is not None:
            remaining = min(remaining, last_alert + idle - time.monotonic())
            if remaining <= 0:
                break
        if not poller.poll(timeout=remaining * 1000):
            continue
        frames = socket.recv_multipart()
        last_alert = time.monotonic()
        if len(frames) != 2:
            print(f"unexpected frame count {len(frames)}", file=sys.stderr)
            continue
        print(json.dumps({"topic": frames[0].decode("utf-8"), "alert": json.loads(frames[1])}), flush=True)
    socket.close()
    context.term()
    return 0


if __name__ == "__main__":
    sys.exit(main())
