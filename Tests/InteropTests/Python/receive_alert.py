"""Usage: python3 receive_alert.py ENDPOINT TOPIC_PREFIX

A pyzmq SUB socket that connects to ENDPOINT, subscribes to TOPIC_PREFIX, receives one two-frame message
(topic, JSON alert body) and prints one JSON object: {"topic": ..., "alert": <the parsed body>}. Exits 1 when
nothing arrives within 20 s. Written against docs/protocol.md ("Alert delivery") only.
"""

import json
import sys

import zmq


def main():
    if len(sys.argv) != 3:
        print("usage: receive_alert.py ENDPOINT TOPIC_PREFIX", file=sys.stderr)
        return 2
    context = zmq.Context()
    socket = context.socket(zmq.SUB)
    socket.setsockopt(zmq.LINGER, 0)
    socket.setsockopt(zmq.RCVTIMEO, 20_000)
    socket.setsockopt_string(zmq.SUBSCRIBE, sys.argv[2])
    socket.connect(sys.argv[1])
    try:
        topic, body = socket.recv_multipart()
    except zmq.Again:
        print("no alert within 20 s", file=sys.stderr)
        return 1
    finally:
        socket.close()
        context.term()
    print(json.dumps({"topic": topic.decode("utf-8"), "alert": json.loads(body)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
