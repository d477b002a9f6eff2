"""Builds laishan_scj_2020.docx: an invented 2019-format report (year 2020) as Word, with real merged cells.

Run from anywhere: `.venv/bin/python tests/data/make_docx.py`. make_pdf.py reuses `build()` for the PDF sample.
Figures are invented; `table3()` computes the 总计 cells and asserts the national format's rules.
"""
from __future__ import annotations

from pathlib import Path

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

HERE = Path(__file__).resolve().parent
SECTIONS = ["一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
            "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]
# Table 三 rows of the 2019 format, (group label, row label, key); 23 rows of numbers.
ROWS_2019 = (
    [("", "一、本年新收政府信息公开申请数量", "new"), ("", "二、上年结转政府信息公开申请数量", "carry"),
     ("", "（一）予以公开", "open"), ("", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "partial")]
    + [("（三）不予公开", label, f"s{i}") for i, label in enumerate(
        ["1.属于国家秘密", "2.其他法律行政法规禁止公开", "3.危及“三安全一稳定”", "4.保护第三方合法权益",
         "5.属于三类内部事务信息", "6.属于四类过程性信息", "7.属于行政执法案卷", "8.属于行政查询事项"], 1)]
    + [("（四）无法提供", label, f"u{i}") for i, label in enumerate(
        ["1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作", "3.补正后申请内容仍不明确"], 1)]
    + [("（五）不予处理", label, f"n{i}") for i, label in enumerate(
        ["1.信访举报投诉类申请", "2.重复申请", "3.要求提供公开出版物", "4.无正当理由大量反复申请",
         "5.要求行政机关确认或重新出具已获取信息"], 1)]
    + [("", "（六）其他处理", "o"), ("", "（七）总计", "total"), ("", "四、结转下年度继续办理", "next")]
)


def table3(given: dict[str, list[int]]) -> dict[str, list[int]]:
    """key -> 6 column numbers (missing rows are zeros) -> key -> 7 numbers with 总计, rules asserted."""
    rows = {key: list(given.get(key, [0] * 6)) for _, _, key in ROWS_2019}
    done = [key for _, _, key in ROWS_2019 if key not in ("new", "carry", "total", "next")]
    rows["total"] = [sum(rows[key][c] for key in done) for c in range(6)]
    for c in range(6):
        assert rows["new"][c] + rows["carry"][c] == rows["total"][c] + rows["next"][c], c
    return {key: value + [sum(value)] for key, value in rows.items()}


def table4(review: list[int], direct: list[int], after: list[int]) -> list[int]:
    return [*review, sum(review), *direct, sum(direct), *after, sum(after)]


LAISHAN_2020 = {
    "body": "烟台市莱山区市场监督管理局",
    "title": "烟台市莱山区市场监督管理局2020年政府信息公开工作年度报告",
    "intro": ["本报告根据《中华人民共和国政府信息公开条例》要求编制，统计期限为2020年1月1日至2020年12月31日。"],
    "一": ["（一）主动公开。2020年，我局主动公开政府信息共 1350 条，发布市场监管动态 120余篇，"
           "公开行政处罚信息 35 条。",
           "（二）依申请公开。全年新收政府信息公开申请 48 件，上年结转 4 件，按时答复率 100%。",
           "（三）政府信息管理。修订完善政府信息公开保密审查制度，全年审查拟公开信息 1400余条。",
           "（四）平台建设。全年通过政务新媒体发布信息 380 条。",
           "（五）监督保障。全年政府集中采购 6 项，采购总金额 158.6 万元。"],
    "t2": [
        ("第二十条第（一）项", ["信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"],
         [["规章", 0, 0, 0], ["规范性文件", 2, 2, 15]]),
        ("第二十条第（五）项", ["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"],
         [["行政许可", 46, 3, 5218], ["其他对外管理服务事项", 12, 0, 806]]),
        ("第二十条第（六）项", ["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"],
         [["行政处罚", 380, -12, 1163], ["行政强制", 12, 0, 37]]),
        ("第二十条第（八）项", ["信息内容", "上一年项目数量", "本年增/减", ""], [["行政事业性收费", 2, -1, ""]]),
        ("第二十条第（九）项", ["信息内容", "采购项目数量", "采购总金额", ""], [["政府集中采购", 6, "158.6万元", ""]]),
    ],
    "t3": table3({
        "new": [30, 12, 0, 2, 3, 1], "carry": [3, 1, 0, 0, 0, 0],
        "open": [15, 6, 0, 1, 1, 0], "partial": [4, 2, 0, 0, 1, 0],
        "s2": [1, 0, 0, 0, 0, 0], "s4": [2, 1, 0, 0, 0, 0],
        "u1": [5, 2, 0, 0, 0, 0], "u2": [0, 0, 0, 1, 0, 0], "u3": [1, 0, 0, 0, 0, 0],
        "n1": [2, 0, 0, 0, 0, 0], "n2": [1, 0, 0, 0, 0, 0], "n3": [0, 1, 0, 0, 0, 0], "n4": [0, 0, 0, 0, 0, 1],
        "o": [1, 0, 0, 0, 1, 0], "next": [1, 1, 0, 0, 0, 0],
    }),
    "t4": table4([2, 1, 0, 1], [1, 0, 0, 1], [0, 1, 0, 0]),
    "五": ["2020年，我局政府信息公开工作仍存在信息公开的主动性不够强、政策解读形式较为单一等问题。",
           "2021年，我局将完善信息公开工作机制，全年发布图解、视频等政策解读不少于 8 篇。"],
    "六": ["本年度未收取信息处理费。"],
    "date": "2021年1月25日",
}


def build(report: dict) -> docx.Document:
    document = docx.Document()
    normal = document.styles["Normal"]
    normal.font.size = Pt(11)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")
    _page_number_footer(document)
    title = document.add_paragraph(report["title"])
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.runs[0].bold = True
    for text in report["intro"]:
        document.add_paragraph(text)
    for number, heading in zip("一二三四五六", SECTIONS):
        document.add_paragraph(heading).runs[0].bold = True
        if number in ("一", "五", "六"):
            for text in report[number]:
                document.add_paragraph(text)
        elif number == "二":
            _table2(document, report["t2"])
        elif number == "三":
            _table3(document, report["t3"])
        else:
            _table4(document, report["t4"])
    for text in (report["body"], report["date"]):
        document.add_paragraph(text).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    return document


def _page_number_footer(document: docx.Document) -> None:
    """A '— 3 —' page footer, as Word reports carry: the PDF reader must drop it."""
    paragraph = document.sections[0].footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run("— ")
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)
    paragraph.add_run(" —")


def _set(cell, value: object) -> None:  # noqa: ANN001
    cell.text = str(value)
    for paragraph in cell.paragraphs:
        for run in paragraph.runs:
            run.font.size = Pt(8)


def _table2(document: docx.Document, blocks: list) -> None:
    rows = sum(2 + len(body) for _, _, body in blocks)
    table = document.add_table(rows=rows, cols=4, style="Table Grid")
    r = 0
    for title, header, body in blocks:
        merged = table.cell(r, 0).merge(table.cell(r, 3))
        _set(merged, title)
        for i, row in enumerate([header, *body], start=r + 1):
            for c, value in enumerate(row):
                _set(table.cell(i, c), value)
        r += 2 + len(body)


def _rows_stay_whole(table) -> None:  # noqa: ANN001
    """Word's "allow row to break across pages" off, as in most templates: a page break falls between rows."""
    for row in table.rows:
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def _table3(document: docx.Document, t3: dict[str, list[int]]) -> None:
    table = document.add_table(rows=3 + len(ROWS_2019), cols=10, style="Table Grid")
    _rows_stay_whole(table)
    cell = table.cell
    _set(cell(0, 0).merge(cell(2, 2)), "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）")
    _set(cell(0, 3).merge(cell(0, 9)), "申请人情况")
    _set(cell(1, 3).merge(cell(2, 3)), "自然人")
    _set(cell(1, 4).merge(cell(1, 8)), "法人或其他组织")
    _set(cell(1, 9).merge(cell(2, 9)), "总计")
    for c, name in enumerate(["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"], start=4):
        _set(cell(2, c), name)
    first_result, last_result = 3 + 2, 3 + len(ROWS_2019) - 2  # 三、本年度办理结果 spans (一) .. (七)
    _set(cell(first_result, 0).merge(cell(last_result, 0)), "三、本年度办理结果")
    groups: dict[str, list[int]] = {}
    for i, (group, label, key) in enumerate(ROWS_2019):
        r = 3 + i
        if key in ("new", "carry", "next"):
            _set(cell(r, 0).merge(cell(r, 2)), label)
        elif group:
            groups.setdefault(group, []).append(r)
            _set(cell(r, 2), label)
        else:
            _set(cell(r, 1).merge(cell(r, 2)), label)
        for c, value in enumerate(t3[key], start=3):
            _set(cell(r, c), value)
    for group, rows in groups.items():
        _set(cell(rows[0], 1).merge(cell(rows[-1], 1)), group)


def _table4(document: docx.Document, t4: list[int]) -> None:
    heads = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    table = document.add_table(rows=4, cols=15, style="Table Grid")
    cell = table.cell
    _set(cell(0, 0).merge(cell(0, 4)), "行政复议")
    _set(cell(0, 5).merge(cell(0, 14)), "行政诉讼")
    for c, head in enumerate(heads):
        _set(cell(1, c).merge(cell(2, c)), head)
    _set(cell(1, 5).merge(cell(1, 9)), "未经复议直接起诉")
    _set(cell(1, 10).merge(cell(1, 14)), "复议后起诉")
    for c, head in enumerate(heads * 2, start=5):
        _set(cell(2, c), head)
    for c, value in enumerate(t4):
        _set(cell(3, c), value)


if __name__ == "__main__":
    build(LAISHAN_2020).save(HERE / "laishan_scj_2020.docx")
    print("wrote", HERE / "laishan_scj_2020.docx")
