"""Reading the seed report onto the national format: every table cell, prose facts, checks, notes."""
from __future__ import annotations

import pytest

from qa_service.ingest import read_report

from conftest import KNOWLEDGE, SEED_REPORT


@pytest.fixture(scope="module")
def seed():
    return read_report(SEED_REPORT, KNOWLEDGE)


def cells(report, prefix):
    return {(f.row, f.column[-1]): f.value for f in report.facts if f.kind == "table" and f.section.startswith(prefix)}


def test_title_body_year_version_date(seed):
    assert (seed.body, seed.year, seed.version) == ("芝罘区行政审批服务局", 2020, "2019")
    assert seed.title == "芝罘区行政审批服务局2020年政府信息公开工作年度报告"
    assert seed.published == "2021年1月28日"


def test_table2_every_cell(seed):
    t2 = {(row[-1], col): v for (row, col), v in cells(seed, "二").items()}
    assert t2 == {
        ("规章", "本年新制作数量"): 0, ("规章", "本年新公开数量"): 0, ("规章", "对外公开总数量"): 0,
        ("规范性文件", "本年新制作数量"): 0, ("规范性文件", "本年新公开数量"): 0, ("规范性文件", "对外公开总数量"): 0,
        ("行政许可", "上一年项目数量"): 48, ("行政许可", "本年增/减"): 65, ("行政许可", "处理决定数量"): 44192,
        ("其他对外管理服务事项", "上一年项目数量"): 10, ("其他对外管理服务事项", "本年增/减"): 3,
        ("其他对外管理服务事项", "处理决定数量"): 323,
        ("行政处罚", "上一年项目数量"): 0, ("行政处罚", "本年增/减"): 0, ("行政处罚", "处理决定数量"): 0,
        ("行政强制", "上一年项目数量"): 0, ("行政强制", "本年增/减"): 0, ("行政强制", "处理决定数量"): 0,
        ("行政事业性收费", "上一年项目数量"): 1, ("行政事业性收费", "本年增/减"): 0,
        ("政府集中采购", "采购项目数量"): 2, ("政府集中采购", "采购总金额"): 317.7,
    }
    money = next(f for f in seed.facts if f.column and f.column[-1] == "采购总金额")
    assert (money.unit, money.text) == ("万元", "317.7万元")


def test_table3_every_cell(seed):
    t3 = cells(seed, "三")
    rows = KNOWLEDGE.table3_rows("2019")
    assert len(rows) == 23
    columns = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
    nonzero = {"new": (2, 2), "open": (1, 1), "other": (1, 1), "total": (2, 2)}
    for r in rows:
        person, total = nonzero.get(r["key"], (0, 0))
        expected = [person, 0, 0, 0, 0, 0, total]
        assert [t3[(tuple(r["path"]), c)] for c in columns] == expected, r["key"]


def test_table3_six_numbers_recorded(seed):
    assert any("23行只有6个数字" in n for n in seed.notes)


def test_table4_every_cell(seed):
    t4 = cells(seed, "四")
    order = [("行政复议",), ("行政诉讼", "未经复议直接起诉"), ("行政诉讼", "复议后起诉")]
    cols = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    values = [t4[(b, c)] for b in order for c in cols]
    assert values == [0, 0, 0, 0, 0, 1, 1, 0, 2, 4, 0, 0, 0, 0, 0]


def test_derived_sums(seed):
    derived = {(f.row, f.column[-1]): f.value for f in seed.facts if f.kind == "derived"}
    assert derived[(("行政诉讼",), "总计")] == 4
    assert derived[(("行政诉讼",), "尚未审结")] == 2
    assert derived[(("三、本年度办理结果", "（三）不予公开"), "总计")] == 0


def test_consistency_rules_run_and_pass(seed):
    rules = {c.rule for c in seed.checks}
    assert {"表三 一+二 = 三(七)+四", "表三 总计列 = 各列之和", "表四 总计 = 各项之和"} <= rules
    assert all(c.ok for c in seed.checks)


@pytest.mark.parametrize("label,value,unit,qualifier", [
    ("全年累计主动公开各类政府信息", 276, "条", "共"),
    ("政策文件", 13, "条", ""),
    ("先后在省、市、区等各类平台媒体发布政务信息宣传稿件", 380, "篇", "余"),
    ("办结率", 100, "%", ""),
    ("重大建设项目批准结果信息", 108, "条", ""),
    ("政协委员提案", 4, "件", ""),
])
def test_prose_facts(seed, label, value, unit, qualifier):
    facts = [f for f in seed.facts if f.kind == "prose" and f.row[0].replace(" ", "") == label]
    assert [(f.value, f.unit, f.qualifier) for f in facts] == [(value, unit, qualifier)]


def test_comparison_in_prose_is_marked(seed):
    f = next(f for f in seed.facts if f.kind == "prose" and "比" in f.qualifier)
    assert (f.value, f.unit) == (2, "件") and "2019" in f.qualifier


def test_years_and_dates_are_not_figures(seed):
    assert not any(f.kind == "prose" and f.value in (2019, 2020, 2021) for f in seed.facts)


def test_passages_are_sentences_with_sections(seed):
    texts = [p.text for p in seed.passages]
    assert "先后在省、市、区等各类平台媒体发布政务信息宣传稿件380余篇。" in texts
    # a paragraph broken by extraction (基层政务公开 / 标准目录编制) is joined again
    assert any("基层政务公开标准目录编制" in t for t in texts)
    assert {p.section for p in seed.passages} >= {"一、总体情况", "五、存在的主要问题及改进情况", "落款"}


def test_table2_wrapped_label_and_blank_row():
    from qa_service.tables import place_table2

    rows = [["第二十条第（一）项"], ["信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"],
            ["规章", "", "", ""], ["规范性文件", "3", "2", "11"],
            ["第二十条第（五）项"], ["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"],
            ["其他对外管理服务"], ["事项", "4", "1", "318"]]
    placed = place_table2(rows, "2019", KNOWLEDGE, "二、主动公开政府信息情况")
    got = {(f.row[-1], f.column[-1]): f.value for f in placed.facts}
    assert got == {("规范性文件", "本年新制作数量"): 3, ("规范性文件", "本年新公开数量"): 2,
                   ("规范性文件", "对外公开总数量"): 11, ("其他对外管理服务事项", "上一年项目数量"): 4,
                   ("其他对外管理服务事项", "本年增/减"): 1, ("其他对外管理服务事项", "处理决定数量"): 318}


def test_a_table_that_fails_many_rules_is_not_stated(tmp_path):
    """Shift every row of table 三 by one cell, as a lost cell in extracted text would: nothing from it is said."""
    from qa_service.answer import Answerer
    from qa_service.index import open_index
    from qa_service.ingest import ingest

    lines = SEED_REPORT.read_text(encoding="utf-8").splitlines()
    start = next(i for i, l in enumerate(lines) if l.startswith("一、本年新收"))
    for i in range(start, start + 23):
        cells = lines[i].split("\t")
        numbers = [c for c in cells if c.strip().isdigit()]
        lines[i] = "\t".join([c for c in cells if not c.strip().isdigit()][:2] + numbers[1:] + ["7"])
    broken = tmp_path / "shifted.txt"
    broken.write_text("\n".join(lines), encoding="utf-8")
    report = read_report(broken, KNOWLEDGE)
    assert any("暂不作答" in n for n in report.notes)
    db = tmp_path / "i.db"
    ingest([broken], db, KNOWLEDGE)
    a = Answerer(open_index(db), KNOWLEDGE).ask("予以公开的申请有几件？")
    assert not a.found


def test_stated_changes_and_shares_are_labelled_by_their_subject():
    from qa_service.facts import prose_facts
    from qa_service.model import Passage

    text = "全年主动公开政府信息共计1,236条，较上年增加163条，同比增长15.2%。其中涉及征地补偿的申请78件，占59.1%。"
    facts = prose_facts(Passage("一、总体情况", text, text), KNOWLEDGE)
    by_value = {f.value: f for f in facts}
    assert by_value[1236].text == "1,236条"
    assert by_value[163].row[0].startswith("全年主动公开政府信息共计") and "较上年增加" in by_value[163].qualifier
    assert "同比增长" in by_value[15.2].qualifier
    assert by_value[59.1].row[0].startswith("其中涉及征地补偿的申请")
