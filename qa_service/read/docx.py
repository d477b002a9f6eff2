"""Word .docx -> paragraphs and tables in body order.

python-docx lists paragraphs and tables separately; walking the body's XML children keeps each table where it
stands between the paragraphs. For merged cells python-docx returns the same cell in every grid position it
covers, which is exactly the expansion the structure step expects.
"""
from __future__ import annotations

import io
from collections.abc import Iterator

import docx
from docx.oxml.ns import qn
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph as DocxParagraph

from ..knowledge import Knowledge
from ..model import Paragraph, Table
from .text import clean, join_pieces


def read(data: bytes, knowledge: Knowledge) -> list[Paragraph | Table]:
    document = docx.Document(io.BytesIO(data))
    body = document.element.body
    blocks: list[Paragraph | Table] = []
    for element in _body_items(body):
        if element.tag == qn("w:p"):
            # A manual line break (Shift+Enter) starts a new line: one Paragraph per line.
            for line in DocxParagraph(element, document).text.split("\n"):
                if clean(line):
                    blocks.append(Paragraph(clean(line)))
        else:
            rows = _grid(DocxTable(element, document))
            if rows:
                blocks.append(Table(rows=rows))
    return blocks


def _body_items(parent) -> Iterator:  # noqa: ANN001 — an lxml element of python-docx's own classes
    for child in parent.iterchildren():
        if child.tag in (qn("w:p"), qn("w:tbl")):
            yield child
        elif child.tag == qn("w:sdt"):  # content controls wrap ordinary paragraphs and tables
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from _body_items(content)


def _grid(table: DocxTable) -> list[list[str]]:
    rows = [[join_pieces(cell.text.split("\n")) for cell in row.cells] for row in table.rows]
    width = max((len(row) for row in rows), default=0)
    return [row + [""] * (width - len(row)) for row in rows if any(row)]
