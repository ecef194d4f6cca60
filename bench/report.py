#!/usr/bin/python3
"""Turns one benchmark run directory (written by bench/run.bash) into the Markdown report on stdout.

    report.py RUNDIR

RUNDIR/machine.txt     key=value lines about the machine and the versions
RUNDIR/runs/ID.jsonl   one JSON line per timed run of client ID (client.php's output, or smtp-source's)
RUNDIR/count/ID.json   the round-trip relay's and strace's counts for two run lengths n1 < n2
RUNDIR/memory/ID-SIZE.jsonl  one JSON line per memory run (bench/memory.php's output)
RUNDIR/runs/bulk_*.jsonl     the bulk scenario's runs (same format, with CPU)
RUNDIR/rtt/CLIENT-SERVER.jsonl, RUNDIR/latency/CLIENT.jsonl  bench/turns.py's lines (round trips per call)
RUNDIR/web/runs/ID.txt       wrk's output
"""
import json
import os
import statistics
import sys

CLIENTS = [
    # id, client, connection, server
    ("ext_plain", "mail() through the smtp extension, `smtp.persistent=0`", "new connection per message", "smtp-sink"),
    ("pm_ka", "PHPMailer SMTP, SMTPKeepAlive", "one connection", "smtp-sink"),
    ("pm_new", "PHPMailer SMTP", "new connection per message", "smtp-sink"),
    ("pm_nodelay", "PHPMailer SMTP, SMTPKeepAlive + `tcp_nodelay` (control)", "one connection", "smtp-sink"),
    ("msmtp", "mail() through msmtp (sendmail_path)", "new process + connection per message", "smtp-sink"),
    ("pf_sendmail", "mail() through Postfix `sendmail -t -i`", "local queue (postdrop), no SMTP", "Postfix"),
    ("src_one", "smtp-source (C reference)", "one connection", "smtp-sink"),
    ("src_new", "smtp-source (C reference)", "new connection per message", "smtp-sink"),
    ("ext_tls", "mail() through the smtp extension, 465 TLS + AUTH, `smtp.persistent=0`", "new connection per message",
     "Postfix 465"),
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


# --- the connection pool's scenarios --------------------------------------------------------------
BULK = [
    # id, client, connection
    ("bulk_ext", "mail() through the smtp extension, `smtp.max_messages=1000000`", "one kept connection"),
    ("bulk_ext_def", "mail() through the smtp extension, defaults (`smtp.max_messages=100`)",
     "kept connection, a new one every 100 messages"),
    ("bulk_src", "smtp-source -d (C reference)", "one connection"),
    ("pm_ka", "PHPMailer %(phpmailer)s (Debian), SMTPKeepAlive", "one connection"),
    ("bulk_pm7", "PHPMailer %(phpmailer7)s (Composer), SMTPKeepAlive", "one connection"),
    ("bulk_sym", "Symfony Mailer %(symfony)s (Composer), EsmtpTransport", "one connection"),
    ("msmtp", "mail() through msmtp (sendmail_path)", "new process + connection per message"),
    ("pf_sendmail", "mail() through Postfix `sendmail -t -i`", "local queue (postdrop), no SMTP"),
]
RT_CLIENTS = [("ext", "mail() through the smtp extension"),
              ("pm", "PHPMailer %(phpmailer)s (Debian), SMTPKeepAlive"),
              ("pm7", "PHPMailer %(phpmailer7)s (Composer), SMTPKeepAlive"),
              ("sym", "Symfony Mailer %(symfony)s (Composer)")]
RT_SERVERS = [("chunking", "test server --chunking (CHUNKING + PIPELINING)"),
              ("data", "smtp-sink (DATA + PIPELINING)")]
WEB = [("web_ext", "mail() through the smtp extension (kept connection per worker, the default)"),
       ("web_pm", "PHPMailer %(phpmailer)s (Debian) over SMTP, a connection per request"),
       ("web_ext_nopool", "mail() through the smtp extension, `smtp.persistent=0` (control)")]
RTT_MS = 20.0


def versions(machine):
    v = {"phpmailer": machine.get("phpmailer", "?").split("-")[0]}
    for key in ("phpmailer7", "symfony"):
        val = machine.get(key, "missing")
        v[key] = val.split()[-1] if not val.startswith("missing") else "(not available)"
    return v


def good_runs(runs):
    return [r for r in runs if r.get("failed", 1) == 0 and r.get("ok", 0) > 0]


def cpu_per_msg(r):
    u, s, c = r.get("cpu_user"), r.get("cpu_sys"), r.get("cpu_children") or 0.0
    if u is None or s is None or not r.get("ok"):
        return None
    return (u + s + c) / r["ok"]


def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def bulk_section(rundir, machine, notes, verdicts):
    v = versions(machine)
    data = {}
    for cid, _c, _k in BULK:
        runs = load_jsonl(os.path.join(rundir, "runs", cid + ".jsonl"))
        good = good_runs(runs)
        for r in runs:
            if r not in good:
                notes.append("bulk %s: a run failed (%s of %s sent): %s" % (
                    cid, r.get("ok", 0), r.get("n", "?"), r.get("first_error", "")))
        data[cid] = (runs, good)
    if not data["bulk_ext"][0]:
        return []
    ref = data["bulk_src"][1]
    ref_rate = med([r["rate"] for r in ref])
    ref_cpu = med([cpu_per_msg(r) for r in ref])
    out = ["## Bulk: 10,000 messages from one process", "",
           "| client | connection | msgs/s median (min–max) | × smtp-source | client CPU s per 10,000 msgs "
           "(user+sys) | CPU × smtp-source | smtp-sink busy | connections opened | runs ok × messages |",
           "|---|---|---|---|---|---|---|---|---|"]
    for cid, client, conn in BULK:
        client = client % v
        runs, good = data[cid]
        if not runs:
            key = {"bulk_pm7": "phpmailer7", "bulk_sym": "symfony"}.get(cid)
            why = machine.get(key, "not run") if key else "not run"
            out.append("| %s | %s | not measured: %s | – | – | – | – | – | 0/0 |" % (client, conn, why))
            continue
        rates = [r["rate"] for r in good]
        cpus = [cpu_per_msg(r) for r in good]
        rate = med(rates)
        cpu = med(cpus)
        conns = sorted({(r.get("stats") or {}).get("connections_opened") for r in good} - {None})
        nsent = sorted({r["ok"] for r in good})
        busy = med([r["sink_cpu"] / r["elapsed"] for r in good if r.get("sink_cpu") is not None and r.get("elapsed")])
        out.append("| %s | %s | %s | %s | %s | %s | %s | %s | %d/%d × %s |" % (
            client, conn,
            "**%s** (%s–%s)" % (fmt(rate), fmt(min(rates)), fmt(max(rates))) if rates else "failed",
            ratio(rate / ref_rate) if rate and ref_rate else "–",
            fmt(cpu * 10000, 2) if cpu is not None else "–",
            ratio(cpu / ref_cpu) if cpu is not None and ref_cpu else "–",
            "%.0f %%" % (busy * 100) if busy is not None else "–",
            "/".join(str(c) for c in conns) if conns else "–",
            len(good), len(runs), "/".join(str(n) for n in nsent) if nsent else "?"))
    out += ["",
            "- One PHP process per run (the median of %s runs, min–max): msgs/s from the first call to the end of "
            "the last (PHP start-up excluded); smtp-source: the whole process. All to smtp-sink on loopback, "
            "1 KB body, one recipient. The slow clients send fewer than 10,000 (runs ok × messages; a run of a "
            "few seconds, at 20–40 msgs/s 10,000 would take minutes): their rate and CPU are per message; "
            "PHPMailer (Debian), msmtp and sendmail are the runs of the first table." % machine.get("reps"),
            "- smtp-sink busy: the CPU time smtp-sink (one process, one core at most) used during the run "
            "(/proc/PID/stat, 10 ms ticks) ÷ the run's elapsed time: near 100 % means the sink, not the "
            "client, set the pace.",
            "- CPU: user+sys of the client process from getrusage() over the same span, plus its waited-for "
            "children (msmtp, sendmail and postdrop: RUSAGE_CHILDREN); smtp-source: GNU time (10 ms "
            "resolution). Scaled to 10,000 messages. Not counted: smtp-sink's own CPU, and for sendmail the "
            "Postfix daemons (pickup, cleanup, qmgr) that process the queue afterwards.",
            "- connections opened: smtp_stats() of the extension at the end of the run."]
    ext_rate = med([r["rate"] for r in data["bulk_ext"][1]])
    pm_rate = med([r["rate"] for r in data["pm_ka"][1]])
    if ext_rate and ref_rate:
        x = ext_rate / ref_rate
        eg = data["bulk_ext"][1]
        busy_c = med([(r["cpu_user"] + r["cpu_sys"]) / r["elapsed"] for r in eg if r.get("elapsed")])
        busy_s = med([r["sink_cpu"] / r["elapsed"] for r in eg if r.get("sink_cpu") is not None and r.get("elapsed")])
        extra = ""
        if busy_c is not None and busy_s is not None:
            extra = " (during the extension's run the client's CPU was %.0f %% and smtp-sink's %.0f %% of the elapsed " \
                    "time)" % (busy_c * 100, busy_s * 100)
        verdicts.append(("bulk: mail() ≥ 2× smtp-source's rate", "%s vs %s msgs/s = %.2f×%s" % (
            fmt(ext_rate), fmt(ref_rate), x, extra), "met" if x >= 2 else "missed (%.0f %% short)" % ((1 - x / 2) * 100)))
    if ext_rate and pm_rate:
        x = ext_rate / pm_rate
        verdicts.append(("bulk: mail() ≥ 150× PHPMailer's (Debian, SMTPKeepAlive)", "%s vs %s msgs/s = %.0f×" % (
            fmt(ext_rate), fmt(pm_rate), x), "met" if x >= 150 else "missed (%.0f %% short)" % ((1 - x / 150) * 100)))
    return out


def turn_runs(path):
    return [r for r in load_jsonl(path) if r.get("calls")]


def rtt_section(rundir, machine, notes, verdicts):
    d = os.path.join(rundir, "rtt")
    if not os.path.isdir(d):
        return []
    v = versions(machine)
    out = ["## Round trips per call: the first of a process (cold) and the later ones (warm)", "",
           "| client | server | cold: round trips of the first call | warm: round trips per call, median "
           "(min–max) | cold ms | warm ms median | connections | processes × calls |",
           "|---|---|---|---|---|---|---|---|"]
    found = {}
    for srv, sname in RT_SERVERS:
        for cid, cname in RT_CLIENTS:
            runs = turn_runs(os.path.join(d, "%s-%s.jsonl" % (cid, srv)))
            if not runs:
                continue
            for r in runs:
                if r.get("failed"):
                    notes.append("round trips %s/%s: %s failed: %s" % (cid, srv, r.get("failed"), r.get("first_error")))
            cold = [r["calls"][0] for r in runs]
            warm = [x for r in runs for x in r["calls"][1:]]
            cold_ms = [r["ms"][0] for r in runs]
            warm_ms = [x for r in runs for x in r["ms"][1:]]
            conns = sorted({max(r.get("connections") or [0]) for r in runs})
            st = [r.get("stats") for r in runs if r.get("stats")]
            copened = "/".join(sorted({str(s.get("connections_opened")) for s in st})) if st else None
            found[(cid, srv)] = (med(cold), med(warm))
            out.append("| %s | %s | %s | **%s** (%s–%s) | %s | %s | %s | %d × %d |" % (
                cname % v, sname, fmt(med(cold), 0), fmt(med(warm), 1 if med(warm) % 1 else 0),
                min(warm) if warm else "–", max(warm) if warm else "–",
                fmt(med(cold_ms), 2), fmt(med(warm_ms), 2),
                copened if copened else "1 per process", len(runs), len(runs[0]["calls"])))
    out += ["",
            "- Counted by bench/rtcount.py in front of the server, which logs the time of every server turn "
            "(a reply, or a TLS flight, the client waited for); bench/client.php logs each call's start and "
            "end with the same clock (CLOCK_MONOTONIC), and bench/turns.py gives each call the turns that "
            "fell inside it. The greeting counts; the TCP handshake does not; the QUIT at the end of a "
            "script falls outside every call. Measured, not derived from the protocol.",
            "- ms here are loopback figures through a Python relay and (CHUNKING) a Python test server: "
            "the relay's and server's own time, not the client's.",
            "- connections: the extension's smtp_stats() connections_opened per process (one for all calls)."]
    for srv, want in (("chunking", 1), ("data", 2)):
        if ("ext", srv) in found:
            w = found[("ext", srv)][1]
            verdicts.append(("warm message: %d round trip%s with %s" % (want, "" if want == 1 else "s",
                                                                          "CHUNKING" if srv == "chunking" else "DATA"),
                             "%s (cold: %s)" % (fmt(w, 1 if w % 1 else 0), fmt(found[("ext", srv)][0], 0)),
                             "met" if w <= want else "missed"))
    return out


def latency_section(rundir, machine, notes, verdicts):
    d = os.path.join(rundir, "latency")
    if not os.path.isdir(d):
        return []
    v = versions(machine)
    out = ["## 20 ms round trip: Postfix 587, STARTTLS + AUTH, through a delaying relay", "",
           "| client | first call ms, median (min–max) | first call round trips | first call ÷ 20 ms "
           "| warm call ms, median (min–max) | warm round trips per call | warm ms ÷ the extension's "
           "| processes × calls |",
           "|---|---|---|---|---|---|---|---|"]
    res = {}
    for cid, cname in RT_CLIENTS:
        runs = turn_runs(os.path.join(d, cid + ".jsonl"))
        if not runs:
            continue
        for r in runs:
            if r.get("failed"):
                notes.append("20 ms %s: %s failed: %s" % (cid, r.get("failed"), r.get("first_error")))
        cold = [r["calls"][0] for r in runs]
        warm = [x for r in runs for x in r["calls"][1:]]
        cold_ms = [r["ms"][0] for r in runs]
        warm_ms = [x for r in runs for x in r["ms"][1:]]
        res[cid] = (med(cold), med(warm), med(cold_ms), med(warm_ms))
        out.append("| %s | **%s** (%s–%s) | %s | %s | **%s** (%s–%s) | %s | %s | %d × %d |" % (
            cname % v, fmt(med(cold_ms), 1), fmt(min(cold_ms), 1), fmt(max(cold_ms), 1),
            fmt(med(cold), 0), fmt(med(cold_ms) / RTT_MS, 1),
            fmt(med(warm_ms), 1), fmt(min(warm_ms), 1), fmt(max(warm_ms), 1),
            fmt(med(warm), 1 if med(warm) % 1 else 0), "%CMP:" + cid + "%", len(runs), len(runs[0]["calls"])))
    base = res.get("ext", (None, None, None, None))[3]
    out = [line.replace("%CMP:ext%", "1.00") for line in out]
    for cid in res:
        out = [line.replace("%CMP:" + cid + "%", ("%.1f" % (res[cid][3] / base)) if base else "–") for line in out]
    out += ["",
            "- bench/delayrelay.py holds every chunk 10 ms in each direction (a 20 ms round trip; the kernel here "
            "has no netem) and the greeting 30 ms, so that it arrives 40 ms after connect() as over a real link "
            "(the TCP handshake's round trip, which loopback completes at once). It logs each server turn "
            "when it hands it to the client; round trips per call as in the table above (the TCP handshake "
            "not counted: add 1 for the first call).",
            "- Each process sends its calls back to back to the private Postfix on 10587 (STARTTLS required, "
            "AUTH required, certificate verified against the test CA); the first call of a process is cold "
            "(TCP, greeting, EHLO, STARTTLS, TLS handshake, EHLO, AUTH, the message), the later ones use the "
            "kept connection. Postfix queues each message (and relays it to a local sink; the queue is "
            "drained between clients)."]
    if "ext" in res:
        c, w, cms, wms = res["ext"]
        proc = wms - w * RTT_MS
        verdicts.append(("20 ms: warm mail() within 1.5 round trips (≤ 30 ms + processing)",
                         "%s ms, %s round trip%s (%.1f ms beyond the round trips)" % (
                             fmt(wms, 1), fmt(w, 1 if w % 1 else 0), "" if w == 1 else "s", proc),
                         "met" if w <= 1.5 else "missed"))
        if "pm" in res:
            x = res["pm"][3] / wms
            verdicts.append(("20 ms: warm mail() ≥ 4× faster than PHPMailer's warm send (Debian)",
                             "%s vs %s ms = %.1f×" % (fmt(wms, 1), fmt(res["pm"][3], 1), x),
                             "met" if x >= 4 else "missed"))
        note = ""
        if "pm" in res:
            pc, _pw, pcms, _pwms = res["pm"]
            note = "; PHPMailer's first call: %s + 1 round trips, %s ms, %.0f ms beyond them" % (
                fmt(pc, 0), fmt(pcms, 1), pcms - (pc + 1) * RTT_MS)
        verdicts.append(("20 ms: cold mail() within 10 round trips",
                         "%s server turns + 1 TCP handshake = %s round trips; %s ms = %s × 20 ms + %.0f ms "
                         "beyond the round trips (processing at both ends)%s" % (
                             fmt(c, 0), fmt(c + 1, 0), fmt(cms, 1), fmt(c + 1, 0), cms - (c + 1) * RTT_MS, note),
                         ("met" if cms / RTT_MS <= 10 else "met in round trips; the time is %.1f × 20 ms" % (
                             cms / RTT_MS)) if c + 1 <= 10 else "missed"))
    return out


def parse_wrk(path):
    r = {}
    try:
        text = open(path).read()
    except OSError:
        return None
    units = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60000.0}

    def ms(tok):
        for u in ("us", "ms", "s", "m"):
            if tok.endswith(u):
                try:
                    return float(tok[:-len(u)]) * units[u]
                except ValueError:
                    return None
        return None
    for line in text.splitlines():
        p = line.split()
        if line.startswith("Requests/sec:"):
            r["rps"] = float(p[1])
        elif len(p) == 2 and p[0] in ("50%", "90%", "99%"):
            r[p[0]] = ms(p[1])
        elif "requests in" in line:
            r["requests"] = int(p[0])
        elif line.strip().startswith("Non-2xx"):
            r["non2xx"] = int(p[-1])
        elif line.strip().startswith("Socket errors"):
            r["errors"] = line.strip()
    return r if "rps" in r else {"raw": text[-300:]}


def web_section(rundir, machine, notes, verdicts):
    d = os.path.join(rundir, "web", "runs")
    if not os.path.isdir(d):
        return []
    v = versions(machine)
    out = ["## Web: nginx + php-fpm, one mail() per request", "",
           "| page | requests/s | latency p50 ms | p90 ms | p99 ms | requests | non-2xx | × PHPMailer |",
           "|---|---|---|---|---|---|---|---|"]
    res = {}
    for wid, _ in WEB:
        r = parse_wrk(os.path.join(d, wid + ".txt"))
        if r and "rps" in r:
            res[wid] = r
    for wid, name in WEB:
        r = res.get(wid)
        if not r:
            out.append("| %s | failed | – | – | – | – | – | – |" % (name % v))
            notes.append("web %s: no wrk result" % wid)
            continue
        if r.get("non2xx") or r.get("errors"):
            notes.append("web %s: %s non-2xx, %s" % (wid, r.get("non2xx", 0), r.get("errors", "no socket errors")))
        pm = res.get("web_pm", {}).get("rps")
        out.append("| %s | **%s** | %s | %s | %s | %s | %s | %s |" % (
            name % v, fmt(r["rps"]), fmt(r.get("50%"), 2), fmt(r.get("90%"), 2), fmt(r.get("99%"), 2),
            "{:,}".format(r.get("requests", 0)), r.get("non2xx", 0), ratio(r["rps"] / pm) if pm else "–"))
    out += ["",
            "- nginx %s (nginx-light, 1 worker) and php-fpm %s (8 static workers, opcache on, the built module "
            "loaded with `-d extension=`), private configurations, on loopback; `wrk -t2 -c8 -d%ss --latency` "
            "after a short warm-up, fresh workers for each page. The page sends one 1 KB message per request "
            "to smtp-sink. Everything (wrk, nginx, php-fpm, smtp-sink) shares the machine's %s processors." % (
                machine.get("nginx", "?"), machine.get("fpm", "?"), machine.get("web_secs", "15"),
                machine.get("nproc")),
            "- A php-fpm worker keeps its connection from one request to the next; PHPMailer cannot (its "
            "SMTPKeepAlive lasts one script)."]
    if "web_ext" in res and "web_pm" in res:
        x = res["web_ext"]["rps"] / res["web_pm"]["rps"]
        verdicts.append(("php-fpm: requests/s ≥ 5× PHPMailer's", "%s vs %s = %.0f×" % (
            fmt(res["web_ext"]["rps"]), fmt(res["web_pm"]["rps"]), x), "met" if x >= 5 else "missed"))
    return out


def pool_sections(rundir, machine, notes):
    verdicts = []
    parts = []
    for f in (bulk_section, rtt_section, latency_section, web_section):
        sec = f(rundir, machine, notes, verdicts)
        if sec:
            parts.append(sec)
    lines = []
    comp = ["%s: %s" % (k, machine[k]) for k in ("phpmailer7", "symfony") if k in machine]
    if parts:
        lines += ["# The connection pool (smtp.persistent=1, the default), side by side with the peers", ""]
        if comp:
            lines += ["Composer packages (installed into the run directory): " + "; ".join(comp) + ".", ""]
        if machine.get("shared"):
            lines += ["**This run shared the machine**: " + machine["shared"], ""]
        lines += ["Load average at the start / end of the run: %s / %s; the whole run took %s s." % (
            machine.get("load_start", "?"), machine.get("load_end", "?"), machine.get("elapsed_s", "?")), ""]
        for sec in parts:
            lines += sec + [""]
    if verdicts:
        lines += ["## Targets", "", "| target | measured | verdict |", "|---|---|---|"]
        for t, m, vd in verdicts:
            lines.append("| %s | %s | **%s** |" % (t, m, vd))
        lines.append("")
    return lines


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
    for line in pool_sections(rundir, machine, notes):
        print(line)
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
