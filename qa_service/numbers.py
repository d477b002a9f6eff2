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


# a full date as written (2021年1月28日); groups: year, month, day
DATE = re.compile(r"((19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")


def fmt(value: float) -> str:
    """2.0 -> "2", 317.7 -> "317.7"."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


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
        rf"(?P<before>{before})?\s*(?P<num>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?|{CN_NUMBER})\s*"
        rf"(?P<scale>万|亿)?\s*(?P<after>{after})?\s*(?P<unit>{'|'.join(map(re.escape, units))})"
    )


# small counts written in Chinese (两件, 十二条); 一 alone is left out: 一个平台 is rarely a figure
CN_NUMBER = "(?:[两二三四五六七八九十]|一(?=[十百千]))[零一二两三四五六七八九十百千]*"
CN_UNITS = {"件", "条", "次", "个", "篇", "项", "家", "名", "人", "场", "批", "期", "份", "台", "套", "所"}
_CN_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def chinese_number(text: str) -> int | None:
    """十二 -> 12, 两百零五 -> 205; None for anything else."""
    total, digit = 0, None
    for ch in text:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        elif ch in ("十", "百", "千"):
            total += (1 if digit is None else digit) * {"十": 10, "百": 100, "千": 1000}[ch]
            digit = None
        else:
            return None
    return total + (digit or 0)


# a number that is a year, a date part, an enumerator or inside a document title is not a figure
_NOT_FIGURE_AFTER = re.compile(r"^\s*(年|月|日|号|时|届|期间|至\d)")


def figures_in(text: str, knowledge: Knowledge) -> list[Written]:
    out = []
    for m in prose_pattern(knowledge).finditer(text):
        start, end = m.start("num"), m.end()
        if _NOT_FIGURE_AFTER.match(text[m.end("num"):]) or _inside_title(text, start) or text[start - 1:start] == "第":
            continue
        number = m.group("num").replace(",", "")
        value = float(number) if number[0].isdigit() else chinese_number(number)
        if value is None or (not number[0].isdigit() and m.group("unit") not in CN_UNITS):
            continue
        if m.group("unit") == "天" and re.match(r"\s*(内|以内)", text[end:]):
            continue
        qualifier = (m.group("before") or "") + (m.group("after") or "")
        out.append(Written(
            value=float(value), unit=(m.group("scale") or "") + m.group("unit"), qualifier=qualifier,
            text=text[m.start("num"):end].replace(" ", ""), start=m.start(), end=end,
        ))
    return out


def _inside_title(text: str, pos: int) -> bool:
    return text.rfind("《", 0, pos) > text.rfind("》", 0, pos)
