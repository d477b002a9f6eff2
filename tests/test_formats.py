"""Every sample format and both versions are placed on the national format and answer like the seed."""
from __future__ import annotations

import pytest

from qa_service.answer import Answerer
from qa_service.index import open_index
from qa_service.ingest import ingest, read_report

from conftest import KNOWLEDGE, ROOT

DATA = ROOT / "tests" / "data"

# file, body, year, version, 新收 (总计, 自然人), 行政诉讼 (直接, 复议后), (七)总计, 行政复议 总计, date
SAMPLES = [
    ("fushan_jiaoti_2021.html", "烟台市福山区教育和体育局", 2021, "2021", (27, 18), (3, 1), 28, 2, "2022年1月20日"),
    ("fushan_jiaoti_2022_fragment.html", "烟台市福山区教育和体育局", 2022, "2021", (30, 24), (1, 0), 30, 1,
     "2023年1月18日"),
    ("laishan_scj_2020.docx", "烟台市莱山区市场监督管理局", 2020, "2019", (48, 30), (2, 1), 50, 4, "2021年1月25日"),
    ("laishan_scj_2021.md", "烟台市莱山区市场监督管理局", 2021, "2021", (56, 41), (2, 0), 56, 4, "2022年1月24日"),
    ("muping_zrzy_2021_gbk.txt", "烟台市牟平区自然资源局", 2021, "2021", (36, 27), (3, 1), 36, 1, "2022年1月21日"),
    ("muping_zrzy_2020_pdftext.txt", "烟台市牟平区自然资源局", 2020, "2019", (33, 22), (1, 1), 33, 2, "2021年1月27日"),
    ("muping_zrzy_2020.pdf", "烟台市牟平区自然资源局", 2020, "2019", (33, 22), (1, 1), 33, 2, "2021年1月27日"),
]


def cell(report, row_last, column):
    hits = [f.value for f in report.facts
            if f.kind == "table" and f.row[-1] == row_last and f.column and f.column[-1] == column]
    assert len(hits) == 1, (row_last, column, hits)
    return hits[0]


@pytest.mark.parametrize("name,body,year,version,new,suits,total,review,date", SAMPLES, ids=[s[0] for s in SAMPLES])
def test_sample_is_placed(name, body, year, version, new, suits, total, review, date):
    r = read_report(DATA / name, KNOWLEDGE)
    assert (r.body, r.year, r.version, r.published) == (body, year, version, date)
    rows = 25 if version == "2021" else 23
    t3 = [f for f in r.facts if f.kind == "table" and f.section.startswith("三")]
    assert len(t3) == rows * 7, r.notes  # every cell of table 三 placed
    assert (cell(r, "一、本年新收政府信息公开申请数量", "总计"), cell(r, "一、本年新收政府信息公开申请数量", "自然人")) == new
    assert cell(r, "（七）总计", "总计") == total
    assert (cell(r, "未经复议直接起诉", "总计"), cell(r, "复议后起诉", "总计")) == suits
    assert cell(r, "行政复议", "总计") == review
    assert len([f for f in r.facts if f.kind == "table" and f.section.startswith("四")]) == 15
    assert all(c.ok for c in r.checks), [c for c in r.checks if not c.ok]
    t2_rows = {f.row[-1] for f in r.facts if f.kind == "table" and f.section.startswith("二")}
    expected = {"规章", "行政规范性文件", "行政许可", "行政处罚", "行政强制", "行政事业性收费"} if version == "2021" else {
        "规章", "规范性文件", "行政许可", "其他对外管理服务事项", "行政处罚", "行政强制", "行政事业性收费", "政府集中采购"}
    if name.startswith("fushan_jiaoti_2022"):
        expected.discard("行政强制")  # its cell is blank (&nbsp;): table 二 states nothing for it
    assert t2_rows == expected


def test_blank_cells_are_zero_and_said():
    r = read_report(DATA / "fushan_jiaoti_2021.html", KNOWLEDGE)
    assert cell(r, "一、本年新收政府信息公开申请数量", "社会公益组织") == 0
    assert any("空白单元格，按0计" in n for n in r.notes)


def test_pdf_text_and_pdf_agree_on_every_cell():
    a = read_report(DATA / "muping_zrzy_2020_pdftext.txt", KNOWLEDGE)
    b = read_report(DATA / "muping_zrzy_2020.pdf", KNOWLEDGE)
    cells = lambda r: {(f.row, f.column): f.value for f in r.facts if f.kind == "table"}  # noqa: E731
    assert cells(a) == cells(b)


def test_wrong_total_is_flagged():
    r = read_report(DATA / "bad_total_2021.txt", KNOWLEDGE)
    failed = [c.detail for c in r.checks if not c.ok]
    assert "（一）予以公开：总计 18，各列之和 17" in failed
    assert cell(r, "（一）予以公开", "总计") == 18  # what the report says is what is answered


@pytest.fixture(scope="module")
def many(tmp_path_factory):
    """Three reports, two bodies, two years."""
    db = tmp_path_factory.mktemp("many") / "index.db"
    reports = ingest([DATA / "fushan_jiaoti_2021.html", DATA / "fushan_jiaoti_2022_fragment.html",
                      DATA / "laishan_scj_2021.md"], db, KNOWLEDGE)
    return Answerer(open_index(db), KNOWLEDGE), reports


@pytest.mark.parametrize("question,value,report", [
    ("福山区教育和体育局2021年收到多少件政府信息公开申请？", 27, "fushan_jiaoti_2021"),
    ("福山区教育和体育局2022年收到多少件政府信息公开申请？", 30, "fushan_jiaoti_2022_fragment"),
    ("福山区教育和体育局去年收到多少件申请？", 30, "fushan_jiaoti_2022_fragment"),
    ("莱山区市场监督管理局收到多少件申请？", 56, "laishan_scj_2021"),
    ("莱山区市场监督管理局2021年自然人申请了几件", 41, "laishan_scj_2021"),
])
def test_routing(many, question, value, report):
    a = many[0].ask(question)
    assert a.found and a.figure.value == value and a.source.report == report


def test_unknown_body_and_year_abstain(many):
    a = many[0].ask("芝罘区行政审批服务局收到多少件申请？")
    assert not a.found and "芝罘区行政审批服务局" in a.answer
    b = many[0].ask("莱山区市场监督管理局2019年收到多少件申请？")
    assert not b.found and "2019" in b.answer


def test_comparison_across_two_reports(many):
    a = many[0].ask("福山区教育和体育局2022年收到的申请比上一年多了多少？")
    assert a.found and a.figure.value == 3
    assert "30" in a.answer and "27" in a.answer


def test_item_missing_from_the_version(many):
    a = many[0].ask("莱山区市场监督管理局政府集中采购总金额是多少？")
    assert not a.found and "2021年版格式" in a.answer and "政府集中采购" in a.answer


def test_2021_only_cells(many):
    a = many[0].ask("福山区教育和体育局2021年行政规范性文件现行有效件数是多少")
    assert a.found and a.figure.value == 12


def test_carry_over_checked_across_years(many):
    _, reports = many
    later = next(r for r in reports if r.year == 2022)
    carry = [c for c in later.checks if c.rule.startswith("跨年")]
    assert carry and all(c.ok for c in carry)


def test_bodies_differing_by_their_district(tmp_path):
    """Two bureaus of one kind in neighbouring 区: each is asked about by name, a third is not loaded."""
    html = (DATA / "fushan_jiaoti_2021.html").read_text(encoding="utf-8")
    other = tmp_path / "zhifu_jiaoti_2021.html"
    other.write_text(html.replace("福山区", "芝罘区").replace("27", "31"), encoding="utf-8")
    db = tmp_path / "two.db"
    ingest([DATA / "fushan_jiaoti_2021.html", other], db, KNOWLEDGE)
    answerer = Answerer(open_index(db), KNOWLEDGE)
    a = answerer.ask("烟台市芝罘区教育和体育局2021年收到多少件政府信息公开申请？")
    b = answerer.ask("福山区教育和体育局2021年收到多少件政府信息公开申请？")
    assert (a.source.report, b.source.report) == ("zhifu_jiaoti_2021", "fushan_jiaoti_2021")
    assert a.figure.value != b.figure.value
    c = answerer.ask("烟台市莱山区教育和体育局2021年收到多少件政府信息公开申请？")
    assert not c.found and "莱山区教育和体育局" in c.answer
