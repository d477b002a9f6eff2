"""Accuracy on a question file in the format of shared/eval (id, q, expect, kind): a clerk's own test set."""
from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from .errors import QAError

NUM = re.compile(r"\d+(?:\.\d+)?")


@dataclass
class Result:
    total: int = 0
    correct: int = 0
    answered: int = 0
    wrong: int = 0  # answered but not right: the figure a citizen should never get
    failures: list[dict] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0

    @property
    def wrong_rate(self) -> float:
        return self.wrong / self.answered if self.answered else 0.0


def load_questions(path: Path) -> list[dict]:
    out = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            item["q"], item["expect"]  # noqa: B018 - both keys are required
        except (json.JSONDecodeError, KeyError, TypeError):
            raise QAError(f"{path}:{n}: not a question line (JSON with q and expect)") from None
        out.append(item)
    return out


def _num(x) -> Decimal | None:
    try:
        return Decimal(str(x).replace(",", "").strip()).normalize()
    except (InvalidOperation, ValueError):
        return None


def _values(figure: dict | None) -> set[Decimal]:
    if not figure:
        return set()
    vals = {_num(figure.get("value"))}
    m = NUM.search(str(figure.get("text") or "").replace(",", ""))
    if m:
        vals.add(_num(m.group()))
    unit = str(figure.get("unit") or "")
    out = set()
    for v in vals - {None}:
        out.add(v)
        if "万" in unit:
            out.add((v * 10000).normalize())
        if unit == "%":
            out.add((v / 100).normalize())
    return out


def is_right(expect: dict, answer: dict) -> bool:
    if "any" in expect:
        return any(is_right(e, answer) for e in expect["any"])
    if expect.get("none"):
        return not answer.get("found")
    if not answer.get("found"):
        return False
    if "figure" in expect:
        gold = {_num(g) for g in expect["figure"]}
        if "万" in (expect.get("unit") or ""):
            gold |= {(g * 10000).normalize() for g in gold if g is not None}
        return bool(_values(answer.get("figure")) & gold)
    if "contains" in expect:
        blob = re.sub(r"\s+", "", (answer.get("answer") or "") + (answer.get("passage") or ""))
        return all(re.sub(r"\s+", "", c) in blob for c in expect["contains"])
    return False


def evaluate(questions: Iterable[dict], ask) -> Result:
    """ask: question text -> answer dict."""
    result = Result()
    for q in questions:
        answer = ask(q["q"])
        right = is_right(q["expect"], answer)
        result.total += 1
        result.correct += right
        if answer.get("found"):
            result.answered += 1
            result.wrong += not right
        if not right:
            result.failures.append({"id": q.get("id", ""), "q": q["q"], "expect": q["expect"],
                                    "got": {k: answer.get(k) for k in ("found", "figure", "answer")}})
    return result
