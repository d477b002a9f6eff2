"""Figures as written: '317.7 万元', '380余篇', '100%', '1,234' -> value, unit, qualifier."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .knowledge import Knowledge

CELL = re.compile(r"^\s*(?P<num>[+-]?\d+(?:\.\d+)?)\s*(?P<unit>[^\d\s]{0,4})\s*$")


@dataclass(frozen=True)
class Written:
    value: float
    unit: str
    qualifier: str
    text: str
    start: int
    end: int


# a full date as written (2021年1月28日); groups: year, month, day. Kept in code on purpose: retrieve.py (the
# answering side) imports it at module level, and giving it a Knowledge is that side's change, not the reader's.
DATE = re.compile(r"((19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")


def fmt(value: float) -> str:
    """2.0 -> "2", 317.7 -> "317.7"."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def parse_cell(cell: str, knowledge: Knowledge) -> tuple[float, str] | None:
    """A table cell holding one figure ('0', '317.7 万元', '12%') -> (value, unit); anything else -> None.
    The units a cell may print are format.toml's [cells] figure_units."""
    cells = knowledge.format["cells"]
    for sep in cells["thousands"]:
        cell = cell.replace(sep, "")
    m = CELL.match(cell)
    if not m:
        return None
    unit = m.group("unit")
    if unit and unit not in cells["figure_units"]:
        return None
    return float(m.group("num")), unit


@dataclass(frozen=True)
class Writing:
    """How figures are written in prose (units.toml [units], [qualifiers] and [written]), compiled."""
    pattern: re.Pattern
    not_figure_after: re.Pattern
    digits: dict[str, int]
    multipliers: dict[str, int]
    chinese_units: frozenset[str]
    thousands: tuple[str, ...]
    ordinal: str
    title_open: str
    title_close: str
    limits: dict[str, re.Pattern]


@lru_cache(maxsize=4)
def writing(knowledge: Knowledge) -> Writing:
    w = knowledge.written
    units = sorted(knowledge.units, key=len, reverse=True)
    before = "|".join(map(re.escape, knowledge.qualifiers_before))
    after = "|".join(map(re.escape, knowledge.qualifiers_after))
    scales = "|".join(map(re.escape, w["scales"]))
    pattern = re.compile(
        rf"(?P<before>{before})?\s*(?P<num>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?|{w['chinese_number']})\s*"
        rf"(?P<scale>{scales})?\s*(?P<after>{after})?\s*(?P<unit>{'|'.join(map(re.escape, units))})"
    )
    return Writing(pattern=pattern, not_figure_after=re.compile(w["not_figure_after"]), digits=w["chinese_digits"],
                   multipliers=w["chinese_multipliers"], chinese_units=frozenset(w["chinese_units"]),
                   thousands=tuple(w["thousands"]), ordinal=w["ordinal"], title_open=w["title_open"],
                   title_close=w["title_close"], limits={u: re.compile(p) for u, p in w["limits"].items()})


def chinese_number(text: str, w: Writing) -> int | None:
    """十二 -> 12, 两百零五 -> 205; None for anything else."""
    total, digit = 0, None
    for ch in text:
        if ch in w.digits:
            digit = w.digits[ch]
        elif ch in w.multipliers:
            total += (1 if digit is None else digit) * w.multipliers[ch]
            digit = None
        else:
            return None
    return total + (digit or 0)


def figures_in(text: str, knowledge: Knowledge) -> list[Written]:
    """A number that is a year, a date part, an enumerator or inside a document title is not a figure."""
    w = writing(knowledge)
    out = []
    for m in w.pattern.finditer(text):
        start, end = m.start("num"), m.end()
        if w.not_figure_after.match(text[m.end("num"):]) or _inside_title(text, start, w) \
                or text[start - len(w.ordinal):start] == w.ordinal:
            continue
        number = m.group("num")
        for sep in w.thousands:
            number = number.replace(sep, "")
        value = float(number) if number[0].isdigit() else chinese_number(number, w)
        if value is None or (not number[0].isdigit() and m.group("unit") not in w.chinese_units):
            continue
        limit = w.limits.get(m.group("unit"))
        if limit and limit.match(text[end:]):
            continue
        qualifier = (m.group("before") or "") + (m.group("after") or "")
        out.append(Written(
            value=float(value), unit=(m.group("scale") or "") + m.group("unit"), qualifier=qualifier,
            text=text[m.start("num"):end].replace(" ", ""), start=m.start(), end=end,
        ))
    return out


def _inside_title(text: str, pos: int, w: Writing) -> bool:
    return text.rfind(w.title_open, 0, pos) > text.rfind(w.title_close, 0, pos)
