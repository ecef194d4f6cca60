#!/usr/bin/env python3
"""A scriptable OAuth 2.0 token endpoint over HTTPS for the tests (standard library only).

It answers POSTs to any path with the next answer of its script (the last one repeats) and records every
request it received (path, the form fields, the time) as one JSON line. The script is a JSON list of
answers, each {"status": 200, "json": {...}} or {"status": 400, "raw": "not json"}, with optional
"delay" (seconds before answering: a hanging endpoint) and "match" ({field: value}: the answer is used only
for a request with these form fields; the first matching answer of the list is taken and consumed, see
"keep").

  token_server.py --cert C --key K --script S --requests R --port-file P [--parent-pid N]

The port is ephemeral (written to the port file once listening). It exits when its parent is gone, after
--max-lifetime seconds, or on SIGTERM.
"""
import argparse
import json
import os
import signal
import ssl
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # quiet
        pass

    def do_POST(self):
        srv = self.server
        n = int(self.headers.get("Content-Length") or 0)
        if n > 1 << 20:
            self.send_error(413)
            return
        body = self.rfile.read(n).decode("utf-8", "replace")
        form = {k: v[0] for k, v in urllib.parse.parse_qs(body, keep_blank_values=True).items()}
        with srv.lock:
            srv.count += 1
            with open(srv.requests_file, "a") as f:
                f.write(json.dumps({"n": srv.count, "path": self.path, "form": form,
                                    "content_type": self.headers.get("Content-Type"),
                                    "t": time.time()}) + "\n")
            answer = srv.next_answer(form)
        delay = float(answer.get("delay", 0))
        if delay:
            time.sleep(delay)
        if "raw" in answer:
            data = answer["raw"].encode()
            ctype = "text/html"
        else:
            data = json.dumps(answer.get("json", {})).encode()
            ctype = "application/json"
        try:
            self.send_response(int(answer.get("status", 200)))
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def next_answer(self, form):
        script = self.script
        for i, a in enumerate(script):
            m = a.get("match")
            if m and all(form.get(k) == v for k, v in m.items()):
                if not a.get("keep") and len(script) > 1:
                    script.pop(i)
                return a
        plain = [i for i, a in enumerate(script) if not a.get("match")]
        if not plain:
            return {"status": 400, "json": {"error": "invalid_request", "error_description": "no answer scripted"}}
        i = plain[0]
        a = script[i]
        if len(plain) > 1 and not a.get("keep"):
            script.pop(i)
        return a


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--cert", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--script", required=True)
    p.add_argument("--requests", required=True)
    p.add_argument("--port-file", required=True)
    p.add_argument("--parent-pid", type=int, default=0)
    p.add_argument("--max-lifetime", type=float, default=300.0)
    o = p.parse_args()
    with open(o.script) as f:
        script = json.load(f)
    srv = Server(("127.0.0.1", 0), Handler)
    srv.script = list(script)
    srv.lock = threading.Lock()
    srv.count = 0
    srv.requests_file = o.requests
    open(o.requests, "a").close()
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(o.cert, o.key)
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    tmp = o.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(tmp, o.port_file)
    signal.signal(signal.SIGTERM, lambda *a: os._exit(0))
    start = time.time()

    def watchdog():
        while True:
            time.sleep(0.5)
            if time.time() - start > o.max_lifetime:
                os._exit(0)
            if o.parent_pid:
                try:
                    os.kill(o.parent_pid, 0)
                except OSError:
                    os._exit(0)

    threading.Thread(target=watchdog, daemon=True).start()
    srv.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
