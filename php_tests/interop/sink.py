#!/usr/bin/python3
"""Capture sink for the interop and drop-in tests: a small SMTP server (stdlib only).

Usage: sink.py HOST PORT DIR [PIDFILE]

Every accepted message is written to DIR as two files, numbered in arrival order:
  NNNNNN.eml   the exact message bytes as received in DATA, after removing the transparency dots
               (RFC 5321 4.5.2) and the final "." line; nothing else is changed, so a bare CR or LF
               sent by the client stays in the file (lines are split on CRLF only).
  NNNNNN.json  {"mail_from": "...", "mail_params": "...", "rcpt_to": [...], "helo": "...",
                "peer": "ip:port", "size": N}
The .json is written last (via rename), so a reader that sees NNNNNN.json can read the .eml.
It advertises PIPELINING, 8BITMIME, SMTPUTF8 and SIZE (so Postfix relays 8-bit mail unchanged
instead of converting it to quoted-printable), and no AUTH, STARTTLS or CHUNKING.
"""
import json
import os
import socket
import socketserver
import sys
import threading

MAX_LINE = 4096          # command lines (RFC 5321 allows 512; be lenient but bounded)
MAX_MESSAGE = 64 << 20   # 64 MB per message
IDLE_TIMEOUT = 120       # seconds without a byte from the client

_lock = threading.Lock()
_counter = [0]
_outdir = "."


def _next_name():
    with _lock:
        _counter[0] += 1
        return "%06d" % _counter[0]


def _angle(arg):
    """Return the address inside <...> of a MAIL FROM:/RCPT TO: argument and the rest (parameters)."""
    arg = arg.strip()
    if arg.startswith("<"):
        end = arg.find(">")
        if end < 0:
            return None, ""
        return arg[1:end], arg[end + 1:].strip()
    # no angle brackets (tolerated): address up to the first space
    parts = arg.split(" ", 1)
    return parts[0], (parts[1].strip() if len(parts) > 1 else "")


class Handler(socketserver.StreamRequestHandler):
    timeout = IDLE_TIMEOUT

    def reply(self, text):
        self.wfile.write(text.encode("utf-8") + b"\r\n")
        self.wfile.flush()

    def readline(self):
        line = self.rfile.readline(MAX_LINE + 1)
        if not line:
            return None
        if len(line) > MAX_LINE:
            raise ValueError("line too long")
        return line

    def handle(self):
        peer = "%s:%d" % self.client_address[:2]
        helo = ""
        mail_from = None
        mail_params = ""
        rcpts = []
        self.reply("220 sink.test.localhost ESMTP capture sink")
        try:
            while True:
                raw = self.readline()
                if raw is None:
                    return
                line = raw.rstrip(b"\r\n").decode("utf-8", "replace")
                verb = line[:4].upper()
                if verb in ("EHLO", "HELO"):
                    helo = line[5:].strip()
                    mail_from, mail_params, rcpts = None, "", []
                    if verb == "EHLO":
                        self.reply("250-sink.test.localhost\r\n250-PIPELINING\r\n250-SIZE %d\r\n"
                                   "250-8BITMIME\r\n250-SMTPUTF8\r\n250 ENHANCEDSTATUSCODES" % MAX_MESSAGE)
                    else:
                        self.reply("250 sink.test.localhost")
                elif line.upper().startswith("MAIL FROM:"):
                    if mail_from is not None:
                        self.reply("503 5.5.1 Error: nested MAIL command")
                        continue
                    addr, params = _angle(line[10:])
                    if addr is None:
                        self.reply("501 5.5.4 Syntax: MAIL FROM:<address>")
                        continue
                    mail_from, mail_params, rcpts = addr, params, []
                    self.reply("250 2.1.0 Ok")
                elif line.upper().startswith("RCPT TO:"):
                    if mail_from is None:
                        self.reply("503 5.5.1 Error: need MAIL command")
                        continue
                    addr, _params = _angle(line[8:])
                    if not addr:
                        self.reply("501 5.5.4 Syntax: RCPT TO:<address>")
                        continue
                    rcpts.append(addr)
                    self.reply("250 2.1.5 Ok")
                elif verb == "DATA":
                    if mail_from is None or not rcpts:
                        self.reply("503 5.5.1 Error: need RCPT command")
                        continue
                    self.reply("354 End data with <CR><LF>.<CR><LF>")
                    data = self.read_data()
                    if data is None:
                        self.reply("552 5.3.4 Message too big")
                    else:
                        name = _next_name()
                        with open(os.path.join(_outdir, name + ".eml"), "wb") as f:
                            f.write(data)
                        meta = {"mail_from": mail_from, "mail_params": mail_params, "rcpt_to": rcpts,
                                "helo": helo, "peer": peer, "size": len(data)}
                        tmp = os.path.join(_outdir, name + ".json.tmp")
                        with open(tmp, "w") as f:
                            json.dump(meta, f)
                        os.rename(tmp, os.path.join(_outdir, name + ".json"))
                        self.reply("250 2.0.0 Ok: queued as %s" % name)
                    mail_from, mail_params, rcpts = None, "", []
                elif verb == "RSET":
                    mail_from, mail_params, rcpts = None, "", []
                    self.reply("250 2.0.0 Ok")
                elif verb == "NOOP":
                    self.reply("250 2.0.0 Ok")
                elif verb == "QUIT":
                    self.reply("221 2.0.0 Bye")
                    return
                else:
                    self.reply("502 5.5.2 Error: command not recognized")
        except (ValueError, OSError, socket.timeout):
            return

    def read_data(self):
        """Read DATA up to CRLF.CRLF; undo dot-stuffing; split lines on CRLF only."""
        out = bytearray()
        pending = b""   # bytes of the current line read so far (a line may be longer than one read)
        too_big = False
        at_line_start = True
        while True:
            chunk = self.rfile.readline(65536)
            if not chunk:
                raise OSError("connection closed in DATA")
            pending += chunk
            if not pending.endswith(b"\r\n"):
                if len(pending) > 1 << 20 and not pending.endswith(b"\r"):
                    # a huge line or bare LFs: keep the bytes, continue the same logical line
                    if at_line_start and pending.startswith(b"."):
                        pending = pending[1:]
                    if not too_big:
                        out += pending
                    at_line_start = False
                    pending = b""
                continue
            line = pending
            pending = b""
            if at_line_start:
                if line == b".\r\n":
                    break
                if line.startswith(b"."):
                    line = line[1:]
            at_line_start = True
            if not too_big:
                out += line
                if len(out) > MAX_MESSAGE:
                    too_big = True
        return None if too_big else bytes(out)


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


def main():
    global _outdir
    if len(sys.argv) < 4:
        sys.stderr.write("usage: sink.py HOST PORT DIR [PIDFILE]\n")
        return 2
    host, port, _outdir = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    os.makedirs(_outdir, exist_ok=True)
    existing = [n for n in os.listdir(_outdir) if n.endswith(".json")]
    _counter[0] = max([int(n[:6]) for n in existing if n[:6].isdigit()] or [0])
    srv = Server((host, port), Handler)
    if len(sys.argv) > 4:
        with open(sys.argv[4], "w") as f:
            f.write("%d\n" % os.getpid())
    sys.stdout.write("sink listening on %s:%d, writing to %s\n" % (host, port, _outdir))
    sys.stdout.flush()
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
