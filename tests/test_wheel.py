"""The package as a citizen's server gets it: a wheel installed with its real dependencies into a fresh venv,
asked from another directory (nothing of the checkout on the path)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _run(*cmd, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300, **kwargs)


@pytest.mark.slow
def test_wheel_installs_and_answers_from_another_directory(tmp_path):
    # built from a clean copy: setuptools' build/ in the checkout may hold modules deleted since
    source = tmp_path / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".*", "build", "*.egg-info", "__pycache__", "tests", "benchmarks", "docs", "*.db"))
    dist = tmp_path / "dist"
    built = _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(source))
    assert built.returncode == 0, built.stderr
    (wheel,) = dist.glob("qa_service-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "qa_service/knowledge_data/units.toml" in names
    assert "qa_service/knowledge_data/reports/zhifu_xzsp_2020.txt" in names

    venv = tmp_path / "venv"
    assert _run(sys.executable, "-m", "venv", "--without-pip", str(venv)).returncode == 0
    # The real dependencies, resolved from the package index as CI would (no --no-deps, no access to the test
    # venv's packages); this venv's pip installs into the fresh one, and skipping .pyc compilation halves the time.
    installed = _run(sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install", "-q",
                     "--no-compile", str(wheel))
    assert installed.returncode == 0, installed.stderr

    env = {k: v for k, v in os.environ.items() if not k.startswith("QA_") and k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(XDG_CACHE_HOME=str(tmp_path / "cache"), HOME=str(tmp_path))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    asked = _run(str(venv / "bin" / "qa-service"), "ask", "2020年收到多少件政府信息公开申请？", cwd=elsewhere, env=env)
    assert asked.returncode == 0, asked.stderr
    assert "2件" in asked.stdout
    assert (tmp_path / "cache" / "qa-service" / "index.db").is_file()  # built from the knowledge the wheel carries
