"""The index: quoted FTS5 queries, read-only serving, the self-building default index."""
from __future__ import annotations

import shutil
from pathlib import Path
import sqlite3

import pytest

from qa_service.errors import IndexMissingError
from qa_service.index import fts_expression, open_index
from qa_service.ingest import ensure_index, ingest
from qa_service.knowledge import load_knowledge

from conftest import KNOWLEDGE, ROOT, SEED_REPORT

HOSTILE = ['"', '""', "a\"b", "AND", "OR", "NOT", "NEAR", "(", ")", "*", "^", ":", "-", "a-b", "col:x", "12.5%",
           "317.7", "申请*", "🙂", "\x00", "'", "OR 1=1 --", "{申请}", "申请 AND NOT 公开"]


def test_fts_expression_quotes_every_token():
    expr = fts_expression(['申请', 'a"b', "OR", "申请"])
    assert expr == '"申请" OR "a""b" OR "OR"'
    assert fts_expression([]) == "" and fts_expression(["  "]) == ""


@pytest.mark.parametrize("token", HOSTILE)
def test_hostile_tokens_reach_match_only_as_strings(seed_db, token):
    index = open_index(seed_db)
    # search swallows only the step limit's interruption: an FTS5 syntax error would raise here
    assert index.search("zhifu_xzsp_2020", [token, "申请"])  # and 申请 is still found beside the hostile token
    conn = sqlite3.connect(seed_db)
    expr = fts_expression([token])
    if expr:
        conn.execute("select rowid from passages_fts where passages_fts match ?", [expr]).fetchall()


def test_a_bad_match_expression_raises_and_only_the_step_limit_is_swallowed(seed_db, monkeypatch):
    import qa_service.index as index_module

    index = open_index(seed_db)
    monkeypatch.setattr(index_module, "fts_expression", lambda tokens: '"申请" AND')  # unquoted syntax
    with pytest.raises(sqlite3.OperationalError, match="syntax error"):
        index.search("zhifu_xzsp_2020", ["申请"])
    monkeypatch.setattr(index_module, "fts_expression", lambda tokens: '"申请"')
    monkeypatch.setattr(index_module, "QUERY_STEPS_LIMIT", -1)  # the first progress callback interrupts
    index._conn.set_progress_handler(index._too_long, 1)  # called every VM step, as on a long query
    assert index.search("zhifu_xzsp_2020", ["申请"]) == []


def test_numbers_stay_whole_in_the_index(seed_db):
    index = open_index(seed_db)
    hits = index.search("zhifu_xzsp_2020", ["380"])
    texts = {p["id"]: p["text"] for p in index.passages("zhifu_xzsp_2020")}
    assert any("380余篇" in texts[i] for i, _ in hits)


def test_serving_connection_is_read_only(seed_db):
    index = open_index(seed_db)
    with pytest.raises(sqlite3.OperationalError):
        index._conn.execute("delete from facts")


def test_missing_index_is_a_clear_error(tmp_path):
    with pytest.raises(IndexMissingError, match="qa-service ingest"):
        open_index(tmp_path / "none.db")


def test_default_index_builds_itself_and_follows_knowledge(tmp_path):
    knowledge = tmp_path / "knowledge"
    shutil.copytree(ROOT / "qa_service" / "knowledge_data", knowledge)
    path = tmp_path / "cache" / "index.db"
    db = ensure_index(path, load_knowledge(knowledge))
    assert [r["id"] for r in open_index(db).reports()] == ["zhifu_xzsp_2020"]
    built = db.stat().st_mtime_ns
    assert ensure_index(path, load_knowledge(knowledge)) == db and db.stat().st_mtime_ns == built  # not rebuilt
    shutil.copy(ROOT / "tests" / "data" / "laishan_scj_2021.md", knowledge / "reports" / "laishan_scj_2021.md")
    ensure_index(path, load_knowledge(knowledge))
    assert {r["id"] for r in open_index(db).reports()} == {"zhifu_xzsp_2020", "laishan_scj_2021"}


def test_an_ingested_index_is_not_rebuilt(tmp_path):
    db = tmp_path / "mine.db"
    ingest([SEED_REPORT], db, KNOWLEDGE)
    before = db.read_bytes()
    ensure_index(db, KNOWLEDGE)
    assert db.read_bytes() == before


def test_a_failure_while_writing_leaves_the_index_as_it_was(tmp_path, monkeypatch):
    import qa_service.ingest as ingest_module

    db = tmp_path / "i.db"
    ingest([SEED_REPORT], db, KNOWLEDGE)
    before = db.read_bytes()
    real, calls = ingest_module._write_report, []

    def failing(database, report, knowledge):
        calls.append(report.id)
        if len(calls) == 2:
            raise OSError("disk full")  # as a kill or a full disk half-way would
        real(database, report, knowledge)

    monkeypatch.setattr(ingest_module, "_write_report", failing)
    with pytest.raises(OSError):
        ingest([ROOT / "tests" / "data" / "laishan_scj_2021.md", ROOT / "tests" / "data" / "fushan_jiaoti_2021.html"],
               db, KNOWLEDGE)
    assert db.read_bytes() == before
    # no half-written copy left behind; the ingest lock's file stays by design (removing it would race)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["i.db", "i.db.lock"]


DATA = ROOT / "tests" / "data"


def _hold_lock(db):
    """What a running ingest holds: an exclusive flock on DB.lock beside the index."""
    import fcntl

    f = open(db.with_name(db.name + ".lock"), "a")
    fcntl.flock(f, fcntl.LOCK_EX)
    return f


def test_two_ingests_at_once_wait_for_each_other_and_both_land(tmp_path):
    import threading
    import time

    db = tmp_path / "x.db"
    ingest([SEED_REPORT], db, KNOWLEDGE)
    waiting = KNOWLEDGE.note("waiting")
    said: dict[str, list[str]] = {"a": [], "b": []}
    files = {"a": DATA / "laishan_scj_2021.md", "b": DATA / "fushan_jiaoti_2021.html"}
    held = _hold_lock(db)  # a third ingest is writing: both must wait for it, then for each other
    threads = [threading.Thread(target=ingest, args=([files[k]], db, KNOWLEDGE), kwargs={"progress": said[k].append})
               for k in files]
    try:
        for t in threads:
            t.start()
        deadline = time.monotonic() + 60
        while not all(waiting in s for s in said.values()) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert all(waiting in s for s in said.values()), said
        assert all(t.is_alive() for t in threads)
    finally:
        held.close()
    for t in threads:
        t.join(120)
    assert [s.count(waiting) for s in said.values()] == [1, 1]
    ids = {r["id"] for r in open_index(db).reports()}
    assert ids == {"zhifu_xzsp_2020", "laishan_scj_2021", "fushan_jiaoti_2021"}


def test_a_waiting_ingest_says_so_once_on_stderr(tmp_path):
    import subprocess
    import sys

    db = tmp_path / "x.db"
    ingest([SEED_REPORT], db, KNOWLEDGE)
    held = _hold_lock(db)
    exe = Path(sys.executable).parent / "qa-service"
    proc = subprocess.Popen([str(exe), "ingest", "--db", str(db), str(DATA / "laishan_scj_2021.md")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lines = []
        while KNOWLEDGE.note("waiting") not in lines:
            line = proc.stderr.readline()
            assert line, f"ended without waiting: {lines}"
            lines.append(line.rstrip("\n"))
        assert proc.poll() is None
    finally:
        held.close()
    out, rest = proc.communicate(timeout=120)
    assert proc.returncode == 0, rest
    assert (lines + rest.splitlines()).count("另一个载入正在进行，等待中…") == 1
    assert {r["id"] for r in open_index(db).reports()} == {"zhifu_xzsp_2020", "laishan_scj_2021"}
