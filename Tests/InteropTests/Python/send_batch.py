"""Usage: python3 send_batch.py ENDPOINT

Connects a pyzmq PUSH socket to ENDPOINT (e.g. tcp://127.0.0.1:5555 or ipc:///tmp/x.sock), sends the event batch
described by expected_batch.json as one frame, and exits (waiting up to 10 s for delivery). The bytes are encoded
by driftwatch_wire.py from docs/protocol.md with the standard library's struct module only.

Tested with pyzmq 26.x (python3-zmq from Debian or `pip install pyzmq`).
"""

import sys

import zmq

import expected_batch


def main():
    if len(sys.argv) != 2:
        print("usage: send_batch.py ENDPOINT", file=sys.stderr)
        return 2
    body = expected_batch.encode()
    context = zmq.Context()
    socket = context.socket(zmq.PUSH)
    socket.setsockopt(zmq.LINGER, 10_000)
    socket.setsockopt(zmq.SNDTIMEO, 10_000)
    try:
        socket.connect(sys.argv[1])
        socket.send(body)
    except zmq.ZMQError as error:
        print(f"send failed: {error}", file=sys.stderr)
        return 1
    finally:
        socket.close()
        context.term()
    return 0


if __name__ == "__main__":
    sys.exit(main())
