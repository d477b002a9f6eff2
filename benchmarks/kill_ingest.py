"""Crash safety: an ingest killed with SIGKILL half-way leaves the previous index intact and serving.

1. Build a good index (seed + sample reports), note its reports, its integrity check and the answers to a set
   of questions, and start `qa-service serve` on it (loopback, 1 worker).
2. Run `qa-service ingest --db INDEX` on --reports synthetic reports in a subprocess; ingest reads every file
   first and then writes them all in one transaction, printing 写入 … per report written: when half of them
   are written, SIGKILL it.
3. Check, in the order a bureau would meet them: what is left beside the file (a hot journal), whether the
   running server still answers, whether a fresh read-only open works, and after the first read-write open
   (which rolls the journal back): integrity_check, the same reports, the same answers, in-process and from
   the server.

    .venv/bin/python benchmarks/kill_ingest.py                 # 200 synthetic reports, killed at 100 written
    .venv/bin/python benchmarks/kill_ingest.py --reports 1000
"""
from __future__ import annotations

import argparse
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
# benchmarks/http.py must not shadow the standard library's http: this folder is searched last
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE] + [str(HERE)]
import benchlib  # noqa: E402
import synth  # noqa: E402

QUESTIONS = ["2020年共收到多少件政府信息公开申请？", "芝罘区行政审批服务局2020年主动公开了多少条政府信息？",
             "烟台市福山区教育和体育局2021年行政诉讼有几件？", "莱山区市场监督管理局2020年采购总金额是多少？",
             "牟平区自然资源局2021年存在哪些问题？", "今天天气怎么样？"]


def answers_in_process(db: Path) -> list[str]:
    """Answers from a fresh read-only Index, in a subprocess (no cache shared with anything before)."""
    code = ("import json, sys\nfrom qa_service.index import open_index\nfrom qa_service.answer import Answerer\n"
            "from qa_service.knowledge import load_knowledge\nfrom qa_service.settings import DEFAULT_KNOWLEDGE\n"
            "a = Answerer(open_index(sys.argv[1]), load_knowledge(DEFAULT_KNOWLEDGE))\n"
            "print(json.dumps([a.ask(q).answer for q in json.loads(sys.argv[2])], ensure_ascii=False))")
    import json

    r = subprocess.run([sys.executable, "-c", code, str(db), json.dumps(QUESTIONS, ensure_ascii=False)],
                       capture_output=True, text=True, timeout=300, cwd=db.parent)
    if r.returncode != 0:
        return [f"ERROR: {(r.stderr.strip().splitlines() or ['?'])[-1]}"]
    return json.loads(r.stdout)


def answers_http(url: str, timing: list | None = None) -> list[str]:
    import httpx

    t0 = time.monotonic()
    out = []
    for q in QUESTIONS:
        try:
            r = httpx.get(url + "/api/ask", params={"q": q}, timeout=30)
            out.append(r.json()["answer"] if r.status_code == 200 else f"HTTP {r.status_code}: {r.text[:120]}")
        except httpx.HTTPError as e:
            out.append(f"ERROR: {type(e).__name__}")
    if timing is not None:
        timing.append(1000 * (time.monotonic() - t0) / len(QUESTIONS))
    return out


def probe(url: str, before: list[str], written: int, check) -> None:
    ms: list[float] = []
    during = answers_http(url, ms)
    check("running server, while the ingest writes", during == before,
          ("same answers" if during == before else _diff(before, during))
          + f" (from {written} reports written on; {ms[0]:.0f} ms/answer)")


def reports_of(db: Path) -> list[tuple]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return [tuple(r) for r in conn.execute("select id, body, year, source_hash from reports order by id")]
    finally:
        conn.close()


def integrity(db: Path) -> str:
    """integrity_check on a read-write connection: the first such open rolls back a hot journal."""
    conn = sqlite3.connect(db)
    try:
        return "; ".join(r[0] for r in conn.execute("pragma integrity_check"))
    finally:
        conn.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reports", type=int, default=200, help="synthetic reports in the killed ingest (default 200)")
    ap.add_argument("--at", type=float, default=0.5, help="kill when this share of them is written (default 0.5)")
    ap.add_argument("--timeout", type=float, default=900, help="give up waiting for the kill point after this (s)")
    a = ap.parse_args()
    if a.reports < 2 or not 0 < a.at < 1:
        raise SystemExit("--reports must be ≥ 2 and 0 < --at < 1")
    print(benchlib.machine())
    rows: list[list] = []

    def check(what: str, ok: bool, detail: str = "") -> None:
        rows.append([what, "ok" if ok else "FAILED", detail])

    with tempfile.TemporaryDirectory(prefix="qa-kill-") as tmp:
        work = Path(tmp)
        good = benchlib.build_sample_index(work / "good.db")
        db = work / "index.db"
        shutil.copyfile(good, db)
        files = synth.write(work / "synth", a.reports)
        before_reports, before_answers = reports_of(db), answers_in_process(db)
        print(f"index: {len(before_reports)} reports; ingesting {len(files)} synthetic reports into it, "
              f"SIGKILL after {int(a.reports * a.at)} are written", flush=True)
        with benchlib.Server(db, log_db=work / "questions.db") as server:
            answers_http(server.url)  # the server's first answers load its caches
            ms: list[float] = []
            before_http = answers_http(server.url, ms)
            rows.append(["running server, before the ingest", "info", f"{ms[0]:.0f} ms/answer"])
            env = {**os.environ, "PYTHONUNBUFFERED": "1", "QA_LOG_DB": str(work / "ingest-questions.db")}
            proc = subprocess.Popen(benchlib.qa_command() + ["ingest", "--db", str(db), *map(str, files)],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=work)
            written, read, kill_at = 0, 0, max(1, int(a.reports * a.at))
            started, probed = time.monotonic(), None
            for line in iter(proc.stderr.readline, b""):
                text = line.decode(errors="replace")
                read += "读取" in text
                written += "写入" in text
                if probed is None and written >= kill_at // 2 and written:
                    probed = threading.Thread(target=probe, args=(server.url, before_http, written, check))
                    probed.start()  # in a thread: reading progress and the kill must not wait for it
                if written >= kill_at or time.monotonic() - started > a.timeout:
                    break
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            proc.stderr.close()
            if probed is not None:
                probed.join()
            check("ingest killed half-way", written == kill_at and proc.returncode == -signal.SIGKILL,
                  f"SIGKILL after {written} of {len(files)} reports written (all {read} read), "
                  f"{time.monotonic() - started:.0f} s in; exit {proc.returncode}")
            journal = db.with_name(db.name + "-journal")
            left = [f"{p.name} ({p.stat().st_size / 1e6:.1f} MB)" for p in sorted(work.iterdir())
                    if p.name.startswith((db.name + "-", f".{db.name}")) and p.stat().st_size > 0]
            rows.append(["left beside the index", "info", ", ".join(left) or "nothing"])
            during = answers_http(server.url)
            check("running server, after the kill, before any recovery", during == before_http,
                  "same answers" if during == before_http else _diff(before_http, during))
            fresh_ro = answers_in_process(db)
            check("fresh read-only open (a new server), before any recovery", fresh_ro == before_answers,
                  "same answers" if fresh_ro == before_answers else _diff(before_answers, fresh_ro))
            result = integrity(db)
            check("integrity_check (first read-write open, rolls the journal back)", result == "ok", result)
            check("hot journal gone after that open", not journal.exists() or journal.stat().st_size == 0)
            after_reports = reports_of(db)
            check("same reports as before the ingest", after_reports == before_reports,
                  f"{len(after_reports)} reports, {len(before_reports)} before")
            after_answers = answers_in_process(db)
            check("same answers (fresh read-only open)", after_answers == before_answers,
                  "same answers" if after_answers == before_answers else _diff(before_answers, after_answers))
            after_http = answers_http(server.url)
            check("same answers from the server that ran throughout", after_http == before_http,
                  "same answers" if after_http == before_http else _diff(before_http, after_http))
            check("server still alive", server.proc.poll() is None)
    print(benchlib.table(["check", "result", "detail"], rows, title="\nSIGKILL during ingest"))
    failed = [r for r in rows if r[1] == "FAILED"]
    print(f"\nprevious index intact and serving: {'yes' if not failed else 'NO'} ({len(failed)} checks failed)")
    sys.exit(1 if failed else 0)


def _diff(before: list[str], after: list[str]) -> str:
    for q, b, x in zip(QUESTIONS, before, after):
        if b != x:
            return f"{q} → {x[:200]!r} (was {b[:40]!r}…)"
    return f"{len(after)} answers, {len(before)} before"


if __name__ == "__main__":
    main()
