"""Docs are examples that are checked: every command, every setting, the test command."""
from __future__ import annotations

import re
from pathlib import Path

from qa_service.cli import app
from qa_service.settings import ENV

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_cli_command_is_in_the_readme():
    names = [c.name or c.callback.__name__ for c in app.registered_commands]
    assert set(names) == {"ask", "ingest", "reports", "eval", "check", "serve", "log"}
    for name in names:
        assert f"qa-service {name}" in README, name


def test_every_setting_is_in_the_readme():
    for name in ENV:
        assert f"`{name}`" in README, name


def test_ci_runs_the_readme_test_command():
    command = re.search(r"Run the whole test suite.*?```console\n(.+?)\n```", README, re.S).group(1).strip()
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert command in ci


def test_install_command_asks_a_question():
    assert re.search(r"pip install[^\n]*-e \.[^\n]*&& \.venv/bin/qa-service ask ", README)
