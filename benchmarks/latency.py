"""Answer latency in-process (Answerer.ask) with 1, 100, 1,000 and 10,000 synthetic reports in the index.

For each scale: ingest rate (reports/s, through qa_service.ingest.ingest in batches of --batch, one transaction
each), index size, then p50/p99 of
Answerer.ask over up to --questions mixed questions within --budget seconds (figures from the tables and the
prose, descriptions, questions the reports do not answer, a body or year that is not loaded, one naming no
body), each naming a body and year picked uniformly from the index — so at 10,000 reports most questions meet
a report whose facts are not cached yet, as a server with many bodies would. The synthetic reports' figures are
known, so the share answered correctly is printed too (a check that routing finds the right report at scale).

Questions repeat (at 1 report the templates make only 14 distinct strings) and the answerer remembers what it
understood per text, so the first time a text is asked ("new") is timed apart from its repeats; "distinct" is how
many new questions there were. Goals, on the new questions: p99 ≤ 2 ms at 1 report, ≤ 10 ms at 10,000.

    .venv/bin/python benchmarks/latency.py                      # 1,100,1000,10000 (the 10,000 build is long)
    .venv/bin/python benchmarks/latency.py --scales 1,100 --questions 500
    .venv/bin/python benchmarks/latency.py --workdir /tmp/qa-lat --reuse   # keep the indexes, reuse them next time

Each scale is measured in a fresh subprocess (the index opened cold, as a server starts).
"""
from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

HERE = Path(__file__).resolve().parent
# benchmarks/http.py must not shadow the standard library's http: this folder is searched last
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE] + [str(HERE)]
import benchlib  # noqa: E402
import synth  # noqa: E402

GOALS = {1: 2.0, 10_000: 10.0}  # p99 ms

# (kind, weight, template, expected): expected names a manifest figure, "none" (must not be found),
# "contains:problem" (the answer must contain the report's problem sentence) or None (not checked).
TEMPLATES = [
    ("table", 12, "{body}{year}年收到多少件政府信息公开申请？", "new_total"),
    ("table", 6, "{body}{year}年自然人提出了几件政府信息公开申请？", "new_natural"),
    ("table", 6, "{body}{year}年行政复议案件总计有几件？", "review_total"),
    ("table", 6, "{body}{year}年予以公开的申请有多少件？", "open_total"),
    ("table", 5, "{body}{year}年结转下年度继续办理的申请有几件？", "carried_out_total"),
    ("prose", 8, "{body}{year}年主动公开了多少条政府信息？", "published"),
    ("prose", 6, "{body}{year}年政务公开工作经费是多少？", "funds"),
    ("prose", 6, "{body}{year}年开展了几次业务培训？", "trainings"),
    ("description", 12, "{body}{year}年政府信息公开工作存在哪些问题？", "contains:problem"),
    ("description", 8, "{body}下一步有什么打算？", None),
    ("not found", 7, "{body}{year}年单位食堂的伙食费是多少？", "none"),
    ("not found", 7, "{body}2015年收到多少件政府信息公开申请？", "none"),
    ("not found", 6, "火星市月球区气象局{year}年有几件行政诉讼？", "none"),
    ("no body", 5, "今年收到多少件政府信息公开申请？", None),
]


def questions(manifest: list[dict], n: int, seed: int) -> list[tuple[str, str, dict, str | None]]:
    rng = random.Random(seed)
    weights = [t[1] for t in TEMPLATES]
    out = []
    for _ in range(n):
        kind, _, template, expected = rng.choices(TEMPLATES, weights=weights)[0]
        spec = rng.choice(manifest)
        out.append((kind, template.format(body=spec["body"], year=spec["year"]), spec, expected))
    return out


def correct(answer: dict, spec: dict, expected: str | None) -> bool | None:
    if expected is None:
        return None
    if expected == "none":
        return not answer["found"]
    if not answer["found"]:
        return False
    if expected.startswith("contains:"):
        blob = (answer.get("answer") or "") + (answer.get("passage") or "")
        return spec[expected.split(":", 1)[1]] in blob
    fig = answer.get("figure") or {}
    return fig.get("value") is not None and abs(float(fig["value"]) - float(spec[expected])) < 1e-9


# ---------- the measuring subprocess ----------

def measure(db: Path, manifest_path: Path, count: int, n: int, seed: int, budget: float) -> dict:
    manifest = [json.loads(l) for l in manifest_path.read_text(encoding="utf-8").splitlines()[:count]]
    qs = questions(manifest, n, seed)
    started = time.perf_counter()
    from qa_service.answer import Answerer
    from qa_service.index import open_index
    from qa_service.knowledge import load_knowledge
    from qa_service.settings import DEFAULT_KNOWLEDGE

    answerer = Answerer(open_index(db), load_knowledge(DEFAULT_KNOWLEDGE))
    answerer.ask("热身")  # jieba's dictionary, as the server does before its first request
    ready = time.perf_counter() - started
    times: dict[str, list[float]] = {}
    good: dict[str, list[bool]] = {}
    # the answerer remembers what it understood per question text: a repeat is not a new question
    new, repeat, seen = [], [], set()
    deadline = time.monotonic() + budget
    asked = 0
    for kind, q, spec, expected in qs:
        if time.monotonic() > deadline:
            break  # the budget is spent: the questions asked so far are the sample
        asked += 1
        t0 = time.perf_counter_ns()
        a = answerer.ask(q)
        dt = (time.perf_counter_ns() - t0) / 1e6
        times.setdefault(kind, []).append(dt)
        (repeat if q in seen else new).append(dt)
        seen.add(q)
        ok = correct(a.to_dict(), spec, expected)
        if ok is not None:
            good.setdefault(kind, []).append(ok)
    # the same questions again: every report they name has been seen once (caches as warm as they get)
    warm = []
    deadline = time.monotonic() + budget / 2
    for kind, q, spec, expected in qs[:asked]:
        if time.monotonic() > deadline:
            break
        t0 = time.perf_counter_ns()
        answerer.ask(q)
        warm.append((time.perf_counter_ns() - t0) / 1e6)
    return {"times": times, "good": good, "warm": warm, "new": new, "repeat": repeat, "ready_s": ready,
            "asked": asked, "rss_mb": peak_rss_mb()}


def peak_rss_mb() -> float:
    """This process's peak resident memory. Not ru_maxrss: on Linux that keeps the parent's peak across
    fork + exec, so a measuring subprocess would report the size of the script that built the indexes."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ---------- building the indexes ----------

@contextmanager
def memoized_tokenizer(limit: int = 200_000):
    """Tokenizer.terms/tokens remembered by their text while the bulk of a large scale is built.

    The tokenizer is a pure function of the text, and the tables' labels and section titles repeat in every
    report, so the index written is the same (compare with --exact); only the time differs. The ingest rate
    printed comes from the reports ingested without it."""
    from qa_service import text

    saved = {}
    cache: dict = {}
    for name in ("terms", "tokens"):
        original = getattr(text.Tokenizer, name, None)
        if original is None:
            continue

        def remembered(self, t, *args, _original=original, _name=name, **kw):
            key = (_name, id(self), t, args, tuple(sorted(kw.items())))
            hit = cache.get(key)
            if hit is None:
                if len(cache) > limit:
                    cache.clear()
                hit = cache[key] = tuple(_original(self, t, *args, **kw))
            return list(hit)

        saved[name] = original
        setattr(text.Tokenizer, name, remembered)
    try:
        yield
    finally:
        for name, original in saved.items():
            setattr(text.Tokenizer, name, original)


def build(workdir: Path, scales: list[int], seed: int, batch: int, reuse: bool, rate_sample: int = 0,
          exact: bool = False) -> dict[int, dict]:
    """Index per scale (scale-N.db), each grown from the previous one; ingest figures in build.json."""
    from qa_service.ingest import ingest
    from qa_service.knowledge import load_knowledge
    from qa_service.settings import DEFAULT_KNOWLEDGE
    from qa_service.text import get_tokenizer

    knowledge = load_knowledge(DEFAULT_KNOWLEDGE)
    get_tokenizer(knowledge)  # jieba's dictionary loads once per process: not part of an ingest rate
    reports_dir = workdir / "reports"
    stamp = workdir / "build.json"
    built = json.loads(stamp.read_text()) if reuse and stamp.exists() else {}
    if built.get("seed") != seed:
        built = {"seed": seed, "scales": {}}
    results: dict[int, dict] = {}
    manifest = reports_dir / "manifest.jsonl"
    have = len(manifest.read_text(encoding="utf-8").splitlines()) if reuse and manifest.exists() else 0
    if have < max(scales):
        if not reuse and reports_dir.exists():
            shutil.rmtree(reports_dir)
            have = 0
        print(f"writing synthetic reports {have}..{max(scales)} to {reports_dir}", flush=True)
        synth.write(reports_dir, max(scales), seed, start=have)
    stems = [json.loads(l)["stem"] for l in manifest.read_text(encoding="utf-8").splitlines()]
    prev_db, prev_n = None, 0
    for n in scales:
        db = workdir / f"scale-{n}.db"
        info = built["scales"].get(str(n))
        if reuse and info and db.exists():
            print(f"scale {n}: reusing {db} (built {info['built_at']})", flush=True)
            results[n] = info
            prev_db, prev_n = db, n
            continue
        for stale in (db, *(db.with_name(db.name + x) for x in ("-journal", "-wal", "-shm"))):
            stale.unlink(missing_ok=True)  # a build killed half-way leaves a hot journal beside it
        if prev_db is not None:
            shutil.copyfile(prev_db, db)
        todo = [reports_dir / f"{s}.txt" for s in stems[prev_n:n]]
        print(f"scale {n}: ingesting {len(todo)} reports in batches of {batch} …", flush=True)
        timed = todo if exact or rate_sample <= 0 else todo[:rate_sample]
        spent = 0.0
        for i in range(0, len(timed), batch):
            t0 = time.perf_counter()
            ingest(timed[i:i + batch], db, knowledge)
            spent += time.perf_counter() - t0
            done = i + len(timed[i:i + batch])
            if len(todo) > batch:
                print(f"  {prev_n + done}/{n} reports, {done / spent:.1f} reports/s", flush=True)
        rest, fast = todo[len(timed):], 0.0
        if rest:
            t0 = time.perf_counter()
            with memoized_tokenizer():
                for i in range(0, len(rest), batch):
                    ingest(rest[i:i + batch], db, knowledge)
                    print(f"  {prev_n + len(timed) + i + len(rest[i:i + batch])}/{n} reports (memoized tokenizer)",
                          flush=True)
            fast = len(rest) / (time.perf_counter() - t0)
        info = {"ingested": len(todo), "timed": len(timed), "seconds": spent,
                "rate": len(timed) / spent if spent else float("nan"), "memoized_rate": fast,
                "mb": db.stat().st_size / 1e6, "built_at": time.strftime("%Y-%m-%d %H:%M")}
        built["scales"][str(n)] = info
        stamp.write_text(json.dumps(built, indent=1))
        results[n] = info
        prev_db, prev_n = db, n
    return results


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scales", default="1,100,1000,10000", help="comma-separated report counts")
    ap.add_argument("--questions", type=int, default=2000, help="questions timed at each scale (default 2000)")
    ap.add_argument("--budget", type=float, default=300,
                    help="seconds of asking per scale (default 300; warm pass: half): stops early when spent")
    ap.add_argument("--batch", type=int, default=500, help="reports per ingest transaction (default 500)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--workdir", type=Path, help="keep reports and indexes here (default: a temp dir, removed)")
    ap.add_argument("--reuse", action="store_true", help="reuse indexes already built in --workdir")
    ap.add_argument("--rate-sample", type=int, default=0,
                    help="time only the first N reports of each scale's increment and build the rest with the "
                         "tokenizer memoized (same index, faster with an ingest that does not memoize itself); "
                         "default 0: every report through ingest() as is, all timed")
    ap.add_argument("--exact", action="store_true", help="the same as --rate-sample 0")
    ap.add_argument("--measure", nargs=3, metavar=("DB", "MANIFEST", "COUNT"), help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.measure:
        db, manifest, count = a.measure
        print(json.dumps(measure(Path(db), Path(manifest), int(count), a.questions, a.seed, a.budget)))
        return

    scales = sorted({int(s) for s in a.scales.split(",") if s.strip()})
    if not scales or scales[0] < 1:
        raise SystemExit(f"--scales must be positive counts, got {a.scales!r}")
    if a.reuse and not a.workdir:
        raise SystemExit("--reuse needs --workdir")
    workdir = a.workdir or Path(tempfile.mkdtemp(prefix="qa-latency-"))
    workdir.mkdir(parents=True, exist_ok=True)
    print(benchlib.machine(), flush=True)
    print(benchlib.jitter(), flush=True)
    try:
        built = build(workdir, scales, a.seed, a.batch, a.reuse, a.rate_sample, a.exact)
        rows = []
        for n in scales:
            r = subprocess.run([sys.executable, __file__, "--questions", str(a.questions), "--seed", str(a.seed),
                                "--budget", str(a.budget),
                                "--measure", str(workdir / f"scale-{n}.db"),
                                str(workdir / "reports" / "manifest.jsonl"), str(n)],
                               capture_output=True, text=True)
            if r.returncode != 0:
                raise SystemExit(f"measuring scale {n} failed:\n{r.stderr[-3000:]}")
            m = json.loads(r.stdout.strip().splitlines()[-1])
            every = sorted(t for ts in m["times"].values() for t in ts)
            warm = sorted(m["warm"])
            new, repeat = sorted(m["new"]), sorted(m["repeat"])
            right = [g for gs in m["good"].values() for g in gs]
            p99 = benchlib.percentile(new, 99)  # the goal is judged on questions the process had not seen
            goal = GOALS.get(n)
            fast = built[n].get("memoized_rate") or 0
            rows.append([f"{n:,}", f"{m['asked']}", f"{len(new)}", f"{built[n]['rate']:.1f}", f"{fast:.1f}" if fast else "—", f"{built[n]['mb']:.1f}",
                         f"{benchlib.percentile(new, 50):.2f}", f"{p99:.2f}", f"{every[-1]:.1f}",
                         f"{benchlib.percentile(repeat, 50):.2f}", f"{benchlib.percentile(repeat, 99):.2f}",
                         f"{benchlib.percentile(warm, 50):.2f}", f"{benchlib.percentile(warm, 99):.2f}",
                         f"{100 * sum(right) / len(right):.0f} %" if right else "—", f"{m['rss_mb']:.0f}",
                         (f"≤ {goal:g} ms: {'met' if p99 <= goal else 'MISSED'}" if goal else "")])
            kinds = [[k, len(ts), f"{benchlib.percentile(sorted(ts), 50):.2f}", f"{benchlib.percentile(sorted(ts), 99):.2f}",
                      (f"{100 * sum(m['good'][k]) / len(m['good'][k]):.0f} %" if m["good"].get(k) else "—")]
                     for k, ts in sorted(m["times"].items())]
            print(benchlib.table(["kind", "n", "p50 ms", "p99 ms", "correct"], kinds,
                               title=f"\nscale {n:,}: by kind of question (first pass)"), flush=True)
        print(benchlib.table(["reports", "questions", "distinct", "ingest reports/s", "memoized reports/s", "index MB",
                            "new p50 ms", "new p99 ms", "max ms", "repeat p50", "repeat p99",
                            "warm p50", "warm p99", "correct", "RSS MB", "goal (new p99)"], rows,
                           title=f"\nAnswerer.ask latency, up to {a.questions} mixed questions per scale within "
                                 f"{a.budget:g} s (first pass: each names a random report; new: the first time "
                                 "a question's text is asked, repeat: asked before in the first pass; warm: "
                                 "every question again)"))
    finally:
        if not a.workdir:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
