"""Digit runs of crawled tables, cut into cells with the format's own arithmetic.

A crawled report page loses every table border, so a row's cells run together: `640020470` is 64/0/0/2/0/4/70.
This module finds every way to cut such runs into cells, keeps the cuts that satisfy the format's sums, and says
which cells are certain. A cell is certain only when every cut that satisfies all the rules gives it one value.
Pure: no I/O, no knowledge files; the caller (table placement) says which rows a run holds and which sums hold.

API
    RowSpec(key, width, total_last=False, signed=frozenset(), decimals=False)
        one table row: its key, its number of cells, whether the last cell is the sum of the others, which
        columns may be negative, whether a cell may hold a decimal point (amounts).
    Segment(chunks, rows) / Segment.of(text, *rows)
        the number text of one or more consecutive rows (table 四 arrives as one run for three rows), split at
        whitespace (ASCII, U+3000, NBSP); `of` does the split.
    ColumnRule(left, right)
        per column c: sum(row[c] for row in left) == sum(row[c] for row in right), over row keys
        (table 三: new + carried_in == total + carried_out; total == the sum of the result rows).
    decode(segments, rules, limit=200_000, minus=("−",), units=()) -> Decoded
        `minus`: words that stand for a minus sign besides "-" (the caller passes the format's, e.g. 减);
        `units`: words that may follow a cell's digits (笔, 元, 万元); each ends a cell, like a space.
    Decoded.cells[key]   -> values per column (int, or float for decimals); None where no one value is certain
    Decoded.certain[key] -> bools per column
    Decoded.basis[key]   -> per column, what made it certain: "row" (the row's own digits and sum),
                            "column" (needed the column rules), "blank" (the row had one blank cell, taken as 0,
                            and the cell is the same wherever the blank stands), "printed" (the row's sum does not
                            hold as printed; the digits allow one cut only); "" when uncertain
    Decoded.notes        -> plain Chinese notes for `check`: which row, how many cuts, which rule

Rules of cutting: a cell is a number without leading zeros (0 alone is fine, 05 and 00 are not); a chunk boundary is
always a cell boundary; a signed column may take "-" before its digits (88-720: 88/-7/20 or 88/-72/0); a decimal
point binds the digits on both sides of it; a cell has at most 15 digits. A row with total_last must satisfy
last == sum(others). When no cut of a run satisfies its row sums, one blank cell (worth 0) is tried in every position;
when that fails too, the row sums are dropped and the run is read as printed. When no joint cut satisfies the column
rules (the report's own slip) or the search passes `limit` steps, certainty falls back to the row sums alone, with a
note.

Search: each segment's cuts are enumerated depth-first (a total_last row's last cell is matched, not guessed), then the
segments joined by rules are searched jointly in order of their number of cuts, pruned by the bounds every column sum
can still reach.
"""
from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

MAX_DIGITS = 15  # past this a float no longer holds an integer exactly; no count in a report is that long
TOLERANCE = 1e-6

Value = int | float


@dataclass(frozen=True)
class RowSpec:
    key: str
    width: int
    total_last: bool = False
    signed: frozenset[int] = frozenset()
    decimals: bool = False

    def __post_init__(self) -> None:
        if self.width < 1:
            raise ValueError(f"width must be >= 1, got {self.width} for row {self.key!r}")
        if self.total_last and self.width < 2:
            raise ValueError(f"a row whose last cell is a total needs width >= 2, got {self.width} for {self.key!r}")
        bad = sorted(c for c in self.signed if not 0 <= c < self.width)
        if bad:
            raise ValueError(f"signed columns must be in 0..{self.width - 1}, got {bad} for row {self.key!r}")


@dataclass(frozen=True)
class Segment:
    chunks: tuple[str, ...]
    rows: tuple[RowSpec, ...]

    @classmethod
    def of(cls, text: str, *rows: RowSpec) -> Segment:
        return cls(tuple(text.split()), tuple(rows))

    @property
    def text(self) -> str:
        return " ".join(self.chunks)


@dataclass(frozen=True)
class ColumnRule:
    left: tuple[str, ...]
    right: tuple[str, ...]

    def __str__(self) -> str:
        return f"{'+'.join(self.left)} = {'+'.join(self.right)}"


@dataclass
class Decoded:
    cells: dict[str, list[Value | None]] = field(default_factory=dict)
    certain: dict[str, list[bool]] = field(default_factory=dict)
    basis: dict[str, list[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


class _OverBudget(Exception):
    pass


class _Done(Exception):
    pass


# ---------- cutting one segment ----------

def _pieces(chunks: tuple[str, ...], minus: tuple[str, ...], units: tuple[str, ...]) -> list[str] | str:
    """Chunks -> pieces of [0-9.-] (a unit word ends a piece, as a space does); a str is the first stray character."""
    out: list[str] = []
    for chunk in chunks:
        text = unicodedata.normalize("NFKC", chunk)
        for word in sorted(units, key=len, reverse=True):
            text = text.replace(unicodedata.normalize("NFKC", word), " ")
        for word in minus:
            text = text.replace(unicodedata.normalize("NFKC", word), "-")
        for piece in text.split():
            stray = next((ch for ch in piece if not (ch.isascii() and (ch.isdigit() or ch in ".-"))), None)
            if stray is not None:
                return stray
            out.append(piece)
    return out


def _tokens(s: str, p: int, signed: bool, decimals: bool) -> list[tuple[int, Value]]:
    """Every cell that can start at s[p]: (end, value)."""
    q = p
    negative = False
    if s[q] == "-":
        if not signed:
            return []
        negative, q = True, q + 1
    if q >= len(s) or not s[q].isdigit():
        return []
    r = q
    while r < len(s) and s[r].isdigit():
        r += 1
    last = q + 1 if s[q] == "0" else min(r, q + MAX_DIGITS)
    out: list[tuple[int, Value]] = []
    for e in range(q + 1, last + 1):
        if e < r or e == len(s) or s[e] == "-":
            if not (negative and e == q + 1 and s[q] == "0"):  # no -0
                value = int(s[q:e])
                out.append((e, -value if negative else value))
        elif s[e] == "." and decimals:  # the point binds the digits on both sides of it
            f = e + 1
            while f < len(s) and s[f].isdigit():
                f += 1
            for g in range(e + 2, min(f, e + 1 + MAX_DIGITS) + 1):
                if g < f or g == len(s) or s[g] == "-":
                    out.append((g, float(s[p:g])))
    return out


def _startable(piece: str) -> list[bool]:
    """Positions where a cell may start (not right after a point, not inside a number's sign)."""
    return [i == 0 or ch == "-" or (ch.isdigit() and piece[i - 1].isdigit()) for i, ch in enumerate(piece)]


Shape = tuple[tuple[int, bool, frozenset[int], bool], ...]  # per row: width, total_last, signed, decimals


@lru_cache(maxsize=2048)
def _cuts(pieces: tuple[str, ...], shape: Shape, blanks: int, sums: bool, limit: int) -> tuple[tuple[tuple, ...], int]:
    """Every cut of the pieces into the rows' cells, with exactly `blanks` blank cells (0); row sums kept if `sums`.
    Returns the cuts and the steps taken; raises _OverBudget past `limit` steps.

    Remembered: a table's rows are mostly the same few runs (0000000), and a report is read more than once.
    """
    rows = [RowSpec("", w, t, sg, d) for w, t, sg, d in shape]
    budget = [limit]
    tokens: dict[tuple[int, int, bool, bool], list[tuple[int, Value]]] = {}
    n = len(pieces)
    total = sum(r.width for r in rows)
    # suffix facts for pruning: pieces left, cell starts left, characters left
    acc_starts = acc_chars = 0
    tails_s, tails_c = [], []
    for piece in reversed(pieces):
        st = _startable(piece)
        row_s, row_c = [0] * len(piece), [0] * len(piece)
        for i in range(len(piece) - 1, -1, -1):
            acc_starts += st[i]
            acc_chars += 1
            row_s[i], row_c[i] = acc_starts, acc_chars
        tails_s.append(row_s)
        tails_c.append(row_c)
    starts_after, chars_after = tails_s[::-1], tails_c[::-1]
    offset = [0]
    for r in rows:
        offset.append(offset[-1] + r.width)  # cells placed before each row

    def feasible(i: int, p: int, placed: int, blanks_left: int) -> bool:
        text_cells = total - placed - blanks_left  # blanks are used exactly
        if i == n:
            return text_cells == 0
        need = max(n - i, math.ceil(chars_after[i][p] / (MAX_DIGITS + 2)))
        return need <= text_cells <= starts_after[i][p]

    def spend() -> None:
        budget[0] -= 1
        if budget[0] < 0:
            raise _OverBudget

    def row_ends(i: int, p: int, r: int, blanks_left: int) -> list[tuple[tuple[Value, ...], int, int, int]]:
        """Every way to fill row r from (i, p): (values, next piece, next position, blanks left)."""
        row = rows[r]
        out: list[tuple[tuple[Value, ...], int, int, int]] = []
        vals: list[Value] = []

        def cell(i: int, p: int, bl: int) -> None:
            spend()
            c = len(vals)
            if not feasible(i, p, offset[r] + c, bl):
                return
            options: list[tuple[int, int, Value, int]] = []  # next piece, next pos, value, blanks left
            if bl:
                options.append((i, p, 0, bl - 1))
            if i < n:
                at = (i, p, c in row.signed, row.decimals)
                if at not in tokens:
                    tokens[at] = _tokens(pieces[i], p, c in row.signed, row.decimals)
                for end, value in tokens[at]:
                    ni, np_ = (i + 1, 0) if end == len(pieces[i]) else (i, end)
                    options.append((ni, np_, value, bl))
            closing = c == row.width - 1
            expected = sum(vals) if closing and row.total_last and sums else None
            for ni, np_, value, nbl in options:
                if expected is not None and not math.isclose(value, expected, rel_tol=0, abs_tol=TOLERANCE):
                    continue
                vals.append(value)
                if closing:
                    out.append((tuple(vals), ni, np_, nbl))
                else:
                    cell(ni, np_, nbl)
                vals.pop()

        cell(i, p, blanks_left)
        return out

    memo: dict[tuple[int, int, int, int], list[tuple]] = {}

    def rest(i: int, p: int, r: int, blanks_left: int) -> list[tuple]:
        """Every cut of rows r.. from (i, p); remembered per row start, so a run of rows is not re-cut per prefix."""
        if r == len(rows):
            return [()] if i == n and blanks_left == 0 else []
        key = (i, p, r, blanks_left)
        if key not in memo:
            found: list[tuple] = []
            seen: set[tuple] = set()
            for values, ni, np_, bl in row_ends(i, p, r, blanks_left):
                for tail in rest(ni, np_, r + 1, bl):
                    spend()
                    cut = (values,) + tail
                    if cut not in seen:
                        seen.add(cut)
                        found.append(cut)
            memo[key] = found
        return memo[key]

    found = rest(0, 0, 0, blanks)
    return tuple(found), limit - budget[0]


# ---------- one segment, with its fallbacks ----------

@dataclass
class _Seg:
    segment: Segment
    cuts: list[tuple] = field(default_factory=list)
    mode: str = "row"  # row | blank | printed | none


def _cut_segment(seg: Segment, minus: tuple[str, ...], units: tuple[str, ...], limit: int, notes: list[str]) -> _Seg:
    keys = "、".join(r.key for r in seg.rows)
    shown = seg.text if len(seg.text) <= 60 else seg.text[:57] + "…"
    out = _Seg(seg)
    pieces = _pieces(seg.chunks, minus, units)
    if isinstance(pieces, str):
        notes.append(f"{keys}：「{shown}」含无法识别的字符「{pieces}」，不拆分")
        out.mode = "none"
        return out
    if not pieces:
        notes.append(f"{keys}：没有数字")
        out.mode = "none"
        return out
    has_sums = any(r.total_last for r in seg.rows)
    shape = tuple((r.width, r.total_last, r.signed, r.decimals) for r in seg.rows)
    tries = [("row", 0, True), ("blank", 1, True)] + ([("printed", 0, False)] if has_sums else [])
    left = limit  # one budget for all the tries
    for mode, blanks, sums in tries:
        try:
            cuts, steps = _cuts(tuple(pieces), shape, blanks, sums, left)
            left -= steps
        except _OverBudget:
            notes.append(f"{keys}：「{shown}」的拆分超过{limit}步仍未穷尽，不确定")
            out.mode = "none"
            return out
        if cuts:
            out.cuts, out.mode = list(cuts), mode
            if mode == "blank":
                notes.append(f"{keys}：「{shown}」少一格（空白格），按空白为0在各位置试拆，得{len(cuts)}种")
            elif mode == "printed":
                notes.append(f"{keys}：「{shown}」没有符合本行合计的拆分（报告数字自身不合），按原文拆分，得{len(cuts)}种")
            return out
    notes.append(f"{keys}：「{shown}」无法拆成{sum(r.width for r in seg.rows)}格")
    out.mode = "none"
    return out


# ---------- the joint search over column rules ----------

def _search(segs: list[_Seg], constraints: list[list[tuple[int, str, int, int]]], limit: int) -> list[set[int]] | None:
    """Candidate indices of each segment that take part in at least one joint cut; None when over `limit` steps.

    A constraint is a list of (segment index, row key, column, coefficient): sum(coef * cell) == 0.
    """
    k = len(constraints)
    # contribution of each cut of each segment to each constraint
    mine: list[list[tuple[int, int, int, int]]] = [[] for _ in segs]  # per segment: (constraint, row, column, coef)
    for ci, terms in enumerate(constraints):
        for si, key, col, coef in terms:
            mine[si].append((ci, [r.key for r in segs[si].segment.rows].index(key), col, coef))
    contrib: list[list[tuple[float, ...]]] = []
    for si, s in enumerate(segs):
        vecs = []
        for cut in s.cuts:
            vec = [0.0] * k
            for ci, r, col, coef in mine[si]:
                vec[ci] += coef * cut[r][col]
            vecs.append(tuple(vec))
        contrib.append(vecs)
    order = sorted(range(len(segs)), key=lambda si: len(segs[si].cuts))
    lo = [[0.0] * k for _ in range(len(order) + 1)]
    hi = [[0.0] * k for _ in range(len(order) + 1)]
    for depth in range(len(order) - 1, -1, -1):
        vecs = contrib[order[depth]]
        for ci in range(k):
            lo[depth][ci] = lo[depth + 1][ci] + min(v[ci] for v in vecs)
            hi[depth][ci] = hi[depth + 1][ci] + max(v[ci] for v in vecs)
    used: list[set[int]] = [set() for _ in segs]
    chosen: list[int] = [0] * len(order)
    steps = [limit]

    def walk(depth: int, partial: list[float]) -> None:
        steps[0] -= 1
        if steps[0] < 0:
            raise _OverBudget
        for ci in range(k):
            if partial[ci] + lo[depth][ci] > TOLERANCE or partial[ci] + hi[depth][ci] < -TOLERANCE:
                return
        if depth == len(order):
            for d, idx in enumerate(chosen):
                if idx not in used[order[d]]:
                    used[order[d]].add(idx)
                    unused[0] -= 1
            if unused[0] == 0:  # every cut of every segment takes part: nothing left to learn
                raise _Done
            return
        for idx, vec in enumerate(contrib[order[depth]]):
            chosen[depth] = idx
            walk(depth + 1, [a + b for a, b in zip(partial, vec)])

    unused = [sum(len(s.cuts) for s in segs)]
    try:
        walk(0, [0.0] * k)
    except _Done:
        pass
    except _OverBudget:
        return None
    return used


def _agree(cuts: list[tuple], r: int, width: int) -> list[Value | None]:
    out: list[Value | None] = []
    for c in range(width):
        values = {cut[r][c] for cut in cuts}
        out.append(values.pop() if len(values) == 1 else None)
    return out


def _fmt(row: tuple) -> str:
    return "/".join(str(v) for v in row)


def decode(
    segments: list[Segment],
    rules: list[ColumnRule],
    limit: int = 200_000,
    minus: tuple[str, ...] = ("−",),
    units: tuple[str, ...] = (),
) -> Decoded:
    """Cut each segment into its rows' cells; a cell is certain when all cuts that satisfy every rule agree on it."""
    if limit < 1:
        raise ValueError(f"limit must be > 0, got {limit}")
    notes: list[str] = []
    seen_keys: set[str] = set()
    for seg in segments:
        for r in seg.rows:
            if r.key in seen_keys:
                raise ValueError(f"row {r.key!r} is in more than one segment")
            seen_keys.add(r.key)
    segs = [_cut_segment(seg, tuple(minus), tuple(units), limit, notes) for seg in segments]
    where = {r.key: (si, r) for si, s in enumerate(segs) for r in s.segment.rows}

    # rules that can be checked: every row present, readable, and of one width
    live: list[tuple[ColumnRule, list[tuple[int, str, int]]]] = []
    for rule in rules:
        keys = list(rule.left) + list(rule.right)
        missing = [key for key in keys if key not in where or segs[where[key][0]].mode == "none"]
        widths = {where[key][1].width for key in keys if key in where}
        if missing:
            notes.append(f"勾稽关系 {rule} 未检查：缺少或无法拆分的行 {'、'.join(dict.fromkeys(missing))}")
            continue
        if len(widths) != 1:
            notes.append(f"勾稽关系 {rule} 未检查：各行格数不同")
            continue
        terms = [(where[key][0], key, +1) for key in rule.left] + [(where[key][0], key, -1) for key in rule.right]
        live.append((rule, terms))

    # segments joined by a rule are searched together
    parent = list(range(len(segs)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for _, terms in live:
        for si, _, _ in terms[1:]:
            parent[find(si)] = find(terms[0][0])
    kept: list[list[int]] = [list(range(len(s.cuts))) for s in segs]
    settled_by_columns: set[int] = set()
    groups: dict[int, list[int]] = {}
    for si in range(len(segs)):
        groups.setdefault(find(si), []).append(si)
    for members in groups.values():
        group_rules = [(rule, terms) for rule, terms in live if find(terms[0][0]) == find(members[0])]
        if not group_rules:
            continue
        local = {si: i for i, si in enumerate(members)}
        constraints = []
        for _, terms in group_rules:
            width = where[terms[0][1]][1].width
            for col in range(width):
                constraints.append([(local[si], key, col, coef) for si, key, coef in terms])
        used = _search([segs[si] for si in members], constraints, limit)
        names = "；".join(str(rule) for rule, _ in group_rules)
        if used is None:
            notes.append(f"按列勾稽（{names}）的联合拆分超过{limit}步，只按行内合计判断")
            continue
        if not any(used):
            notes.append(f"没有任何拆分能同时满足各列勾稽关系（{names}），报告数字自身有误，只按行内合计判断")
            continue
        for si in members:
            before = len(kept[si])
            kept[si] = sorted(used[local[si]])
            if len(kept[si]) < before:
                settled_by_columns.add(si)

    decoded = Decoded(notes=notes)
    for si, s in enumerate(segs):
        keys = "、".join(r.key for r in s.segment.rows)
        cuts = [s.cuts[i] for i in kept[si]]
        if len(s.cuts) > 1:
            shown = " 或 ".join(" | ".join(_fmt(row) for row in cut) for cut in s.cuts[:3])
            more = "等" if len(s.cuts) > 3 else ""
            text = f"{keys}：「{s.segment.text}」有{len(s.cuts)}种拆分符合本行规则（{shown}{more}）"
            if si in settled_by_columns:
                text += f"，按列勾稽余{len(cuts)}种" if len(cuts) > 1 else "，按列勾稽唯一确定"
            notes.append(text)
        for r, row in enumerate(s.segment.rows):
            if s.mode == "none":
                values: list[Value | None] = [None] * row.width
                by_row = values
            else:
                values, by_row = _agree(cuts, r, row.width), _agree(s.cuts, r, row.width)
            decoded.cells[row.key] = values
            decoded.certain[row.key] = [v is not None for v in values]
            decoded.basis[row.key] = [
                "" if v is None else ("column" if b is None else s.mode) for v, b in zip(values, by_row)
            ]
    return decoded
