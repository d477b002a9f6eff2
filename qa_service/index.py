"""Index step (STUB: being written now; signatures are final)."""
from __future__ import annotations

from pathlib import Path


class Index:
    """The SQLite index, opened read-only for serving."""

    def __init__(self, path: Path):
        self.path = Path(path)

    def reports(self) -> list[dict]:
        """One dict per report: id, body, year, title, version, source, ingested_at, passages, facts."""
        return []

    def close(self) -> None:
        pass


def open_index(path: Path, read_only: bool = True) -> Index:
    return Index(path)


def ensure_index(settings) -> Path:
    """Build the index at settings.db from knowledge/ when it is missing or stale; return its path."""
    return settings.db
