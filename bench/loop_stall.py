"""The longest event-loop stall of a Roost worker under load (issue 6 §5).

One worker's event loop (uvloop, as in production) serves IMAP in this
process; a probe coroutine on that loop sleeps PROBE_PERIOD again and
again and records how late each wake-up is: that lateness is how long the
loop was kept from every other session. Two phases of `--seconds` each:

1. `mixed`: the imaptest-like mix (bench.imaptest, 50 persistent clients
   over user1..user100) in a subprocess;
2. `mixed+big`: the same, while another subprocess SELECTs user `big`'s
   INBOX of `--big` (100,000) messages again and again.

Reported per phase: probe samples, p50/p99/max lateness, wake-ups later
than 20 ms, the same bounded by the loop thread's CPU time ("busy": what
is left when the kernel running other processes is taken out, see
`probe`), the load's ops/s, and the big SELECTs' count and median. The
target is p99 under 20 ms in both phases.

The site is built through the store API, not over IMAP, so 100,000
messages take a minute or two, not an hour; `--site DIR` keeps it for the
next run.

    python -m bench.loop_stall --seconds 20 [--big 100000] [--site /tmp/stall-site]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import signal
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.imap_client import ImapClient
from bench.mboxgen import messages
from bench.stats import percentile

USERS = 100
PASSWORD = "secret"
BIG_USER = "big"
INBOX_MESSAGES = 20
PROBE_PERIOD = 0.005
STALL = 0.020
APPEND_WAVE = 1000  # messages per append_messages call while populating


def write_conf(root: Path) -> Path:
    conf = root / "imapd.conf"
    conf.write_text(f"configdirectory: {root / 'config'}\n"
                    f"partition-default: {root / 'spool'}\n"
                    "allowplaintext: yes\nservername: roost.bench\n"
                    "sasl_scram_iterations: 4096\nfailedloginpause: 0\n")
    return conf


async def build_site(root: Path, big: int) -> None:
    """Users, passwords and INBOXes through the store API (fsync off: setup only)."""
    from roost.auth.open_credentials import open_credential_store
    from roost.config import load_config
    from roost.store.api import AppendMessage
    from roost.store.names import user_inbox
    from roost.store.open import open_store
    from roost.store.sqlite import SqliteStore

    conf = load_config(str(write_conf(root)))
    open_store(conf)  # creates the directories and the schema
    store = SqliteStore(Path(conf.configdirectory) / "mailstore.db",
                        {"default": root / "spool"}, fsync=False)
    creds = open_credential_store(conf)
    corpus = messages(50, 1)
    try:
        boxes = {}
        for user in [f"user{n}" for n in range(1, USERS + 1)] + [BIG_USER]:
            creds.set_password(user, PASSWORD)
            boxes[user] = (await store.create_mailbox(user_inbox(user))).id
        for n in range(1, USERS + 1):
            await store.append_messages(boxes[f"user{n}"], [AppendMessage(raw) for raw
                                                            in corpus[:INBOX_MESSAGES]])
        started = time.monotonic()
        for wave in range(0, big, APPEND_WAVE):
            await store.append_messages(boxes[BIG_USER], [
                AppendMessage(corpus[i % len(corpus)], ["\\Seen"] if i % 3 else [])
                for i in range(wave, min(big, wave + APPEND_WAVE))])
        print(f"populated {big} messages in {time.monotonic() - started:.0f} s", file=sys.stderr)
    finally:
        creds.close()
        await store.close()
    (root / "ready").write_text(str(big))


async def probe(samples: list[tuple[float, float, float]], stop: asyncio.Event) -> None:
    """Sleep PROBE_PERIOD again and again; record (wall time, lateness, busy
    lateness) of each wake-up.

    Busy lateness is the lateness bounded by the CPU time the loop's thread
    used meanwhile: on a shared machine, a wake-up is also late when the
    kernel ran someone else's process, and that part is not our stall.
    """
    while not stop.is_set():
        started, cpu = time.perf_counter(), time.thread_time()
        await asyncio.sleep(PROBE_PERIOD)
        late = time.perf_counter() - started - PROBE_PERIOD
        samples.append((time.time(), late, min(late, time.thread_time() - cpu)))


async def worker_main(conf_path: str, sock: socket.socket, out: Path) -> None:
    """One worker as the master runs it (open_context, start_imap on the shared
    listening socket), plus the probe; the samples go to `out` at SIGTERM."""
    from roost.config import load_config
    from roost.imap.server import start_imap
    from roost.master.context import open_context

    ctx = await open_context(load_config(conf_path))
    server = await start_imap(ctx, sock, implicit_tls=False)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    samples: list[tuple[float, float, float]] = []
    out.with_suffix(".ready").touch()
    await probe(samples, stop)
    server.close()
    await ctx.store.close()
    out.write_text(json.dumps(samples))


def run_worker(conf_path: str, sock: socket.socket, out: Path) -> None:
    import uvloop

    uvloop.run(worker_main(conf_path, sock, out))


async def select_loop(port: int, seconds: float) -> None:
    """Subprocess: SELECT the big INBOX until the time is up; print the latencies."""
    imap = await ImapClient.connect("127.0.0.1", port)
    await imap.login(BIG_USER, PASSWORD)
    latencies = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        started = time.monotonic()
        reply = await imap.command("SELECT INBOX")
        if reply.status != "OK":
            raise RuntimeError(f"SELECT: {reply.status} {reply.text}")
        latencies.append(time.monotonic() - started)
    await imap.close()
    print(json.dumps({"selects": len(latencies), "exists": imap.exists,
                      "median_ms": statistics.median(latencies) * 1000 if latencies else 0}))


async def child(*args: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", *args, stdout=asyncio.subprocess.PIPE)


async def phase(port: int, seconds: float, clients: int, big: bool) -> dict[str, object]:
    """One phase: the mix (and maybe the big SELECTs); its time window and load figures."""
    started = time.time()
    load = await child("bench.imaptest", "--port", str(port), "--clients", str(clients),
                       "--seconds", str(seconds), "--persistent", "--json")
    selects = await child("bench.loop_stall", "--select-loop", str(port),
                          "--seconds", str(seconds)) if big else None
    load_out, _ = await load.communicate()
    select_out = (await selects.communicate())[0] if selects else b"{}"
    summary = json.loads(load_out)
    return {"window": (started, time.time()),
            "ops_per_s": summary["total"]["ops_per_s"], "load_p99_ms": summary["total"]["p99_ms"],
            "errors": summary["errors"], "big_select": json.loads(select_out)}


def lateness_figures(samples: list[tuple[float, float, float]], window: tuple[float, float]
                     ) -> dict[str, object]:
    inside = [s for s in samples if window[0] <= s[0] <= window[1]]
    late = sorted(s[1] for s in inside)
    busy = sorted(s[2] for s in inside)
    return {"samples": len(late),
            "p50_ms": round(percentile(late, 0.50) * 1000, 2),
            "p99_ms": round(percentile(late, 0.99) * 1000, 2),
            "max_ms": round(late[-1] * 1000, 1) if late else 0.0,
            "over_20ms": sum(1 for x in late if x > STALL),
            "busy_p99_ms": round(percentile(busy, 0.99) * 1000, 2),
            "busy_max_ms": round(busy[-1] * 1000, 1) if busy else 0.0}


def measure(root: Path, seconds: float, clients: int, workers: int) -> list[dict[str, object]]:
    """Fork `workers` workers on one listening socket (as the master does), run
    both phases against them, then collect every worker's probe samples."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(256)
    sock.setblocking(False)
    port = sock.getsockname()[1]
    fork = multiprocessing.get_context("fork")
    outs = [root / f"probe-{n}.json" for n in range(workers)]
    procs = [fork.Process(target=run_worker, args=(str(root / "imapd.conf"), sock, out))
             for out in outs]
    for proc in procs:
        proc.start()
    for out in outs:
        for _ in range(600):
            if out.with_suffix(".ready").exists():
                break
            time.sleep(0.05)
    try:
        results = [{"phase": "mixed", **asyncio.run(phase(port, seconds, clients, False))},
                   {"phase": "mixed+big", **asyncio.run(phase(port, seconds, clients, True))}]
    finally:
        for proc in procs:
            if proc.pid is not None:
                os.kill(proc.pid, signal.SIGTERM)
            proc.join(30)
    samples = [tuple(s) for out in outs for s in json.loads(out.read_text())]
    for out in outs:
        out.unlink()
        out.with_suffix(".ready").unlink()
    for result in results:
        window = result.pop("window")
        assert isinstance(window, tuple)
        result.update(lateness_figures(samples, window))  # type: ignore[arg-type]
    return results


def report(results: list[dict[str, object]], big: int, clients: int, workers: int) -> str:
    lines = [(f"event-loop lateness, probe every {PROBE_PERIOD * 1000:.0f} ms in each of "
             f"{workers} workers, {clients} clients, big mailbox {big} messages"),
             (f"{'phase':<10} {'samples':>7} {'p50 ms':>7} {'p99 ms':>7} {'max ms':>7} "
             f"{'>20ms':>6} {'busy p99':>8} {'busy max':>8} {'ops/s':>7}  big SELECTs")]
    for r in results:
        sel = r["big_select"]
        assert isinstance(sel, dict)
        shown = f"{sel['selects']} x {sel['median_ms']:.0f} ms" if sel else "-"
        lines.append(f"{r['phase']:<10} {r['samples']:>7} {r['p50_ms']:>7} {r['p99_ms']:>7} "
                     f"{r['max_ms']:>7} {r['over_20ms']:>6} {r['busy_p99_ms']:>8} "
                     f"{r['busy_max_ms']:>8} {r['ops_per_s']!s:>7}  {shown}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--big", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="worker processes (production default: one per core)")
    parser.add_argument("--site", help="keep the site here and reuse it next time")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--select-loop", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    import uvloop

    if args.select_loop:
        uvloop.run(select_loop(args.select_loop, args.seconds))
        return 0
    with tempfile.TemporaryDirectory(prefix="roost-stall-") as scratch:
        root = Path(args.site or scratch)
        root.mkdir(parents=True, exist_ok=True)
        ready = root / "ready"
        if not ready.exists() or ready.read_text() != str(args.big):
            if ready.exists():
                raise SystemExit(f"{root} holds another --big; pick another --site")
            asyncio.run(build_site(root, args.big))
        results = measure(root, args.seconds, args.clients, args.workers)
    print(json.dumps(results, indent=2) if args.json
          else report(results, args.big, args.clients, args.workers))
    return 0


if __name__ == "__main__":
    sys.exit(main())
