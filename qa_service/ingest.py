"""Ingest step: report files read, structured, checked against the same body's neighbouring years and written
into the index (reports, passages with FTS5 over jieba tokens, facts) all-or-nothing; and the default index built
from the knowledge folder's reports/.

Only the commands that write (ingest, and whatever builds the default index) load this module: serving reads the
index through index.py.
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
import sqlite3
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import IndexMissingError, ReportReadError
from .index import read_only
from .knowledge import Knowledge
from .model import Check, Fact, Report
from .text import get_tokenizer

if TYPE_CHECKING:
    import sqlite_utils

FTS_TOKENIZE = "unicode61 tokenchars '.%'"
REPORT_SUFFIXES = {".txt", ".html", ".htm", ".md", ".docx", ".pdf"}


def read_report(path: Path, knowledge: Knowledge, body: str | None = None, year: int | None = None) -> Report:
    """body/year: what a clerk says when the file does not (or says it wrongly)."""
    # the reading side (parsers, table placement) is loaded only by commands that read files, not by serving
    from .read import read_document
    from .structure import build_report

    doc = read_document(path, knowledge)
    return build_report(doc, knowledge, report_id=_slug(Path(path).stem), body=body, year=year)


def _slug(stem: str) -> str:
    return re.sub(r"[^\w\-]+", "_", stem).strip("_") or "report"


def ingest(paths: Iterable[Path], db: Path, knowledge: Knowledge, progress: Callable[[str], None] | None = None,
           auto: bool = False, fresh: bool = False, meta: dict[str, str] | None = None,
           refused: list[tuple[Path, str]] | None = None, body: str | None = None,
           year: int | None = None) -> list[Report]:
    """Read every file first, then write them into a copy of the index and rename it over the original: a kill
    half-way changes nothing, and readers of the index never wait on the writer.

    A file that cannot be read stops the whole ingest, unless `refused` is given: then it is skipped and listed
    there with the reason, and the others are written. A report replaces the one of the same body and year.
    fresh: start from an empty index. body/year: what a clerk says when the files do not."""
    reports = []
    seen: dict[tuple[str, int], str] = {}
    for path in map(Path, paths):
        if progress:
            progress(knowledge.note("reading", name=path.name))
        try:
            r = read_report(path, knowledge, body=body, year=year)
            if (r.body, r.year) in seen:
                raise ReportReadError(f"{r.source} and {seen[(r.body, r.year)]} are both {r.body} {r.year}")
        except ReportReadError as e:
            if refused is None:
                raise
            refused.append((path, str(e)))
            continue
        seen[(r.body, r.year)] = r.source
        reports.append(r)
    if not reports:
        return reports
    db = Path(db)
    db.parent.mkdir(parents=True, exist_ok=True)
    with _exclusive(db, lambda: progress and progress(knowledge.note("waiting"))):
        fd, tmp = tempfile.mkstemp(prefix=f".{db.name}-", suffix=".tmp", dir=db.parent)
        os.close(fd)
        try:
            if db.exists() and not fresh:
                shutil.copyfile(db, tmp)
            else:
                os.unlink(tmp)
            _write(Path(tmp), reports, knowledge, progress, auto, meta or {})
            os.replace(tmp, db)
        finally:
            for leftover in (tmp, tmp + "-journal"):
                if os.path.exists(leftover):
                    os.unlink(leftover)
    return reports


@contextmanager
def _exclusive(db: Path, on_wait: Callable[[], object]) -> Iterator[None]:
    """One writer at a time: an exclusive flock on DB.lock beside the index, held from copying the index to
    renaming the copy over it, so a second ingest waits (saying so once) instead of renaming its copy over the
    first one's and losing its reports. The lock file stays (removing it would let a third writer lock a new
    file while the second still holds the old one); the kernel drops the lock when its holder ends, even killed."""
    with open(db.with_name(db.name + ".lock"), "a") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            on_wait()
            fcntl.flock(f, fcntl.LOCK_EX)
        yield  # closing the file releases the lock


def _write(db: Path, reports: list[Report], knowledge: Knowledge, progress, auto: bool, meta: dict) -> None:
    import sqlite_utils

    database = sqlite_utils.Database(db)
    try:
        with database.atomic():
            _ensure_schema(database)
            for r in reports:
                _write_report(database, r, knowledge)
                if progress:
                    progress(knowledge.note("writing", body=r.body, year=r.year))
            for r in reports:
                r.checks += _cross_year_checks(database, r, knowledge)
            # an index that a person added reports to is theirs: it is no longer rebuilt from the knowledge folder
            _set_meta(database, words_hash=knowledge.words_hash(), auto="1" if auto else "0", **meta)
    finally:
        database.close()


def _ensure_schema(db: sqlite_utils.Database) -> None:
    if "reports" in db.table_names():
        return
    db["reports"].create({"id": str, "body": str, "year": int, "title": str, "version": str, "source": str,
                          "source_hash": str, "published": str, "ingested_at": str, "notes": str,
                          "passages": int, "facts": int}, pk="id")
    db["reports"].create_index(["body", "year"], unique=True)
    db["passages"].create({"id": int, "report_id": str, "section": str, "text": str, "paragraph": str,
                           "tokens": str, "terms": str}, pk="id", foreign_keys=[("report_id", "reports", "id")])
    db["passages"].create_index(["report_id"])
    db["passages"].enable_fts(["tokens"], tokenize=FTS_TOKENIZE, create_triggers=True)
    db["facts"].create({"id": int, "report_id": str, "section": str, "row": str, "column": str, "value": float,
                        "unit": str, "text": str, "qualifier": str, "passage": str, "kind": str, "certain": int,
                        "key": str, "label_terms": str, "context_terms": str},
                       pk="id", foreign_keys=[("report_id", "reports", "id")])
    db["facts"].create_index(["report_id"])
    db["checks"].create({"report_id": str, "rule": str, "ok": int, "detail": str})
    db["checks"].create_index(["report_id"])
    db["meta"].create({"key": str, "value": str}, pk="key")


def _set_meta(db: sqlite_utils.Database, **values: str) -> None:
    db["meta"].upsert_all([{"key": k, "value": v} for k, v in values.items()], pk="key")



def _write_report(db: sqlite_utils.Database, r: Report, knowledge: Knowledge) -> None:
    old = [row["id"] for row in db.query("select id from reports where (body = ? and year = ?) or id = ?",
                                         [r.body, r.year, r.id])]
    for rid in old:
        for table in ("passages", "facts", "checks", "reports"):
            db.execute(f"delete from {table} where {'id' if table == 'reports' else 'report_id'} = ?", [rid])
    tk = get_tokenizer(knowledge)
    db["reports"].insert({
        "id": r.id, "body": r.body, "year": r.year, "title": r.title, "version": r.version, "source": r.source,
        "source_hash": r.source_hash, "published": r.published,
        "ingested_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "notes": json.dumps(r.notes, ensure_ascii=False), "passages": len(r.passages), "facts": len(r.facts)})
    db["passages"].insert_all({
        "report_id": r.id, "section": p.section, "text": p.text, "paragraph": p.paragraph,
        "tokens": " ".join(tk.tokens(p.text)), "terms": " ".join(tk.terms(p.text, keep_surfaces=True))}
        for p in r.passages)
    words = knowledge.format["index"]
    headings = {p.text: _heading(p.paragraph, words) for p in r.passages}
    cues = {name: " ".join(words) for name, words in knowledge.section_cues().items()}
    db["facts"].insert_all(_fact_row(r.id, f, tk, words, headings.get(f.passage, ""), cues) for f in r.facts)
    db["checks"].insert_all({"report_id": r.id, "rule": c.rule, "ok": int(c.ok), "detail": c.detail}
                            for c in r.checks)


def _heading(paragraph: str, words: dict) -> str:
    """The short heading a paragraph opens with (6.建议提案办理。): context for every figure under it."""
    m = re.match(words["heading"], paragraph)
    return m.group(1) if m else ""


def _carried(db: sqlite_utils.Database, body: str, year: int, key: str) -> tuple[str | None, dict[str, float]]:
    rows = list(db.query(
        "select reports.id as rid, facts.column as col, facts.value as value from facts join reports "
        "on reports.id = facts.report_id where reports.body = ? and reports.year = ? and facts.key = ? "
        "and facts.kind = 'table'", [body, year, key]))
    return (rows[0]["rid"] if rows else None), {json.loads(r["col"])[-1]: r["value"] for r in rows}


def _cross_year_checks(db: sqlite_utils.Database, r: Report, knowledge: Knowledge) -> list[Check]:
    """Compare with the same body's neighbouring years in the index; stored with the later year's report."""
    from .consistency import carry_over_checks

    out = []
    for year in (r.year - 1, r.year):
        _, before = _carried(db, r.body, year, "carried_out")
        later_id, after = _carried(db, r.body, year + 1, "carried_in")
        checks = carry_over_checks(before, after, year, r.body, knowledge)
        if later_id and checks:
            db.execute("delete from checks where report_id = ? and rule = ?", [later_id, checks[0].rule])
            db["checks"].insert_all({"report_id": later_id, "rule": c.rule, "ok": int(c.ok), "detail": c.detail}
                                    for c in checks)
            out += checks
    return out


def _item_number(label: str, words: dict) -> list[str]:
    """Sub-items are numbered within their group (3.其他): a question may name one as 第3项."""
    m = re.match(words["item_number"], label)
    return [words["item_name"].format(n=m.group(1))] if m else []


def _fact_row(report_id: str, f: Fact, tk, words: dict, heading: str = "", cues: dict[str, str] | None = None) -> dict:
    """words: format.toml's [index] table."""
    cues = cues or {}
    if f.kind == "prose":  # the unit is part of what is counted (参训 156 人次)
        label, context = f.row[0] + " " + f.unit, f.passage + " " + heading
    else:
        # the block item (第二十条第（九）项) and header words (信息内容, 申请人情况) name no figure
        prefixes, unnamed = tuple(words["unnamed_prefixes"]), set(words["unnamed"])
        parts = [x for x in f.row + f.column if not x.startswith(prefixes) and x not in unnamed]
        parts += _item_number(f.row[-1], words)
        label, context = " ".join(parts), f.section + " " + cues.get(f.section, "")
        if f.kind == "derived":  # its parts, as context: 企业、律所这些法人… names the sum by its parts
            context += " " + f.qualifier
    return {"report_id": report_id, "section": f.section, "row": json.dumps(f.row, ensure_ascii=False),
            "column": json.dumps(f.column, ensure_ascii=False), "value": f.value, "unit": f.unit, "text": f.text,
            "qualifier": f.qualifier, "passage": f.passage, "kind": f.kind, "certain": int(f.certain),
            "key": f.key, "label_terms": " ".join(tk.terms(label, keep_surfaces=True)),
            "context_terms": " ".join(tk.terms(context, keep_surfaces=True))}


# ---------- the default index, built from the shipped knowledge ----------

def knowledge_sources(knowledge: Knowledge) -> list[Path]:
    d = knowledge.reports_dir
    return sorted(p for p in d.iterdir() if p.suffix.lower() in REPORT_SUFFIXES) if d.is_dir() else []


def knowledge_hash(knowledge: Knowledge) -> str:
    h = hashlib.sha256(knowledge.words_hash().encode())
    for p in knowledge_sources(knowledge):
        h.update(p.name.encode() + hashlib.sha256(p.read_bytes()).digest())
    return h.hexdigest()


_build_lock = threading.Lock()


def ensure_index(db: Path, knowledge: Knowledge) -> Path:
    """The index at db, built from the knowledge folder when missing, and rebuilt when it was built from that
    folder and a source or word file changed since (content hash)."""
    db = Path(db)
    with _build_lock:
        if db.exists():
            conn = read_only(db)
            try:
                meta = dict(conn.execute("select key, value from meta").fetchall())
            except sqlite3.DatabaseError:
                meta = {}
            finally:
                conn.close()
            auto, built = meta.get("auto", "0"), meta.get("knowledge_hash", "")
            if auto != "1" or built == knowledge_hash(knowledge):
                return db
        build_from_knowledge(db, knowledge)
    return db


def build_from_knowledge(db: Path, knowledge: Knowledge) -> None:
    """The whole index anew from the knowledge folder's reports/ (ingest writes a copy and renames it into place)."""
    sources = knowledge_sources(knowledge)
    if not sources:
        raise IndexMissingError(f"no report files in {knowledge.reports_dir}")
    ingest(sources, db, knowledge, auto=True, fresh=True,
           meta={"knowledge_hash": knowledge_hash(knowledge)})
