"""The index as serving sees it: the SQLite file ingest.py wrote, opened read-only (`mode=ro`), every query
limited in steps, per-report facts and passages cached in memory.
"""
from __future__ import annotations

import json
import sqlite3
import threading
from functools import lru_cache
from pathlib import Path

from .errors import IndexMissingError

QUERY_STEPS_LIMIT = 2_000_000  # VM steps a serving query may take before it is interrupted


def read_only(path: Path) -> sqlite3.Connection:
    """A connection that cannot write (mode=ro), usable from any thread (callers serialise their use)."""
    conn = sqlite3.connect(f"file:{Path(path).resolve()}?mode=ro", uri=True, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    return conn


class Index:
    """The index opened read-only for serving; per-report facts and passages are cached in memory."""

    def __init__(self, path: Path):
        self.path = Path(path)
        if not self.path.exists():
            raise IndexMissingError(f"no index at {self.path}; add a report with: qa-service ingest --db {self.path} FILE")
        self._conn = read_only(self.path)
        self._conn.set_progress_handler(self._too_long, 10_000)
        self._steps = 0
        self._lock = threading.Lock()
        try:
            self._reports = [dict(r) for r in self._conn.execute("select * from reports order by body, year")]
        except sqlite3.DatabaseError as e:
            raise IndexMissingError(f"{self.path} is not an index: {e}") from None
        fields = ("id", "body", "year", "title", "version", "source", "published", "ingested_at", "passages", "facts")
        self._listed = [{k: r[k] for k in fields} for r in self._reports]
        self._by_id = {r["id"]: r for r in self._reports}
        # a report's passages are written together, so their rowids are one range: FTS5 searches only it
        self._rowids = {r[0]: (r[1], r[2]) for r in self._conn.execute(
            "select report_id, min(id), max(id) from passages group by report_id")}
        self.facts = lru_cache(maxsize=256)(self._facts)
        self.passages = lru_cache(maxsize=256)(self._passages)

    def _too_long(self) -> int:
        self._steps += 10_000
        return int(self._steps > QUERY_STEPS_LIMIT)

    def _query(self, sql: str, params=()) -> list[sqlite3.Row]:
        with self._lock:  # one connection shared by the server's threads
            self._steps = 0
            return self._conn.execute(sql, params).fetchall()

    def reports(self) -> list[dict]:
        """The indexed reports (built once: serving never writes to the index)."""
        return self._listed

    def report(self, report_id: str) -> dict | None:
        return self._by_id.get(report_id)

    def checks(self, report_id: str) -> list[dict]:
        return [dict(r) for r in self._query("select rule, ok, detail from checks where report_id = ?", [report_id])]

    def _facts(self, report_id: str) -> tuple[dict, ...]:
        rows = self._query("select * from facts where report_id = ? order by id", [report_id])
        out = []
        for r in rows:
            d = dict(r)
            d["row"], d["column"] = tuple(json.loads(d["row"])), tuple(json.loads(d["column"]))
            d["label_terms"] = frozenset(d["label_terms"].split())
            d["context_terms"] = frozenset(d["context_terms"].split())
            out.append(d)
        return tuple(out)

    def _passages(self, report_id: str) -> tuple[dict, ...]:
        rows = self._query("select id, section, text, paragraph, terms from passages where report_id = ? order by id",
                           [report_id])
        return tuple({**dict(r), "terms": frozenset(r["terms"].split())} for r in rows)

    def search(self, report_id: str, tokens: list[str], limit: int = 20) -> list[tuple[int, float]]:
        """Passage ids by FTS5 bm25 (lower is better) for any of the tokens."""
        expr = fts_expression(tokens)
        if not expr or report_id not in self._rowids:
            return []
        sql = ("select rowid, rank from passages_fts where passages_fts match ? and rowid between ? and ? "
               "order by rank limit ?")
        try:
            return [(r[0], r[1]) for r in self._query(sql, [expr, *self._rowids[report_id], limit])]
        except sqlite3.OperationalError as e:
            if str(e) != "interrupted":  # only the step limit is expected: anything else is a bug, not "no hits"
                raise
            return []

    def close(self) -> None:
        self._conn.close()


def fts_expression(tokens: list[str]) -> str:
    """An FTS5 query that ORs every token, each quoted (inner quotes doubled): user text never reaches MATCH
    as syntax."""
    quoted = []
    for t in dict.fromkeys(tokens):
        t = "".join(ch for ch in t if ch >= " ").strip()  # a NUL ends an FTS5 string early
        if t:
            quoted.append('"' + t.replace('"', '""') + '"')
    return " OR ".join(quoted[:32])


def open_index(path: Path) -> Index:
    """The index, read-only (nothing that answers ever writes to it)."""
    return Index(path)
