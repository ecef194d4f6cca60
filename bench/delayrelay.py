#!/usr/bin/python3
"""A TCP relay on loopback that adds latency, for the benchmark's 20 ms scenario (the kernel here has no
netem, so the delay is made in user space).

    delayrelay.py LISTEN_PORT_FILE UPSTREAM_PORT DELAY_MS TURN_LOG MAX_SECONDS

Listens on an ephemeral port of 127.0.0.1 (written to LISTEN_PORT_FILE) and relays every connection to
127.0.0.1:UPSTREAM_PORT, holding every chunk of bytes DELAY_MS milliseconds in each direction, so one
round trip costs 2 x DELAY_MS. Order is kept (one FIFO per direction). Loopback completes the TCP
handshake at once; to stand for it, the server's first bytes on a connection (the greeting) are held
3 x DELAY_MS instead of 1 x: over a real link the greeting arrives 2 round trips after connect()
starts (SYN, SYN-ACK; the ACK and the greeting), and here it does too.

TURN_LOG gets one line per server turn, "NS CONN": the CLOCK_MONOTONIC time in ns (the clock of PHP's
hrtime()) at which the turn's first bytes were handed to the client, and the connection's number. A
server turn starts when bytes arrive from the server after bytes from the client (or first, the
greeting): one reply, or one TLS flight, the client waited for -- the same rule as bench/rtcount.py.
Runs until SIGTERM/SIGINT or MAX_SECONDS, then writes TURN_LOG and exits.
"""
import asyncio
import os
import signal
import socket
import sys
import time


def main():
    port_file, upstream, delay_ms, turn_log, max_seconds = (
        sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4], float(sys.argv[5]))
    delay = delay_ms / 1000.0
    turns = []
    nconn = [0]

    async def pump(reader, writer, state, side, first_extra):
        """Read from one side, release each chunk to the other `delay` seconds after it arrived."""
        loop = asyncio.get_running_loop()
        q = asyncio.Queue()

        async def release():
            while True:
                item = await q.get()
                if item is None:
                    break
                due, data, is_turn = item
                wait = due - loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)
                if is_turn:
                    turns.append("%d %d" % (time.monotonic_ns(), state["no"]))
                try:
                    writer.write(data)
                    await writer.drain()
                except (ConnectionError, OSError):
                    break
            try:
                writer.close()
            except (ConnectionError, OSError):
                pass

        rel = asyncio.ensure_future(release())
        first = True
        while True:
            try:
                data = await reader.read(65536)
            except (ConnectionError, OSError):
                data = b""
            if not data:
                break
            is_turn = False
            if state["last"] != side:
                state["last"] = side
                is_turn = side == "s"
            extra = first_extra if first else 0.0
            first = False
            q.put_nowait((loop.time() + delay + extra, data, is_turn))
        q.put_nowait(None)
        await rel

    async def handle(creader, cwriter):
        nconn[0] += 1
        state = {"last": None, "no": nconn[0]}
        try:
            sreader, swriter = await asyncio.open_connection("127.0.0.1", upstream)
        except OSError:
            cwriter.close()
            return
        for w in (cwriter, swriter):
            sock = w.get_extra_info("socket")
            if sock is not None:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        await asyncio.gather(pump(creader, swriter, state, "c", 0.0),
                             pump(sreader, cwriter, state, "s", 2 * delay))

    async def run():
        loop = asyncio.get_running_loop()
        stop = loop.create_future()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, lambda: stop.done() or stop.set_result(None))
        server = await asyncio.start_server(handle, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        with open(port_file + ".tmp", "w") as f:
            f.write("%d\n" % port)
        os.replace(port_file + ".tmp", port_file)
        try:
            await asyncio.wait_for(stop, timeout=max(1.0, min(max_seconds, 3600.0)))
        except asyncio.TimeoutError:
            pass
        server.close()

    asyncio.run(run())
    with open(turn_log + ".tmp", "w") as f:
        f.write("".join(t + "\n" for t in turns))
    os.replace(turn_log + ".tmp", turn_log)


if __name__ == "__main__":
    main()
