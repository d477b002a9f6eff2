"""What a figure measures and what a question asks for (knowledge/meaning.toml, format.toml's table-二 measures).

A figure is stated only when the two agree: a count is never answered with a change, money with a count, one
category with a figure that merges it with another. Pure functions of facts and text; the words are data.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .knowledge import Knowledge

FIGURE = "figure"  # a question that asks for a figure without saying what kind (…是多少)


@dataclass(frozen=True)
class Measure:
    kind: str  # cases | items | count | change | money | share | duration
    of: str  # what is measured, in the format's words (the row), or the sentence's label
    merged: tuple[str, ...] = ()  # categories a sentence counts together (予以公开及部分公开)


class MeaningWords:
    """meaning.toml compiled once per knowledge."""

    def __init__(self, knowledge: Knowledge):
        m = knowledge.meaning
        self.table_kind: str = m["table"]
        self.answered_by = {k: frozenset(v) for k, v in m["answered_by"].items()}
        self.unit_kinds: dict[str, str] = m["unit_kinds"]
        self.units = knowledge.units
        self.unit_prefixes = "".join(m["unit_prefixes"])
        self.counts = {kind: (frozenset(c["units"]), tuple(c["words"])) for kind, c in m["counts"].items()}
        self.change = re.compile(m["change"])
        self.asks_change = re.compile(m["asks_change"])
        self.merged = [frozenset(g) for g in m["merged"]]
        self.check_table: str = m["check_table"]
        self.check_cells = re.compile(m["check_cells"])
        self.check_rows: dict[str, frozenset[str]] = {k: frozenset(v) for k, v in m.get("check_rows", {}).items()}
        self.columns: dict[str, str] = {}  # table-二 column -> what its figures measure
        for block in [*knowledge.format["table2"], knowledge.format["fees"]]:
            for column, kind in zip(block["columns"], block.get("measures", ())):
                self.columns[_bare(column)] = kind
        self.count_unit = re.compile(knowledge.questions["count"])
        self.money_things = frozenset(m["money_things"])
        self.how_much = tuple(knowledge.asks["count"])
        self.block_items = frozenset(b["item"] for b in knowledge.format["table2"])

    def base_unit(self, unit: str) -> str:
        """万元 -> 元: the unit without its multiplier."""
        return unit.lstrip(self.unit_prefixes)

    def measure(self, f: dict) -> Measure:
        """What a stored fact measures."""
        if f["kind"] == "prose":
            label = f["row"][0] if f["row"] else ""
            if self.change.search(f["qualifier"] or ""):
                return Measure("change", label)
            kind = self.unit_kinds.get(self.units.get(self.base_unit(f["unit"]), ""), "count")
            merged = next((tuple(sorted(g & f["label_terms"])) for g in self.merged if len(g & f["label_terms"]) > 1), ())
            return Measure(kind, label, merged)
        column = _bare(f["column"][-1]) if f["column"] else ""
        of = "/".join(p for p in (*f["row"], *f["column"][-1:]) if p not in self.block_items)
        return Measure(self.columns.get(column, self.table_kind), of)

    def asked(self, text: str, asks: str, comparison: bool, unit: str, terms: list[str]) -> tuple[str, str]:
        """(what the figure asked for measures, cases/items when the question says) for a question."""
        lowered = text.lower()
        if asks in ("date", "description"):
            return asks, ""
        # 比上一年多了多少, 增减了多少, or the format's own change column named (本年增/减)
        if comparison or self.asks_change.search(lowered) or any(self.columns.get(t) == "change" for t in terms):
            return "change", ""
        if asks != "count":
            return asks, ""
        counts = next((k for k, (_, words) in self.counts.items() if any(w in lowered for w in words)), "")
        counts = counts or next((k for k, (units, _) in self.counts.items() if unit in units), "")
        if unit:  # 多少天 asks for a duration, 几件 for a count
            return self.unit_kinds.get(self.units.get(self.base_unit(unit), ""), "count"), counts
        if self.count_unit.search(lowered):
            return "count", counts
        if any(t in self.money_things for t in terms) and any(c in lowered for c in self.how_much):  # 收了多少信息处理费
            return "money", ""
        return FIGURE, counts

    def agrees(self, asked: str, m: Measure, value: float) -> bool:
        """Whether a figure of this measure answers a question asking for that."""
        if asked == FIGURE:  # …是多少: any figure but a change, and no count below zero
            return m.kind != "change"
        allowed = self.answered_by.get(asked)
        if allowed is None:
            return True
        if m.kind not in allowed:
            return False
        return not (asked == "count" and value < 0)

    def counts_other(self, counts: str, unit: str, m: Measure, f: dict) -> bool:
        """许可办了多少件 (cases) asked and a table-二 column of items (上一年项目数量, in 项) given, or the other way
        round: another figure. A column counted in the unit asked (规范性文件有几件) is not another figure."""
        column = _bare(f["column"][-1]) if f["column"] else ""
        return (bool(counts) and column in self.columns and m.kind in self.counts and m.kind != counts
                and unit != f["unit"])

    def merges_apart(self, m: Measure, terms: set[str]) -> bool:
        """A figure counting categories together (予以公开及部分公开) asked about some of them, not all."""
        named = terms & set(m.merged)
        return bool(m.merged) and bool(named) and named != set(m.merged)


def _bare(column: str) -> str:
    """本年收费金额（单位：万元） -> 本年收费金额: a unit in a header names no other figure."""
    return re.split(r"[（(]", column, maxsplit=1)[0].strip()
