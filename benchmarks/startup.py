"""Start-up: a one-shot `qa-service ask "…"` against `python -c "import jieba; jieba.initialize()"`, as a ratio.

Both use the project's venv; the ask runs against an index already built (the seed report, built before timing
starts, or --db). jieba's dictionary cache is warmed by the warm-up runs, so both load it from the cache.
Timed with hyperfine when it is installed (Debian: `apt-get install -y hyperfine`), else by running each
command --runs times in turn; the median wall time is compared.

Goal: the one-shot ask ≤ 1.2 × the bare jieba start-up.

    .venv/bin/python benchmarks/startup.py                  # 10 runs each, 2 warm-up
    .venv/bin/python benchmarks/startup.py --runs 30 --no-hyperfine
"""
from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
# benchmarks/http.py must not shadow the standard library's http: this folder is searched last
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE] + [str(HERE)]
import benchlib  # noqa: E402

GOAL = 1.2
QUESTION = "2020年收到多少件政府信息公开申请？"


def commands(db: Path) -> dict[str, list[str]]:
    return {
        "qa-service ask (one-shot)": benchlib.qa_command() + ["ask", "--db", str(db), QUESTION],
        "import jieba; jieba.initialize()": [sys.executable, "-c", "import jieba; jieba.initialize()"],
    }


def with_hyperfine(cmds: dict[str, list[str]], runs: int, warmup: int, env: dict, cwd: Path) -> dict[str, list[float]]:
    out = cwd / "hyperfine.json"
    cmd = ["hyperfine", "--style", "none", "--warmup", str(warmup), "--runs", str(runs), "--export-json", str(out)]
    for name, argv in cmds.items():
        cmd += ["--command-name", name, shlex.join(argv)]
    r = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=cwd, timeout=60 + runs * 60)
    if r.returncode != 0:
        raise SystemExit(f"hyperfine failed (exit {r.returncode}):\n{r.stdout[-1500:]}\n{r.stderr[-1500:]}")
    data = json.loads(out.read_text())
    return {res["command"]: res["times"] for res in data["results"]}


def with_subprocess(cmds: dict[str, list[str]], runs: int, warmup: int, env: dict, cwd: Path) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {name: [] for name in cmds}
    for i in range(warmup + runs):
        for name, argv in cmds.items():  # in turn, so a busy moment on a shared machine hits both
            t0 = time.perf_counter()
            r = subprocess.run(argv, capture_output=True, env=env, cwd=cwd, timeout=120)
            dt = time.perf_counter() - t0
            if r.returncode != 0:
                raise SystemExit(f"{name} failed (exit {r.returncode}):\n{r.stderr.decode(errors='replace')[-1500:]}")
            if i >= warmup:
                times[name].append(dt)
    return times


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=10, help="timed runs per command (default 10)")
    ap.add_argument("--warmup", type=int, default=2, help="untimed runs first (default 2)")
    ap.add_argument("--db", type=Path, help="an index already built (default: the seed report, built now)")
    ap.add_argument("--no-hyperfine", action="store_true", help="time with subprocess even if hyperfine is there")
    a = ap.parse_args()
    if a.runs < 1 or a.warmup < 0:
        raise SystemExit("--runs must be ≥ 1 and --warmup ≥ 0")
    print(benchlib.machine())
    with tempfile.TemporaryDirectory(prefix="qa-startup-") as tmp:
        work = Path(tmp)
        db = a.db or benchlib.build_sample_index(work / "index.db", with_samples=False)
        env = {**os.environ, "QA_LOG_DB": str(work / "questions.db")}
        cmds = commands(db)
        check = subprocess.run(cmds["qa-service ask (one-shot)"], capture_output=True, text=True, env=env, cwd=work)
        if check.returncode != 0:
            raise SystemExit(f"qa-service ask failed:\n{check.stderr[-1500:]}")
        print(f"answer: {check.stdout.strip().splitlines()[0]}")
        tool = "hyperfine" if benchlib.which("hyperfine") and not a.no_hyperfine else "subprocess"
        if tool == "subprocess" and not a.no_hyperfine:
            print("hyperfine not found (Debian: apt-get install -y hyperfine): timing with subprocess")
        times = (with_hyperfine if tool == "hyperfine" else with_subprocess)(cmds, a.runs, a.warmup, env, work)
    rows = []
    for name, ts in times.items():
        ts = sorted(ts)
        rows.append([name, len(ts), f"{benchlib.median(ts):.3f}", f"{sum(ts) / len(ts):.3f}", f"{ts[0]:.3f}",
                     f"{ts[-1]:.3f}"])
    print(benchlib.table(["command", "runs", "median s", "mean s", "min s", "max s"], rows,
                         title=f"\nStart-up wall time ({tool}, {a.warmup} warm-up runs)"))
    ask, bare = (benchlib.median(times[name]) for name in cmds)
    ratio = ask / bare
    print(f"\none-shot ask = {ratio:.2f} × bare jieba start-up (goal ≤ {GOAL}×: {'met' if ratio <= GOAL else 'MISSED'})")


if __name__ == "__main__":
    main()
