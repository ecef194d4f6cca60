#!/usr/bin/python3
"""Round trips per call: joins a relay's turn log with a client's call times (same clock).

    turns.py TIMES_FILE TURN_LOG [CLIENT_JSON]

TIMES_FILE: bench/client.php's BENCH_TIMES_FILE, one "T0 T1" line per mail()/send() call (hrtime ns).
TURN_LOG: bench/rtcount.py's or bench/delayrelay.py's, one "NS CONN" line per server turn
(CLOCK_MONOTONIC ns). A turn belongs to the call whose [T0, T1] holds its time; turns outside every
call (a QUIT at the end of the script, a TLS ticket arriving after the call returned) are counted
apart. Prints one JSON line: {"calls": [turns of each call], "ms": [duration of each call],
"connections": [connections seen in each call], "cold": turns of the first call, "warm": median of
the later calls' turns, "outside": turns outside every call}, merged into CLIENT_JSON's object
(the client's own line) when that is given.
"""
import json
import statistics
import sys


def main():
    calls = []
    with open(sys.argv[1]) as f:
        for line in f:
            p = line.split()
            if len(p) == 2:
                calls.append((int(p[0]), int(p[1])))
    turns = []
    with open(sys.argv[2]) as f:
        for line in f:
            p = line.split()
            if len(p) == 2:
                turns.append((int(p[0]), int(p[1])))
    counts = [0] * len(calls)
    conns = [set() for _ in calls]
    outside = 0
    j = 0
    for t, conn in sorted(turns):
        while j < len(calls) and calls[j][1] < t:
            j += 1
        if j < len(calls) and calls[j][0] <= t <= calls[j][1]:
            counts[j] += 1
            conns[j].add(conn)
        else:
            outside += 1
    out = {}
    if len(sys.argv) > 3:
        try:
            out = json.loads(sys.argv[3])
        except ValueError:
            out = {"client_output": sys.argv[3][:200]}
    out.update({
        "calls": counts,
        "ms": [round((b - a) / 1e6, 3) for a, b in calls],
        "connections": [len(c) for c in conns],
        "cold": counts[0] if counts else None,
        "warm": statistics.median(counts[1:]) if len(counts) > 1 else None,
        "outside": outside,
    })
    print(json.dumps(out))


if __name__ == "__main__":
    main()
