"""The question log: every question asked on any channel, in its own SQLite file.

It is a separate file so that the index stays read-only while serving. OpenIDs are never stored: only a salted
SHA-256 of them, enough to count distinct askers and nothing more.
"""
from __future__ import annotations

import hashlib
import re
import sqlite3
import threading
from datetime import datetime, timezone
from pathlib import Path

from .errors import QAError
from .model import Answer

CHANNELS = ("cli", "http", "wechat", "page")
TABLE = "questions"
SCHEMA = f"""CREATE TABLE IF NOT EXISTS {TABLE} (
    id INTEGER PRIMARY KEY, time TEXT NOT NULL, channel TEXT NOT NULL, question TEXT NOT NULL,
    normalized TEXT NOT NULL, found INTEGER NOT NULL, figure TEXT, report TEXT, latency_ms INTEGER,
    user_hash TEXT, feedback INTEGER)"""

# Trailing punctuation and inner whitespace do not make a different question: "几件？" and "几件" count together.
_NOISE = re.compile(r"[\s?？。.!！~～]+")


class UnknownLogEntry(QAError):
    """Feedback for a log row that does not exist."""

    status = 404


def normalize(question: str) -> str:
    return _NOISE.sub("", question).lower()


def hash_user(user: str, salt: str) -> str:
    return hashlib.sha256(f"{salt}\x00{user}".encode()).hexdigest()


class QuestionLog:
    """Append-only log of questions. Safe to share between threads; several processes may write at once (WAL)."""

    def __init__(self, path: Path, salt: str):
        self.path = Path(path)
        self.salt = salt
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # One connection guarded by a lock: writes are tiny, and FastAPI calls us from its thread pool.
        # timeout=5: other uvicorn workers (or `qa-service ask`) may hold the write lock for a moment.
        # Plain sqlite3: `qa-service ask` writes here, and start-up time matters more than a helper library.
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(self.path, check_same_thread=False, timeout=5)
        self._conn.row_factory = sqlite3.Row
        with self._conn:
            self._conn.execute("PRAGMA journal_mode=WAL")
            # a log row lost to a power cut is acceptable; an fsync on every question is not (it halves throughput)
            self._conn.execute("PRAGMA synchronous=NORMAL")
            self._conn.execute(SCHEMA)
            self._conn.execute(f"CREATE INDEX IF NOT EXISTS idx_{TABLE}_normalized ON {TABLE} (normalized)")

    @classmethod
    def from_settings(cls, settings) -> QuestionLog:
        return cls(settings.question_log, settings.log_salt)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def record(self, channel: str, answer: Answer, latency_ms: float, user: str | None = None) -> int:
        """Store one asked question; return its row id (the handle for feedback)."""
        if channel not in CHANNELS:
            raise ValueError(f"channel must be one of {CHANNELS}, got {channel!r}")
        row = {
            "time": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "channel": channel,
            "question": answer.question,
            "normalized": normalize(answer.question),
            "found": int(answer.found),
            "figure": answer.figure.text if answer.figure else None,
            "report": answer.source.report if answer.source else None,
            "latency_ms": round(latency_ms),
            "user_hash": hash_user(user, self.salt) if user else None,
            "feedback": None,
        }
        columns = ", ".join(row)
        with self._lock, self._conn:
            cursor = self._conn.execute(f"INSERT INTO {TABLE} ({columns}) VALUES ({', '.join('?' * len(row))})",
                                        list(row.values()))
            return cursor.lastrowid

    def rows(self) -> list[dict]:
        """Every logged question, oldest first (for export and checks)."""
        with self._lock:
            return [dict(r) for r in self._conn.execute(f"SELECT * FROM {TABLE} ORDER BY id")]

    def feedback(self, entry_id: int, helpful: bool) -> None:
        """Record a rating; a later rating of the same answer replaces the earlier one."""
        with self._lock, self._conn:
            cursor = self._conn.execute(f"UPDATE {TABLE} SET feedback = ? WHERE id = ?", [int(helpful), entry_id])
        if cursor.rowcount == 0:
            raise UnknownLogEntry(f"没有编号为 {entry_id} 的提问记录")

    def summary(self, limit: int = 20) -> dict[str, list[dict]]:
        """Most asked, unanswered and down-voted questions, each most frequent first; a tie, the most recently
        asked first (by row id: the time column has whole seconds, so two questions in one second would tie)."""
        group = f"""
            SELECT (SELECT question FROM {TABLE} i WHERE i.normalized = o.normalized ORDER BY id DESC LIMIT 1)
                   AS question,
                   count(*) AS count, sum(found) AS found, coalesce(sum(feedback = 0), 0) AS unhelpful,
                   coalesce(sum(feedback = 1), 0) AS helpful, max(time) AS last_asked
            FROM {TABLE} o WHERE {{where}} GROUP BY normalized HAVING {{having}}
            ORDER BY {{order}} DESC, max(id) DESC LIMIT ?
        """
        queries = {
            "most_asked": ("1", "1", "count"),
            "unanswered": ("found = 0", "1", "count"),
            "down_voted": ("1", "unhelpful > 0", "unhelpful"),
        }
        with self._lock:
            return {
                name: [dict(r) for r in self._conn.execute(group.format(where=w, having=h, order=o), [limit])]
                for name, (w, h, o) in queries.items()
            }


def format_summary(summary: dict[str, list[dict]]) -> str:
    """Plain text for `qa-service log`: three short ranked lists."""
    titles = {"most_asked": "最常问的问题", "unanswered": "没有找到答案的问题", "down_voted": "被评为没帮助的问题"}
    lines: list[str] = []
    for name, title in titles.items():
        lines.append(f"{title}：")
        rows = summary.get(name) or []
        if not rows:
            lines.append("  （无）")
        for r in rows:
            n = r["unhelpful"] if name == "down_voted" else r["count"]
            lines.append(f"  {n:>4}  {r['question']}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
