#!/usr/bin/python3
"""A scriptable SMTP server for the smtp extension's tests (standard library only).

It is a real RFC 5321 peer: EHLO/HELO, PIPELINING (commands are processed as they
arrive and answered in order; replies are flushed when the input runs dry), DATA with
dot-unstuffing, BDAT (CHUNKING), STARTTLS and implicit TLS, AUTH PLAIN / LOGIN /
CRAM-MD5 / XOAUTH2, RSET, NOOP, VRFY, HELP, QUIT, 500 for unknown commands, bounded
line lengths, and strict CRLF: a bare CR or LF in a message is refused (5xx) and
noted in the capture.

Every accepted (and every refused) message is captured as DIR/NNN.eml (the message
bytes exactly as received, after un-stuffing) and DIR/NNN.json (the envelope and what
the server observed: TLS, AUTH, how many separate client writes the command phase
took, ...). Every connection adds one line to DIR/connections.jsonl when it ends.
The transcript file receives every line in both directions, with the time and the
connection number.

Faults (repeatable --fault RULE):
  STAGE=REPLY          answer STAGE with REPLY instead of the normal reply. STAGE is one of
                       greeting ehlo helo starttls auth mail rcpt data dot bdat rset noop
                       vrfy quit; "rcpt:ADDR=REPLY" answers one recipient only. A REPLY that
                       starts with a 3-digit code is formatted as an SMTP reply ("\\n" in it
                       makes a multi-line reply); anything else is sent raw (garbage).
                       A 2xx/3xx REPLY counts as success, 4xx/5xx as failure, 421 closes.
  silent               accept the connection and never say anything
  silent-after=STAGE   when STAGE arrives, stop answering (for good; DOT = end of data)
  close-after=STAGE    when STAGE arrives, close the connection without a reply
  421-at=STAGE         answer STAGE with "421 4.3.2 Service shutting down" and close
  garbage-greeting[=TEXT]   greet with TEXT (default "hello there") instead of 220
  long-line[=STAGE]    answer STAGE (default GREETING) with one 100 KB reply line
  endless-continuation[=STAGE]  answer STAGE (default EHLO) with "250-..." lines until
                       the client closes or 10 MB have been sent
  tls-alert            answer the client's TLS ClientHello with a fatal handshake_failure
                       alert and close (a TLS handshake that fails, not a plain-text server)
  inject-after-starttls  answer STARTTLS with "220 ready\\r\\n250 injected\\r\\n" in one write
  trickle              send the greeting one byte every 0.3 s, forever (until the client
                       closes or 10 minutes pass)
  delay=STAGE:SECONDS  wait SECONDS before answering STAGE
  idle-421             a connection idle past --conn-timeout gets "421 4.4.2 Idle too long" before the close
  421-at-mail=N        the Nth MAIL FROM of a connection is answered 421 and the connection closed
  close-at-mail=N      the Nth MAIL FROM of a connection: the connection is closed without a reply
  close-after-auth-fail  after refusing an AUTH with 535 (also after the XOAUTH2 error
                       challenge), close the connection (as Microsoft and Gmail may)
  xoauth2-once         an XOAUTH2 token is accepted on one AUTH only; used again it is refused
                       (a token that expired at the server while the client still keeps it)
  drop-random=P        a fraction P (0..1) of the transactions have their connection cut at a
                       point chosen at random (--seed N makes the choice repeatable) among:
                       greeting (accepted, closed before the 220), ehlo (the EHLO reply sent,
                       then closed), mail, rcpt, data (the command received, closed without a
                       reply), body (closed in the middle of the message, nothing stored) and
                       dot (the message received and stored, closed before its 250: the one
                       cut after which a client cannot know and may send the message again).
                       The first transaction of a connection is decided when the connection is
                       accepted, the others at their MAIL; a later one drawn for greeting or
                       ehlo is carried to the next connection the server accepts. Every cut is
                       one JSON line in --cut-log (default DIR/cuts.jsonl of --capture-dir):
                       point, conn, time, and for body and dot the Message-ID, envelope sender
                       and recipients of the message (body: when its header had arrived).
Nothing runs forever: --idle-exit (default 120 s), --max-lifetime (default 900 s),
--parent-pid (exit when that process is gone).
"""

import argparse
import base64
import binascii
import hashlib
import hmac
import json
import os
import random
import re
import secrets
import selectors
import signal
import socket
import ssl
import sys
import threading
import time

CMD_LINE_MAX = 1000        # command line incl. CRLF (RFC 5321 allows 512; extensions add)
AUTH_LINE_MAX = 12288      # RFC 4954 section 4
DATA_MAX = 256 * 1024 * 1024
RCPT_MAX = 1000
CAP_BYTES = 10 * 1024 * 1024
LONG_LINE = 100 * 1024
TRANSCRIPT_LINE_MAX = 300

CUT_POINTS = ("greeting", "ehlo", "mail", "rcpt", "data", "body", "dot")
MSGID_RE = re.compile(rb"(?im)^message-id:[ \t]*((?:.*)(?:\r\n[ \t].*)*)")

STAGES = {"GREETING", "EHLO", "HELO", "STARTTLS", "AUTH", "MAIL", "RCPT", "DATA", "DOT",
          "BDAT", "RSET", "NOOP", "VRFY", "QUIT", "HELP"}


class Closed(Exception):
    """The connection is over (client closed, fault closed it, or an I/O error)."""


class Faults:
    def __init__(self, rules):
        self.replies = {}        # stage (lower) -> reply text
        self.rcpt = {}           # address (lower) -> reply text
        self.silent = False
        self.silent_after = set()
        self.close_after = set()
        self.at421 = set()
        self.garbage_greeting = None
        self.long_line = set()
        self.endless = set()
        self.inject_after_starttls = False
        self.tls_alert = False      # tls-alert: a fatal handshake_failure alert instead of a ServerHello
        self.trickle = False
        self.delay = {}
        self.idle_421 = False       # idle-421: say 421 before closing a connection idle past --conn-timeout
        self.at421_mail = set()     # 421-at-mail=N: the Nth MAIL on a connection gets 421 and the close
        self.close_at_mail = set()  # close-at-mail=N: the Nth MAIL on a connection: close without a reply
        self.close_after_auth_fail = False  # close the connection after a 535 to AUTH
        self.xoauth2_once = False   # a token works for one AUTH only
        self.drop_random = 0.0      # drop-random=P: that fraction of transactions is cut somewhere
        for rule in rules:
            self._add(rule)

    @staticmethod
    def _stage(value, rule):
        s = value.strip().upper()
        if s not in STAGES:
            raise SystemExit("bad stage %r in fault %r (one of %s)" % (value, rule, " ".join(sorted(STAGES))))
        return s

    def _add(self, rule):
        name, eq, value = rule.partition("=")
        name = name.strip()
        lname = name.lower()
        if lname == "silent" and not eq:
            self.silent = True
        elif lname == "silent-after" and eq:
            self.silent_after.add(self._stage(value, rule))
        elif lname == "close-after" and eq:
            self.close_after.add(self._stage(value, rule))
        elif lname == "421-at" and eq:
            self.at421.add(self._stage(value, rule))
        elif lname == "garbage-greeting":
            self.garbage_greeting = value if eq else "hello there"
        elif lname == "long-line":
            self.long_line.add(self._stage(value, rule) if eq else "GREETING")
        elif lname == "endless-continuation":
            self.endless.add(self._stage(value, rule) if eq else "EHLO")
        elif lname == "inject-after-starttls" and not eq:
            self.inject_after_starttls = True
        elif lname == "tls-alert" and not eq:
            self.tls_alert = True
        elif lname == "trickle" and not eq:
            self.trickle = True
        elif lname == "close-after-auth-fail" and not eq:
            self.close_after_auth_fail = True
        elif lname == "xoauth2-once" and not eq:
            self.xoauth2_once = True
        elif lname == "idle-421" and not eq:
            self.idle_421 = True
        elif lname == "421-at-mail" and eq and value.strip().isdigit():
            self.at421_mail.add(int(value))
        elif lname == "close-at-mail" and eq and value.strip().isdigit():
            self.close_at_mail.add(int(value))
        elif lname == "drop-random" and eq:
            try:
                self.drop_random = float(value)
            except ValueError:
                self.drop_random = -1.0
            if not 0.0 <= self.drop_random <= 1.0:
                raise SystemExit("drop-random wants a fraction between 0 and 1, not %r" % value)
        elif lname == "delay" and eq:
            st, _, secs = value.partition(":")
            self.delay[self._stage(st, rule)] = float(secs)
        elif lname.startswith("rcpt:") and eq:
            self.rcpt[name[5:].strip().lower()] = value
        elif eq and lname.upper() in STAGES:
            self.replies[lname] = value
        else:
            raise SystemExit("unknown fault rule %r" % rule)


def message_id_of(data):
    """The Message-ID field's value in a message's header section (bytes), or None."""
    end = data.find(b"\r\n\r\n")
    head = bytes(data[:end + 2] if end >= 0 else data[:65536])
    m = MSGID_RE.search(head)
    if not m:
        return None
    return re.sub(rb"\r\n[ \t]+", b" ", m.group(1)).strip().decode("utf-8", "replace")


def now_text():
    t = time.time()
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(t)) + (".%03d" % int((t % 1) * 1000))


def printable(b):
    """Bytes -> one transcript line; control bytes other than tab are shown as \\xNN."""
    s = bytes(b[:TRANSCRIPT_LINE_MAX]).decode("utf-8", "backslashreplace")
    s = "".join(c if (c == "\t" or ord(c) >= 32) and c != "\x7f" else "\\x%02x" % ord(c) for c in s)
    if len(b) > TRANSCRIPT_LINE_MAX:
        s += "... [%d bytes]" % len(b)
    return s


class Server:
    def __init__(self, opts):
        self.o = opts
        self.faults = Faults(opts.fault or [])
        self.users = {}
        self.more_tokens = {}   # a user given again: more XOAUTH2 tokens accepted for that user
        self.used_tokens = set()  # xoauth2-once: the tokens that were accepted already
        for u in opts.user or []:
            name, sep, pw = u.partition(":")
            if not sep:
                raise SystemExit("--user wants NAME:PASSWORD")
            if name in self.users:
                self.more_tokens.setdefault(name, []).append(pw)
            else:
                self.users[name] = pw
        self.mechs = [m.upper() for m in (opts.auth or "").replace(",", " ").split()]
        for m in self.mechs:
            if m not in ("PLAIN", "LOGIN", "CRAM-MD5", "XOAUTH2"):
                raise SystemExit("unsupported AUTH mechanism %r" % m)
        self.lock = threading.Lock()
        self.tlock = threading.Lock()
        self.conn_no = 0
        self.msg_no = 0
        self.accepted = 0
        self.active = 0
        self.last_activity = time.monotonic()
        self.started = time.monotonic()
        self.stopping = False
        self.tfile = open(opts.transcript, "a", encoding="utf-8") if opts.transcript else None
        self.ctx = None
        if opts.tls_cert:
            self.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            self.ctx.minimum_version = ssl.TLSVersion.TLSv1_2
            self.ctx.load_cert_chain(opts.tls_cert, opts.tls_key or None)
            self.ctx.sni_callback = self._sni
        elif opts.starttls or opts.implicit_tls:
            raise SystemExit("--starttls/--implicit-tls need --tls-cert")
        if opts.capture_dir:
            os.makedirs(opts.capture_dir, exist_ok=True)
        # drop-random: one generator for every connection (under the lock), the greeting/ehlo cuts
        # waiting for the next connection, and where each cut is recorded
        self.rng = random.Random(opts.seed)
        self.pending_cuts = []
        self.cut_log = opts.cut_log or (os.path.join(opts.capture_dir, "cuts.jsonl") if opts.capture_dir else None)
        self.cjsonl = open(opts.capture_jsonl, "a", encoding="utf-8") if opts.capture_jsonl else None

    def draw_cut(self, first):
        """drop-random: the point where this transaction is cut, or None. first: the first transaction of
        a new connection (greeting and ehlo can happen to it; a waiting greeting/ehlo cut is its own)."""
        p = self.faults.drop_random
        if p <= 0:
            return None
        with self.lock:
            if first and self.pending_cuts:
                return self.pending_cuts.pop(0)
            if self.rng.random() >= p:
                return None
            point = self.rng.choice(CUT_POINTS)
            if not first and point in ("greeting", "ehlo"):
                self.pending_cuts.append(point)
                return None
            return point

    def record_cut(self, rec):
        rec["time"] = round(time.time(), 3)
        if not self.cut_log:
            return
        with self.lock:
            with open(self.cut_log, "a", encoding="utf-8") as f:
                f.write(json.dumps(rec, sort_keys=True) + "\n")

    @staticmethod
    def _sni(sslobj, name, ctx):
        try:
            sslobj.smtp_sni = name
        except Exception:
            pass
        return None

    def touch(self):
        self.last_activity = time.monotonic()

    def log(self, conn, direction, data):
        if not self.tfile:
            return
        with self.tlock:
            self.tfile.write("%s #%d %s: %s\n" % (now_text(), conn, direction, printable(data)))
            self.tfile.flush()

    def note(self, conn, text):
        if not self.tfile:
            return
        with self.tlock:
            self.tfile.write("%s #%d * %s\n" % (now_text(), conn, text))
            self.tfile.flush()

    def next_msg(self):
        with self.lock:
            self.msg_no += 1
            return self.msg_no

    def write_json(self, path, obj):
        tmp = path + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(obj, f, indent=1, sort_keys=True)
            f.write("\n")
        os.replace(tmp, path)

    def capture(self, env, data, n):
        env["n"] = n
        if self.cjsonl:
            line = {k: env.get(k) for k in ("n", "conn", "mail_from", "rcpt_to", "accepted", "reply", "size",
                                            "auth_user", "auth_mech", "tls")}
            line["message_id"] = message_id_of(data)
            with self.lock:
                self.cjsonl.write(json.dumps(line, sort_keys=True) + "\n")
                self.cjsonl.flush()
        if self.o.capture_dir:
            base = os.path.join(self.o.capture_dir, "%03d" % n)
            with open(base + ".eml.tmp", "wb") as f:
                f.write(data)
            os.replace(base + ".eml.tmp", base + ".eml")
            self.write_json(base + ".json", env)
        if env.get("accepted"):
            with self.lock:
                self.accepted += 1

    def record_connection(self, summary):
        if not self.o.capture_dir:
            return
        with self.lock:
            with open(os.path.join(self.o.capture_dir, "connections.jsonl"), "a", encoding="utf-8") as f:
                f.write(json.dumps(summary, sort_keys=True) + "\n")

    def run(self):
        listeners = []
        port = self.o.port
        addrs = self.o.listen or ["127.0.0.1"]
        for i, a in enumerate(addrs):
            fam = socket.AF_INET6 if ":" in a else socket.AF_INET
            s = socket.socket(fam, socket.SOCK_STREAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if fam == socket.AF_INET6:
                s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            s.bind((a, port))
            s.listen(64)
            s.setblocking(False)
            if port == 0:
                port = s.getsockname()[1]
            listeners.append(s)
        if self.o.port_file:
            tmp = self.o.port_file + ".tmp"
            with open(tmp, "w") as f:
                f.write("%d\n" % port)
            os.replace(tmp, self.o.port_file)
        print("listening on %s port %d" % (",".join(addrs), port), flush=True)
        sel = selectors.DefaultSelector()
        for s in listeners:
            sel.register(s, selectors.EVENT_READ)
        reason = None
        while reason is None:
            for key, _ in sel.select(timeout=0.2):
                try:
                    cs, peer = key.fileobj.accept()
                except OSError:
                    continue
                if self.stopping:
                    cs.close()
                    continue
                with self.lock:
                    self.conn_no += 1
                    n = self.conn_no
                    self.active += 1
                self.touch()
                threading.Thread(target=self.serve, args=(cs, peer, n), daemon=True).start()
            t = time.monotonic()
            if self.o.max_messages and self.accepted >= self.o.max_messages:
                self.stopping = True
                if self.active == 0:
                    reason = "max-messages reached"
            if self.o.idle_exit and t - self.last_activity > self.o.idle_exit:
                reason = "idle for %gs" % self.o.idle_exit
            if self.o.max_lifetime and t - self.started > self.o.max_lifetime:
                reason = "max-lifetime reached"
            if self.o.parent_pid:
                try:
                    os.kill(self.o.parent_pid, 0)
                except ProcessLookupError:
                    reason = "parent %d gone" % self.o.parent_pid
                except PermissionError:
                    pass
        self.note(0, "server exiting: " + reason)
        print("exiting: " + reason, flush=True)
        for s in listeners:
            s.close()

    def serve(self, cs, peer, n):
        try:
            Connection(self, cs, peer, n).run()
        except Exception as e:  # never let a thread die silently
            self.note(n, "internal error: %r" % (e,))
        finally:
            with self.lock:
                self.active -= 1
            self.touch()


class Connection:
    def __init__(self, srv, sock, peer, n):
        self.srv = srv
        self.o = srv.o
        self.f = srv.faults
        self.sock = sock
        self.peer = peer
        self.n = n
        self.rbuf = bytearray()
        self.read_seq = 0
        self.outq = []
        self.tls = False
        self.tls_version = None
        self.tls_cipher = None
        self.sni = None
        self.helo = None
        self.helo_verb = None
        self.ehlo_count = 0
        self.auth_user = None
        self.auth_mech = None
        self.mode = "cmd"          # cmd | data | bdat | auth | silent | refuse (554 greeting)
        self.silent = False
        self.quit = False
        self.closed_by = None
        self.commands = []
        self.violations = []
        self.messages = 0
        self.auth_state = None
        self.skip_long = False
        self.cut = None            # drop-random: where the current transaction is cut (None: not)
        self.tx_no = 0
        self.reset_tx()

    # ----- transaction state -------------------------------------------------------------
    def reset_tx(self):
        self.mail_from = None
        self.mail_params = {}
        self.rcpts = []
        self.rcpts_refused = []
        self.tx_reads = set()
        self.tx_commands = []
        self.tx_pipelined = False
        self.data = None
        self.data_reads = set()
        self.data_scan = 0
        self.data_before_354 = False
        self.chunks = None
        self.bdat_left = 0
        self.bdat_last = False
        self.bdat_failed = None

    # ----- I/O ----------------------------------------------------------------------------
    def send_raw(self, data, log=True):
        if log:
            for line in bytes(data).split(b"\r\n"):
                if line:
                    self.srv.log(self.n, "S", line)
        try:
            self.sock.sendall(data)
        except (OSError, ssl.SSLError) as e:
            raise Closed("send failed: %s" % e)
        self.srv.touch()

    def reply(self, text):
        """Queue a reply. text: "250 ok" or multi-line with "\\n"; non-numeric text is raw."""
        if self.silent:
            return
        lines = text.replace("\\n", "\n").split("\n")
        if re.match(r"^[0-9]{3}([ -]|$)", lines[0]):
            code = lines[0][:3]
            out = []
            for i, l in enumerate(lines):
                if re.match(r"^[0-9]{3}[ -]", l) or re.match(r"^[0-9]{3}$", l):
                    l = l[4:] if len(l) > 3 else ""
                sep = " " if i == len(lines) - 1 else "-"
                out.append("%s%s%s\r\n" % (code, sep, l))
            data = "".join(out).encode("utf-8")
        else:
            data = ("\r\n".join(lines) + "\r\n").encode("utf-8")
        self.outq.append(data)

    def flush(self):
        if self.outq:
            data = b"".join(self.outq)
            self.outq = []
            self.send_raw(data)

    def recv(self):
        try:
            d = self.sock.recv(65536)
        except socket.timeout:
            if self.f.idle_421:
                try:
                    self.send_raw(b"421 4.4.2 Idle too long, closing connection\r\n")
                except Exception:
                    pass
                self.closed_by = "server"
            raise Closed("read timed out")
        except (OSError, ssl.SSLError) as e:
            raise Closed("read failed: %s" % e)
        if not d:
            self.closed_by = self.closed_by or "client"
            raise Closed("client closed")
        self.read_seq += 1
        self.srv.touch()
        return d

    def run(self):
        sock = self.sock
        sock.settimeout(self.o.conn_timeout)
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass
        self.srv.note(self.n, "connection from %s port %s" % (self.peer[0], self.peer[1]))
        try:
            if self.o.implicit_tls:
                self.start_tls()
            self.cut = self.srv.draw_cut(True)
            self.greet()
            while True:
                self.rbuf += self.recv()
                self.process()
                self.flush()
        except Closed as e:
            self.srv.note(self.n, "closed: %s" % e)
        finally:
            try:
                self.sock.close()
            except OSError:
                pass
            self.srv.record_connection({
                "conn": self.n, "peer": self.peer[0], "tls": self.tls, "tls_version": self.tls_version,
                "sni": self.sni, "helo": self.helo, "helo_verb": self.helo_verb,
                "ehlo_count": self.ehlo_count, "auth_user": self.auth_user,
                "auth_mech": self.auth_mech, "commands": self.commands[:500], "quit": self.quit,
                "messages": self.messages, "violations": self.violations,
                "closed_by": self.closed_by or "client"})

    def start_tls(self):
        if self.f.tls_alert:
            self.flush()
            try:
                self.sock.settimeout(self.o.conn_timeout)
                self.sock.recv(16384)  # the ClientHello
                # a TLS 1.2 record: alert (21), version 3.3, length 2, fatal (2), handshake_failure (40)
                self.sock.sendall(bytes([21, 3, 3, 0, 2, 2, 40]))
            except OSError:
                pass
            self.closed_by = "tls-failure"
            self.srv.note(self.n, "fault: tls-alert (handshake_failure)")
            raise Closed("fault: tls-alert")
        try:
            s = self.srv.ctx.wrap_socket(self.sock, server_side=True, do_handshake_on_connect=False)
            s.settimeout(self.o.conn_timeout)
            s.do_handshake()
        except (OSError, ssl.SSLError, ValueError) as e:
            self.closed_by = "tls-failure"
            raise Closed("TLS handshake failed: %s" % e)
        self.sock = s
        self.tls = True
        self.tls_version = s.version()
        c = s.cipher()
        self.tls_cipher = c[0] if c else None
        self.sni = getattr(s, "smtp_sni", None)
        self.srv.note(self.n, "TLS established: %s %s SNI=%s" % (self.tls_version, self.tls_cipher, self.sni))

    # ----- behaviours ---------------------------------------------------------------------
    def hold_silent(self):
        """Answer what is already queued, then stay connected, read and discard, never answer."""
        self.flush()
        self.silent = True
        self.srv.note(self.n, "fault: silent from now on")
        self.mode = "silent"

    def behaviour(self, stage):
        """Fault behaviours that replace the normal answer to STAGE. True when handled."""
        f = self.f
        if stage in f.delay:
            self.flush()
            time.sleep(f.delay[stage])
        if stage in f.silent_after:
            self.hold_silent()
            return True
        if stage in f.close_after:
            self.flush()
            self.closed_by = "server"
            raise Closed("fault: close-after=%s" % stage)
        if stage in f.at421:
            self.reply("421 4.3.2 Service shutting down")
            self.flush()
            self.closed_by = "server"
            raise Closed("fault: 421-at=%s" % stage)
        if stage in f.long_line:
            code = {"GREETING": "220", "DATA": "354"}.get(stage, "250")
            self.flush()
            self.srv.note(self.n, "fault: long-line (%d bytes)" % LONG_LINE)
            self.send_raw((code + " " + "x" * LONG_LINE + "\r\n").encode(), log=False)
            return True
        if stage in f.endless:
            code = "220" if stage == "GREETING" else "250"
            self.flush()
            self.srv.note(self.n, "fault: endless continuation lines (capped at %d bytes)" % CAP_BYTES)
            line = (code + "-" + "continuing" * 7 + "\r\n").encode()
            chunk = line * 64
            sent = 0
            try:
                while sent < CAP_BYTES:
                    self.sock.sendall(chunk)
                    sent += len(chunk)
                    self.srv.touch()
            except (OSError, ssl.SSLError) as e:
                self.srv.note(self.n, "continuation stopped after %d bytes: %s" % (sent, e))
                raise Closed("client stopped reading")
            self.srv.note(self.n, "continuation cap reached (%d bytes)" % sent)
            self.closed_by = "server"
            raise Closed("continuation cap reached")
        return False

    def fault_reply(self, stage):
        return self.f.replies.get(stage.lower())

    @staticmethod
    def code_of(reply):
        m = re.match(r"^([0-9]{3})", reply)
        return int(m.group(1)) if m else 0

    def faulted(self, stage):
        """Send the configured fault reply for STAGE, if any. Returns (handled, success)."""
        r = self.fault_reply(stage)
        if r is None:
            return False, True
        self.reply(r)
        code = self.code_of(r)
        if code == 421:
            self.flush()
            self.closed_by = "server"
            raise Closed("fault: 421 at %s" % stage)
        return True, 200 <= code < 400

    def do_cut(self, point, data=None):
        """drop-random: records the cut and closes the connection without another byte."""
        rec = {"point": point, "conn": self.n}
        if point in ("body", "dot"):
            rec["message_id"] = message_id_of(data) if data else None
            rec["mail_from"] = self.mail_from
            rec["rcpt_to"] = list(self.rcpts)
        self.srv.record_cut(rec)
        self.srv.note(self.n, "fault: drop-random cut at %s" % point)
        self.cut = None
        self.closed_by = "server"
        raise Closed("fault: drop-random cut at %s" % point)

    def greet(self):
        f = self.f
        if self.cut == "greeting":
            self.do_cut("greeting")
        if f.silent:
            self.hold_silent()
            return
        if f.trickle:
            self.srv.note(self.n, "fault: trickle greeting")
            end = time.monotonic() + 600
            msg = b"220-" + b"slow" * 1000
            i = 0
            while time.monotonic() < end:
                try:
                    self.sock.sendall(msg[i % len(msg):i % len(msg) + 1])
                except (OSError, ssl.SSLError):
                    raise Closed("client went away during trickle")
                self.srv.touch()
                i += 1
                time.sleep(0.3)
            raise Closed("trickle ended")
        if f.garbage_greeting is not None:
            self.reply(f.garbage_greeting)
            self.flush()
            return
        if self.behaviour("GREETING"):
            return
        handled, ok = self.faulted("greeting")
        if handled:
            if not ok:
                self.mode = "refuse"
        else:
            self.reply("220 %s ESMTP test server ready" % self.o.hostname)
        self.flush()

    # ----- input processing ---------------------------------------------------------------
    def process(self):
        while True:
            if self.mode == "silent":
                self.rbuf.clear()
                return
            if self.mode == "data":
                if not self.take_data():
                    return
                continue
            if self.mode == "bdat":
                if not self.take_bdat():
                    return
                continue
            limit = AUTH_LINE_MAX if self.mode == "auth" else CMD_LINE_MAX
            i = self.rbuf.find(b"\n")
            if i < 0:
                if len(self.rbuf) > limit:
                    self.violations.append("line too long")
                    self.reply("500 5.5.2 Line too long")
                    self.rbuf.clear()
                    self.skip_long = True
                return
            raw = bytes(self.rbuf[:i + 1])
            del self.rbuf[:i + 1]
            if self.skip_long:
                self.skip_long = False
                continue
            if len(raw) > limit:
                self.violations.append("line too long")
                self.srv.log(self.n, "C", raw[:-1])
                self.reply("500 5.5.2 Line too long")
                continue
            if not raw.endswith(b"\r\n"):
                self.srv.log(self.n, "C", raw[:-1])
                self.violations.append("bare LF in command")
                self.reply("500 5.5.2 Command line must end with CRLF")
                continue
            line = raw[:-2]
            self.srv.log(self.n, "C", line)
            if b"\r" in line or b"\0" in line:
                self.violations.append("bare CR or NUL in command")
                self.reply("500 5.5.2 Invalid character in command")
                continue
            pipelined = bool(self.outq)
            if self.mode == "auth":
                self.auth_step(line)
            elif self.mode == "refuse":
                self.refused_command(line)
            else:
                self.command(line, pipelined)
            if self.mode == "silent":
                return

    def refused_command(self, line):
        verb = line.split(b" ", 1)[0].upper()
        self.commands.append(verb.decode("ascii", "replace"))
        if verb == b"QUIT":
            self.quit = True
            self.reply("221 2.0.0 Bye")
            self.flush()
            raise Closed("QUIT")
        self.reply("503 5.5.1 No service here; QUIT")

    def command(self, line, pipelined):
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            text = line.decode("latin-1")
        verb, _, arg = text.partition(" ")
        verb = verb.upper()
        self.commands.append(verb if verb.isalpha() and len(verb) < 12 else "?")
        if pipelined and self.o.no_pipelining:
            self.violations.append("pipelined %s without PIPELINING" % verb)
        handler = {
            "EHLO": self.cmd_ehlo, "HELO": self.cmd_helo, "STARTTLS": self.cmd_starttls,
            "AUTH": self.cmd_auth, "MAIL": self.cmd_mail, "RCPT": self.cmd_rcpt,
            "DATA": self.cmd_data, "BDAT": self.cmd_bdat, "RSET": self.cmd_rset,
            "NOOP": self.cmd_noop, "QUIT": self.cmd_quit, "VRFY": self.cmd_vrfy,
            "HELP": self.cmd_help,
        }.get(verb)
        if handler is None:
            self.reply("500 5.5.2 Command unrecognized: %s" % verb[:40])
            return
        if verb in STAGES and self.behaviour(verb):
            return
        if verb in ("MAIL", "RCPT", "DATA", "BDAT"):
            self.tx_reads.add(self.read_seq)
            self.tx_commands.append(verb)
            if pipelined:
                self.tx_pipelined = True
        handler(arg)
        # RFC 2920 section 3.1 (and RFC 4954 section 4 for AUTH): these end a group; AUTH may be
        # followed by more only when it carried an initial response that completes in one step
        # (PLAIN, XOAUTH2)
        one_step_auth = verb == "AUTH" and len(arg.split()) > 1 and arg.split()[0].upper() in ("PLAIN", "XOAUTH2")
        if verb in ("EHLO", "HELO", "STARTTLS", "AUTH", "QUIT") and not one_step_auth \
                and self.mode == "cmd" and self.rbuf.find(b"\n") >= 0:
            self.violations.append("commands sent after %s in the same group" % verb)

    # ----- commands -----------------------------------------------------------------------
    def capabilities(self):
        caps = []
        if not self.o.no_pipelining:
            caps.append("PIPELINING")
        if self.o.size:
            caps.append("SIZE %d" % self.o.size)
        if self.o.eightbitmime:
            caps.append("8BITMIME")
        if self.o.smtputf8:
            caps.append("SMTPUTF8")
        if self.o.chunking:
            caps.append("CHUNKING")
        if self.o.starttls and not self.tls:
            caps.append("STARTTLS")
        if self.srv.mechs and (self.tls or not self.o.auth_requires_tls) and not self.auth_user:
            caps.append("AUTH " + " ".join(self.srv.mechs))
        caps.append("ENHANCEDSTATUSCODES")
        return caps

    def cmd_ehlo(self, arg):
        arg = arg.strip()
        if not arg:
            self.reply("501 5.5.4 Syntax: EHLO hostname")
            return
        handled, ok = self.faulted("ehlo")
        self.reset_tx()
        if handled:
            if ok:
                self.helo, self.helo_verb = arg, "EHLO"
                self.ehlo_count += 1
            return
        self.helo, self.helo_verb = arg, "EHLO"
        self.ehlo_count += 1
        lines = ["250-%s Hello %s" % (self.o.hostname, arg[:100])]
        caps = self.capabilities()
        for i, c in enumerate(caps):
            lines.append(("250 " if i == len(caps) - 1 else "250-") + c)
        self.outq.append(("\r\n".join(lines) + "\r\n").encode())
        if self.cut == "ehlo":
            self.flush()
            self.do_cut("ehlo")

    def cmd_helo(self, arg):
        arg = arg.strip()
        if not arg:
            self.reply("501 5.5.4 Syntax: HELO hostname")
            return
        handled, ok = self.faulted("helo")
        self.reset_tx()
        if handled:
            if ok:
                self.helo, self.helo_verb = arg, "HELO"
            return
        self.helo, self.helo_verb = arg, "HELO"
        self.reply("250 %s" % self.o.hostname)

    def need_ehlo(self):
        if self.helo_verb != "EHLO":
            self.reply("503 5.5.1 Error: send EHLO first")
            return False
        return True

    def cmd_starttls(self, arg):
        if arg.strip():
            self.reply("501 5.5.4 Syntax: STARTTLS")
            return
        if not self.o.starttls or self.tls:
            self.reply("502 5.5.1 STARTTLS not available" if not self.tls else "554 5.5.1 Error: TLS already active")
            return
        if not self.need_ehlo():
            return
        handled, ok = self.faulted("starttls")
        if handled and not ok:
            return
        if self.f.inject_after_starttls:
            self.flush()
            self.srv.note(self.n, "fault: response injection after STARTTLS")
            self.send_raw(b"220 ready\r\n250 injected\r\n")
        else:
            if not handled:
                self.reply("220 2.0.0 Ready to start TLS")
            self.flush()
        if self.rbuf:
            self.violations.append("%d bytes sent after STARTTLS before the handshake (discarded)" % len(self.rbuf))
            self.srv.note(self.n, "discarding %d plaintext bytes sent after STARTTLS" % len(self.rbuf))
            self.rbuf.clear()
        self.start_tls()
        # RFC 3207 section 4.2: forget everything learned before TLS
        self.helo = self.helo_verb = None
        self.auth_user = self.auth_mech = None
        self.reset_tx()

    # --- AUTH
    def cmd_auth(self, arg):
        if not self.need_ehlo():
            return
        parts = arg.split()
        if not parts:
            self.reply("501 5.5.4 Syntax: AUTH mechanism")
            return
        if not self.srv.mechs:
            self.reply("502 5.5.1 AUTH not available")
            return
        if self.auth_user:
            self.reply("503 5.5.1 Error: already authenticated")
            return
        if self.mail_from is not None:
            self.reply("503 5.5.1 Error: AUTH not allowed in a mail transaction")
            return
        if self.o.auth_requires_tls and not self.tls:
            self.reply("538 5.7.11 Encryption required for requested authentication mechanism")
            return
        mech = parts[0].upper()
        if mech not in self.srv.mechs:
            self.reply("504 5.5.4 Unrecognized authentication type")
            return
        initial = parts[1] if len(parts) > 1 else None
        self.auth_state = {"mech": mech, "step": 0}
        if mech == "PLAIN":
            if initial is None:
                self.mode = "auth"
                self.reply("334 ")
            else:
                self.auth_plain(initial)
        elif mech == "LOGIN":
            self.mode = "auth"
            if initial is None:
                self.reply("334 VXNlcm5hbWU6")
            else:
                self.auth_step(initial.encode())
        elif mech == "CRAM-MD5":
            if initial is not None:
                self.reply("501 5.5.4 CRAM-MD5 takes no initial response")
                return
            ch = "<%d.%d@%s>" % (secrets.randbelow(10 ** 9), int(time.time()), self.o.hostname)
            self.auth_state["challenge"] = ch
            self.mode = "auth"
            self.reply("334 " + base64.b64encode(ch.encode()).decode())
        elif mech == "XOAUTH2":
            if initial is None:
                self.mode = "auth"
                self.reply("334 ")
            else:
                self.auth_xoauth2(initial)

    @staticmethod
    def b64(text):
        if text == "=":
            return b""
        try:
            return base64.b64decode(text.encode("ascii"), validate=True)
        except (binascii.Error, ValueError, UnicodeEncodeError):
            return None

    def auth_done(self, user, password, mech, check=None):
        """Decide an AUTH exchange: fault rule, then the user table."""
        self.mode = "cmd"
        self.auth_state = None
        r = self.fault_reply("auth")
        if r is not None:
            self.reply(r)
            if self.code_of(r) == 421:
                self.flush()
                self.closed_by = "server"
                raise Closed("fault: 421 at AUTH")
            if 200 <= self.code_of(r) < 300:
                self.auth_user, self.auth_mech = user, mech
            return
        ok = user in self.srv.users and (check(self.srv.users[user]) if check else
                                         hmac.compare_digest(self.srv.users[user].encode(), password))
        if ok:
            self.auth_user, self.auth_mech = user, mech
            self.reply("235 2.7.0 Authentication successful")
        else:
            self.reply("535 5.7.8 Authentication credentials invalid")
            self.after_refusal()

    def after_refusal(self):
        """close-after-auth-fail: the 535 is the last thing this connection hears."""
        if self.f.close_after_auth_fail:
            self.flush()
            self.closed_by = "server"
            raise Closed("fault: close-after-auth-fail")

    def token_ok(self, user, token):
        """XOAUTH2: the user's token (or one of its further tokens); xoauth2-once: not used before."""
        if user not in self.srv.users:
            return False
        ok = any(hmac.compare_digest(t.encode(), token)
                 for t in [self.srv.users[user]] + self.srv.more_tokens.get(user, []))
        if ok and self.f.xoauth2_once:
            if token in self.srv.used_tokens:
                return False
            self.srv.used_tokens.add(token)
        return ok

    def auth_fail(self, text):
        self.mode = "cmd"
        self.auth_state = None
        self.reply(text)

    def auth_plain(self, b64text):
        raw = self.b64(b64text)
        if raw is None:
            return self.auth_fail("501 5.5.2 Invalid base64 data")
        parts = raw.split(b"\0")
        if len(parts) != 3:
            return self.auth_fail("501 5.5.2 Invalid PLAIN response")
        authz, user, pw = parts
        user = user.decode("utf-8", "replace")
        if authz and authz.decode("utf-8", "replace") != user:
            return self.auth_fail("535 5.7.8 Authorization identity not allowed")
        self.auth_done(user, pw, "PLAIN")

    def auth_xoauth2(self, b64text):
        raw = self.b64(b64text)
        if raw is None:
            return self.auth_fail("501 5.5.2 Invalid base64 data")
        m = re.match(rb"^user=([^\x01]*)\x01auth=Bearer ([^\x01]*)\x01\x01$", raw)
        if not m:
            return self.auth_fail("501 5.5.2 Invalid XOAUTH2 response")
        user, token = m.group(1).decode("utf-8", "replace"), m.group(2)
        ok = self.token_ok(user, token)
        if not ok and self.o.xoauth2_challenge and self.fault_reply("auth") is None:
            # Google's way: the error as base64 JSON in a 334, the client answers an empty line, then 535
            status = json.dumps({"status": "401", "schemes": "bearer", "scope": "https://mail.google.com/"})
            self.mode = "auth"
            self.auth_state = {"mech": "XOAUTH2", "step": "error"}
            self.reply("334 " + base64.b64encode(status.encode()).decode())
            return
        if self.fault_reply("auth") is None:
            self.mode = "cmd"
            self.auth_state = None
            if ok:
                self.auth_user, self.auth_mech = user, "XOAUTH2"
                self.reply("235 2.7.0 Authentication successful")
                return
            self.reply("535 5.7.8 Authentication credentials invalid")
            return self.after_refusal()
        self.auth_done(user, token, "XOAUTH2")

    def auth_step(self, line):
        text = line.decode("ascii", "replace").strip()
        st = self.auth_state
        if text == "*":
            return self.auth_fail("501 5.7.0 Authentication cancelled")
        mech = st["mech"]
        if mech == "XOAUTH2" and st.get("step") == "error":
            self.auth_fail("535 5.7.8 Username and Password not accepted (test server: token refused)")
            return self.after_refusal()
        if mech == "PLAIN":
            return self.auth_plain(text)
        if mech == "XOAUTH2":
            return self.auth_xoauth2(text)
        raw = self.b64(text)
        if raw is None:
            return self.auth_fail("501 5.5.2 Invalid base64 data")
        if mech == "LOGIN":
            if st["step"] == 0:
                st["user"] = raw.decode("utf-8", "replace")
                st["step"] = 1
                self.reply("334 UGFzc3dvcmQ6")
                return
            return self.auth_done(st["user"], raw, "LOGIN")
        if mech == "CRAM-MD5":
            user, _, digest = raw.decode("utf-8", "replace").rpartition(" ")
            ch = st["challenge"].encode()

            def check(pw):
                want = hmac.new(pw.encode(), ch, hashlib.md5).hexdigest()
                return hmac.compare_digest(want, digest.lower())
            return self.auth_done(user, None, "CRAM-MD5", check)
        return self.auth_fail("501 5.5.2 Unexpected AUTH state")

    # --- mail transaction
    PATH_RE = re.compile(r"^<([^<>\s]*)>((?: [^ ]+)*)$")

    def parse_path(self, arg, keyword):
        """'FROM:<a@b> SIZE=1' -> (address, [params]) or (None, error reply)."""
        if not arg.upper().startswith(keyword + ":"):
            return None, "501 5.5.4 Syntax: %s %s:<address>" % ("MAIL" if keyword == "FROM" else "RCPT", keyword)
        rest = arg[len(keyword) + 1:]
        m = self.PATH_RE.match(rest)
        if not m:
            return None, "501 5.1.7 Bad address syntax (strict RFC 5321 form: %s:<address>)" % keyword
        addr = m.group(1)
        if addr.startswith("@"):
            return None, "501 5.1.7 Source routes are not accepted"
        if len(addr) > 256:
            return None, "501 5.1.7 Address too long"
        if any(ord(c) < 32 or ord(c) == 127 for c in addr):
            return None, "501 5.1.7 Bad character in address"
        if addr and "@" not in addr and addr.lower() != "postmaster":
            return None, "501 5.1.3 Address must be fully qualified"
        return addr, m.group(2).split()

    def cmd_mail(self, arg):
        self.mail_count = getattr(self, "mail_count", 0) + 1
        self.tx_no += 1
        if self.tx_no > 1:
            self.cut = self.srv.draw_cut(False)
        if self.cut == "mail":
            self.do_cut("mail")
        if self.mail_count in self.f.at421_mail:
            self.reply("421 4.3.2 Service shutting down")
            self.flush()
            self.closed_by = "server"
            raise Closed("fault: 421-at-mail=%d" % self.mail_count)
        if self.mail_count in self.f.close_at_mail:
            self.closed_by = "server"
            raise Closed("fault: close-at-mail=%d" % self.mail_count)
        if not self.helo:
            return self.reply("503 5.5.1 Error: send HELO/EHLO first")
        if self.mail_from is not None:
            return self.reply("503 5.5.1 Error: nested MAIL command")
        if self.o.require_tls and not self.tls:
            return self.reply("530 5.7.0 Must issue a STARTTLS command first")
        if self.o.require_auth and not self.auth_user:
            return self.reply("530 5.7.0 Authentication required")
        addr, params = self.parse_path(arg, "FROM")
        if addr is None:
            return self.reply(params)
        pmap = {}
        for p in params:
            k, eq, v = p.partition("=")
            k = k.upper()
            if self.helo_verb != "EHLO":
                return self.reply("555 5.5.4 MAIL parameters need EHLO")
            if k == "SIZE" and self.o.size and v.isdigit():
                if int(v) > self.o.size:
                    return self.reply("552 5.3.4 Message size exceeds fixed limit")
            elif k == "BODY" and v.upper() in ("7BIT", "8BITMIME") and (self.o.eightbitmime or v.upper() == "7BIT"):
                pass
            elif k == "SMTPUTF8" and not eq and self.o.smtputf8:
                pass
            elif k == "AUTH" and self.srv.mechs:
                pass
            else:
                return self.reply("555 5.5.4 Unsupported option: %s" % p[:60])
            pmap[k] = v if eq else True
        if any(ord(c) > 127 for c in addr) and "SMTPUTF8" not in pmap:
            return self.reply("553 5.6.7 Non-ASCII address needs SMTPUTF8")
        handled, ok = self.faulted("mail")
        if handled:
            if ok:
                self.mail_from, self.mail_params = addr, pmap
            return
        self.mail_from, self.mail_params = addr, pmap
        self.reply("250 2.1.0 Sender <%s> ok" % addr)

    def cmd_rcpt(self, arg):
        if self.mail_from is None:
            return self.reply("503 5.5.1 Error: need MAIL command")
        if self.cut == "rcpt":
            self.do_cut("rcpt")
        addr, params = self.parse_path(arg, "TO")
        if addr is None:
            return self.reply(params)
        if params:
            return self.reply("555 5.5.4 Unsupported option: %s" % params[0][:60])
        if any(ord(c) > 127 for c in addr) and "SMTPUTF8" not in self.mail_params:
            return self.reply("553 5.6.7 Non-ASCII address needs SMTPUTF8")
        if len(self.rcpts) >= RCPT_MAX:
            return self.reply("452 4.5.3 Too many recipients")
        r = self.f.rcpt.get(addr.lower())
        if r is None:
            r = self.fault_reply("rcpt")
        if r is not None:
            self.reply(r)
            code = self.code_of(r)
            if code == 421:
                self.flush()
                self.closed_by = "server"
                raise Closed("fault: 421 at RCPT")
            if 200 <= code < 300:
                self.rcpts.append(addr)
            else:
                self.rcpts_refused.append({"address": addr, "reply": r})
            return
        self.rcpts.append(addr)
        self.reply("250 2.1.5 Recipient <%s> ok" % addr)

    def cmd_data(self, arg):
        if arg.strip():
            return self.reply("501 5.5.4 Syntax: DATA")
        if self.mail_from is None:
            return self.reply("503 5.5.1 Error: need MAIL command")
        if self.chunks is not None:
            return self.reply("503 5.5.1 Error: DATA after BDAT")
        if not self.rcpts:
            return self.reply("554 5.5.1 Error: no valid recipients")
        if self.cut == "data":
            self.do_cut("data")
        handled, ok = self.faulted("data")
        if handled and not ok:
            return
        if not handled:
            self.reply("354 End data with <CR><LF>.<CR><LF>")
        if self.rbuf:
            self.data_before_354 = True
        self.mode = "data"
        self.data = bytearray()
        self.data_scan = 0

    def take_data(self):
        """Moves bytes into the message until <CRLF>.<CRLF>. True when the message ended."""
        if self.rbuf:
            self.data_reads.add(self.read_seq)
        self.data += self.rbuf
        self.rbuf.clear()
        if self.cut == "body" and self.data:
            self.do_cut("body", self.data)
        d = self.data
        if d.startswith(b".\r\n"):
            end, content_end = 0, 0
        else:
            end = d.find(b"\r\n.\r\n", max(0, self.data_scan - 4))
            content_end = end + 2
        if end < 0:
            self.data_scan = len(d)
            if len(d) > DATA_MAX:
                self.closed_by = "server"
                self.reply("552 5.3.4 Message too big for this test server")
                self.flush()
                raise Closed("message exceeds %d bytes" % DATA_MAX)
            return False
        term = 3 if content_end == 0 else end + 5
        tail = bytes(d[term:])
        content = bytes(d[:content_end])
        self.rbuf[:0] = tail
        if tail and self.o.no_pipelining:
            self.violations.append("command sent after the end of data before its reply without PIPELINING")
        self.mode = "cmd"
        self.data = None
        for line in content.split(b"\r\n")[:-1] if content else []:
            self.srv.log(self.n, "C", line)
        self.srv.log(self.n, "C", b".")
        lines = content.split(b"\r\n")
        unstuffed = b"\r\n".join(l[1:] if l.startswith(b".") else l for l in lines)
        self.finish_message(unstuffed, "DOT")
        return True

    def cmd_bdat(self, arg):
        parts = arg.split()
        if not self.o.chunking:
            return self.reply("502 5.5.1 BDAT not available")
        if len(parts) not in (1, 2) or not parts[0].isdigit() or (len(parts) == 2 and parts[1].upper() != "LAST"):
            # RFC 3030: the chunk cannot be skipped reliably; close
            self.reply("501 5.5.4 Syntax: BDAT size [LAST]")
            self.flush()
            self.closed_by = "server"
            raise Closed("bad BDAT syntax")
        size = int(parts[0])
        last = len(parts) == 2
        if self.chunks is None:
            self.chunks = []
            self.data = bytearray()
        self.bdat_left = size
        self.bdat_last = last
        if self.mail_from is None:
            self.bdat_failed = "503 5.5.1 Error: need MAIL command"
        elif not self.rcpts:
            self.bdat_failed = "554 5.5.1 Error: no valid recipients"
        self.chunks.append(size)
        self.mode = "bdat"

    def take_bdat(self):
        n = min(self.bdat_left, len(self.rbuf))
        if n:
            self.tx_reads.add(self.read_seq)
            self.data_reads.add(self.read_seq)
            if self.data is not None and len(self.data) + n <= DATA_MAX:
                self.data += self.rbuf[:n]
            del self.rbuf[:n]
            self.bdat_left -= n
        if self.bdat_left:
            return False
        self.mode = "cmd"
        self.srv.note(self.n, "BDAT chunk of %d bytes received" % self.chunks[-1])
        if self.bdat_failed:
            self.reply(self.bdat_failed)
            if self.bdat_last:
                self.reset_tx()
            return True
        if not self.bdat_last:
            self.reply("250 2.0.0 %d bytes received" % self.chunks[-1])
            return True
        content = bytes(self.data)
        self.finish_message(content, "BDAT")
        return True

    def finish_message(self, content, how):
        bare_lf = len(re.findall(rb"(?<!\r)\n", content))
        bare_cr = len(re.findall(rb"\r(?!\n)", content))
        maxlen = max((len(l) for l in content.split(b"\r\n")), default=0)
        env = {
            "conn": self.n, "mail_from": self.mail_from, "mail_params": self.mail_params,
            "rcpt_to": self.rcpts, "rcpt_refused": self.rcpts_refused,
            "helo": self.helo, "helo_verb": self.helo_verb, "tls": self.tls,
            "tls_version": self.tls_version, "tls_cipher": self.tls_cipher, "sni": self.sni,
            "auth_user": self.auth_user, "auth_mech": self.auth_mech,
            "client_writes": len(self.tx_reads), "commands": self.tx_commands,
            "pipelined": self.tx_pipelined, "data_reads": len(self.data_reads),
            "data_before_354": self.data_before_354, "size": len(content),
            "bare_lf": bare_lf, "bare_cr": bare_cr, "max_line_length": maxlen,
            "violations": list(self.violations),
        }
        if self.chunks is not None:
            env["chunks"] = list(self.chunks)
        if bare_lf or bare_cr:
            reply = "550 5.6.11 Message contains bare CR or LF (%d bare LF, %d bare CR)" % (bare_lf, bare_cr)
        elif self.o.size and len(content) > self.o.size:
            reply = "552 5.3.4 Message size exceeds fixed limit"
        else:
            reply = None
        if reply is None and self.behaviour("DOT"):
            env["accepted"] = False
            env["reply"] = None
            self.srv.capture(env, content, self.srv.next_msg())
            self.reset_tx()
            return
        if reply is None:
            reply = self.fault_reply("dot")
        n = self.srv.next_msg()
        if reply is None:
            reply = "250 2.0.0 Ok: queued as %03d" % n
        env["reply"] = reply
        env["accepted"] = 200 <= self.code_of(reply) < 300
        self.srv.capture(env, content, n)
        if env["accepted"]:
            self.messages += 1
            if self.cut == "dot":
                self.do_cut("dot", content)
        self.reply(reply)
        self.reset_tx()
        if self.code_of(reply) == 421:
            self.flush()
            self.closed_by = "server"
            raise Closed("fault: 421 after data")

    def cmd_rset(self, arg):
        handled, ok = self.faulted("rset")
        self.reset_tx()
        if not handled:
            self.reply("250 2.0.0 Ok")

    def cmd_noop(self, arg):
        handled, ok = self.faulted("noop")
        if not handled:
            self.reply("250 2.0.0 Ok")

    def cmd_vrfy(self, arg):
        handled, ok = self.faulted("vrfy")
        if not handled:
            self.reply("252 2.0.0 Cannot VRFY user, but will accept message and attempt delivery")

    def cmd_help(self, arg):
        self.reply("214 2.0.0 See RFC 5321")

    def cmd_quit(self, arg):
        self.quit = True
        handled, ok = self.faulted("quit")
        if not handled:
            self.reply("221 2.0.0 Bye")
        self.flush()
        self.closed_by = "client-quit"
        raise Closed("QUIT")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--listen", action="append", help="address to listen on (repeatable; default 127.0.0.1)")
    p.add_argument("--port", type=int, default=0, help="0: an ephemeral port (see --port-file)")
    p.add_argument("--port-file", help="write the port number here once listening")
    p.add_argument("--hostname", default="mx.test.localhost", help="name in the greeting and EHLO reply")
    p.add_argument("--tls-cert")
    p.add_argument("--tls-key")
    p.add_argument("--implicit-tls", action="store_true", help="TLS from the first byte (RFC 8314)")
    p.add_argument("--starttls", action="store_true", help="advertise and accept STARTTLS")
    p.add_argument("--require-tls", action="store_true", help="refuse MAIL before STARTTLS")
    p.add_argument("--auth", default="", help='mechanisms offered, e.g. "PLAIN LOGIN CRAM-MD5"')
    p.add_argument("--auth-requires-tls", action="store_true", help="offer AUTH only under TLS")
    p.add_argument("--user", action="append", help="NAME:PASSWORD (repeatable)")
    p.add_argument("--require-auth", action="store_true")
    p.add_argument("--no-pipelining", action="store_true")
    p.add_argument("--chunking", action="store_true", help="advertise CHUNKING and accept BDAT")
    p.add_argument("--smtputf8", action="store_true")
    p.add_argument("--8bitmime", dest="eightbitmime", action="store_true")
    p.add_argument("--size", type=int, default=0)
    p.add_argument("--capture-dir")
    p.add_argument("--capture-jsonl", help="one JSON line per message (envelope, Message-ID, size, reply; not the "
                   "message itself): the compact capture for many messages, with or without --capture-dir")
    p.add_argument("--cut-log", help="drop-random: one JSON line per cut (default DIR/cuts.jsonl of --capture-dir)")
    p.add_argument("--seed", type=int, default=None, help="drop-random: seed of the random choices")
    p.add_argument("--transcript")
    p.add_argument("--max-messages", type=int, default=0)
    p.add_argument("--idle-exit", type=float, default=120.0)
    p.add_argument("--max-lifetime", type=float, default=900.0)
    p.add_argument("--conn-timeout", type=float, default=60.0, help="per-connection read timeout")
    p.add_argument("--parent-pid", type=int, default=0, help="exit when this process is gone")
    p.add_argument("--fault", action="append", help="fault rule (repeatable, see above)")
    p.add_argument("--xoauth2-challenge", action="store_true",
                   help="a refused XOAUTH2 token gets the 334 error challenge (base64 JSON), then 535")
    o = p.parse_args()
    if o.idle_exit <= 0 or o.max_lifetime <= 0:
        p.error("--idle-exit and --max-lifetime must be positive: nothing may run forever")
    signal.signal(signal.SIGTERM, lambda *a: os._exit(0))
    try:
        Server(o).run()
    except KeyboardInterrupt:
        pass
    os._exit(0)


if __name__ == "__main__":
    main()
