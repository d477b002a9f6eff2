"""PDF with a text layer -> paragraphs and table grids, page by page in reading order.

Tables come from pdfplumber's ruling-line detection; text lines outside them become paragraphs. Page footers
("— 3 —", "第 3 页") are dropped. A table that runs over a page break is joined back into one grid by stacking
its cells (with their positions) before the grid is drawn, so both parts share the same columns.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass

import pdfplumber
from pdfplumber.page import Page

from ..errors import ReportReadError
from ..knowledge import Knowledge
from ..model import Paragraph, Table
from .text import clean, is_page_footer, join_pieces

BBox = tuple[float, float, float, float]  # x0, top, x1, bottom; top/bottom counted down from the first page
TOLERANCE = 2.0  # points: two edges closer than this are the same ruling line
_WORDS = re.compile(r"[\u4e00-\u9fff]")


@dataclass
class _Cells:
    """A table as positioned cells; the grid is drawn only once all pages of the table are in."""

    cells: dict[BBox, str]

    @property
    def x_range(self) -> tuple[float, float]:
        return min(box[0] for box in self.cells), max(box[2] for box in self.cells)


def read(data: bytes, knowledge: Knowledge) -> list[Paragraph | Table]:
    reading = knowledge.format["reading"]  # what marks a line as prose (format.toml [reading] pdf_*)
    items: list[Paragraph | _Cells] = []
    with pdfplumber.open(io.BytesIO(data)) as document:
        offset = 0.0
        for page in document.pages:
            page_items = _page_items(page, offset, reading)
            offset += float(page.height)
            first = page_items[0] if page_items else None
            last = items[-1] if items else None
            if isinstance(first, _Cells) and isinstance(last, _Cells) and _same_columns(last, first):
                _continue(last, first)
                page_items = page_items[1:]
            items.extend(page_items)
    blocks: list[Paragraph | Table] = []
    for item in items:
        if isinstance(item, Paragraph):
            blocks.append(item)
        elif rows := _grid(item.cells):
            blocks += _split_frame(rows, reading)
    if not blocks:
        raise ReportReadError("the PDF has no text layer (scanned pages?); a text PDF, Word or HTML file is needed")
    return blocks


def _split_frame(rows: list[list[str]], reading: dict) -> list[Paragraph | Table]:
    """WPS draws a frame around the page: its text lines come out as rows of a "table" spanning the width, and the
    real tables inside share its columns. A row that is one line of text across the whole width (every cell the
    same, and prose or a section title) is a paragraph line; the other rows stay table rows."""
    blocks: list[Paragraph | Table] = []
    width = max(len(row) for row in rows)
    for row in rows:
        texts = {cell for cell in row if cell}
        text = next(iter(texts)) if len(texts) == 1 else ""
        if text and (width == 1 or re.search(reading["pdf_prose"], text) or len(text) >= 24):
            blocks.append(Paragraph(text))
        elif blocks and isinstance(blocks[-1], Table):
            blocks[-1].rows.append(row)
        else:
            blocks.append(Table(rows=[row]))
    return blocks


def _page_items(page: Page, offset: float, reading: dict) -> list[Paragraph | _Cells]:
    items: list[tuple[float, Paragraph | _Cells]] = []
    tables = page.find_tables()
    for table in tables:
        cells: dict[BBox, str] = {}
        for row, texts in zip(table.rows, table.extract()):
            for box, text in zip(row.cells, texts):
                if box is not None:
                    x0, top, x1, bottom = box
                    cells[(x0, top + offset, x1, bottom + offset)] = join_pieces((text or "").split("\n"))
        if any(cells.values()):
            items.append((table.bbox[1], _Cells(cells)))
    boxes = [table.bbox for table in tables]

    def outside_tables(obj: dict) -> bool:
        if obj.get("object_type") != "char":
            return True
        x, y = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(_inside(x, y, box) for box in boxes)

    lines = [line for line in page.filter(outside_tables).extract_text_lines()
             if clean(line["text"]) and not is_page_footer(line["text"], reading)]
    margins = min((line["x0"] for line in lines), default=0.0), max((line["x1"] for line in lines), default=0.0)
    previous: dict | None = None
    for line in lines:
        text = clean(line["text"])
        if previous is not None and _wraps(previous, line, margins, boxes, reading):
            paragraph = items[-1][1]
            assert isinstance(paragraph, Paragraph)
            paragraph.text = join_pieces([paragraph.text, text])
        else:
            items.append((line["top"], Paragraph(text)))
        previous = line
    items.sort(key=lambda item: item[0])  # stable: equal tops keep detection order
    return [item for _, item in items]


def _wraps(previous: dict, line: dict, margins: tuple[float, float], tables: list[BBox], reading: dict) -> bool:
    """Does `line` continue the paragraph of `previous`? Yes when `previous` ran (within a few characters, as a
    wrap may push a number and its unit down) to the right margin without ending a sentence, `line` starts at the
    left margin, and no table stands between them. Headings are short and signatures right-aligned: kept apart."""
    left, right = margins
    size = max(previous["bottom"] - previous["top"], 1.0)
    full = previous["x1"] >= right - 3 * size and previous["x0"] <= left + 3 * size  # 3: a first-line indent
    starts_left = line["x0"] <= left + size
    ended = clean(previous["text"])[-1:] in reading["pdf_line_ends"]
    between = any(previous["bottom"] <= box[1] and box[3] <= line["top"] for box in tables)
    close = line["top"] - previous["bottom"] < 2 * size
    tabular = _has_gaps(previous, size) or _has_gaps(line, size)  # rows of a table drawn without rules
    return full and starts_left and close and not ended and not between and not tabular


def _has_gaps(line: dict, size: float) -> bool:
    chars = line.get("chars") or []
    return any(b["x0"] - a["x1"] > 1.5 * size for a, b in zip(chars, chars[1:]))


def _same_columns(a: _Cells, b: _Cells) -> bool:
    (a0, a1), (b0, b1) = a.x_range, b.x_range
    return abs(a0 - b0) <= TOLERANCE and abs(a1 - b1) <= TOLERANCE


def _continue(table: _Cells, more: _Cells) -> None:
    """Append the next page's part. A merged label cell cut by the page break leaves its text in one part and an
    empty cell in the other: give the empty part the text. Numbers are never copied (a blank there means 0)."""
    bottom = max(box[3] for box in table.cells)
    top = min(box[1] for box in more.cells)
    above = [box for box in table.cells if abs(box[3] - bottom) <= TOLERANCE]
    for box in [box for box in more.cells if abs(box[1] - top) <= TOLERANCE]:
        twin = next((b for b in above if abs(b[0] - box[0]) <= TOLERANCE and abs(b[2] - box[2]) <= TOLERANCE), None)
        if twin is None:
            continue
        if not more.cells[box] and _WORDS.search(table.cells[twin]):
            more.cells[box] = table.cells[twin]
        elif not table.cells[twin] and _WORDS.search(more.cells[box]):
            table.cells[twin] = more.cells[box]
    table.cells.update(more.cells)


def _inside(x: float, y: float, box: BBox) -> bool:
    x0, top, x1, bottom = box
    return x0 <= x <= x1 and top <= y <= bottom


def _grid(cells: dict[BBox, str]) -> list[list[str]]:
    """Cells -> grid. The grid's lines are all cell edges; a merged cell covers several slots and its text goes in
    each. (pdfplumber's own rows/columns group cells by where they start, so they cannot place a merged cell.)"""
    xs = _edges([x for box in cells for x in (box[0], box[2])])
    ys = _edges([y for box in cells for y in (box[1], box[3])])
    grid = []
    for top, bottom in zip(ys, ys[1:]):
        y = (top + bottom) / 2
        row = []
        for left, right in zip(xs, xs[1:]):
            x = (left + right) / 2
            row.append(next((text for box, text in cells.items() if _inside(x, y, box)), ""))
        grid.append(row)
    return [row for row in grid if any(row)]  # the gap between two pages' parts is an empty slot row


def _edges(values: list[float]) -> list[float]:
    edges: list[float] = []
    for value in sorted(values):
        if not edges or value - edges[-1] > TOLERANCE:
            edges.append(value)
    return edges
