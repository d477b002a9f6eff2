"""QA_KNOWLEDGE names one knowledge folder and every face answers from it: the face that starts the program builds
the Knowledge from settings and hands it down (nothing falls back to the shipped copy by default argument)."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from qa_service import http
from qa_service.cli import app
from qa_service.settings import DEFAULT_KNOWLEDGE, load_settings

QUESTION = "对簿公堂的有几件"  # 对簿公堂 is in no word list until the test adds it as a synonym of 行政诉讼
runner = CliRunner()


@pytest.fixture()
def knowledge(tmp_path) -> Path:
    folder = tmp_path / "knowledge"
    shutil.copytree(DEFAULT_KNOWLEDGE, folder)
    synonyms = folder / "synonyms.toml"
    text = synonyms.read_text(encoding="utf-8")
    head = '"行政诉讼" = ['
    assert head in text
    synonyms.write_text(text.replace(head, head + '"对簿公堂", ', 1), encoding="utf-8")
    return folder


@pytest.fixture()
def env(tmp_path, knowledge, monkeypatch):
    monkeypatch.setenv("QA_KNOWLEDGE", str(knowledge))
    monkeypatch.setenv("QA_DB", str(tmp_path / "index.db"))
    monkeypatch.setenv("QA_LOG_DB", str(tmp_path / "log.db"))
    return tmp_path


def test_the_shipped_knowledge_does_not_know_the_word(tmp_path, monkeypatch):
    monkeypatch.setenv("QA_DB", str(tmp_path / "index.db"))
    monkeypatch.setenv("QA_LOG_DB", str(tmp_path / "log.db"))
    monkeypatch.delenv("QA_KNOWLEDGE", raising=False)
    r = runner.invoke(app, ["ask", "--json", QUESTION])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["found"] is False


def test_a_synonym_in_qa_knowledge_answers_on_the_cli(env):
    r = runner.invoke(app, ["ask", "--json", QUESTION])
    assert r.exit_code == 0, r.output
    answer = json.loads(r.stdout)
    assert answer["found"] is True and answer["figure"]["value"] == 4


def test_a_synonym_in_qa_knowledge_answers_over_http(env):
    with TestClient(http.create_app(load_settings(dotenv=None))) as client:
        r = client.get("/api/ask", params={"q": QUESTION})
    assert r.status_code == 200
    answer = r.json()
    assert answer["found"] is True and answer["figure"]["value"] == 4
