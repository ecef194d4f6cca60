#!/usr/bin/python3
"""A fake OAuth 2.0 authorization server for the WordPress browser test (test-only, loopback only).

  GET  http://127.0.0.1:A/authorize   the authorization page: checks response_type=code, the client ID,
                                      the redirect URI, a state and a PKCE S256 challenge, then redirects
                                      back to the redirect URI with ?code=...&state=... (the user "allows")
  POST https://127.0.0.1:T/token      the token endpoint over HTTPS (the test CA's server certificate):
                                      grant_type=authorization_code checks the code (once, unexpired), the
                                      redirect URI, the client's ID and secret and BASE64URL(SHA256(
                                      code_verifier)) == the challenge, and gives a refresh token;
                                      grant_type=refresh_token gives the access token the test SMTP server
                                      expects
Every request is appended as one JSON line to --log (the form fields, for the test's checks).
Ports are ephemeral (--port-file gets "AUTHORIZE_PORT TOKEN_PORT"). Stops by itself after
--max-lifetime seconds or when --parent-pid is gone.
"""
import argparse
import base64
import hashlib
import http.server
import json
import os
import secrets
import ssl
import threading
import time
import urllib.parse

codes = {}  # code -> {challenge, redirect_uri, client_id, at}
lock = threading.Lock()


def b64url_sha256(s):
    return base64.urlsafe_b64encode(hashlib.sha256(s.encode()).digest()).decode().rstrip("=")


def make_handler(opts, kind):
    class H(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *args):
            pass

        def note(self, what, fields):
            with lock, open(opts.log, "a") as f:
                f.write(json.dumps({"t": time.time(), "endpoint": kind, "what": what, "fields": fields}) + "\n")

        def reply(self, status, body, ctype="application/json", headers=()):
            data = body.encode() if isinstance(body, str) else body
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            for k, v in headers:
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            u = urllib.parse.urlsplit(self.path)
            if kind != "authorize" or u.path != "/authorize":
                return self.reply(404, "not found", "text/plain")
            q = dict(urllib.parse.parse_qsl(u.query))
            self.note("authorize", q)
            problems = []
            if q.get("response_type") != "code":
                problems.append("response_type is not code")
            if q.get("client_id") != opts.client_id:
                problems.append("unknown client_id")
            if q.get("code_challenge_method") != "S256" or len(q.get("code_challenge", "")) != 43:
                problems.append("no PKCE S256 challenge")
            if not q.get("state"):
                problems.append("no state")
            ru = q.get("redirect_uri", "")
            if not ru.startswith("http://127.0.0.1:") or "page=native-smtp" not in ru:
                problems.append("redirect_uri is not the settings page")
            if problems:
                return self.reply(400, "authorization refused: " + "; ".join(problems), "text/plain")
            code = "fake-code-" + secrets.token_urlsafe(16)
            with lock:
                codes[code] = {"challenge": q["code_challenge"], "redirect_uri": ru, "client_id": q["client_id"], "at": time.time()}
            sep = "&" if "?" in ru else "?"
            loc = ru + sep + urllib.parse.urlencode({"code": code, "state": q["state"]})
            return self.reply(302, "", "text/plain", [("Location", loc)])

        def do_POST(self):
            if kind != "token" or urllib.parse.urlsplit(self.path).path != "/token":
                return self.reply(404, "not found", "text/plain")
            n = int(self.headers.get("Content-Length") or 0)
            if n > 65536:
                return self.reply(413, "too large", "text/plain")
            form = dict(urllib.parse.parse_qsl(self.rfile.read(n).decode()))
            auth = self.headers.get("Authorization", "")
            if auth.startswith("Basic "):
                cid, _, csec = base64.b64decode(auth[6:]).decode().partition(":")
                form.setdefault("client_id", urllib.parse.unquote_plus(cid))
                form.setdefault("client_secret", urllib.parse.unquote_plus(csec))
            self.note("token", form)

            def err(code, desc):
                return self.reply(400, json.dumps({"error": code, "error_description": desc}))

            if form.get("client_id") != opts.client_id or form.get("client_secret") != opts.client_secret:
                return self.reply(401, json.dumps({"error": "invalid_client", "error_description": "client authentication failed"}))
            g = form.get("grant_type")
            if g == "authorization_code":
                with lock:
                    c = codes.pop(form.get("code", ""), None)  # a code works once
                if c is None or time.time() - c["at"] > 120:
                    return err("invalid_grant", "unknown, used or expired code")
                if form.get("redirect_uri") != c["redirect_uri"]:
                    return err("invalid_grant", "redirect_uri differs from the authorization request")
                if b64url_sha256(form.get("code_verifier", "")) != c["challenge"]:
                    return err("invalid_grant", "PKCE verification failed")
                return self.reply(200, json.dumps({"access_token": opts.access_token, "refresh_token": opts.refresh_token,
                                                   "expires_in": 3599, "scope": opts.scope, "token_type": "Bearer"}))
            if g == "refresh_token":
                if form.get("refresh_token") != opts.refresh_token:
                    return err("invalid_grant", "Token has been expired or revoked.")
                return self.reply(200, json.dumps({"access_token": opts.access_token, "expires_in": 3599,
                                                   "scope": opts.scope, "token_type": "Bearer"}))
            return err("unsupported_grant_type", "grant_type %r" % g)

    return H


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--cert", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--port-file", required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--client-id", required=True)
    p.add_argument("--client-secret", required=True)
    p.add_argument("--refresh-token", required=True)
    p.add_argument("--access-token", required=True)
    p.add_argument("--scope", default="https://mail.google.com/")
    p.add_argument("--parent-pid", type=int, default=0)
    p.add_argument("--max-lifetime", type=float, default=1200.0)
    opts = p.parse_args()

    authz = http.server.ThreadingHTTPServer(("127.0.0.1", 0), make_handler(opts, "authorize"))
    token = http.server.ThreadingHTTPServer(("127.0.0.1", 0), make_handler(opts, "token"))
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(opts.cert, opts.key)
    token.socket = ctx.wrap_socket(token.socket, server_side=True)
    for s in (authz, token):
        s.daemon_threads = True
        threading.Thread(target=s.serve_forever, daemon=True).start()
    tmp = opts.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d %d\n" % (authz.server_address[1], token.server_address[1]))
    os.rename(tmp, opts.port_file)
    end = time.time() + opts.max_lifetime
    while time.time() < end:
        if opts.parent_pid:
            try:
                os.kill(opts.parent_pid, 0)
            except OSError:
                break
        time.sleep(0.5)


if __name__ == "__main__":
    main()
