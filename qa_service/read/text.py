"""Plain text (as pulled out of a document): a line is a paragraph; runs of tab-separated lines are table rows.

Also the small helpers every reader shares: decoding, whitespace cleaning, joining wrapped cell lines,
and recognising page footers.
"""
from __future__ import annotations

import codecs
import re

from ..errors import ReportReadError
from ..knowledge import Knowledge
from ..model import Paragraph, Table

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: its BOM starts the same way
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Spaces a document may carry: ASCII, no-break (&nbsp;), full-width (U+3000), zero-width.
_SPACES = re.compile(r"[\s\u00a0\u3000\u200b\ufeff]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def decode(data: bytes) -> str:
    """Bytes -> str: a BOM decides; else strict UTF-8, then GB18030 (a superset of GBK/GB2312); else ask
    charset-normalizer. Binary data raises ReportReadError."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                raise ReportReadError(f"the file starts with a {encoding} mark but is not {encoding} text") from None
    try:
        return _text_or_none(data.decode("utf-8")) or _binary()
    except UnicodeDecodeError:
        pass
    # UTF-8 damaged in a few places (a cut download) would decode "fine" as GB18030 into nonsense: keep it UTF-8.
    lossy = data.decode("utf-8", errors="replace")
    if lossy.count("\ufffd") <= max(1, len(lossy) // 1000):
        return _text_or_none(lossy) or _binary()
    if b"\x00" not in data:  # NUL bytes: UTF-16/32 without a BOM, or binary; never GBK
        try:
            return _text_or_none(data.decode("gb18030")) or _binary()
        except UnicodeDecodeError:
            pass
    return _text_or_none(_guess(data)) or _binary()


def _guess(data: bytes) -> str:
    from charset_normalizer import from_bytes  # only for the rare file that is neither UTF-8 nor GB18030

    best = from_bytes(data).best()
    return str(best) if best is not None else ""


def _text_or_none(decoded: str) -> str | None:
    # Random bytes can decode as GB18030; real text has almost no control characters.
    if not decoded or len(_CONTROL.findall(decoded)) > max(2, len(decoded) // 200):
        return None
    return decoded


def _binary() -> str:
    raise ReportReadError("the file is not text in any known encoding (UTF-8, UTF-16, GBK/GB18030)")


def clean(s: str) -> str:
    """Collapse every run of spaces (&nbsp;, full-width, tabs) to one space and strip."""
    return _SPACES.sub(" ", s).strip()


def join_pieces(pieces: list[str]) -> str:
    """Join the lines of a wrapped cell: no space between Chinese text, one space between Latin words/numbers."""
    out = ""
    for piece in (clean(p) for p in pieces):
        if not piece:
            continue
        if out and out[-1].isascii() and out[-1].isalnum() and piece[0].isascii() and piece[0].isalnum():
            out += " "
        out += piece
    return out


def is_page_footer(line: str, reading: dict) -> bool:
    """A page footer printed by Word/WPS/PDF exports (— 3 —, 第3页 共9页: format.toml [reading] page_footer)."""
    return bool(re.match(reading["page_footer"], clean(line)))


def _lines(data: bytes, knowledge: Knowledge) -> tuple[dict[str, str], list[str]]:
    """The header a site crawler wrote before the page's text (`key: value` lines, then a rule naming the body:
    format.toml [title] crawl_header, crawl_rule) as meta, and the text's lines."""
    t = knowledge.format["title"]
    body_rule, header_line = re.compile(t["crawl_rule"]), re.compile(t["crawl_header"])
    lines = decode(data).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    rule = next((i for i, line in enumerate(lines[:30]) if body_rule.match(line)), None)
    if rule is None:
        return {}, lines
    meta = {m.group("key"): m.group("value") for line in lines[:rule] if (m := header_line.match(line))}
    return meta, lines[rule + 1:]


def meta(data: bytes, knowledge: Knowledge) -> dict[str, str]:
    return _lines(data, knowledge)[0]


def read(data: bytes, knowledge: Knowledge) -> list[Paragraph | Table]:
    blocks: list[Paragraph | Table] = []
    for line in _lines(data, knowledge)[1]:
        # A footer line can sit in the middle of a table: dropping it keeps the table's rows together.
        if not clean(line) or is_page_footer(line, knowledge.format["reading"]):
            continue
        if "\t" in line:
            if not blocks or not isinstance(blocks[-1], Table):
                blocks.append(Table(rows=[], grid=False))
            blocks[-1].rows.append([clean(c) for c in line.split("\t")])
        else:
            blocks.append(Paragraph(clean(line)))
    return blocks
