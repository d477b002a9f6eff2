"""Plain text (as pulled out of a document): a line is a paragraph; runs of tab-separated lines are table rows."""
from __future__ import annotations

from ..errors import ReportReadError
from ..model import Paragraph, Table


def decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ReportReadError("the file is neither UTF-8 nor GBK/GB18030 text")


def read(data: bytes) -> list[Paragraph | Table]:
    blocks: list[Paragraph | Table] = []
    for line in decode(data).replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if not line.strip():
            continue
        if "\t" in line:
            if not blocks or not isinstance(blocks[-1], Table):
                blocks.append(Table(rows=[]))
            blocks[-1].rows.append([c.strip() for c in line.split("\t")])
        else:
            blocks.append(Paragraph(line.strip()))
    return blocks
