#!/usr/bin/python3
"""Turns one benchmark run directory (written by bench/run.bash) into the Markdown report on stdout.

    report.py RUNDIR

RUNDIR/machine.txt     key=value lines about the machine and the versions
RUNDIR/runs/ID.jsonl   one JSON line per timed run of client ID (client.php's output, or smtp-source's)
RUNDIR/count/ID.json   the round-trip relay's and strace's counts for two run lengths n1 < n2
RUNDIR/memory/ID-SIZE.jsonl  one JSON line per memory run (bench/memory.php's output)
"""
import json
import os
import statistics
import sys

CLIENTS = [
    # id, client, connection, server
    ("ext_plain", "mail() through the smtp extension", "new connection per message", "smtp-sink"),
    ("pm_ka", "PHPMailer SMTP, SMTPKeepAlive", "one connection", "smtp-sink"),
    ("pm_new", "PHPMailer SMTP", "new connection per message", "smtp-sink"),
    ("pm_nodelay", "PHPMailer SMTP, SMTPKeepAlive + `tcp_nodelay` (control)", "one connection", "smtp-sink"),
    ("msmtp", "mail() through msmtp (sendmail_path)", "new process + connection per message", "smtp-sink"),
    ("pf_sendmail", "mail() through Postfix `sendmail -t -i`", "local queue (postdrop), no SMTP", "Postfix"),
    ("src_one", "smtp-source (C reference)", "one connection", "smtp-sink"),
    ("src_new", "smtp-source (C reference)", "new connection per message", "smtp-sink"),
    ("ext_tls", "mail() through the smtp extension, 465 TLS + AUTH", "new connection per message", "Postfix 465"),
    ("pm_tls_ka", "PHPMailer, 465 TLS + AUTH, SMTPKeepAlive", "one connection", "Postfix 465"),
    ("pm_tls_new", "PHPMailer, 465 TLS + AUTH", "new connection per message", "Postfix 465"),
]

MEMORY = [
    # id, client, server, expected command (checked, never assumed), the extension's 1 MiB target applies
    ("mem_ext_data", "mail() through the smtp extension", "smtp-sink (no CHUNKING)", "DATA", True),
    ("mem_ext_bdat", "mail() through the smtp extension", "test server, CHUNKING", "BDAT", True),
    ("mem_ext_data_ts", "mail() through the smtp extension (control)", "test server, no CHUNKING", "DATA", True),
    ("mem_ext_tls", "mail() through the smtp extension, 465 TLS + AUTH", "Postfix 465 (CHUNKING)", "BDAT", True),
    ("mem_pm_smtp", "PHPMailer SMTP", "smtp-sink", "DATA", False),
    ("mem_pm_mail", "PHPMailer default mail() mode, through the extension", "smtp-sink", "DATA", False),
]
MEM_SIZES = [(1024, "1 KiB"), (1048576, "1 MiB"), (26214400, "25 MiB")]
MEM_TARGET = 1 << 20          # the extension's target: at most 1 MiB extra peak for 25 MiB
MEM_TARGET_SIZE = 26214400


def ratio(x):
    return "%.0f" % x if x >= 10 else ("%.2f" % x if x >= 1 else "%.3f" % x)


def memory_rows(rundir, notes):
    """The memory table's rows, or [] when the run has no memory directory."""
    mdir = os.path.join(rundir, "memory")
    if not os.path.isdir(mdir):
        return []
    rows = []
    for mid, client, server, want, target in MEMORY:
        for size, label in MEM_SIZES:
            runs = load_jsonl(os.path.join(mdir, "%s-%d.jsonl" % (mid, size)))
            if not runs:
                continue
            good = [r for r in runs if r.get("ok") and r.get("extra") is not None]
            for r in runs:
                if r not in good:
                    notes.append("%s, %s: a memory run failed: %s" % (mid, label, r.get("error", "")))
            wires = sorted({r.get("wire") or "unknown" for r in good})
            how = ["transcript: " + "/".join(wires)]
            caps = [r.get("capture") for r in good if r.get("capture")]
            if caps:
                chunked = [c for c in caps if c.get("chunks")]
                same = all(c.get("body_same") for c in caps)
                how.append("capture: %s, body %s" % (
                    ("BDAT, %d chunk(s)" % len(chunked[0]["chunks"])) if len(chunked) == len(caps)
                    else ("DATA" if not chunked else "mixed"),
                    "identical" if same else "DIFFERENT"))
            for r in good:
                if (r.get("wire") or "unknown") != want:
                    notes.append("%s, %s: expected %s, the transcript says %s" % (mid, label, want, r.get("wire")))
            if not good:
                rows.append("| %s | %s | %s | %s | failed | – | – | – | 0/%d |" % (
                    client, server, label, "; ".join(how), len(runs)))
                continue
            extras = [r["extra"] for r in good]
            med = statistics.median(extras)
            verdict = "–"
            if target and size == MEM_TARGET_SIZE:
                verdict = "**met** (≤ 1 MiB)" if med <= MEM_TARGET else "**NOT met** (> 1 MiB)"
            rows.append("| %s | %s | %s | %s | %s (%s–%s) | %s | %s | %s | %d/%d |" % (
                client, server, label, "; ".join(how),
                "{:,}".format(int(med)), "{:,}".format(min(extras)), "{:,}".format(max(extras)),
                "%.2f" % (med / 1048576.0), ratio(med / float(size)), verdict, len(good), len(runs)))
    return rows


def load_jsonl(path):
    out = []
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                line = line.strip()
                if line:
                    try:
                        out.append(json.loads(line))
                    except ValueError:
                        out.append({"ok": 0, "failed": 1, "first_error": "unparsable: " + line[:200]})
    return out


def fmt(x, digits=None):
    if x is None:
        return "–"
    if digits is None:
        digits = 0 if x >= 100 else (1 if x >= 10 else 2)
    return "{:,.{d}f}".format(x, d=digits)


def per_message(c, key1, key2):
    """(value at n2 - value at n1) / (n2 - n1), or None."""
    try:
        n1, n2 = c["n1"], c["n2"]
        v1, v2 = key1(c), key2(c)
    except (KeyError, TypeError):
        return None
    if v1 is None or v2 is None or n2 <= n1:
        return None
    return (v2 - v1) / (n2 - n1)


def main():
    rundir = sys.argv[1]
    machine = {}
    with open(os.path.join(rundir, "machine.txt")) as f:
        for line in f:
            k, _, v = line.rstrip("\n").partition("=")
            machine[k] = v
    notes = []
    rows = []
    for cid, client, conn, server in CLIENTS:
        runs = load_jsonl(os.path.join(rundir, "runs", cid + ".jsonl"))
        good = [r for r in runs if r.get("failed", 1) == 0 and r.get("ok", 0) > 0]
        for r in runs:
            if r not in good:
                notes.append("%s: a run failed (%s of %s sent): %s" % (cid, r.get("ok", 0), r.get("n", "?"),
                                                                       r.get("first_error", "")))
        rates = [r["rate"] for r in good]
        meds = [r["median_ms"] for r in good if r.get("median_ms") is not None]
        p90s = [r["p90_ms"] for r in good if r.get("p90_ms") is not None]
        count = {}
        cpath = os.path.join(rundir, "count", cid + ".json")
        if os.path.exists(cpath):
            with open(cpath) as f:
                try:
                    count = json.load(f)
                except ValueError:
                    count = {}
        rt = per_message(count, lambda c: c["turns1"].get("server_turns"), lambda c: c["turns2"].get("server_turns"))
        sends = per_message(count, lambda c: c["sends1"], lambda c: c["sends2"])
        if cid == "pf_sendmail":
            rt = sends = None
        n = good[0]["n"] if good else (runs[0].get("n") if runs else None)
        if rates:
            rate = "**%s** (%s–%s)" % (fmt(statistics.median(rates)), fmt(min(rates)), fmt(max(rates)))
        else:
            rate = "failed"
        rows.append("| %s | %s | %s | %s | %s | %s | %s | %s | %d/%d × %s |" % (
            client, conn, server, rate,
            fmt(statistics.median(meds), 2) if meds else "–",
            fmt(statistics.median(p90s), 2) if p90s else "–",
            fmt(rt, 1) if rt is not None else "–",
            fmt(sends, 1) if sends is not None and sends > 0 else "–",
            len(good), len(runs), n if n is not None else "?"))

    print("# smtp benchmark: 1 KB messages, one recipient, loopback; peak memory of one 1 KiB, 1 MiB and "
          "25 MiB message")
    print()
    print("Machine: %s processors (`nproc`), %s, %s. PHP %s, smtp extension %s (commit %s), Postfix %s, %s, "
          "PHPMailer %s (Debian libphp-phpmailer), %s. Run %s on host `%s`%s." % (
              machine.get("nproc"), machine.get("cpu"), machine.get("kernel"), machine.get("php"),
              machine.get("smtp"), machine.get("commit"), machine.get("postfix"), machine.get("msmtp"),
              machine.get("phpmailer"), machine.get("openssl"), machine.get("date"), machine.get("host"),
              " — QUICK smoke run, small counts, not a measurement to quote" if machine.get("quick") == "1" else ""))
    print()
    print("| client | connection | server | msgs/s median (min–max) | latency median ms | latency p90 ms "
          "| round trips / msg | send calls / msg | runs ok × N |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(r)
    print()
    print("- msgs/s: messages sent / elapsed time of one run; the median of %s runs, min–max in brackets. "
          "PHP clients: hrtime() from the first send to the end of the last (PHP start-up excluded); "
          "smtp-source: the whole process." % machine.get("reps"))
    print("- latency: hrtime() around each mail() / PHPMailer send() call (PHP clients only); the median of the "
          "runs' medians and of their 90th percentiles.")
    print("- round trips / msg: server turns (replies or TLS flights the client waited for, the greeting included) "
          "counted by a relay (bench/rtcount.py), as the difference between a run of n2 and one of n1 messages "
          "divided by n2 − n1: set-up paid once per connection drops out for one-connection clients and stays "
          "in for one-connection-per-message clients. The TCP handshake is not counted.")
    print("- send calls / msg: send()/write() calls on the client's TCP socket to the server (strace -f), "
          "same difference method. Postfix sendmail talks to the local queue, not SMTP: not counted.")
    print("- smtp-sink answers at once and discards; Postfix 465 queues each message (and relays it to a "
          "local sink in the background; the queue is drained before the next client is timed).")
    mem = memory_rows(rundir, notes)
    if mem:
        print()
        print("## Peak memory of sending one message")
        print()
        print("| client | server | body | command (verified) | extra peak bytes, median (min–max) | MiB "
              "| × body size | target: ≤ 1 MiB for 25 MiB | runs ok |")
        print("|---|---|---|---|---|---|---|---|---|")
        for r in mem:
            print(r)
        print()
        print("- extra peak: VmHWM after sending one message minus the larger of VmHWM and VmRSS before, in a "
              "fresh PHP process per measurement (bench/memory.php, the method of php_tests/memory/): a small "
              "warm-up message through the same client and server first, the body built before the baseline, "
              "the peak reset with `echo 5 > /proc/self/clear_refs`, /proc/self/status parsed without preg_*() (a "
              "first PCRE JIT compile would add about 170 KiB). The median of %s runs, min–max in "
              "brackets; the kernel counts in 4 KiB pages." % machine.get("mem_reps", machine.get("reps")))
        print("- body: text lines of 76 bytes with LF endings, every 7th starting with '.', a lone '.' line "
              "every 50; 1 KiB = 1,024, 1 MiB = 1,048,576, 25 MiB = 26,214,400 bytes; headers come on top. "
              "× body size = extra peak / body bytes.")
        print("- command: for the extension, smtp_test_send() with the same settings to the same server after "
              "the measurement, its transcript's `C: BDAT` or `C: DATA`; for PHPMailer SMTP, its SMTPDebug "
              "transcript of a small message. With the test server also its capture of the measured message "
              "(BDAT chunk sizes or none, and the body compared byte for byte with the CRLF form of the one "
              "sent). smtp-sink (Postfix 3.7) does not offer CHUNKING.")
        print("- PHP runs with `-n -d extension=ctype -d memory_limit=-1` (PHPMailer needs ctype; with PHP's "
              "default memory_limit of 128M PHPMailer SMTP cannot send the 25 MiB message).")
    if notes:
        print()
        print("Failures:")
        for n in notes:
            print("- " + n)


if __name__ == "__main__":
    main()
