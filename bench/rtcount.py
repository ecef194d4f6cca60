#!/usr/bin/python3
"""A counting TCP relay on loopback, for the benchmark's round-trip column.

    rtcount.py LISTEN_PORT_FILE UPSTREAM_PORT STATS_FILE MAX_SECONDS [TURN_LOG]

Listens on an ephemeral port of 127.0.0.1 (written to LISTEN_PORT_FILE), relays every connection
to 127.0.0.1:UPSTREAM_PORT byte for byte, and counts, per connection, the turns of the conversation:
a "server turn" starts when bytes arrive from the server after bytes from the client (or as the first
bytes of the connection, the greeting). Each server turn is one round trip the client waited for
(SMTP replies, or TLS handshake flights). Bytes the client writes in several pieces without a reply
in between (PHPMailer's one send() per line) are one client turn. On SIGTERM, SIGINT or after
MAX_SECONDS it writes {"connections", "server_turns", "client_turns", "client_bytes"} as JSON to
STATS_FILE and exits. Loopback only; at most 64 connections at a time.

With TURN_LOG, it also writes there one line per server turn: the CLOCK_MONOTONIC time in ns
(time.monotonic_ns(), the clock of PHP's hrtime()) at which the turn's first bytes arrived from the
server, and the connection's number. bench/client.php's BENCH_TIMES_FILE holds the same clock's
start and end of each mail() call, so bench/turns.py can tell how many round trips each call waited
for (the first call of a process, cold, and the later ones, warm).
"""
import json
import os
import selectors
import signal
import socket
import sys
import time

MAX_CONNS = 64


def main():
    port_file, upstream, stats_file, max_seconds = sys.argv[1], int(sys.argv[2]), sys.argv[3], float(sys.argv[4])
    turn_log = sys.argv[5] if len(sys.argv) > 5 else None
    turns = []
    deadline = time.monotonic() + max(1.0, min(max_seconds, 3600.0))
    sel = selectors.DefaultSelector()
    lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind(("127.0.0.1", 0))
    lsock.listen(64)
    lsock.setblocking(False)
    sel.register(lsock, selectors.EVENT_READ, None)
    with open(port_file + ".tmp", "w") as f:
        f.write("%d\n" % lsock.getsockname()[1])
    os.replace(port_file + ".tmp", port_file)

    stats = {"connections": 0, "server_turns": 0, "client_turns": 0, "client_bytes": 0}
    stop = [False]

    def on_signal(_sig, _frm):
        stop[0] = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    # per connection: {"c": client sock, "s": server sock, "last": None|"c"|"s"}
    conns = {}

    def close(pair):
        for k in ("c", "s"):
            s = pair[k]
            try:
                sel.unregister(s)
            except (KeyError, ValueError):
                pass
            s.close()
        conns.pop(id(pair), None)

    while not stop[0] and time.monotonic() < deadline:
        for key, _ev in sel.select(timeout=0.2):
            if key.data is None:
                try:
                    c, _ = lsock.accept()
                except BlockingIOError:
                    continue
                if len(conns) >= MAX_CONNS:
                    c.close()
                    continue
                s = socket.create_connection(("127.0.0.1", upstream), timeout=5)
                for x in (c, s):
                    x.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                    x.setblocking(True)
                pair = {"c": c, "s": s, "last": None, "no": stats["connections"] + 1}
                conns[id(pair)] = pair
                sel.register(c, selectors.EVENT_READ, (pair, "c"))
                sel.register(s, selectors.EVENT_READ, (pair, "s"))
                stats["connections"] += 1
                continue
            pair, side = key.data
            if id(pair) not in conns:
                continue
            try:
                data = pair[side].recv(65536)
            except OSError:
                data = b""
            if not data:
                close(pair)
                continue
            if pair["last"] != side:
                stats["server_turns" if side == "s" else "client_turns"] += 1
                if side == "s" and turn_log:
                    turns.append("%d %d" % (time.monotonic_ns(), pair["no"]))
                pair["last"] = side
            if side == "c":
                stats["client_bytes"] += len(data)
            try:
                pair["s" if side == "c" else "c"].sendall(data)
            except OSError:
                close(pair)
    for pair in list(conns.values()):
        close(pair)
    if turn_log:
        with open(turn_log, "w") as f:
            f.write("".join(t + "\n" for t in turns))
    with open(stats_file + ".tmp", "w") as f:
        json.dump(stats, f)
    os.replace(stats_file + ".tmp", stats_file)


if __name__ == "__main__":
    main()
