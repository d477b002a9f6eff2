"""Requests/s and p99 of GET /api/ask against GET /healthz (a trivial endpoint) of the same running app.

One `qa-service serve` subprocess on 127.0.0.1 (a free port, 1 worker) over the seed + sample reports; the same
load generator with the same settings hits /healthz, then /api/ask twice, reported apart:

- cache hits: a few questions, each asked once before the run, so every request is an answer-cache hit;
- never seen: distinct questions (our question sets, the shared dev set when present, questions the reports do not
  answer, each with a polite opening and closing of its own), each asked at most once — the printout says how
  many requests there were for how many distinct questions, so a run that outlasts them shows it.

The load generator is wrk (Debian: `apt-get install -y wrk`) with a Lua script; without wrk, locust headless
(`pip install locust`). This script installs nothing.

Goal: /api/ask ≥ 70 % of /healthz's requests/s (judged on never-seen questions; cache hits shown beside).

    .venv/bin/python benchmarks/http.py                     # 10 s each, 16 connections
    .venv/bin/python benchmarks/http.py --duration 30 --connections 32
    .venv/bin/python benchmarks/http.py --db my.db          # an index already built
"""
from __future__ import annotations

import argparse
import csv
import itertools
import json
import subprocess
import sys
import tempfile
import urllib.parse
from pathlib import Path

HERE = Path(__file__).resolve().parent
# this file is named http.py: it must not shadow the standard library's http, so this folder is searched last
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE] + [str(HERE)]
import benchlib  # noqa: E402

GOAL = 0.70
HITS = 20  # questions in the cache-hit run
# A citizen's openings and closings: each pair makes a question a string the server has not seen (its answer cache
# is keyed by the exact text) without changing what it asks.
OPENINGS = ["", "请问", "您好，", "麻烦问一下，", "想了解一下，", "我想知道", "请教一下，", "打扰了，", "咨询一下，", "问一下，"]
CLOSINGS = ["", "谢谢", "，谢谢！", "，麻烦告知", "呢", "，多谢", "，谢谢您", "。", " ", "～"]

WRK_LUA = r"""
-- cycles through the paths in PATHS_FILE, one per line; each thread starts at its own share of the list
local paths = {}
for line in io.lines("%(paths)s") do paths[#paths + 1] = line end
local i = 0
local thread_no = 0
function setup(thread)
  thread:set("offset", thread_no * math.floor(#paths / %(threads)d))
  thread_no = thread_no + 1
end
function request()
  i = i + 1
  return wrk.format("GET", paths[((i + (offset or 0)) %% #paths) + 1])
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %%d, "duration_us": %%d, "status_errors": %%d, "connect": %%d, "read": %%d, ' ..
    '"write": %%d, "timeout": %%d, "p50_us": %%d, "p99_us": %%d, "max_us": %%d}\n',
    summary.requests, summary.duration, e.status, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
"""

LOCUSTFILE = r"""
import itertools
from locust import FastHttpUser, constant, task

PATHS = [l for l in open(%(paths)r, encoding="utf-8").read().splitlines() if l]
NEXT = itertools.cycle(PATHS)  # one list for all users (one process): no path asked twice before all were asked


class Client(FastHttpUser):
    wait_time = constant(0)

    @task
    def get(self):
        path = next(NEXT)
        self.client.get(path, name=path.split("?")[0])
"""


def run_wrk(url: str, paths: list[str], work: Path, duration: int, connections: int, threads: int) -> dict:
    paths_file = work / f"paths-{len(paths)}.txt"
    paths_file.write_text("\n".join(paths) + "\n", encoding="utf-8")
    script = work / f"cycle-{len(paths)}.lua"
    script.write_text(WRK_LUA % {"paths": paths_file, "threads": threads}, encoding="utf-8")
    cmd = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{duration}s", "--timeout", "10s",
           "-s", str(script), url]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 60)
    line = next((l for l in r.stdout.splitlines() if l.startswith("RESULT ")), None)
    if r.returncode != 0 or line is None:
        raise SystemExit(f"wrk failed (exit {r.returncode}):\n{r.stdout[-1500:]}\n{r.stderr[-1500:]}")
    d = json.loads(line[len("RESULT "):])
    errors = d["status_errors"] + d["connect"] + d["read"] + d["write"] + d["timeout"]
    return {"rps": d["requests"] / (d["duration_us"] / 1e6), "requests": d["requests"], "errors": errors,
            "p50": d["p50_us"] / 1000, "p99": d["p99_us"] / 1000, "max": d["max_us"] / 1000}


def run_locust(url: str, paths: list[str], work: Path, duration: int, connections: int) -> dict:
    paths_file = work / f"paths-{len(paths)}.txt"
    paths_file.write_text("\n".join(paths) + "\n", encoding="utf-8")
    locustfile = work / f"locustfile_{len(paths)}.py"
    locustfile.write_text(LOCUSTFILE % {"paths": str(paths_file)}, encoding="utf-8")
    prefix = work / f"locust-{len(paths)}"
    cmd = [locust_command(), "-f", str(locustfile), "--headless", "-u", str(connections), "-r", str(connections),
           "-t", f"{duration}s", "-H", url, "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING"]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 120, cwd=work)
    stats = Path(f"{prefix}_stats.csv")
    if not stats.exists():
        raise SystemExit(f"locust failed (exit {r.returncode}):\n{r.stderr[-2000:]}")
    row = next(r for r in csv.DictReader(stats.open(encoding="utf-8")) if r["Name"] == "Aggregated")
    return {"rps": float(row["Requests/s"]), "requests": int(row["Request Count"]), "errors": int(row["Failure Count"]),
            "p50": float(row["50%"]), "p99": float(row["99%"]), "max": float(row["Max Response Time"])}


def locust_command() -> str | None:
    exe = benchlib.VENV_BIN / "locust"
    return str(exe) if exe.exists() else benchlib.which("locust")


def never_seen(questions: list[str]) -> list[str]:
    """Distinct question strings: every question with every opening and closing, round-robin over the questions."""
    variants = [[f"{o}{q.rstrip('？?')}{c}" if c else f"{o}{q}" for o, c in itertools.product(OPENINGS, CLOSINGS)]
                for q in questions]
    out = list(dict.fromkeys(v for group in itertools.zip_longest(*variants) for v in group if v))
    return out


def ask_path(question: str) -> str:
    return "/api/ask?q=" + urllib.parse.quote(question)


def warm(url: str, paths: list[str]) -> None:
    import urllib.request  # here, not at the top: it imports http.client, and this file is named http.py

    for path in paths:
        with urllib.request.urlopen(url + path, timeout=30) as r:
            r.read()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--duration", type=int, default=10, help="seconds per endpoint (default 10)")
    ap.add_argument("--connections", type=int, default=16, help="concurrent connections (default 16)")
    ap.add_argument("--threads", type=int, default=1, help="wrk threads (default 1: the server has the other core)")
    ap.add_argument("--tool", choices=["auto", "wrk", "locust"], default="auto")
    ap.add_argument("--db", type=Path, help="serve this index (default: seed + sample reports, built now)")
    a = ap.parse_args()
    if a.duration < 1 or a.connections < 1 or a.threads < 1:
        raise SystemExit("--duration, --connections and --threads must be ≥ 1")
    tool = a.tool
    if tool == "auto":
        tool = "wrk" if benchlib.which("wrk") else "locust" if locust_command() else None
    if tool is None or (tool == "wrk" and not benchlib.which("wrk")) or (tool == "locust" and not locust_command()):
        raise SystemExit("no load generator: install wrk (Debian: apt-get install -y wrk) or locust "
                         "(.venv/bin/pip install locust), then run this again")
    print(benchlib.machine())
    with tempfile.TemporaryDirectory(prefix="qa-http-") as tmp:
        work = Path(tmp)
        db = a.db or benchlib.build_sample_index(work / "index.db")
        questions = benchlib.mixed_questions()
        hit_paths = [ask_path(q) for q in questions[:HITS]]
        new_paths = [ask_path(q) for q in never_seen(questions[HITS:])]
        results = {}
        with benchlib.Server(db, log_db=work / "questions.db") as server:
            print(f"server: {server.url} (qa-service serve, 1 worker), load: {tool}, {a.connections} connections, "
                  f"{a.duration} s per endpoint", flush=True)
            warm(server.url, hit_paths)
            runs = (("/healthz", ["/healthz"]), ("/api/ask, cache hits", hit_paths),
                    ("/api/ask, never seen", new_paths))
            for name, paths in runs:
                if tool == "wrk":
                    results[name] = run_wrk(server.url, paths, work, a.duration, a.connections, a.threads)
                else:
                    results[name] = run_locust(server.url, paths, work, a.duration, a.connections)
                results[name]["distinct"] = len(paths)
        rows = [[name, f"{r['rps']:.0f}", r["requests"], r["distinct"], r["errors"], f"{r['p50']:.1f}",
                 f"{r['p99']:.1f}", f"{r['max']:.0f}"] for name, r in results.items()]
        print(benchlib.table(["endpoint", "requests/s", "requests", "distinct paths", "errors", "p50 ms", "p99 ms",
                              "max ms"], rows,
                             title="\nHTTP throughput, same app, same server settings, same load generator"))
        new = results["/api/ask, never seen"]
        if new["requests"] > new["distinct"]:
            print(f"\nnote: {new['requests']} never-seen requests for {new['distinct']} distinct questions: up to "
                  f"{new['requests'] - new['distinct']} were cache hits (run shorter, or add questions)")
        healthz = results["/healthz"]["rps"]
        hits = results["/api/ask, cache hits"]["rps"] / healthz
        ratio = new["rps"] / healthz
        print(f"\n/api/ask requests/s, never-seen questions = {100 * ratio:.0f} % of /healthz (goal ≥ "
              f"{100 * GOAL:.0f} %: {'met' if ratio >= GOAL else 'MISSED'}); cache hits = {100 * hits:.0f} %")


if __name__ == "__main__":
    main()
