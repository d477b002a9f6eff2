"""Place the tables of a page that lost its borders: a crawled report whose whole table is one line of text.

`一、本年新收政府信息公开申请数量640020470二、上年结转…` — the format's row labels are found in order, the digits
between one label and the next are that row's run, and the runs are cut into cells with the format's own
arithmetic (digits.py). A cell is stated as certain only when every cut that satisfies the rules agrees on it.
"""
from __future__ import annotations

import re

from rapidfuzz import fuzz

from .digits import ColumnRule, Decoded, RowSpec, Segment, decode
from .knowledge import Knowledge
from .model import Fact
from .tables import Placed, cell_fact

FUZZY = 85  # how alike a printed label must be to the format's (misprints: 其他法律行政止公开)


def cell_run(knowledge: Knowledge) -> re.Pattern:
    """Digits with the units and minus words a cell may print (2笔 984361元, 16减12)."""
    cells = knowledge.format["cells"]
    words = "|".join(map(re.escape, sorted(cells["units"] + cells["minus"], key=len, reverse=True)))
    return re.compile(rf"[0-9](?:[0-9\s\u3000.,\-]|{words})*")


def digit_run(knowledge: Knowledge) -> re.Pattern:
    """Digits with the minus words a cell may print (16减12), spaces between cells."""
    minus = "".join(map(re.escape, knowledge.format["cells"]["minus"]))
    return re.compile(rf"[0-9][0-9\s\u3000.,\-{minus}]*")


def is_flat(text: str, labels: list[str]) -> bool:
    """One paragraph holding several of a table's row labels: its rows ran together into one line."""
    return sum(label in text for label in labels) >= 3


def core(label: str, reading: dict) -> str:
    """A format label without its numbering (一、 （一） 1.: format.toml [reading] numbering)."""
    return re.sub(reading["numbering"], "", label).strip()


def locate(text: str, labels: list[str], reading: dict, start: int = 0) -> list[tuple[int, int] | None]:
    """(start, end) of each label in order, its printed numbering included; None where it is not found."""
    spans: list[tuple[int, int] | None] = []
    pos = start
    numbering = re.compile(reading["numbering"])
    for label in labels:
        word = core(label, reading)
        at = text.find(word, pos)
        end = at + len(word)
        if at < 0:
            window = text[pos:pos + len(word) + 60]
            hit = fuzz.partial_ratio_alignment(word, window) if len(word) >= 4 else None
            if hit is None or hit.score < FUZZY:
                spans.append(None)
                continue
            at, end = pos + hit.dest_start, pos + hit.dest_end
        printed = numbering.match(label.strip())
        at = _before_numbering(text, at, printed.group(0) if printed else "", reading)
        spans.append((at, end))
        pos = end
    return spans


def _before_numbering(text: str, at: int, number: str, reading: dict) -> int:
    """Step back over the label's own numbering (2. before 其他法律…), whatever its punctuation; only its exact
    digits, so the last digit of the run before (00000002.) stays with that run."""
    if not number:
        return at
    digits = re.sub(reading["not_numeral"], "", number)
    before = text[max(0, at - len(number) - 2):at]
    m = re.search(reading["numbered"].replace("{number}", re.escape(digits)), before)
    return at - len(m.group(0)) if m else at


def runs(text: str, spans: list[tuple[int, int] | None], run: re.Pattern) -> list[str | None]:
    """The digits after each found label, up to the next found label."""
    found = [s for s in spans if s is not None]
    out: list[str | None] = []
    for span in spans:
        if span is None:
            out.append(None)
            continue
        later = [s[0] for s in found if s[0] >= span[1]]
        end = min(later) if later else len(text)
        m = run.search(text, span[1], end)
        out.append(m.group(0).strip() if m else None)
    return out


def _decode(segments: list[Segment], rules: list[ColumnRule], knowledge: Knowledge) -> Decoded:
    cells = knowledge.format["cells"]
    return decode(segments, rules, minus=tuple(cells["minus"]), units=tuple(cells["units"]))


def place_table3(text: str, version: str, knowledge: Knowledge, section: str) -> Placed:
    out = Placed()
    fmt_rows = knowledge.table3_rows(version)
    columns = [tuple(c) for c in knowledge.format["table3"]["columns"]]
    unit = knowledge.format["table3"]["unit"]
    spans = locate(text, [r["path"][-1] for r in fmt_rows], knowledge.format["reading"])
    found = runs(text, spans, digit_run(knowledge))
    segments = [Segment.of(run, RowSpec(r["key"], len(columns), total_last=True))
                for r, run in zip(fmt_rows, found) if run]
    for r, run in zip(fmt_rows, found):
        if not run:
            out.notes.append(knowledge.note("t3_row_missing", row=r["path"][-1]))
    decoded = _decode(segments, _table3_rules(fmt_rows, {s.rows[0].key for s in segments}), knowledge)
    for r in fmt_rows:
        _facts(knowledge, out.facts, decoded, r["key"], section, tuple(r["path"]), columns, unit)
    table = knowledge.section("applications")["table"]
    out.notes += [knowledge.note("table_note", table=table, note=n) for n in decoded.notes]
    return out


def _table3_rules(fmt_rows: list[dict], present: set[str]) -> list[ColumnRule]:
    """一 + 二 = 三(七) + 四, and 三(七) = the sum of the results, column by column."""
    keys = [r["key"] for r in fmt_rows]
    results = [r["key"] for r in fmt_rows if len(r["path"]) > 1 and r["key"] != "total"]
    rules = [ColumnRule(("new", "carried_in"), ("total", "carried_out")), ColumnRule(("total",), tuple(results))]
    return [rule for rule in rules if set(rule.left) | set(rule.right) <= present and set(rule.left) <= set(keys)]


def _facts(knowledge: Knowledge, facts: list[Fact], decoded: Decoded, key: str, section: str,
           row: tuple[str, ...], columns: list[tuple[str, ...]], unit: str | list[str], fact_key: str = "",
           whole_rows: bool = False) -> None:
    """whole_rows: a row with no sums to check it (table 二) is placed only when its digits cut one way: a cell that
    every cut happens to agree on (4500 -> ?/?/0) still rests on the guess that no cell of the row was blank."""
    values, certain = decoded.cells.get(key), decoded.certain.get(key)
    if values is None or (whole_rows and not all(certain)):
        return
    for i, (value, sure, col) in enumerate(zip(values, certain, columns)):
        if value is None:
            continue  # no single value: never placed, the note says why
        u = unit[i] if isinstance(unit, list) else unit
        facts.append(cell_fact(knowledge, section, row, col, float(value), u, key=fact_key or key, certain=sure))


def place_table4(text: str, knowledge: Knowledge, section: str) -> Placed:
    """Table 四's 15 cells: the digits after its last header word, often one run for all three blocks."""
    out = Placed()
    t4 = knowledge.format["table4"]
    header = max((text.rfind(c) + len(c) for c in t4["columns"] if c in text), default=0)
    run = " ".join(m.group(0) for m in digit_run(knowledge).finditer(text, header))
    if not run.strip():
        out.notes.append(knowledge.note("t4_no_digits"))
        return out
    width = len(t4["columns"])
    rows = tuple(RowSpec("t4." + ".".join(b), width, total_last=True) for b in t4["blocks"])
    decoded = _decode([Segment.of(run, *rows)], [], knowledge)
    for block, spec in zip(t4["blocks"], rows):
        _facts(knowledge, out.facts, decoded, spec.key, section, tuple(block), [(c,) for c in t4["columns"]],
               t4["unit"])
    table = knowledge.section("reviews")["table"]
    out.notes += [knowledge.note("table_note", table=table, note=n) for n in decoded.notes]
    return out


def place_table2(text: str, version: str, knowledge: Knowledge, section: str) -> Placed:
    """Table 二 block by block (第二十条第（X）项): each row's run cut into the block's columns; no sums hold here,
    so a cell is certain only when its run has one cut (000 is 0/0/0; 693665 is not certain)."""
    out = Placed()
    blocks = knowledge.table2(version)
    cells, reading = knowledge.format["cells"], knowledge.format["reading"]
    signed = set(cells["signed"])
    items = [(b, m.start(), m.end()) for b in blocks for m in [re.search(_printed(b["item"], cells), text)] if m]
    for n, (b, _, end) in enumerate(items):
        stop = items[n + 1][1] if n + 1 < len(items) else len(text)
        part = text[end:stop]
        names = list(b["rows"])
        spans = locate(part, names, reading)
        for i, (name, span) in enumerate(zip(b["rows"], spans)):
            if span is None and name in b.get("also", {}):  # printed under its other name (规范性文件)
                names[i] = b["also"][name]
                spans[i] = locate(part, [names[i]], reading)[0]
        found = runs(part, spans, cell_run(knowledge))
        decimals = any(u in cells["money_units"] for u in b["units"])
        specs = [RowSpec(f"t2.{name}", len(b["columns"]),
                         signed=frozenset(i for i, c in enumerate(b["columns"]) if c in signed), decimals=decimals)
                 for name in names]
        segments = [Segment.of(run, spec) for spec, run in zip(specs, found) if run]
        if not segments:
            continue
        decoded = _decode(segments, [], knowledge)
        units = list(b["units"])
        if re.search(cells["yuan"], part):  # 采购总金额（元）, 984361元: not the format's 万元
            units = [cells["in_yuan"].get(u, u) for u in units]
        for name, spec in zip(names, specs):
            _facts(knowledge, out.facts, decoded, spec.key, section, (b["item"], name),
                   [(cells["table2_head"], c) for c in b["columns"]], units, whole_rows=True)
        table = knowledge.section("proactive")["table"]
        out.notes += [knowledge.note("table_note", table=table, note=n) for n in decoded.notes]
    return out


def _printed(item: str, cells: dict) -> str:
    """The pattern of a block's item as reports print it: its brackets either width."""
    pattern = re.escape(item)
    for bracket, either in cells["brackets"].items():
        pattern = pattern.replace(bracket, either)
    return pattern


def place_fees(text: str, knowledge: Knowledge, section: str) -> Placed:
    """The 2025 fee table: one row (信息处理费收取情况) of counts and amounts in 元."""
    out = Placed()
    fees = knowledge.format["fees"]
    spans = locate(text, fees["rows"], knowledge.format["reading"])
    found = runs(text, spans, cell_run(knowledge))
    specs = [RowSpec(f"fees.{name}", len(fees["columns"]), decimals=True) for name in fees["rows"]]
    segments = [Segment.of(run, spec) for spec, run in zip(specs, found) if run]
    if not segments:
        out.notes.append(knowledge.note("fees_no_digits"))
        return out
    decoded = _decode(segments, [], knowledge)
    for name, spec in zip(fees["rows"], specs):
        _facts(knowledge, out.facts, decoded, spec.key, section, (name,), [(c,) for c in fees["columns"]],
               list(fees["units"]))
    out.notes += [knowledge.note("fees_note", note=n) for n in decoded.notes]
    return out
