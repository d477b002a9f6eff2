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
    ColumnRule(left, right, name="")
        per column c: sum(row[c] for row in left) == sum(row[c] for row in right), over row keys
        (table 三: new + carried_in == total + carried_out; total == the sum of the result rows); `name` is
        how notes call it.
    decode(segments, rules, limit=200_000, minus=("−",), units=()) -> Decoded
        `minus`: words that stand for a minus sign besides "-" (the caller passes the format's, e.g. 减);
        `units`: words that may follow a cell's digits (笔, 元, 万元); each ends a cell, like a space.
    Decoded.cells[key]   -> values per column (int, or float for decimals); None where no one value is certain
    Decoded.certain[key] -> bools per column
    Decoded.basis[key]   -> per column, what made it certain: "row" (the row's own digits and sum),
                            "column" (needed the column rules), "blank" (the row had one blank cell, taken as 0,
                            and the cell is the same wherever the blank stands), "printed" (the row's sum does not
                            hold as printed, and the digits allow one cut only); "" when uncertain
    Decoded.notes        -> plain Chinese notes for `check`: which row, how many cuts, which rule

Example (table 三 of pingtan_gov_2021, two of its 25 rows shown):
    rows = [Segment.of("640020470", RowSpec("new", 7, total_last=True)),
            Segment.of("270020130", RowSpec("予以公开", 7, total_last=True)), ...]
    rules = [ColumnRule(("new", "carried"), ("total", "out"), "一+二=三（七）+四"),
             ColumnRule(("total",), ("予以公开", "部分公开", ...), "三（七）=三（一）至（六）之和")]
    d = decode(rows, rules, minus=("减",), units=("万元", "元", "笔"))
    d.cells["new"] == [64, 0, 0, 2, 0, 4, 70]; d.cells["予以公开"] == [27, 0, 0, 2, 0, 1, 30]
    (by its own sum 予以公开 could also be 2/7/0/0/20/1/30; the 自然人 column's sum leaves 27 only: basis "column")
    Table 四 is one segment of three rows: Segment.of("10203120001200000", RowSpec("复议", 5, True), ...).

Rules of cutting: a cell is a number without leading zeros (0 alone is fine, 05 and 00 are not); a chunk boundary is
always a cell boundary; a signed column may take "-" before its digits (88-720: 88/-7/20 or 88/-72/0); a decimal
point binds the digits on both sides of it; a cell has at most 15 digits. A row with total_last must satisfy
last == sum(others). When no cut of a run satisfies its row sums, one blank cell (worth 0) is tried in every position;
when that fails too, the row sums are dropped and the run is read as printed if it can be cut one way only. When no joint cut satisfies the column
rules (the report's own slip) or the search passes `limit` steps, certainty falls back to the row sums alone, with a
note.

Search: a segment is cut row by row, each row start remembered. A row whose last cell is the sum of the others picks
its total first (start and length), keeps it only when the digit sums agree mod 9 and no other cell can be longer,
then cuts the text before it into cells that add up to it. Without sums (the printed fallback) the cuts are counted
before they are listed. Segments joined by rules are then searched jointly, fewest cuts first, pruned by the bounds
every column sum can still reach.
"""
from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass, field
import threading
from collections import OrderedDict

__all__ = ["ColumnRule", "Decoded", "RowSpec", "Segment", "decode"]

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
    name: str = ""  # how notes call it (一+二=三（七）+四); the formula over row keys when empty

    def __str__(self) -> str:
        return self.name or f"{'+'.join(self.left)} = {'+'.join(self.right)}"


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


Shape = tuple[tuple[int, bool, frozenset[int], bool], ...]  # per row: width, total_last, signed, decimals


_REMEMBERED: OrderedDict[tuple, tuple[tuple[tuple, ...], int]] = OrderedDict()
_REMEMBER_MAX = 2048  # runs
_REMEMBER_CUTS = 64  # a run with more cuts than this is not kept: hostile text must not fill the memory of a server
_REMEMBER_LOCK = threading.Lock()


def _cuts(pieces: tuple[str, ...], shape: Shape, blanks: int, sums: bool, limit: int) -> tuple[tuple[tuple, ...], int]:
    """Every cut of the pieces into the rows' cells, with exactly `blanks` blank cells (0); row sums kept if `sums`.
    Returns the cuts and the steps taken; raises _OverBudget past `limit` steps.

    Remembered: a table's rows are mostly the same few runs (0000000), and a report is read more than once.
    """
    key = (pieces, shape, blanks, sums, limit)
    with _REMEMBER_LOCK:
        if key in _REMEMBERED:
            _REMEMBERED.move_to_end(key)
            return _REMEMBERED[key]
    found = _Cutter(pieces, shape, sums, limit).cuts(blanks)
    if len(found[0]) <= _REMEMBER_CUTS:
        with _REMEMBER_LOCK:
            _REMEMBERED[key] = found
            if len(_REMEMBERED) > _REMEMBER_MAX:
                _REMEMBERED.popitem(last=False)
    return found


class _Cutter:
    """The search behind _cuts. Positions are indices into the pieces joined by single spaces; a cell never
    holds a space, and a position is always where a cell may start (or the end)."""

    def __init__(self, pieces: tuple[str, ...], shape: Shape, sums: bool, limit: int) -> None:
        self.rows = [RowSpec("", w, t, sg, d) for w, t, sg, d in shape]
        self.sums, self.limit, self.budget = sums, limit, limit
        self.g = g = " ".join(pieces)
        n = len(g)
        self.n = n
        self.offset = [0]
        for r in self.rows:
            self.offset.append(self.offset[-1] + r.width)  # cells placed before each row
        self.total = self.offset[-1]
        self.startable = [g[x] != " " and (x == 0 or g[x - 1] == " " or g[x] == "-" or (g[x].isdigit() and g[x - 1].isdigit()))
                          for x in range(n)]
        # suffix counts for pruning: cell starts, piece starts, characters other than spaces
        self.starts_from = [0] * (n + 1)
        self.pieces_from = [0] * (n + 1)
        self.chars_from = [0] * (n + 1)
        for x in range(n - 1, -1, -1):
            self.starts_from[x] = self.starts_from[x + 1] + self.startable[x]
            self.chars_from[x] = self.chars_from[x + 1] + (g[x] != " ")
            self.pieces_from[x] = self.pieces_from[x + 1] + (g[x] != " " and (x == 0 or g[x - 1] == " "))
        # digit sums before each position: a number is its digit sum mod 9, so a row's cells and its total agree mod 9
        self.digit_sum = [0] * (n + 1)
        for x, ch in enumerate(g):
            self.digit_sum[x + 1] = self.digit_sum[x] + (int(ch) if ch.isdigit() else 0)
        self.token_memo: dict[tuple[int, bool, bool], list[tuple[int, Value]]] = {}
        self.memo: dict[tuple[int, int, int], list[tuple]] = {}

    def spend(self) -> None:
        self.budget -= 1
        if self.budget < 0:
            raise _OverBudget

    def after(self, end: int) -> int:
        """The position after a cell that ends at `end` (past the space when the piece ends there)."""
        return end + 1 if end < self.n and self.g[end] == " " else end

    def tokens(self, x: int, signed: bool, decimals: bool) -> list[tuple[int, Value]]:
        """Cells starting at x: (next position, value)."""
        key = (x, signed, decimals)
        if key not in self.token_memo:
            start = self.g.rfind(" ", 0, x) + 1
            stop = self.g.find(" ", x)
            piece = self.g[start:] if stop < 0 else self.g[start:stop]
            self.token_memo[key] = [(self.after(start + e), v) for e, v in _tokens(piece, x - start, signed, decimals)]
        return self.token_memo[key]

    def feasible(self, x: int, text_cells: int, upto: int | None = None) -> bool:
        """Can the text from x (to the end, or to `upto`) hold exactly `text_cells` cells?"""
        stop = self.n if upto is None else upto
        if x >= stop:
            return text_cells == 0
        starts = self.starts_from[x] - self.starts_from[stop]
        pieces = 1 + self.pieces_from[x + 1] - self.pieces_from[stop]  # x's own piece and those starting after it
        chars = self.chars_from[x] - self.chars_from[stop]
        return max(pieces, math.ceil(chars / (MAX_DIGITS + 2))) <= text_cells <= starts

    def cuts(self, blanks: int) -> tuple[tuple[tuple, ...], int]:
        if not self.sums and not blanks and self.count() > self.limit:
            raise _OverBudget  # without sums nothing prunes: count the cuts before listing them
        return tuple(self.rest(0, 0, blanks)), self.limit - self.budget

    def count(self) -> int:
        """How many cuts there are when no sum is kept (at most limit + 1)."""
        cell_of = [(r, c) for r, row in enumerate(self.rows) for c in range(row.width)]
        ways: dict[tuple[int, int], int] = {}

        def from_(x: int, j: int) -> int:
            if j == len(cell_of):
                return 1 if x == self.n else 0
            if x >= self.n:
                return 0
            if (x, j) not in ways:
                row = self.rows[cell_of[j][0]]
                signed = cell_of[j][1] in row.signed
                total = sum(from_(nx, j + 1) for nx, _ in self.tokens(x, signed, row.decimals))
                ways[(x, j)] = min(total, self.limit + 1)
            return ways[(x, j)]

        return from_(0, 0)

    def rest(self, x: int, r: int, blanks: int) -> list[tuple]:
        """Every cut of rows r.. from x; remembered per row start, so a run of rows is not re-cut per prefix."""
        if r == len(self.rows):
            return [()] if x == self.n and blanks == 0 else []
        key = (x, r, blanks)
        if key not in self.memo:
            found: dict[tuple, None] = {}
            for values, nx, nb in self.row_ends(x, r, blanks):
                for tail in self.rest(nx, r + 1, nb):
                    self.spend()
                    found[(values,) + tail] = None
            self.memo[key] = list(found)
        return self.memo[key]

    def row_ends(self, x: int, r: int, blanks: int) -> list[tuple[tuple[Value, ...], int, int]]:
        """Every way to fill row r from x: (values, next position, blanks left)."""
        row = self.rows[r]
        if self.sums and row.total_last and not row.signed and not row.decimals:
            return self.row_ends_by_total(x, r, blanks)
        out: list[tuple[tuple[Value, ...], int, int]] = []
        vals: list[Value] = []
        later = self.total - self.offset[r + 1]

        def cell(y: int, bl: int) -> None:
            self.spend()
            c = len(vals)
            if not self.feasible(y, self.total - self.offset[r] - c - bl):
                return
            options: list[tuple[int, Value, int]] = [(y, 0, bl - 1)] if bl else []
            if y < self.n:
                options += [(ny, v, bl) for ny, v in self.tokens(y, c in row.signed, row.decimals)]
            closing = c == row.width - 1
            expected = sum(vals) if closing and row.total_last and self.sums else None
            for ny, value, nbl in options:
                if expected is not None and not math.isclose(value, expected, rel_tol=0, abs_tol=TOLERANCE):
                    continue
                vals.append(value)
                if closing:
                    if self.feasible(ny, later - nbl):
                        out.append((tuple(vals), ny, nbl))
                else:
                    cell(ny, nbl)
                vals.pop()

        cell(x, blanks)
        return out

    def row_ends_by_total(self, x: int, r: int, blanks: int) -> list[tuple[tuple[Value, ...], int, int]]:
        """A row of counts whose last cell is the sum of the others: pick the total first (where it starts, how long
        it is), then cut the text before it into cells that add up to it. Knowing the total bounds every other cell
        (none is larger), and the digit sums must agree mod 9. A blank (0) may stand for any cell."""
        row = self.rows[r]
        others = row.width - 1
        out: list[tuple[tuple[Value, ...], int, int]] = []
        if blanks:  # the total itself is blank: then every other cell is a printed 0
            y = x
            for _ in range(others):
                y = next((ny for ny, v in self.tokens(y, False, False) if v == 0), -1) if y < self.n else -1
                if y < 0:
                    break
            if y >= 0 and self.later_fits(y, r, 0):
                out.append(((0,) * row.width, y, 0))
        for q in range(x + 1, self.n):
            if not self.startable[q]:
                continue
            if self.chars_from[x] - self.chars_from[q] > others * MAX_DIGITS:
                break
            if not (self.feasible(x, others, upto=q) or blanks and self.feasible(x, others - 1, upto=q)):
                continue
            for nq, total in self.tokens(q, False, False):
                self.spend()
                if (self.digit_sum[q] - self.digit_sum[x] - total) % 9:
                    continue
                if self.chars_from[x] - self.chars_from[q] > others * len(str(total)):
                    continue
                if not (self.later_fits(nq, r, 0) or blanks and self.later_fits(nq, r, blanks)):
                    continue
                for values, left in self.fill(x, q, others, total, blanks):
                    if self.later_fits(nq, r, left):
                        out.append((values + (total,), nq, left))
        return out

    def later_fits(self, y: int, r: int, blanks: int) -> bool:
        return self.feasible(y, self.total - self.offset[r + 1] - blanks)

    def fill(self, x: int, q: int, cells: int, total: int, blanks: int) -> list[tuple[tuple[Value, ...], int]]:
        """Every cut of the text from x up to q into `cells` counts adding up to `total`, with at most `blanks`
        blank cells: (values, blanks left)."""
        out: list[tuple[tuple[Value, ...], int]] = []
        vals: list[Value] = []
        width = len(str(total))

        def cell(y: int, left: int, bl: int) -> None:
            self.spend()
            k = cells - len(vals)
            if k == 0:
                if y == q and left == 0:
                    out.append((tuple(vals), bl))
                return
            chars = self.chars_from[y] - self.chars_from[q]
            longest = math.ceil(chars / k)  # at least one cell is this long, and so at least 10**(longest-1)
            if chars > k * width or longest > 1 and left < 10 ** (longest - 1):
                return  # some cell would be longer than the total, or larger than what is left of it
            if not (self.feasible(y, k, upto=q) or bl and self.feasible(y, k - 1, upto=q)):
                return
            if bl:
                vals.append(0)
                cell(y, left, bl - 1)
                vals.pop()
            if y < q:
                for ny, value in self.tokens(y, False, False):
                    if ny > q or value > left:
                        continue
                    vals.append(value)
                    cell(ny, left - value, bl)
                    vals.pop()

        cell(x, total, blanks)
        return out


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
        if mode == "printed" and len(cuts) > 1:  # a row that breaks its own sum is trusted only when read one way
            notes.append(f"{keys}：「{shown}」没有符合本行合计的拆分（报告数字自身不合），按原文也有{len(cuts)}种拆分，不确定")
            out.mode = "none"
            return out
        if cuts:
            out.cuts, out.mode = list(cuts), mode
            if mode == "blank":
                notes.append(f"{keys}：「{shown}」少一格（空白格），按空白为0在各位置试拆，得{len(cuts)}种")
            elif mode == "printed":
                notes.append(f"{keys}：「{shown}」没有符合本行合计的拆分（报告数字自身不合），按原文只有一种拆分，照录")
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
    settled_by_columns: dict[int, str] = {}  # segment -> the rules that narrowed its cuts
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
                settled_by_columns[si] = names

    decoded = Decoded(notes=notes)
    for si, s in enumerate(segs):
        keys = "、".join(r.key for r in s.segment.rows)
        cuts = [s.cuts[i] for i in kept[si]]
        if len(s.cuts) > 1:
            shown = " 或 ".join(" | ".join(_fmt(row) for row in cut) for cut in s.cuts[:3])
            more = "等" if len(s.cuts) > 3 else ""
            how = {"row": "符合本行合计", "blank": "（含一格空白）符合本行合计", "printed": "（不计本行合计）"}[s.mode]
            text = f"{keys}：「{s.segment.text}」有{len(s.cuts)}种拆分{how}（{shown}{more}）"
            if si in settled_by_columns:
                by = f"按列勾稽（{settled_by_columns[si]}）"
                text += f"，{by}余{len(cuts)}种" if len(cuts) > 1 else f"，{by}唯一确定"
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
