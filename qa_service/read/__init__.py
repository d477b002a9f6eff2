"""Read step: a report file -> Document (paragraphs and table grids). Nothing after this knows the file type.

The reader is chosen by content (magic bytes, markup), the extension only breaks ties.
"""
from __future__ import annotations

import hashlib
import importlib
import io
import re
import zipfile
from pathlib import Path

from ..errors import ReportReadError
from ..knowledge import Knowledge
from ..model import Document
from . import text

__all__ = ["MAX_BYTES", "read_document", "sniff"]

MAX_BYTES = 50 * 1024 * 1024

# kind -> module of this package with a `read(data)`; imported on first use, as pdfplumber and python-docx
# take a quarter second to import, which every CLI question would otherwise pay.
READERS = {"text": "text", "html": "html", "markdown": "markdown", "docx": "docx", "pdf": "pdf"}
KIND_NAMES = {"text": "text", "html": "an HTML page", "markdown": "Markdown", "docx": "a Word .docx file",
              "pdf": "a PDF"}
# Formats recognised only to say why they are refused.
REFUSED = {
    "zip": "a zip archive that is not a Word .docx file",
    "doc": "an old binary Word .doc file (save it as .docx or PDF)",
}

_HTML_TAG = re.compile(r"<(?:table|p|div|html|body|!doctype)\b", re.IGNORECASE)
_PIPE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_PIPE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")


def sniff(data: bytes, suffix: str = "") -> str:
    """Which reader fits these bytes: 'docx', 'pdf', 'html', 'markdown' or 'text' ('zip'/'doc' are refused).

    Raises ReportReadError for bytes that are not text in any encoding we know.
    """
    if data.startswith(b"%PDF"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return _sniff_zip(data)
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "doc"
    decoded = text.decode(data)
    if decoded.lstrip().startswith("<") and _HTML_TAG.search(decoded):
        return "html"
    if _has_pipe_table(decoded):
        return "markdown"
    # Content was not conclusive: the extension breaks the tie.
    if suffix in (".html", ".htm", ".xhtml") and _HTML_TAG.search(decoded):
        return "html"
    if suffix in (".md", ".markdown"):
        return "markdown"
    return "text"


def _sniff_zip(data: bytes) -> str:
    try:
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        # A truncated .docx still shows its member names in the local headers: let the docx reader say it is damaged.
        return "docx" if b"word/document.xml" in data else "zip"
    return "docx" if "word/document.xml" in names else "zip"


def _has_pipe_table(decoded: str) -> bool:
    lines = decoded.splitlines()
    return any(
        _PIPE_ROW.match(line) and _PIPE_SEPARATOR.match(following)
        for line, following in zip(lines, lines[1:])
    )


def read_document(path: Path, knowledge: Knowledge) -> Document:
    """The blocks of a report file; the knowledge gives the format's words a reader looks for (a page's title and
    section heads, a PDF line's prose marks)."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:  # checked before reading, so a huge file is never loaded
            raise ReportReadError(f"{path.name} is larger than {MAX_BYTES // (1024 * 1024)} MiB")
        data = path.read_bytes()
    except OSError as e:
        raise ReportReadError(f"cannot read {path}: {e.strerror or e}") from None
    if not data.strip():
        raise ReportReadError(f"{path.name} is empty")
    try:
        kind = sniff(data, path.suffix.lower())
    except ReportReadError as e:
        raise ReportReadError(f"{path.name}: {e}") from None
    if kind in REFUSED:
        raise ReportReadError(f"{path.name} is {REFUSED[kind]}; readable formats: PDF, Word .docx, HTML, Markdown, text")
    module = _module(kind)  # outside the try: a missing dependency is an install fault, not a bad file
    try:
        blocks = module.read(data, knowledge)
        meta = module.meta(data, knowledge) if hasattr(module, "meta") else {}
    except ReportReadError as e:
        raise ReportReadError(f"{path.name}: {e}") from None
    except Exception as e:  # noqa: BLE001 — third-party parsers raise anything on damaged files; callers get one type
        raise ReportReadError(
            f"{path.name} looks like {KIND_NAMES[kind]} but cannot be read, it may be damaged ({type(e).__name__}: {e})"
        ) from None
    if not blocks:
        raise ReportReadError(f"{path.name} ({KIND_NAMES[kind]}) contains no text")
    return Document(source=path.name, blocks=blocks, source_hash=hashlib.sha256(data).hexdigest(), meta=meta)


def _module(kind: str):
    """The reader module: `read(data, knowledge) -> blocks`, and optionally `meta(data, knowledge) -> {"标题": …}`."""
    return importlib.import_module(f".{READERS[kind]}", __name__)
