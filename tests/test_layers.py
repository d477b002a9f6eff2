"""Imports flow one way: the core (read → index → understand → retrieve → answer) never imports a face, so a face
can be deleted without touching the core (STYLE.md 1). Checked on the source, every import statement anywhere in a
module (inside functions and TYPE_CHECKING blocks too)."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "qa_service"
FACES = {"cli", "cli_serve", "http", "wechat", "service", "page", "__main__"}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(source: str, module: str, is_package: bool = False) -> set[str]:
    """Absolute names of the qa_service modules that the source of `module` imports."""
    package = module if is_package else module.rsplit(".", 1)[0]
    out = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            out.add(target)
            out.update(f"{target}.{a.name}" for a in node.names)  # from . import wechat
    return {m for m in out if m == "qa_service" or m.startswith("qa_service.")}


def is_face(module: str) -> bool:
    parts = module.split(".")
    return len(parts) > 1 and parts[1] in FACES


CORE = sorted(p for p in PACKAGE.rglob("*.py") if not is_face(module_name(p)))


def test_the_core_is_found():
    names = {module_name(p) for p in CORE}
    assert {"qa_service.answer", "qa_service.index", "qa_service.read", "qa_service.read.html"} <= names


@pytest.mark.parametrize("path", CORE, ids=module_name)
def test_core_module_imports_no_face(path: Path):
    module = module_name(path)
    faces = sorted(m for m in imported(path.read_text(encoding="utf-8"), module, path.name == "__init__.py")
                   if is_face(m))
    assert not faces, f"{module_name(path)} imports {faces}"


def test_the_check_sees_a_face_import():
    source = "from ..http import create_app\nfrom .. import wechat\nimport qa_service.cli\nfrom .pdf import x\n"
    assert {m for m in imported(source, "qa_service.read.x") if is_face(m)} == {
        "qa_service.http", "qa_service.http.create_app", "qa_service.wechat", "qa_service.cli"}


@pytest.mark.parametrize("face,allowed", [
    ("service", set()),  # shared by the faces: it imports none of them
    ("wechat", {"service"}),  # mounted by http.py, never the other way round (no import circle)
    ("cli_serve", set()),  # runs http.py's app by its import string
])
def test_faces_import_only_what_is_below_them(face: str, allowed: set[str]):
    path = PACKAGE / f"{face}.py"
    faces = {m.split(".")[1] for m in imported(path.read_text(encoding="utf-8"), f"qa_service.{face}") if is_face(m)}
    assert faces <= allowed | {face}, f"{face}.py imports {sorted(faces - allowed)}"


@pytest.mark.parametrize("module", ["index", "answer", "retrieve", "understand"])
def test_serving_reads_without_the_ingest_side(module: str):
    """The read-only store and the answering side never import writing or reading files (ingest.py, read/…)."""
    path = PACKAGE / f"{module}.py"
    writers = {"ingest", "read", "structure", "tables", "consistency"}
    names = {m.split(".")[1] for m in imported(path.read_text(encoding="utf-8"), f"qa_service.{module}")
             if m.count(".") >= 1}
    assert not names & writers, f"{module}.py imports {sorted(names & writers)}"
