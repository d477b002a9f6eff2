"""Soak: 50 concurrent clients asking mixed questions of `qa-service serve` on loopback for 60 s.

One server subprocess (127.0.0.1, free port, 1 worker) over the seed + sample reports (or --db); clients are
asyncio tasks sharing one httpx.AsyncClient, each sending GET /api/ask as soon as its previous answer came
back. Any exception or status other than 200 is an error; there must be none. The server's resident memory is
read before and after (growth would show a leak). Exit status 1 when there were errors.

    .venv/bin/python benchmarks/soak.py                         # 60 s, 50 clients
    .venv/bin/python benchmarks/soak.py --duration 10 --clients 10
"""
from __future__ import annotations

import argparse
import asyncio
import itertools
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
# benchmarks/http.py must not shadow the standard library's http: this folder is searched last
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE] + [str(HERE)]
import benchlib  # noqa: E402


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


async def soak(url: str, questions: list[str], clients: int, duration: float, timeout: float) -> dict:
    import httpx

    latencies: list[float] = []
    errors: Counter[str] = Counter()
    found = 0
    deadline = time.monotonic() + duration
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=timeout) as client:

        async def one(k: int) -> None:
            nonlocal found
            cycle = itertools.islice(itertools.cycle(questions), k * 7, None)  # each client its own order
            while time.monotonic() < deadline:
                q = next(cycle)
                t0 = time.perf_counter()
                try:
                    r = await client.get("/api/ask", params={"q": q})
                except httpx.HTTPError as e:
                    errors[type(e).__name__] += 1
                    continue
                latencies.append((time.perf_counter() - t0) * 1000)
                if r.status_code != 200:
                    errors[f"HTTP {r.status_code}"] += 1
                else:
                    found += bool(r.json().get("found"))

        started = time.monotonic()
        await asyncio.gather(*(one(k) for k in range(clients)))
        elapsed = time.monotonic() - started
    return {"latencies": sorted(latencies), "errors": errors, "found": found, "elapsed": elapsed}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--duration", type=float, default=60, help="seconds (default 60)")
    ap.add_argument("--clients", type=int, default=50, help="concurrent clients (default 50)")
    ap.add_argument("--timeout", type=float, default=30, help="per-request timeout in seconds (default 30)")
    ap.add_argument("--db", type=Path, help="serve this index (default: seed + sample reports, built now)")
    a = ap.parse_args()
    if a.duration <= 0 or a.clients < 1:
        raise SystemExit("--duration must be > 0 and --clients ≥ 1")
    print(benchlib.machine())
    questions = benchlib.mixed_questions()
    with tempfile.TemporaryDirectory(prefix="qa-soak-") as tmp:
        work = Path(tmp)
        db = a.db or benchlib.build_sample_index(work / "index.db")
        with benchlib.Server(db, log_db=work / "questions.db") as server:
            before = rss_mb(server.proc.pid)
            print(f"server: {server.url} (qa-service serve, 1 worker); {a.clients} clients for {a.duration:g} s, "
                  f"cycling {len(questions)} questions", flush=True)
            r = asyncio.run(soak(server.url, questions, a.clients, a.duration, a.timeout))
            after = rss_mb(server.proc.pid)
            alive = server.proc.poll() is None
    lat, n_err = r["latencies"], sum(r["errors"].values())
    total = len(lat) + sum(v for k, v in r["errors"].items() if not k.startswith("HTTP"))
    rows = [[f"{r['elapsed']:.0f}", a.clients, total, f"{total / r['elapsed']:.0f}", n_err,
             f"{100 * r['found'] / max(1, len(lat)):.0f} %", f"{benchlib.percentile(lat, 50):.0f}",
             f"{benchlib.percentile(lat, 99):.0f}", f"{lat[-1]:.0f}" if lat else "—",
             f"{before:.0f} → {after:.0f}", "yes" if alive else "NO"]]
    print(benchlib.table(["seconds", "clients", "requests", "requests/s", "errors", "found", "p50 ms", "p99 ms",
                          "max ms", "server RSS MB", "server alive"], rows, title="\nSoak: GET /api/ask on loopback"))
    for kind, count in r["errors"].most_common():
        print(f"error: {kind} × {count}")
    print(f"\nerrors: {n_err} (must be 0: {'met' if n_err == 0 and alive else 'MISSED'})")
    sys.exit(0 if n_err == 0 and alive else 1)


if __name__ == "__main__":
    main()
