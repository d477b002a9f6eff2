"""PDF with a text layer -> paragraphs and table grids, page by page in reading order.

Tables come from pdfplumber's ruling-line detection; text lines outside them become paragraphs. Page footers
("— 3 —", "第 3 页") are dropped, and a table that runs over a page break is joined back into one grid.
"""
from __future__ import annotations

import io

import pdfplumber
from pdfplumber.page import Page
from pdfplumber.table import Table as PdfTable

from ..errors import ReportReadError
from ..model import Paragraph, Table
from .text import clean, is_page_footer, join_pieces

BBox = tuple[float, float, float, float]


def read(data: bytes) -> list[Paragraph | Table]:
    blocks: list[Paragraph | Table] = []
    with pdfplumber.open(io.BytesIO(data)) as document:
        for page in document.pages:
            page_blocks = _page_blocks(page)
            first = page_blocks[0] if page_blocks else None
            last = blocks[-1] if blocks else None
            if isinstance(first, Table) and isinstance(last, Table) and len(first.rows[0]) == len(last.rows[0]):
                last.rows.extend(first.rows)  # the same table, continued on the next page
                page_blocks = page_blocks[1:]
            blocks.extend(page_blocks)
    if not blocks:
        raise ReportReadError("the PDF has no text layer (scanned pages?); a text PDF, Word or HTML file is needed")
    return blocks


def _page_blocks(page: Page) -> list[Paragraph | Table]:
    items: list[tuple[float, Paragraph | Table]] = []
    tables = page.find_tables()
    for table in tables:
        rows = _grid(table)
        if rows:
            items.append((table.bbox[1], Table(rows=rows)))
    boxes = [table.bbox for table in tables]

    def outside_tables(obj: dict) -> bool:
        if obj.get("object_type") != "char":
            return True
        x, y = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(_inside(x, y, box) for box in boxes)

    for line in page.filter(outside_tables).extract_text_lines():
        text = clean(line["text"])
        if text and not is_page_footer(text):
            items.append((line["top"], Paragraph(text)))
    items.sort(key=lambda item: item[0])  # stable: equal tops keep detection order
    return [block for _, block in items]


def _inside(x: float, y: float, box: BBox) -> bool:
    x0, top, x1, bottom = box
    return x0 <= x <= x1 and top <= y <= bottom


def _grid(table: PdfTable) -> list[list[str]]:
    """Expand merged cells: pdfplumber gives None where a merged cell covers a position; fill in its text."""
    texts = table.extract()
    text_of: dict[BBox, str] = {}
    for row, row_texts in zip(table.rows, texts):
        for box, text in zip(row.cells, row_texts):
            if box is not None:
                text_of[box] = join_pieces((text or "").split("\n"))
    column_x = [(column.bbox[0] + column.bbox[2]) / 2 for column in table.columns]
    grid: list[list[str]] = []
    for row in table.rows:
        y = (row.bbox[1] + row.bbox[3]) / 2
        cells = []
        for j, box in enumerate(row.cells):
            if box is None and j < len(column_x):
                box = next((b for b in text_of if _inside(column_x[j], y, b)), None)
            cells.append(text_of.get(box, "") if box is not None else "")
        grid.append(cells)
    return [row for row in grid if any(row)]
