"""Usage: python3 collect_alerts.py ENDPOINT TOPIC_PREFIX SECONDS

A pyzmq SUB socket that subscribes to TOPIC_PREFIX on ENDPOINT and prints every alert it receives during SECONDS
as one JSON line {"topic": ..., "alert": {...}}. Prints "subscribed" to stderr once connected. Written from
docs/protocol.md ("Alert delivery") only: two frames, the topic alert.<model>.<kind> and the JSON body.
"""

import json
import sys
import time

import zmq


def main():
    if len(sys.argv) != 4:
        print("usage: collect_alerts.py ENDPOINT TOPIC_PREFIX SECONDS", file=sys.stderr)
        return 2
    endpoint, prefix, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
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
        if not poller.poll(timeout=remaining * 1000):
            continue
        frames = socket.recv_multipart()
        if len(frames) != 2:
            print(f"unexpected frame count {len(frames)}", file=sys.stderr)
            continue
        print(json.dumps({"topic": frames[0].decode("utf-8"), "alert": json.loads(frames[1])}), flush=True)
    socket.close()
    context.term()
    return 0


if __name__ == "__main__":
    sys.exit(main())
