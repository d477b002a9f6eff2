"""Accuracy of the product against a plain keyword baseline (jieba + BM25 over the report's lines, the first
number of the best line) on the shared sample questions and on our own question sets.

Both are scored by the shared scorer, `../shared/eval/score.py` (found beside the checkout, at
/work/shared/eval, or at $QA_SHARED_EVAL): `--target cli` runs the installed `qa-service` (ingest each report
into a fresh index, ask all its questions in one batch), `--target bm25` the baseline. In a clone without the
shared folder the same rules and the same baseline run from a copy inside this script (say so in the output),
and the shared dev set is skipped.

    .venv/bin/python benchmarks/accuracy.py                 # every set
    .venv/bin/python benchmarks/accuracy.py --sets seed     # one set (dev, seed, samples, heldout…)
    .venv/bin/python benchmarks/accuracy.py --fails /tmp/f  # write each target's failures as JSONL there

The baseline needs rank_bm25, beautifulsoup4 and lxml (`pip install -e '.[bench]'`).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
# benchmarks/http.py must not shadow the standard library's http: this folder is searched last
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE] + [str(HERE)]
import benchlib  # noqa: E402

from qa_service.evaluate import is_right  # the scoring rules of shared/eval, kept in the product  # noqa: E402

LINE = re.compile(r"accuracy ([\d.]+) \((\d+)/(\d+)\); answered-but-wrong ([\d.]+) \((\d+)/(\d+)\); "
                  r"ask time ([\d.]+) ms/question; errors (\d+)")
PER = re.compile(r"^(report|kind) (\S+): (\d+)/(\d+)$")


def question_sets(ev: Path | None) -> dict[str, tuple[Path, list[Path], str]]:
    """name -> (question file, report folders, description)."""
    sets = {}
    if ev:
        sets["dev"] = (ev / "dev_questions.jsonl", [ev.parent, benchlib.SEED.parent],
                       "shared sample questions on the seed report")
    sets["seed"] = (benchlib.OWN_QUESTIONS[0], [benchlib.SEED.parent], "our paraphrases on the seed report")
    sets["samples"] = (benchlib.OWN_QUESTIONS[1], [benchlib.SAMPLES], "our questions on the sample reports (tests/data)")
    for heldout in sorted((benchlib.ROOT / "tests").glob("heldout*")):
        if (heldout / "questions.jsonl").is_file():
            sets[heldout.name] = (heldout / "questions.jsonl", [heldout],
                                  f"held-out reports and questions (tests/{heldout.name})")
    return sets


def run_score(score_py: Path, target: str, questions: Path, reports: list[Path], fails: Path | None) -> dict:
    cmd = [sys.executable, str(score_py), "--target", target, "--questions", str(questions),
           "--reports", *map(str, reports)]
    if target == "cli":
        cmd += ["--cmd", " ".join(benchlib.qa_command())]
    if fails:
        cmd += ["--fails", str(fails)]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=1800)
    return parse(r.stdout, r.stderr, r.returncode)


def parse(stdout: str, stderr: str = "", rc: int = 0) -> dict:
    m = LINE.search(stdout)
    if not m:
        raise SystemExit(f"scorer printed no result (exit {rc}):\n{stdout[-1500:]}\n{stderr[-1500:]}")
    out = {"accuracy": float(m.group(1)), "ok": int(m.group(2)), "total": int(m.group(3)),
           "wrong_rate": float(m.group(4)), "wrong": int(m.group(5)), "answered": int(m.group(6)),
           "ms": float(m.group(7)), "errors": int(m.group(8)), "report": {}, "kind": {}}
    for line in stdout.splitlines():
        p = PER.match(line.strip())
        if p:
            out[p.group(1)][p.group(2)] = (int(p.group(3)), int(p.group(4)))
    out["error_lines"] = [l for l in stdout.splitlines() if l.startswith("ERROR")]
    return out


# ---------- fallback for a clone without shared/: the product's copy of the rules, score.py's baseline ----------

NUM = re.compile(r"\d+(?:\.\d+)?")


def _find_report(dirs: list[Path], rid: str) -> Path:
    for d in dirs:
        for ext in ("txt", "html", "htm", "md", "docx"):
            p = Path(d) / f"{rid}.{ext}"
            if p.exists():
                return p
    raise SystemExit(f"no report file for {rid}")


def _cli(report: Path, qs: list[dict]) -> tuple[list[dict] | None, str | None, float]:
    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "qa.db")
        r = subprocess.run(benchlib.qa_command() + ["ingest", "--db", db, str(report)], capture_output=True, text=True,
                           timeout=600)
        if r.returncode != 0:
            return None, f"ingest failed rc={r.returncode}: {r.stderr[-500:]}", 0.0
        t0 = time.perf_counter()
        r = subprocess.run(benchlib.qa_command() + ["ask", "--db", db, "--json", "-"], capture_output=True, text=True,
                           input="".join(q["q"].replace("\n", " ") + "\n" for q in qs), timeout=600)
        dt = time.perf_counter() - t0
        lines = [l for l in r.stdout.splitlines() if l.strip()]
        if r.returncode != 0 or len(lines) != len(qs):
            return None, f"ask failed rc={r.returncode}: {r.stderr[-500:]}", dt
        return [json.loads(l) for l in lines], None, dt


def _report_lines(path: Path) -> list[str]:
    raw = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix in (".html", ".htm"):
        from bs4 import BeautifulSoup

        soup = BeautifulSoup(raw, "lxml")
        for tr in soup.find_all("tr"):
            tr.replace_with("\n" + "\t".join(td.get_text(" ", strip=True) for td in tr.find_all(["td", "th"])) + "\n")
        for tag in soup.find_all(["p", "div", "br", "li", "h1", "h2", "h3"]):
            tag.insert_after("\n")
        raw = soup.get_text()
    return [l.strip() for l in raw.splitlines() if l.strip()]


def _bm25(report: Path, qs: list[dict]) -> tuple[list[dict], None, float]:
    import jieba
    from rank_bm25 import BM25Okapi

    jieba.setLogLevel(60)
    lines = _report_lines(report)
    bm = BM25Okapi([[w for w in jieba.lcut_for_search(l) if w.strip()] for l in lines])
    out, t0 = [], time.perf_counter()
    for q in qs:
        scores = bm.get_scores([w for w in jieba.lcut_for_search(q["q"]) if w.strip()])
        line = lines[max(range(len(lines)), key=lambda k: scores[k])]
        nums = [m.group() for m in NUM.finditer(line) if not re.fullmatch(r"(19|20)\d\d", m.group())]
        out.append({"found": True, "answer": line, "passage": line,
                    "figure": {"value": nums[0], "text": nums[0]} if nums else None})
    return out, None, time.perf_counter() - t0


def score_inline(target: str, questions: Path, reports: list[Path], fails: Path | None) -> dict:
    """The same numbers score.py prints, computed here."""
    qs = benchlib.load_questions([questions])
    by_report: dict[str, list[dict]] = {}
    for q in qs:
        by_report.setdefault(q["report"], []).append(q)
    res = {"ok": 0, "total": 0, "answered": 0, "wrong": 0, "errors": 0, "report": {}, "kind": {}, "error_lines": []}
    elapsed, failures = 0.0, []
    for rid, group in by_report.items():
        path = _find_report(reports, rid)
        answers, err, dt = (_cli if target == "cli" else _bm25)(path, group)
        elapsed += dt
        if err:
            res["errors"] += 1
            res["error_lines"].append(f"ERROR {rid}: {err}")
            answers = [{"found": False}] * len(group)
        for q, a in zip(group, answers):
            good = is_right(q["expect"], a)
            res["total"] += 1
            res["ok"] += good
            for key, name in (("report", rid), ("kind", q.get("kind", "?"))):
                g, n = res[key].get(name, (0, 0))
                res[key][name] = (g + good, n + 1)
            if a.get("found"):
                res["answered"] += 1
                res["wrong"] += not good
            if not good:
                failures.append({"id": q["id"], "q": q["q"], "expect": q["expect"],
                                 "got": {k: a.get(k) for k in ("found", "figure", "answer", "passage")}})
    if fails:
        fails.write_text("".join(json.dumps(f, ensure_ascii=False) + "\n" for f in failures), encoding="utf-8")
    res["accuracy"] = res["ok"] / res["total"] if res["total"] else 0.0
    res["wrong_rate"] = res["wrong"] / res["answered"] if res["answered"] else 0.0
    res["ms"] = 1000 * elapsed / max(res["total"], 1)
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sets", default="all",
                    help="comma-separated: dev, seed, samples, heldout, heldout2, … (default: all)")
    ap.add_argument("--fails", type=Path, help="folder to write <set>-<target>.jsonl failure lists into")
    ap.add_argument("--inline", action="store_true", help="use the copy of the scorer in this script even when "
                                                          "score.py is there")
    a = ap.parse_args()
    print(benchlib.machine())
    ev = None if a.inline else benchlib.shared_eval()
    if ev:
        print(f"scorer: {ev / 'score.py'}")
    else:
        print("scorer: shared/eval/score.py not found (or --inline): using this script's copy of its rules and "
              "baseline; the shared dev set is skipped")
    sets = question_sets(ev)
    known = ["dev", *(n for n in question_sets(benchlib.shared_eval()) if n != "dev")]
    wanted = known if a.sets == "all" else [s.strip() for s in a.sets.split(",") if s.strip()]
    unknown = [s for s in wanted if s not in known]
    if unknown:
        raise SystemExit(f"--sets: unknown set(s) {unknown}; choose from {', '.join(known)}")
    if a.fails:
        a.fails.mkdir(parents=True, exist_ok=True)
    rows, per_report, per_kind, notes = [], [], [], []
    for name in wanted:
        if name not in sets:
            notes.append(f"set {name!r} skipped: " + ("shared/eval is not beside this checkout" if name == "dev"
                                                      else "its files are not in this checkout"))
            continue
        questions, reports, what = sets[name]
        result = {}
        for target in ("cli", "bm25"):
            fails = a.fails / f"{name}-{target}.jsonl" if a.fails else None
            result[target] = (run_score(ev / "score.py", target, questions, reports, fails) if ev
                              else score_inline(target, questions, reports, fails))
            notes += [f"{name}/{target}: {e}" for e in result[target]["error_lines"]]
        p, b = result["cli"], result["bm25"]
        rows.append([name, what, p["total"], f"{p['accuracy']:.3f} ({p['ok']})", f"{p['wrong_rate']:.3f} ({p['wrong']})",
                     f"{b['accuracy']:.3f} ({b['ok']})", f"{b['wrong_rate']:.3f} ({b['wrong']})",
                     f"{p['accuracy'] - b['accuracy']:+.3f}", f"{p['ms']:.1f}"])
        for rid, (g, n) in p["report"].items():
            bg = b["report"].get(rid, (0, n))[0]
            per_report.append([name, rid, n, f"{g / n:.2f}", f"{bg / n:.2f}"])
        for kind, (g, n) in sorted(p["kind"].items()):
            bg = b["kind"].get(kind, (0, n))[0]
            per_kind.append([name, kind, n, f"{g / n:.2f}", f"{bg / n:.2f}"])
    print(benchlib.table(["set", "what", "questions", "product acc (right)", "product answered-but-wrong",
                        "BM25 acc (right)", "BM25 answered-but-wrong", "Δ acc", "CLI ms/question (with start-up)"], rows,
                       title="\nAccuracy: product (qa-service CLI) vs keyword baseline (jieba + BM25 over lines)"))
    print(benchlib.table(["set", "report", "questions", "product", "BM25"], per_report, title="\nBy report"))
    print(benchlib.table(["set", "kind", "questions", "product", "BM25"], per_kind, title="\nBy kind"))
    print("\nThe baseline always answers (found = true), so every miss of it is an answered-but-wrong figure; it "
          "reads .docx and GBK files as UTF-8 text, as score.py does, so it has nothing to go on there.")
    for n in notes:
        print("note:", n)


if __name__ == "__main__":
    main()
