"""Read step: a report file -> Document (paragraphs and table grids). Nothing after this knows the file type.

The reader is chosen by content (magic bytes, markup), the extension only breaks ties.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from ..errors import ReportReadError
from ..model import Document
from . import text

MAX_BYTES = 50 * 1024 * 1024


def sniff(data: bytes, suffix: str = "") -> str:
    """Which reader fits these bytes: 'docx', 'pdf', 'html', 'markdown' or 'text'."""
    if data.startswith(b"%PDF"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return "docx"
    return "text"


def read_document(path: Path) -> Document:
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as e:
        raise ReportReadError(f"cannot read {path}: {e.strerror or e}") from None
    if not data.strip():
        raise ReportReadError(f"{path.name} is empty")
    if len(data) > MAX_BYTES:
        raise ReportReadError(f"{path.name} is larger than {MAX_BYTES // (1024 * 1024)} MiB")
    kind = sniff(data, path.suffix.lower())
    readers = {"text": text.read}
    if kind not in readers:
        raise ReportReadError(f"{path.name}: {kind} files cannot be read yet")
    blocks = readers[kind](data)
    return Document(source=path.name, blocks=blocks, source_hash=hashlib.sha256(data).hexdigest())
