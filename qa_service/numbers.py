"""Figures as written: '317.7 万元', '380余篇', '100%', '1,234' -> value, unit, qualifier."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .knowledge import Knowledge

NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?$")
CELL = re.compile(r"^\s*(?P<num>[+-]?\d+(?:\.\d+)?)\s*(?P<unit>[^\d\s]{0,4})\s*$")


@dataclass(frozen=True)
class Written:
    value: float
    unit: str
    qualifier: str
    text: str
    start: int
    end: int


def parse_cell(cell: str) -> tuple[float, str] | None:
    """A table cell holding one figure ('0', '317.7 万元', '12%') -> (value, unit); anything else -> None."""
    m = CELL.match(cell.replace(",", "").replace("，", ""))
    if not m:
        return None
    unit = m.group("unit")
    if unit and not re.fullmatch(r"(万元|元|亿元|%|件|个|项|条)", unit):
        return None
    return float(m.group("num")), unit


@lru_cache(maxsize=4)
def prose_pattern(knowledge: Knowledge) -> re.Pattern:
    units = sorted(knowledge.units, key=len, reverse=True)
    before = "|".join(map(re.escape, knowledge.qualifiers_before))
    after = "|".join(map(re.escape, knowledge.qualifiers_after))
    return re.compile(
        rf"(?P<before>{before})?\s*(?P<num>\d+(?:\.\d+)?)\s*(?P<after>{after})?\s*"
        rf"(?P<unit>{'|'.join(map(re.escape, units))})"
    )


# a number that is a year, a date part, an enumerator or inside a document title is not a figure
_NOT_FIGURE_AFTER = re.compile(r"^\s*(年|月|日|号|时|届|期间|至\d)")


def figures_in(text: str, knowledge: Knowledge) -> list[Written]:
    out = []
    for m in prose_pattern(knowledge).finditer(text):
        start, end = m.start("num"), m.end()
        if _NOT_FIGURE_AFTER.match(text[m.end("num"):]) or _inside_title(text, start):
            continue
        if m.group("unit") == "天" and re.match(r"\s*(内|以内)", text[end:]):
            continue
        qualifier = (m.group("before") or "") + (m.group("after") or "")
        out.append(Written(
            value=float(m.group("num")), unit=m.group("unit"), qualifier=qualifier,
            text=text[m.start("num"):end].replace(" ", ""), start=m.start(), end=end,
        ))
    return out


def _inside_title(text: str, pos: int) -> bool:
    return text.rfind("《", 0, pos) > text.rfind("》", 0, pos)
