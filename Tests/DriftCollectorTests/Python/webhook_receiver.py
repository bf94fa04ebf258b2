"""Usage: python3 webhook_receiver.py SECONDS [FAIL_FIRST]

A webhook receiver on a free loopback port (standard library only). It prints "listening PORT pid PID" (the
interpreter's own process id) to stderr once it accepts connections, then one JSON line per POST to stdout:
{"topic": X-Driftwatch-Topic, "change": X-Driftwatch-Change, "content_type": Content-Type, "path": the request
path, "alert": the JSON body}. The first FAIL_FIRST requests (default 1) are answered 500 and printed with
"status": 500, to prove the sender retries; later ones get 200. Stops after SECONDS.
"""

import http.server
import json
import os
import signal
import sys
import threading


def main():
    if len(sys.argv) not in (2, 3):
        print("usage: webhook_receiver.py SECONDS [FAIL_FIRST]", file=sys.stderr)
        return 2
    seconds = float(sys.argv[1])
    remaining_failures = [int(sys.argv[2]) if len(sys.argv) == 3 else 1]
    lock = threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            with lock:
                status = 500 if remaining_failures[0] > 0 else 200
                remaining_failures[0] = max(0, remaining_failures[0] - 1)
                try:
                    alert = json.loads(body)
                except ValueError:
                    alert = None
                line = {
                    "status": status,
                    "topic": self.headers.get("X-Driftwatch-Topic"),
                    "change": self.headers.get("X-Driftwatch-Change"),
                    "content_type": self.headers.get("Content-Type"),
                    "path": self.path,
                    "alert": alert,
                }
                print(json.dumps(line, sort_keys=True), flush=True)
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format, *args):
            pass

    # A child inherits its parent's blocked signals; unblock SIGTERM so the caller can end the receiver.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    # The pid too: started through a pyenv shim, the interpreter may not be the process the caller started.
    print("listening", server.server_address[1], "pid", os.getpid(), file=sys.stderr, flush=True)
    timer = threading.Timer(seconds, server.shutdown)
    timer.daemon = True
    timer.start()
    server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
