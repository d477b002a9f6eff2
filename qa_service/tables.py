"""Place the numbers of tables 二, 三, 四 onto the national format, whatever shape the rows arrived in.

Input: the rows of one section (lists of cell strings, from a table grid or from split text lines).
Output: Facts with row and column paths, plus notes on what had to be assumed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from .knowledge import Knowledge
from .model import Fact
from .numbers import fmt, parse_cell



@dataclass
class Placed:
    facts: list[Fact] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class Row:
    labels: list[str]  # label cells, consecutive repeats (spans) removed
    values: list[tuple[float, str] | None]  # value cells after the labels; None = blank
    grid: bool  # True when cell positions are exact (a rectangular grid); blanks then mean 0

    @property
    def label(self) -> str:
        return "".join(self.labels)

    @property
    def numbers(self) -> list[tuple[float, str]]:
        return [v for v in self.values if v is not None]


def split_row(cells: list[str], grid: bool, knowledge: Knowledge) -> Row:
    labels: list[str] = []
    last_label = -1
    for i, c in enumerate(cells):
        if c and parse_cell(c, knowledge) is None:
            last_label = i
            if not labels or labels[-1] != c:
                labels.append(c)
    rest = cells[last_label + 1:]
    if not grid:
        while rest and not rest[-1]:
            rest.pop()
        while rest and not rest[0]:
            rest.pop(0)
    return Row(labels=labels, values=[parse_cell(c, knowledge) if c else None for c in rest], grid=grid)


def clean_label(text: str) -> str:
    """A label without spaces and punctuation. The marks stay in code on purpose: punctuation, no words, used by
    similarity(), which a dozen helpers call without a Knowledge."""
    return re.sub(r"[\s()（）、.．,，“”\"'：:]", "", text)


def similarity(label: str, target: str) -> float:
    a, b = clean_label(label), clean_label(target)
    if not a or not b:
        return 0.0
    return max(fuzz.ratio(a, b), fuzz.partial_ratio(b, a) if len(a) >= 4 else 0) / 100


def cell_fact(knowledge: Knowledge, section: str, row: tuple[str, ...], column: tuple[str, ...], value: float,
              unit: str, key: str, kind: str = "table", certain: bool = True, qualifier: str = "") -> Fact:
    """A placed cell; its text carries the unit when the format says a figure in it is said so (317.7万元)."""
    cells = knowledge.format["cells"]
    text = f"{fmt(value)}{unit}" if unit in cells["said_with"] else fmt(value)
    return Fact(section=section, row=row, column=column, value=value, unit=unit, text=text, qualifier=qualifier,
                passage=cells["passage"].format(row=row[-1], column=column[-1], text=text), kind=kind,
                certain=certain, key=key)


# ---------- table 二 ----------

def place_table2(rows: list[list[str]], version: str, knowledge: Knowledge, section: str) -> Placed:
    out = Placed()
    blocks = knowledge.table2(version)
    block = None
    header: list[str] = []
    pending = ""  # label text of a row wrapped over lines (其他对外管理服务 / 事项 4 1 318)
    cells = knowledge.format["cells"]
    head = cells["table2_head"]  # 信息内容: the header over the columns
    for printed in rows:
        row = split_row(printed, grid=False, knowledge=knowledge)
        text = row.label
        item = re.search(cells["item"], text)
        if item:
            block = next((b for b in blocks if cells["item_numeral"].format(n=item.group(1)) in b["item"]), None)
            header, pending = [], ""
            continue
        if not row.numbers:
            # a header row: its cells after 信息内容 name the columns; else a label wrapped onto the next line
            names = [c for c in printed if c and head not in c]
            if names and any(similarity(n, col) >= 0.8 for b in blocks for col in b["columns"] for n in names):
                header = names
            elif text and head not in text:
                pending += text
            continue
        candidates = [b for b in ([block] if block else []) + blocks]

        def best_for(labels: list[str]):
            return max(((similarity(l, r) + 0.01 * (clean_label(l) == clean_label(r)), b, r)
                        for b in candidates for r in block_rows(b) for l in labels),
                       default=(0.0, None, None), key=lambda t: t[0])

        best = best_for(row.labels)
        if best[0] < 0.8 and pending:  # its own label is not a row's: the line before held the rest of it
            best = best_for([pending + row.label])
        pending = ""
        score, b, name = best
        if score < 0.8 or b is None:
            out.notes.append(knowledge.note("t2_unknown_row", text=text))
            continue
        columns = _table2_columns(b, header)
        values = row.numbers
        if len({v for v, _ in values[len(b["columns"]) - 1:]}) > 1:  # more figures than columns, not a span
            out.notes.append(knowledge.note("t2_extra_figures", row=name, n=len(values), columns=len(b["columns"])))
        for (value, unit), col in zip(values, columns):
            i = b["columns"].index(col)
            out.facts.append(cell_fact(knowledge, section, (b["item"], name), (head, col), value,
                                       unit or b["units"][i], key=f"t2.{name}"))
    return out


def block_rows(block: dict) -> list[str]:
    """A block's rows, and the other names some reports print them under (kept as printed)."""
    return list(block["rows"]) + list(block.get("also", {}).values())


def _table2_columns(block: dict, header: list[str]) -> list[str]:
    """Columns in the order the header gives them (when it names the block's columns), else the format's."""
    named = []
    for h in header:
        col = max(block["columns"], key=lambda c: similarity(h, c))
        if similarity(h, col) >= 0.8 and col not in named:
            named.append(col)
    return named if len(named) == len(block["columns"]) else list(block["columns"])


# ---------- table 三 ----------

def place_table3(rows: list[list[str]], version: str, knowledge: Knowledge, section: str,
                 grid: bool = False) -> Placed:
    out = Placed()
    fmt_rows = knowledge.table3_rows(version)
    columns = [tuple(c) for c in knowledge.format["table3"]["columns"]]
    unit = knowledge.format["table3"]["unit"]
    width = len(columns)  # 7: 自然人, five kinds of 法人或其他组织, 总计
    numeric: list[tuple[str, list[float | None]]] = []  # (label, values) per numbers row
    pending = ""
    labels = [r["path"][-1] for r in fmt_rows]
    for cells in rows:
        row = split_row(cells, grid, knowledge)
        # in a grid, a row of blank cells under a format row's label is a row of zeros, not a wrapped label
        blank_row = grid and len(row.values) >= width and max(
            (similarity(l, name) for l in row.labels[-1:] for name in labels), default=0) >= 0.8
        if not row.numbers and not blank_row:
            pending += row.label
            continue
        numeric.append((pending + row.label, [v[0] if v else None for v in row.values]))
        pending = ""
    fmt_rows = _printed_rows(numeric, fmt_rows, knowledge, out.notes)
    assigned = _align(numeric, fmt_rows, out.notes, knowledge)
    table: dict[str, list[float | None]] = {}
    blanks: list[str] = []
    rebuilt: list[str] = []  # rows of six numbers whose lost 法人 cell was computed from 总计
    for (label, values), fr in assigned:
        vec = _fit_width(values, fr, out.notes, grid, blanks, rebuilt, knowledge, width)
        if vec is not None:
            table[fr["key"]] = vec
    if blanks:
        out.notes.append(knowledge.note("t3_blank_cells", n=len(blanks), rows=knowledge.some(blanks)))
    if rebuilt:
        out.notes.append(knowledge.note("t3_six_figures", n=len(rebuilt), rows=knowledge.some(rebuilt)))
    for fr in fmt_rows:
        vec = table.get(fr["key"])
        if vec is None:
            out.notes.append(knowledge.note("t3_row_missing", row=fr["path"][-1]))
            continue
        for value, col in zip(vec, columns):
            if value == value:  # NaN marks a cell whose place could not be told: it is not stated
                out.facts.append(cell_fact(knowledge, section, tuple(fr["path"]), col, value, unit, key=fr["key"]))
    return out


def _printed_rows(numeric, fmt_rows: list[dict], knowledge: Knowledge, notes: list[str]) -> list[dict]:
    """The format's rows as this report prints them: a row of the other version that stands for several rows of
    this one (（六）其他处理 printed as one row in a 2021-version table) takes their place when it is printed."""
    keys = {r["key"] for r in fmt_rows}
    labels = [clean_label(label) for label, _ in numeric]

    def printed(label: str) -> bool:
        return any(text.endswith(clean_label(label)) for text in labels)

    for alt in knowledge.format["table3"]["rows"]:
        replaced = [k for k in alt.get("replaces", []) if k in keys]
        if alt["key"] in keys or not replaced or not printed(alt["path"][-1]):
            continue
        if any(printed(r["path"][-1]) for r in fmt_rows if r["key"] in replaced):
            continue
        at = min(i for i, r in enumerate(fmt_rows) if r["key"] in replaced)
        fmt_rows = [r for r in fmt_rows[:at] if r["key"] not in replaced] + [alt] + \
            [r for r in fmt_rows[at:] if r["key"] not in replaced]
        notes.append(knowledge.note("t3_printed_as_one", row=alt["path"][-1], n=len(replaced)))
    return fmt_rows


def _align(numeric, fmt_rows, notes, knowledge: Knowledge) -> list[tuple[tuple[str, list], dict]]:
    """Pair number rows with format rows: by position when the counts agree, else by labels in order."""
    if len(numeric) == len(fmt_rows):
        for (label, _), fr in zip(numeric, fmt_rows):
            if label and similarity(label, fr["path"][-1]) < 0.5 and similarity(label, "".join(fr["path"])) < 0.5:
                notes.append(knowledge.note("t3_label_differs", n=fmt_rows.index(fr) + 1, label=label,
                                            row=fr["path"][-1]))
        return list(zip(numeric, fmt_rows))
    notes.append(knowledge.note("t3_row_count", found=len(numeric), rows=len(fmt_rows)))
    pairs, j = [], 0
    for item in numeric:
        label = item[0]
        best_k, best = None, 0.0
        for k in range(j, len(fmt_rows)):
            s = max(similarity(label, fmt_rows[k]["path"][-1]), similarity(label, "".join(fmt_rows[k]["path"])) - 0.05)
            if s > best:
                best_k, best = k, s
        if best_k is not None and best >= 0.75:
            j = best_k
        if j >= len(fmt_rows):
            notes.append(knowledge.note("t3_extra_row", label=label))
            continue
        pairs.append((item, fmt_rows[j]))
        j += 1
    return pairs


def _fit_width(values: list[float | None], fr: dict, notes: list[str], grid: bool,
               blanks: list[str], rebuilt: list[str], knowledge: Knowledge, width: int) -> list[float] | None:
    """A value for each of table 三's columns (seven); blanks taken as 0, one missing cell rebuilt from 总计."""
    name = fr["path"][-1]
    if grid and len(values) >= width:
        vec = values[-width:]
        if None in vec[:-1] and vec[-1] is not None:
            blanks.append(name)
        parts = [v or 0.0 for v in vec[:-1]]
        if vec[-1] is None:
            blanks.append(knowledge.note("t3_total_filled", row=name, total=fmt(sum(parts))))
            return parts + [sum(parts)]
        return parts + [vec[-1]]
    nums = [v for v in values if v is not None]
    if len(nums) == width:
        return nums
    if len(nums) == width - 1:
        rebuilt.append(name)
        return _rebuild_missing(nums, name, notes, knowledge)
    notes.append(knowledge.note("t3_too_few", row=name, n=len(nums)))
    return None


def _rebuild_missing(nums: list[float], name: str, notes: list[str], knowledge: Knowledge) -> list[float]:
    """Six numbers for seven columns: the first is 自然人 and the last 总计; the lost one is a 法人 column,
    its value 总计 minus the others. Cells that differ between the possible places are marked uncertain (NaN)."""
    missing = nums[-1] - sum(nums[:-1])
    if missing < 0:
        notes.append(knowledge.note("t3_six_total_short", row=name))
        return [nums[0]] + [float("nan")] * 5 + [nums[-1]]
    candidates = [nums[:i] + [missing] + nums[i:] for i in range(1, 6)]
    vec = [col[0] if len(set(col)) == 1 else float("nan") for col in zip(*candidates)]
    if any(v != v for v in vec):
        notes.append(knowledge.note("t3_six_unplaced", row=name, missing=fmt(missing)))
    return vec


# ---------- table 四 ----------

def place_table4(rows: list[list[str]], knowledge: Knowledge, section: str, grid: bool = False) -> Placed:
    out = Placed()
    t4 = knowledge.format["table4"]
    cells_in = len(t4["blocks"]) * len(t4["columns"])  # 15: three blocks of five columns
    values: list[float] = []
    for cells in rows:
        row = split_row(cells, grid, knowledge)
        if grid:
            if any(v is not None for v in row.values) and len(row.values) >= cells_in:
                if None in row.values[-cells_in:]:
                    out.notes.append(knowledge.note("t4_blank_cells"))
                values += [v[0] if v else 0.0 for v in row.values[-cells_in:]]
        else:
            values += [v[0] for v in row.numbers]
    if len(values) != cells_in:
        out.notes.append(knowledge.note("t4_count", n=len(values), width=cells_in))
        return out
    width = len(t4["columns"])
    for b, block in enumerate(t4["blocks"]):
        for c, col in enumerate(t4["columns"]):
            out.facts.append(cell_fact(knowledge, section, tuple(block), (col,), values[b * width + c], t4["unit"],
                                       key="t4." + ".".join(block)))
    return out


# ---------- the fee table (reports for 2025 on) ----------

def place_fees(rows: list[list[str]], knowledge: Knowledge, section: str) -> Placed:
    """信息处理费收取情况: a row of the format's fee rows, its figures in the header's column order."""
    out = Placed()
    fees = knowledge.format["fees"]
    block = {"columns": fees["columns"]}
    header: list[str] = []
    for cells in rows:
        row = split_row(cells, grid=False, knowledge=knowledge)
        if not row.numbers:
            header = [c for c in cells if c] or header
            continue
        name = max(fees["rows"], key=lambda r: max((similarity(l, r) for l in row.labels), default=0.0))
        if max((similarity(l, name) for l in row.labels), default=0.0) < 0.8:
            continue
        for (value, unit), col in zip(row.numbers, _table2_columns(block, header)):
            i = fees["columns"].index(col)
            out.facts.append(cell_fact(knowledge, section, (name,), (col,), value, unit or fees["units"][i],
                                       key=f"fees.{name}"))
    return out
