"""Markdown -> paragraphs and pipe tables. A line is a paragraph; `#` marks and emphasis are dropped."""
from __future__ import annotations

import html
import re

from ..knowledge import Knowledge
from ..model import Paragraph, Table
from .text import clean, decode, is_page_footer, join_pieces

_ROW = re.compile(r"^\s*\|.*\|\s*$")
_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s*(.*?)\s*#*\s*$")
_BULLET = re.compile(r"^\s*(?:>\s*)*(?:[-*+]\s+)?")  # blockquote marks and bullets; "1." is kept: reports number prose
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_EMPHASIS = re.compile(r"(\*\*|__|\*|`)")
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"</?[A-Za-z][^>]*>")
_RULE = re.compile(r"^\s*(?:[-*_]\s*){3,}$")


def read(data: bytes, knowledge: Knowledge) -> list[Paragraph | Table]:
    blocks: list[Paragraph | Table] = []
    table: Table | None = None  # the pipe table being read; any other line (a blank one too) ends it
    for line in decode(data).splitlines():
        if _ROW.match(line):
            if _SEPARATOR.match(line):
                continue  # the |---| row only marks the header
            if table is None:
                table = Table(rows=[])
                blocks.append(table)
            table.rows.append(_cells(line))
            continue
        table = None
        if _RULE.match(line) or is_page_footer(line, knowledge.format["reading"]):
            continue
        heading = _HEADING.match(line)
        text = _inline(heading.group(1) if heading else _BULLET.sub("", line, count=1))
        if text:
            blocks.append(Paragraph(text))
    for block in blocks:
        if isinstance(block, Table):
            width = max(len(row) for row in block.rows)
            block.rows = [row + [""] * (width - len(row)) for row in block.rows]
    return blocks


def _cells(line: str) -> list[str]:
    inner = line.strip()[1:-1]
    cells = re.split(r"(?<!\\)\|", inner)  # an escaped \| is text inside a cell
    # <br> inside a cell is a wrapped label: joined like wrapped lines elsewhere.
    return [join_pieces([_inline(piece) for piece in _BR.split(cell.replace("\\|", "|"))]) for cell in cells]


def _inline(text: str) -> str:
    text = _LINK.sub(r"\1", text)
    text = _EMPHASIS.sub("", text)
    text = _TAG.sub("", text)
    return clean(html.unescape(text))
