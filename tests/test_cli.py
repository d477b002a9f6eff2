"""The CLI in-process (exit code and exact text) and once through the installed command."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qa_service.cli import app

from conftest import ROOT, SEED_REPORT

runner = CliRunner()
DATA = ROOT / "tests" / "data"


@pytest.fixture()
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("QA_LOG_DB", str(tmp_path / "log.db"))
    monkeypatch.delenv("QA_DB", raising=False)
    return tmp_path


def test_ask_json(seed_db, env):
    r = runner.invoke(app, ["ask", "--db", str(seed_db), "--json", "行政诉讼中尚未审结的有几件"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert d["found"] is True and d["figure"]["value"] == 2


def test_ask_human(seed_db, env):
    r = runner.invoke(app, ["ask", "--db", str(seed_db), "政府集中采购总金额是多少？"])
    assert r.exit_code == 0
    assert r.stdout.splitlines()[0] == "据芝罘区行政审批服务局2020年政府信息公开工作年度报告，政府集中采购的采购总金额为317.7万元。"
    assert "来源：芝罘区行政审批服务局2020年政府信息公开工作年度报告 二、主动公开政府信息情况" in r.stdout


def test_ask_batch_keeps_order_and_count(seed_db, env):
    lines = ["行政复议案件有几件？", "", "今天天气怎么样？", '" OR 1=1 --', "全年主动公开了多少条政府信息？"]
    r = runner.invoke(app, ["ask", "--db", str(seed_db), "--json", "-"], input="\n".join(lines) + "\n")
    assert r.exit_code == 0
    out = [json.loads(x) for x in r.stdout.splitlines()]
    assert [o["question"] for o in out] == lines
    assert [o["found"] for o in out] == [True, False, False, False, True]
    assert out[4]["figure"]["value"] == 276


def test_ingest_prints_what_it_read(env):
    db = env / "i.db"
    r = runner.invoke(app, ["ingest", "--db", str(db), str(SEED_REPORT)])
    assert r.exit_code == 0, r.output
    assert "机关：芝罘区行政审批服务局  年度：2020  格式版本：2019" in r.stdout
    assert "勾稽核对：40/40 通过" in r.stdout


def test_a_bad_file_in_a_batch_is_named_and_skipped(env):
    # issue 10: one unreadable file no longer stops a batch; it is named with its reason, the rest is written
    # together, the reports already there stay, and the exit code says something was refused
    db = env / "i.db"
    assert runner.invoke(app, ["ingest", "--db", str(db), str(SEED_REPORT)]).exit_code == 0
    bad = env / "broken.txt"
    bad.write_text("这不是一份年度报告", encoding="utf-8")
    r = runner.invoke(app, ["ingest", "--db", str(db), str(DATA / "laishan_scj_2021.md"), str(bad)])
    assert r.exit_code == 1
    assert "未载入 broken.txt：broken.txt: no sections of an annual report found" in " ".join(r.output.split())
    assert "共2个文件：载入1个，未载入1个" in r.output
    listed = runner.invoke(app, ["reports", "--db", str(db), "--json"])
    assert sorted(x["id"] for x in json.loads(listed.stdout)) == ["laishan_scj_2021", "zhifu_xzsp_2020"]


def test_a_bad_file_changes_nothing_when_it_is_alone(env):
    db = env / "i.db"
    assert runner.invoke(app, ["ingest", "--db", str(db), str(SEED_REPORT)]).exit_code == 0
    before = db.read_bytes()
    bad = env / "broken.txt"
    bad.write_text("这不是一份年度报告", encoding="utf-8")
    r = runner.invoke(app, ["ingest", "--db", str(db), str(bad)])
    assert r.exit_code == 1
    assert "已写入" not in r.output
    assert db.read_bytes() == before


def test_replacing_same_body_and_year(env):
    db = env / "i.db"
    copy = env / "again.txt"
    shutil.copy(SEED_REPORT, copy)
    runner.invoke(app, ["ingest", "--db", str(db), str(SEED_REPORT)])
    assert runner.invoke(app, ["ingest", "--db", str(db), str(copy)]).exit_code == 0
    listed = json.loads(runner.invoke(app, ["reports", "--db", str(db), "--json"]).stdout)
    assert [x["id"] for x in listed] == ["again"]


def test_check_flags_a_wrong_total(env):
    r = runner.invoke(app, ["check", str(DATA / "bad_total_2021.txt")])
    assert r.exit_code == 1
    assert "不符 表三 总计列 = 各列之和：（一）予以公开：总计 18，各列之和 17" in r.stdout
    ok = runner.invoke(app, ["check", str(SEED_REPORT)])
    assert ok.exit_code == 0 and "勾稽核对：40/40 通过" in ok.stdout


def test_eval(seed_db, env, tmp_path):
    qs = tmp_path / "q.jsonl"
    qs.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in [
        {"id": "a", "q": "打官司的有几件", "expect": {"figure": ["4"]}},
        {"id": "b", "q": "今天天气怎么样", "expect": {"none": True}},
        {"id": "c", "q": "予以公开的有几件", "expect": {"figure": ["9"]}},
    ]), encoding="utf-8")
    r = runner.invoke(app, ["eval", "--db", str(seed_db), str(qs), "--failures"])
    assert r.exit_code == 0
    assert "accuracy 0.667 (2/3); answered-but-wrong 0.500 (1/2)" in r.stdout


def test_a_missing_index_is_built_from_the_knowledge(env):
    r = runner.invoke(app, ["reports", "--db", str(env / "nothing" / "x.db")])
    assert r.exit_code == 0
    assert "zhifu_xzsp_2020" in r.stdout


def test_a_missing_index_with_nothing_to_build_it_from_is_a_clear_error(env, monkeypatch):
    knowledge = env / "knowledge"
    shutil.copytree(ROOT / "qa_service" / "knowledge_data", knowledge, ignore=shutil.ignore_patterns("reports"))
    monkeypatch.setenv("QA_KNOWLEDGE", str(knowledge))
    r = runner.invoke(app, ["reports", "--db", str(env / "nothing" / "x.db")])
    assert r.exit_code == 1
    assert r.stderr == f"Error: no report files in {knowledge / 'reports'}\n"


def test_installed_command_answers(seed_db, env):
    exe = Path(sys.executable).parent / "qa-service"
    r = subprocess.run([str(exe), "ask", "--db", str(seed_db), "--json", "-"], input="采购花了多少钱\n",
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["figure"]["value"] == 317.7


def test_installed_command_error_has_no_traceback(env):
    exe = Path(sys.executable).parent / "qa-service"
    r = subprocess.run([str(exe), "ingest", "--db", str(env / "x.db"), str(env / "missing.txt")],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 1
    assert r.stderr == f"读取 missing.txt\n未载入 missing.txt：cannot read {env / 'missing.txt'}: No such file or directory\n"
    assert r.stdout == "共1个文件：载入0个，未载入1个\n"


def test_check_many_files_as_json(env):
    bad = env / "broken.txt"
    bad.write_text("这不是一份年度报告", encoding="utf-8")
    r = runner.invoke(app, ["check", "--json", str(SEED_REPORT), str(bad)])
    assert r.exit_code == 2  # a file could not be read
    seed, broken = (json.loads(line) for line in r.stdout.splitlines())
    assert broken == {"file": str(bad), "error": "broken.txt: no sections of an annual report found (一、总体情况 …)"}
    assert seed["error"] is None and seed["report"]["year"] == 2020
    cell = next(f for f in seed["facts"] if f["table"] == "三" and f["row"] == "一、本年新收政府信息公开申请数量"
                and f["column"] == "总计")
    assert (cell["value"], cell["certain"]) == (2, True)
    assert runner.invoke(app, ["check", "--json", str(SEED_REPORT)]).exit_code == 0


def test_a_clerk_says_body_and_year(env):
    r = runner.invoke(app, ["check", "--json", "--body", "某某局", "--year", "2019", str(SEED_REPORT)])
    assert json.loads(r.stdout)["report"]["body"] == "某某局"
    assert json.loads(r.stdout)["report"]["year"] == 2019


# Anonymous users write the question log; staff read it in a terminal. Markup must print as text and escape
# sequences (clear screen, OSC-8 hyperlinks) must never reach the terminal.
HOSTILE = {
    "[/red]": "[/red]",
    "[link=https://evil.example]点我[/link]": "[link=https://evil.example]点我[/link]",
    "清屏\x1b[2J了吗": "清屏了吗",
    "\x1b]8;;https://evil.example\x1b\\链接\x1b]8;;\x1b\\来了\x07": "链接来了",
}


def test_logged_user_text_prints_literally_without_control_characters(seed_db, env):
    for question in HOSTILE:
        r = runner.invoke(app, ["ask", "--db", str(seed_db), question])
        assert r.exit_code == 0, r.output
        assert "\x1b" not in r.output and "\x07" not in r.output
    r = runner.invoke(app, ["log", "--db", str(seed_db)])
    assert r.exit_code == 0, r.output
    assert "\x1b" not in r.output and "\x07" not in r.output
    for shown in HOSTILE.values():
        assert f"     1  {shown}\n" in r.stdout


def test_an_error_naming_user_text_prints_it_literally(seed_db, env):
    r = runner.invoke(app, ["ask", "--db", str(seed_db), "--report", "[/x]\x1b[2J", "行政复议案件有几件？"])
    assert r.exit_code == 0, r.output
    assert "\x1b" not in r.output and "“[/x]”" in r.stdout


def test_an_error_line_prints_the_file_name_literally(env):
    name = "[/red]\x1b[2J.txt"
    r = runner.invoke(app, ["check", str(env / name)])
    assert r.exit_code == 2, r.output
    assert "\x1b" not in r.output
    assert r.stderr.startswith("Error: ") and "[/red].txt" in r.stderr
