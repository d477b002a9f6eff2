"""Every question file in the repository, answered through the real ingest and ask path.

A file fails when any question is answered with a wrong figure (a wrong figure to a citizen is the worst outcome)
or when its accuracy drops below the floor recorded for it in tests/question_floors.toml, which the README quotes.
Question files are discovered, not listed: tests/questions/*.jsonl and tests/*/questions.jsonl.

Each report is ingested into an index of its own and all its questions are asked in one batch, as
shared/eval/score.py does (`ingest --db`, then `ask --db --json -`): routing by body and year then sees what it
sees in the README's accuracy figures.
"""
from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from qa_service.answer import Answerer
from qa_service.evaluate import evaluate, load_questions
from qa_service.index import open_index
from qa_service.ingest import REPORT_SUFFIXES, ingest
from qa_service.knowledge import load_knowledge
from qa_service.settings import DEFAULT_KNOWLEDGE

from conftest import ROOT

TESTS = ROOT / "tests"
FLOORS = TESTS / "question_floors.toml"
# where a question's report is looked for, by stem, after the question file's own folder (CI has /work/shared
# beside the checkout as ../shared)
REPORT_DIRS = [TESTS / "data", DEFAULT_KNOWLEDGE / "reports", ROOT.parent / "shared" / "corpus"]
SUFFIX_ORDER = (".txt", ".html", ".htm", ".md", ".docx", ".pdf")  # shared/eval/score.py's order


def question_files() -> list[Path]:
    return sorted({*TESTS.glob("questions/*.jsonl"), *TESTS.glob("*/questions.jsonl")})


def name(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def floors() -> dict[str, float]:
    with FLOORS.open("rb") as f:
        return {k: float(v) for k, v in tomllib.load(f)["accuracy"].items()}


def find_report(stem: str, folder: Path) -> Path:
    assert SUFFIX_ORDER == tuple(s for s in SUFFIX_ORDER if s in REPORT_SUFFIXES)
    for d in (folder, *REPORT_DIRS):
        for suffix in SUFFIX_ORDER:
            if (d / f"{stem}{suffix}").is_file():
                return d / f"{stem}{suffix}"
    raise AssertionError(f"no report file named {stem} in {folder} or {', '.join(map(str, REPORT_DIRS))}")


def test_question_files_are_found():
    assert len(question_files()) >= 6


def test_every_question_file_has_a_floor_and_the_readme_quotes_it():
    recorded = floors()
    files = [name(p) for p in question_files()]
    assert sorted(recorded) == sorted(files), "record a floor for each question file in tests/question_floors.toml"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for file, floor in recorded.items():
        assert f"| `{file}` | {floor:.3f} |" in readme, f"README's floor table lacks {file} at {floor:.3f}"


@pytest.mark.slow
@pytest.mark.parametrize("path", question_files(), ids=name)
def test_question_file(path: Path, tmp_path):
    questions = load_questions(path)
    knowledge = load_knowledge(DEFAULT_KNOWLEDGE)
    by_report: dict[str, list[dict]] = {}
    for q in questions:
        by_report.setdefault(q["report"], []).append(q)
    failures, correct, wrong = [], 0, 0
    for stem, group in by_report.items():
        db = tmp_path / f"{stem}.db"
        ingest([find_report(stem, path.parent)], db, knowledge)
        index = open_index(db)
        try:
            answerer = Answerer(index, knowledge)
            result = evaluate(group, lambda q: answerer.ask(q).to_dict())
        finally:
            index.close()
        correct += result.correct
        wrong += result.wrong
        failures += result.failures
    accuracy = correct / len(questions)
    shown = "\n".join(json.dumps(f, ensure_ascii=False) for f in failures)
    assert wrong == 0, f"{wrong} answered with a wrong figure:\n{shown}"
    floor = floors().get(name(path))
    assert floor is not None, f"no floor for {name(path)} in {FLOORS.name}"
    assert round(accuracy, 3) >= floor, f"accuracy {accuracy:.3f} ({correct}/{len(questions)}) below the floor {floor:.3f}:\n{shown}"
