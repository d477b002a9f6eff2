"""What the benchmark scripts share: paths, the machine line, question sets, a sample index, a server, tables.

Nothing here imports the package at module level, so a script can time the package's own start-up.
"""
from __future__ import annotations

import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent  # the scripts are run with the project's .venv/bin/python
SEED = ROOT / "qa_service" / "knowledge_data" / "reports" / "zhifu_xzsp_2020.txt"
SAMPLES = ROOT / "tests" / "data"
# One file per (body, year): the PDF sample and its extracted text are the same report.
SAMPLE_REPORTS = ["fushan_jiaoti_2021.html", "fushan_jiaoti_2022_fragment.html", "laishan_scj_2020.docx",
                  "laishan_scj_2021.md", "muping_zrzy_2020_pdftext.txt", "muping_zrzy_2021_gbk.txt",
                  "bad_total_2021.txt"]
OWN_QUESTIONS = [ROOT / "tests" / "questions" / "seed_paraphrases.jsonl",
                 ROOT / "tests" / "questions" / "fixtures.jsonl"]


def shared_eval() -> Path | None:
    """shared/eval beside the checkout (../shared/eval), or $QA_SHARED_EVAL; None in a bare clone."""
    for cand in (os.environ.get("QA_SHARED_EVAL"), ROOT.parent / "shared" / "eval", Path("/work/shared/eval")):
        if cand and (Path(cand) / "score.py").is_file():
            return Path(cand)
    return None


def qa_command() -> list[str]:
    """The installed `qa-service` of this venv, else `python -m qa_service`."""
    exe = VENV_BIN / "qa-service"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "qa_service"]


def machine() -> str:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor() or "?"
    mem = "?"
    try:
        kb = int(next(l for l in Path("/proc/meminfo").read_text().splitlines() if l.startswith("MemTotal")).split()[1])
        mem = f"{kb / 1024 ** 2:.0f} GiB"
    except (OSError, StopIteration):
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (f"machine: {os.cpu_count()} cores (nproc), {mem}, {cpu}; Python {platform.python_version()}; "
            f"load average at start {load:.2f}")


def jitter(n: int = 2000) -> str:
    """p50/p99 of the same fixed piece of CPU work, timed n times: how much this machine alone stretches the
    tail of millisecond timings (a shared or virtual machine can put p99 at several times p50)."""
    times = []
    for _ in range(n):
        t0 = time.perf_counter_ns()
        total = 0
        for i in range(20_000):
            total += i * i
        times.append((time.perf_counter_ns() - t0) / 1e6)
    times.sort()
    p50, p99 = percentile(times, 50), percentile(times, 99)
    return f"machine jitter: the same fixed work {n}×: p50 {p50:.2f} ms, p99 {p99:.2f} ms ({p99 / p50:.1f}×)"


def load_questions(paths: Iterable[Path]) -> list[dict]:
    out = []
    for p in paths:
        out += [json.loads(line) for line in Path(p).read_text(encoding="utf-8").splitlines() if line.strip()]
    return out


def mixed_questions() -> list[str]:
    """Questions for load and soak runs: our own sets, the shared dev set when present, and questions the
    reports do not answer or that name a body or year not loaded."""
    paths = list(OWN_QUESTIONS)
    ev = shared_eval()
    if ev:
        paths.append(ev / "dev_questions.jsonl")
    # over-long questions are refused with 422 by design (QA_MAX_QUESTION_CHARS, 200): not load
    qs = [q["q"] for q in load_questions(paths) if 0 < len(q["q"].strip()) <= 200]
    qs += ["今天天气怎么样？", "2015年收到多少件政府信息公开申请？", "火星市月球区气象局2021年有几件行政诉讼？",
           "单位食堂一年花了多少钱？", "存在哪些问题？", "明年有什么打算？", "你好", "报告是哪天发布的？"]
    return qs


def percentile(sorted_values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    if not sorted_values:
        return float("nan")
    k = max(0, min(len(sorted_values) - 1, int(round(p / 100 * len(sorted_values) + 0.5)) - 1))
    return sorted_values[k]


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def table(headers: Sequence[str], rows: Iterable[Sequence], title: str = "") -> str:
    """A plain Markdown table (pastes into docs/benchmarks.md as is)."""
    rows = [[str(c) for c in r] for r in rows]
    widths = [max(_width(h), *(_width(r[i]) for r in rows)) if rows else _width(h) for i, h in enumerate(headers)]

    def line(cells):
        return "| " + " | ".join(c + " " * (w - _width(c)) for c, w in zip(cells, widths)) + " |"

    out = [title] if title else []
    out += [line(headers), "| " + " | ".join("-" * w for w in widths) + " |"]
    out += [line(r) for r in rows]
    return "\n".join(out)


def _width(s: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in s)


def build_sample_index(db: Path, with_samples: bool = True) -> Path:
    """The seed report plus the sample reports of tests/data, ingested with the CLI into db."""
    files = [SEED] + ([SAMPLES / f for f in SAMPLE_REPORTS if (SAMPLES / f).exists()] if with_samples else [])
    db.parent.mkdir(parents=True, exist_ok=True)
    if db.exists():
        db.unlink()
    r = subprocess.run(qa_command() + ["ingest", "--db", str(db), *map(str, files)],
                       capture_output=True, text=True, timeout=600)
    if r.returncode != 0:
        raise SystemExit(f"ingest of the sample reports failed:\n{r.stderr[-2000:]}")
    return db


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`qa-service serve` in a subprocess on 127.0.0.1, one worker; stopped by its own pid."""

    def __init__(self, db: Path, port: int | None = None, log_db: Path | None = None, env: dict | None = None):
        self.db, self.port = Path(db), port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "QA_LOG_DB": str(log_db or self.db.with_name("bench-questions.db")), **(env or {})}
        self.env.pop("QA_WECHAT_TOKEN", None)
        self.proc: subprocess.Popen | None = None
        self.log_path = self.db.with_name(f"serve-{self.port}.log")

    def __enter__(self) -> "Server":
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(qa_command() + ["serve", "--host", "127.0.0.1", "--port", str(self.port),
                                                     "--workers", "1", "--db", str(self.db)],
                                     stdout=self.log, stderr=subprocess.STDOUT, env=self.env, cwd=self.db.parent)
        self.wait_ready()
        return self

    def wait_ready(self, timeout: float = 60.0) -> None:
        import urllib.request

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"qa-service serve exited with {self.proc.returncode}; see {self.log_path}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as resp:
                    if resp.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise SystemExit(f"qa-service serve not ready after {timeout:.0f} s; see {self.log_path}")

    def __exit__(self, *exc) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        self.report_errors()

    def report_errors(self) -> None:
        """The server's own error lines (it logs unexpected exceptions before answering 503), on stderr."""
        lines = self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()
        errors = [i for i, l in enumerate(lines) if l.startswith(("ERROR", "Traceback", "unexpected error"))]
        if errors:
            first = errors[0]
            end = next((i for i in range(first + 1, len(lines)) if lines[i][:1].isalpha()
                        and not lines[i].startswith(("Traceback", "During")) and ":" in lines[i]), first + 40)
            print(f"server log: {len(errors)} error lines; the first, with its exception:", file=sys.stderr)
            print("\n".join([lines[first], "  …", *lines[max(first + 1, end - 1):end + 3]]), file=sys.stderr)


def which(name: str) -> str | None:
    return shutil.which(name)
