"""Shared fixtures: real files in temp dirs, nothing mocked."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED_REPORT = ROOT / "qa_service" / "knowledge_data" / "reports" / "zhifu_xzsp_2020.txt"


@pytest.fixture(scope="session")
def seed_db(tmp_path_factory) -> Path:
    """An index built from the seed report, as `qa-service ingest --db PATH zhifu_xzsp_2020.txt` does."""
    from qa_service.index import ingest

    db = tmp_path_factory.mktemp("seed") / "index.db"
    ingest([SEED_REPORT], db)
    return db
