"""Shared fixtures: real files in temp dirs, nothing mocked."""
from __future__ import annotations

from pathlib import Path

import pytest

from qa_service.knowledge import load_knowledge
from qa_service.settings import DEFAULT_KNOWLEDGE

ROOT = Path(__file__).resolve().parent.parent
SEED_REPORT = ROOT / "qa_service" / "knowledge_data" / "reports" / "zhifu_xzsp_2020.txt"
# the shipped knowledge, loaded once: tests stand where a face would, and hand it down
KNOWLEDGE = load_knowledge(DEFAULT_KNOWLEDGE)


@pytest.fixture(scope="session")
def seed_db(tmp_path_factory) -> Path:
    """An index built from the seed report, as `qa-service ingest --db PATH zhifu_xzsp_2020.txt` does."""
    from qa_service.ingest import ingest

    db = tmp_path_factory.mktemp("seed") / "index.db"
    ingest([SEED_REPORT], db, KNOWLEDGE)
    return db
