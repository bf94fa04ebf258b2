#!/usr/bin/env python3
"""A small model server for the agent proxy tests: numpy behind http.server (HTTP/1.1, keep-alive).

Tested with Python 3.11 and numpy==2.4.6 (any numpy >= 1.24 works).

Routes:
  POST /v1/models/<m>:predict  KServe V1. Array instances: y = x @ [2, 3, -1, 0.5, ...] (a number);
                               object instances: "high" when the sum of their numbers is above 10, else "low".
  POST /v2/models/<m>/infer    Open Inference Protocol V2. The first input's rows: p = 0.75 when the row sum is
                               above 1, else 0.25; outputs "probabilities" [n, 2] = [1 - p, p] and "label" [n].
  POST /invocations            MLflow scoring server. dataframe_split / dataframe_records: {"predictions": row
                               sums}; inputs (rows): a bare list of row sums.
  POST /fail                   500 with a JSON error body.
  POST /slow?seconds=S         sleeps S seconds, then answers {"predictions": [1.0]}.
  POST /stall?seconds=S        sends the head and 10 of the 1,000 body bytes it announces, then sleeps S seconds.
  *    /echo...                the request body unchanged; X-Echo-Method, X-Echo-Path and X-Echo-Headers (JSON list
                               of [name, value]) describe the request received.
  GET  /stream?chunks=N        a chunked response of N JSON pieces forming {"parts": [0, 1, ...]}.
  GET  /stats                  {"connections": accepted connections, "requests": requests served}.
With --tls-certificate and --tls-key it serves HTTPS only. Prints "listening on <port>" once it accepts connections. Exits on SIGTERM (even when started with signals blocked,
as children of a multi-threaded test process are) and when its parent process goes away.
"""

import argparse
import json
import os
import signal
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import numpy as np

WEIGHTS = np.array([2.0, 3.0, -1.0, 0.5, 0.25, 0.125, 0.0625, 0.03125])
LOCK = threading.Lock()
STATS = {"connections": 0, "requests": 0}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self):
        super().setup()
        with LOCK:
            STATS["connections"] += 1

    def log_message(self, format, *args):  # quiet
        pass

    def read_body(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            body = bytearray()
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return bytes(body)
                body += self.rfile.read(size)
                self.rfile.readline()
        length = int(self.headers.get("Content-Length", "0"))
        return self.rfile.read(length) if length else b""

    def send(self, status, body, headers=()):
        if not isinstance(body, (bytes, bytearray)):
            body = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def handle_any(self):
        with LOCK:
            STATS["requests"] += 1
        url = urlsplit(self.path)
        body = self.read_body()
        path = url.path
        if path.startswith("/echo"):
            headers = json.dumps([[name, value] for name, value in self.headers.items()])
            self.send(200, body, [("X-Echo-Method", self.command), ("X-Echo-Path", self.path),
                                  ("X-Echo-Headers", headers)])
        elif path == "/stats":
            with LOCK:
                self.send(200, dict(STATS))
        elif path == "/stream":
            chunks = int(parse_qs(url.query).get("chunks", ["3"])[0])
            pieces = ['{"parts": ['] + [("%d" if i == 0 else ", %d") % i for i in range(chunks)] + ["]}"]
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for piece in pieces:
                data = piece.encode()
                self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
                self.wfile.flush()
            self.wfile.write(b"0\r\n\r\n")
        elif path == "/fail":
            self.send(500, {"error": "model failed"})
        elif path == "/slow":
            time.sleep(float(parse_qs(url.query).get("seconds", ["1"])[0]))
            self.send(200, {"predictions": [1.0]})
        elif path == "/stall":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "1000")
            self.end_headers()
            self.wfile.write(b'{"predicti')
            self.wfile.flush()
            time.sleep(float(parse_qs(url.query).get("seconds", ["1"])[0]))
            self.close_connection = True
        elif path.startswith("/v1/models/") and path.endswith(":predict"):
            self.send(200, {"predictions": [predict_v1(instance) for instance in json.loads(body)["instances"]]})
        elif path.startswith("/v2/models/") and path.endswith("/infer"):
            self.send(200, infer_v2(json.loads(body), path.split("/")[3]))
        elif path == "/invocations":
            self.send(200, invoke_mlflow(json.loads(body)))
        else:
            self.send(404, {"error": "no route " + path})

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = handle_any


def predict_v1(instance):
    if isinstance(instance, dict):
        total = sum(value for value in instance.values() if isinstance(value, (int, float)))
        return "high" if total > 10 else "low"
    x = np.asarray(instance, dtype=np.float64)
    return float(x @ WEIGHTS[: len(x)])


def infer_v2(request, model):
    tensor = request["inputs"][0]
    rows = np.asarray(tensor["data"], dtype=np.float64).reshape(tensor["shape"][0], -1)
    positive = np.where(rows.sum(axis=1) > 1, 0.75, 0.25)
    probabilities = np.stack([1 - positive, positive], axis=1)
    labels = ["pos" if p > 0.5 else "neg" for p in positive]
    return {
        "model_name": model,
        "outputs": [
            {"name": "probabilities", "shape": [len(rows), 2], "datatype": "FP64",
             "data": probabilities.reshape(-1).tolist()},
            {"name": "label", "shape": [len(rows)], "datatype": "BYTES", "data": labels},
        ],
    }


def invoke_mlflow(request):
    if "dataframe_split" in request:
        rows = np.asarray(request["dataframe_split"]["data"], dtype=np.float64)
        return {"predictions": rows.sum(axis=1).tolist()}
    if "dataframe_records" in request:
        columns = sorted(request["dataframe_records"][0])
        rows = np.asarray([[record[c] for c in columns] for record in request["dataframe_records"]], dtype=np.float64)
        return {"predictions": rows.sum(axis=1).tolist()}
    rows = np.asarray(request["inputs"], dtype=np.float64)
    return rows.sum(axis=1).tolist()


def exit_when_orphaned(parent):
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--tls-certificate")
    parser.add_argument("--tls-key")
    arguments = parser.parse_args()
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    threading.Thread(target=exit_when_orphaned, args=(os.getppid(),), daemon=True).start()
    server = ThreadingHTTPServer(("127.0.0.1", arguments.port), Handler)
    server.daemon_threads = True
    if arguments.tls_certificate:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(arguments.tls_certificate, arguments.tls_key)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    print("listening on %d" % server.server_address[1], flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
