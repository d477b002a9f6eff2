"""The read step on real sample files (tests/data, described in tests/data/README.md): every format gives
paragraphs and expanded table grids, the reader is picked by content, and bad files raise ReportReadError."""
from __future__ import annotations

import hashlib
import random
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from conftest import KNOWLEDGE

from qa_service.errors import ReportReadError
from qa_service.model import Document, Paragraph, Table
from qa_service.read import MAX_BYTES, read_document, sniff
from qa_service.read.text import decode, is_page_footer

DATA = Path(__file__).parent / "data"
SEED = Path(__file__).parent.parent / "qa_service" / "knowledge_data" / "reports" / "zhifu_xzsp_2020.txt"
SECTIONS = ["一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
            "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]
NUMBER = re.compile(r"-?\d+(?:\.\d+)?")

# file -> (title, 2021-format?, table 三 一、本年新收 row (7 numbers), table 四 (15 numbers), signature date)
SAMPLES = {
    "fushan_jiaoti_2021.html": ("烟台市福山区教育和体育局2021年政府信息公开工作年度报告", True,
                                [18, 5, 1, 0, 2, 1, 27], [1, 1, 0, 0, 2, 2, 0, 1, 0, 3, 0, 0, 0, 1, 1], "2022年1月20日"),
    "fushan_jiaoti_2022_fragment.html": ("烟台市福山区教育和体育局2022年政府信息公开工作年度报告", True,
                                         [24, 3, 0, 1, 0, 2, 30], [1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0],
                                         "2023年1月18日"),
    "laishan_scj_2020.docx": ("烟台市莱山区市场监督管理局2020年政府信息公开工作年度报告", False,
                              [30, 12, 0, 2, 3, 1, 48], [2, 1, 0, 1, 4, 1, 0, 0, 1, 2, 0, 1, 0, 0, 1], "2021年1月25日"),
    "laishan_scj_2021.md": ("烟台市莱山区市场监督管理局2021年政府信息公开工作年度报告", True,
                            [41, 9, 1, 0, 2, 3, 56], [3, 0, 1, 0, 4, 1, 1, 0, 0, 2, 0, 0, 0, 0, 0], "2022年1月24日"),
    "muping_zrzy_2021_gbk.txt": ("烟台市牟平区自然资源局2021年政府信息公开工作年度报告", True,
                                 [27, 6, 0, 1, 2, 0, 36], [0, 1, 0, 0, 1, 2, 0, 0, 1, 3, 0, 0, 1, 0, 1], "2022年1月21日"),
    "bad_total_2021.txt": ("烟台市牟平区农业农村局2021年政府信息公开工作年度报告", True,
                           [27, 6, 0, 1, 2, 0, 36], [0, 1, 0, 0, 1, 2, 0, 0, 1, 3, 0, 0, 1, 0, 1], "2022年1月26日"),
    "muping_zrzy_2020.pdf": ("烟台市牟平区自然资源局2020年政府信息公开工作年度报告", False,
                             [22, 8, 0, 0, 1, 2, 33], [1, 0, 0, 1, 2, 0, 1, 0, 0, 1, 1, 0, 0, 0, 1], "2021年1月27日"),
}
GRID_SAMPLES = [name for name in SAMPLES if name != "bad_total_2021.txt"]


def paragraphs(doc: Document) -> list[str]:
    return [b.text for b in doc.blocks if isinstance(b, Paragraph)]


def tables(doc: Document) -> list[Table]:
    return [b for b in doc.blocks if isinstance(b, Table)]


def row_with(doc: Document, label: str) -> list[str]:
    return next(row for t in tables(doc) for row in t.rows if any(label in cell for cell in row))


def numbers(row: list[str]) -> list[float]:
    return [float(c) for c in row if NUMBER.fullmatch(c)]


def table3_rows(doc: Document) -> list[list[int]]:
    """The number rows of table 三: the last 7 cells all numbers or blank ("" = 0 in table 三)."""
    t3 = next(t for t in tables(doc) if any("本年新收" in c for row in t.rows for c in row))
    out = []
    for row in t3.rows:
        tail = row[-7:]
        if len(tail) == 7 and all(c == "" or NUMBER.fullmatch(c) for c in tail) and any(tail):
            out.append([int(c or 0) for c in tail])
    return out


@pytest.fixture(scope="module")
def docs() -> dict[str, Document]:
    return {name: read_document(DATA / name, KNOWLEDGE) for name in SAMPLES}


# ---------- every sample ----------

@pytest.mark.parametrize("name", SAMPLES)
def test_title_sections_and_signature(docs: dict[str, Document], name: str) -> None:
    title, _, _, _, date = SAMPLES[name]
    paras = paragraphs(docs[name])
    # A title may be split over two lines (<br>, or as in the seed): the first two paragraphs hold it.
    assert title in paras[0] or title == paras[0] + paras[1]
    for section in SECTIONS:
        assert section in paras, section
    assert paras[-1] == date
    assert docs[name].source == name
    assert docs[name].source_hash == hashlib.sha256((DATA / name).read_bytes()).hexdigest()


@pytest.mark.parametrize("name", SAMPLES)
def test_table3_first_row_and_table4(docs: dict[str, Document], name: str) -> None:
    _, _, new, table4, _ = SAMPLES[name]
    row = row_with(docs[name], "一、本年新收政府信息公开申请数量")
    assert [int(c or 0) for c in row[-7:]] == new  # "" is a blank (0) cell
    row4 = next(row for t in tables(docs[name]) for row in t.rows if len(numbers(row)) == 15)
    assert numbers(row4) == table4


@pytest.mark.parametrize("name", GRID_SAMPLES)
def test_table3_grid_obeys_the_format_rules(docs: dict[str, Document], name: str) -> None:
    """Every number in its right grid place: the consistency rules hold on what was read."""
    v2021 = SAMPLES[name][1]
    rows = table3_rows(docs[name])
    assert len(rows) == (25 if v2021 else 23)
    new, carry, *done, total, carry_over = rows
    for row in rows:
        assert sum(row[:6]) == row[6], row
    for c in range(7):
        assert sum(r[c] for r in done) == total[c]
        assert new[c] + carry[c] == total[c] + carry_over[c]


def test_bad_total_keeps_the_wrong_figure(docs: dict[str, Document]) -> None:
    row = row_with(docs["bad_total_2021.txt"], "（一）予以公开")
    assert numbers(row) == [13, 3, 0, 1, 0, 0, 18]  # as the report says; `check` flags it


def test_next_year_carries_over_what_was_left(docs: dict[str, Document]) -> None:
    for before, after in [("fushan_jiaoti_2021.html", "fushan_jiaoti_2022_fragment.html"),
                          ("laishan_scj_2020.docx", "laishan_scj_2021.md"),
                          ("muping_zrzy_2020.pdf", "muping_zrzy_2021_gbk.txt")]:
        assert table3_rows(docs[before])[-1] == table3_rows(docs[after])[1]


# ---------- HTML ----------

def test_html_page_drops_site_chrome(docs: dict[str, Document]) -> None:
    text = "\n".join(paragraphs(docs["fushan_jiaoti_2021.html"]))
    for chrome in ("首页", "办事服务", "当前位置", "主办单位", "ICP", "统计代码", "分享到", "隐藏的统计文字", "_hmt"):
        assert chrome not in text, chrome
    assert paragraphs(docs["fushan_jiaoti_2021.html"])[0] == "烟台市福山区教育和体育局2021年政府信息公开工作年度报告"


def test_html_rowspans_and_colspans_are_expanded(docs: dict[str, Document]) -> None:
    doc = docs["fushan_jiaoti_2021.html"]
    secret = row_with(doc, "1.属于国家秘密")
    assert secret[:3] == ["三、本年度办理结果", "（三）不予公开", "1.属于国家秘密"]
    assert len(secret) == 10 and len(numbers(secret)) == 6 and secret[6] == ""  # 社会公益组织 is &nbsp;
    last = row_with(doc, "8.属于行政查询事项")
    assert last[:2] == ["三、本年度办理结果", "（三）不予公开"]
    total = row_with(doc, "（七）总计")
    assert total[:3] == ["三、本年度办理结果", "（七）总计", "（七）总计"]
    assert row_with(doc, "申请人情况")[3:] == ["申请人情况"] * 7
    header = row_with(doc, "商业企业")
    assert header[3:] == ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
    assert all(len(row) == 10 for row in tables(doc)[1].rows)
    assert row_with(doc, "行政许可") == ["行政许可", "1286", "1286", "1286"]  # a colspan=3 number repeats


def test_html_blank_cells_and_br(docs: dict[str, Document]) -> None:
    doc = docs["fushan_jiaoti_2021.html"]
    assert row_with(doc, "2.重复申请")[3:] == ["1", "0", "", "", "0", "0", "1"]
    assert row_with(doc, "（二）部分公开")[1] == "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"
    assert row_with(doc, "行政事业性收费") == ["行政事业性收费", "4.6", "4.6", "4.6"]
    assert "本年收费金额（单位：万元）" in row_with(doc, "本年收费金额")
    assert "（三）政府信息管理。修订《福山区教育和体育局政府信息公开指南》，清理规范性文件 5 件。" in paragraphs(doc)


def test_html_fragment(docs: dict[str, Document]) -> None:
    doc = docs["fushan_jiaoti_2022_fragment.html"]
    assert paragraphs(doc)[:2] == ["烟台市福山区教育和体育局", "2022年政府信息公开工作年度报告"]  # <br> in the title
    secret = row_with(doc, "1.属于国家秘密")
    assert secret[:3] == ["三、本年度办理结果", "（三）不予公开", "1.属于国家秘密"] and len(numbers(secret)) == 7
    assert row_with(doc, "行政强制") == ["行政强制", "", "", ""]
    assert row_with(doc, "结果维持")[:5] == ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]  # <th>结果<br>维持
    assert "（三）政府信息管理。全年审查拟公开信息 460 条，清理失效信息 12 条。" in paragraphs(doc)


def test_html_layout_tables_and_pages_without_a_report(tmp_path: Path) -> None:
    page = tmp_path / "layout.htm"
    page.write_text(
        "<html><body><table><tr><td>站点导航</td></tr><tr><td>"
        "<h1>某某局2021年政府信息公开工作年度报告</h1><p>一、总体情况</p><p>共&nbsp;35&nbsp;条</p>"
        "<p>二、主动公开政府信息情况</p><table><caption>第二十条第（一）项</caption><tr><td>规章</td><td>0</td></tr></table>"
        "<p>三、收到和处理政府信息公开申请情况</p><p>四、政府信息公开行政复议、行政诉讼情况</p>"
        "</td></tr></table></body></html>", encoding="utf-8")
    doc = read_document(page, KNOWLEDGE)
    assert paragraphs(doc)[:3] == ["某某局2021年政府信息公开工作年度报告", "一、总体情况", "共 35 条"]
    assert "第二十条第（一）项" in paragraphs(doc)
    assert [t.rows for t in tables(doc)] == [[["规章", "0"]]]
    other = tmp_path / "notice.html"
    other.write_text("<div><p>通知</p><ul><li>第一条</li><li>第二条</li></ul></div>", encoding="utf-8")
    assert paragraphs(read_document(other, KNOWLEDGE)) == ["通知", "第一条", "第二条"]  # no report: keep every block


# ---------- Word ----------

def test_docx_keeps_tables_in_body_order_and_repeats_merged_cells(docs: dict[str, Document]) -> None:
    doc = docs["laishan_scj_2020.docx"]
    kinds = [(type(b).__name__, b.text if isinstance(b, Paragraph) else "") for b in doc.blocks]
    for section in SECTIONS[1:4]:
        i = kinds.index(("Paragraph", section))
        assert kinds[i + 1][0] == "Table", section
    assert row_with(doc, "申请人情况")[3:] == ["申请人情况"] * 7
    assert row_with(doc, "科研机构")[3] == "自然人"  # vertically merged
    assert row_with(doc, "5.属于三类内部事务信息")[:3] == ["三、本年度办理结果", "（三）不予公开", "5.属于三类内部事务信息"]
    assert row_with(doc, "未经复议直接起诉")[5:10] == ["未经复议直接起诉"] * 5


# ---------- Markdown ----------

def test_markdown_tables_headings_and_inline_marks(docs: dict[str, Document]) -> None:
    doc = docs["laishan_scj_2021.md"]
    assert [len(t.rows) for t in tables(doc)] == [4, 3, 4, 3, 28, 4]  # table 二 as 4 tables; no --- rows
    assert not any(set(c) <= set(":- ") and c for t in tables(doc) for row in t.rows for c in row)
    paras = paragraphs(doc)
    assert not any(p.startswith("#") or "**" in p for p in paras)
    assert "（三）政府信息管理。 动态更新政府信息公开指南，全年审核公开信息 1500余条。" in paras


# ---------- text ----------

def test_gbk_text_decodes(docs: dict[str, Document]) -> None:
    doc = docs["muping_zrzy_2021_gbk.txt"]
    assert paragraphs(doc)[:2] == ["烟台市牟平区自然资源局", "2021年政府信息公开工作年度报告"]
    assert "5.监督保障。全年政务公开工作经费 12.5 万元，开展业务培训 2 次。" in paragraphs(doc)


def test_seed_reads_as_before() -> None:
    doc = read_document(SEED, KNOWLEDGE)
    assert len(doc.blocks) == 25 and paragraphs(doc)[-1] == "2021年1月28日"
    assert row_with(doc, "行政许可") == ["行政许可", "48", "65", "44192"]


def test_pdf_text_drops_footers_and_keeps_every_number_row() -> None:
    doc = read_document(DATA / "muping_zrzy_2020_pdftext.txt", KNOWLEDGE)
    paras = paragraphs(doc)
    assert not any(is_page_footer(p, KNOWLEDGE.format["reading"]) for p in paras)
    assert not any("— 3 —" in c for t in tables(doc) for row in t.rows for c in row)
    # Table 三 comes as tab rows and space-separated lines; all 23 rows of 7 numbers are there, in order.
    start, end = paras.index(SECTIONS[2]), paras.index(SECTIONS[3])
    section = doc.blocks[doc.blocks.index(Paragraph(SECTIONS[2])):doc.blocks.index(Paragraph(SECTIONS[3]))]
    rows = [numbers(r) for b in section if isinstance(b, Table) for r in b.rows]
    rows += [numbers(p.text.split()) for p in section if isinstance(p, Paragraph)]
    assert start < end and len([r for r in rows if len(r) == 7]) == 23
    assert "1 0 0 1 2 0 1 0 0 1 1 0 0 0 1" in paras  # table 四's 15 numbers on one line


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-be", "gb18030", "gbk", "utf-32"])
def test_text_encodings(tmp_path: Path, encoding: str) -> None:
    text = SEED.read_text(encoding="utf-8")
    data = text.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data  # with its BOM
    path = tmp_path / "report.txt"
    path.write_bytes(data)
    assert read_document(path, KNOWLEDGE).blocks == read_document(SEED, KNOWLEDGE).blocks


def test_text_without_bom_in_utf16_falls_back_to_detection() -> None:
    text = "芝罘区行政审批服务局2020年政府信息公开工作年度报告\n一、总体情况\n全年主动公开政府信息共 276 条。\n" * 20
    assert decode(text.encode("utf-16-le")) == text


def test_utf8_damaged_in_one_place_stays_utf8() -> None:
    text = SEED.read_text(encoding="utf-8")
    data = text.encode("utf-8")
    cut = data.index("一、总体情况".encode()) + 1  # cut a character in half
    decoded = decode(data[:cut] + data[cut + 1:])
    assert "芝罘区行政审批服务局" in decoded and "二、主动公开政府信息情况" in decoded


def test_whitespace_is_normalised_and_footers_dropped(tmp_path: Path) -> None:
    path = tmp_path / "r.txt"
    path.write_text("一、总体情况\n全年\u3000共\xa0\xa0 35 条。\n- 3 -\n第 3 页 共 9 页\n第3页\n3/12\n规章\t0\t\u30000\n",
                    encoding="utf-8")
    assert read_document(path, KNOWLEDGE).blocks == [Paragraph("一、总体情况"), Paragraph("全年 共 35 条。"),
                                          Table([["规章", "0", "0"]], grid=False)]


# ---------- PDF ----------

def test_pdf_joins_the_table_over_the_page_break_and_drops_footers(docs: dict[str, Document]) -> None:
    doc = docs["muping_zrzy_2020.pdf"]
    assert not any(is_page_footer(p, KNOWLEDGE.format["reading"]) or "—" in p for p in paragraphs(doc))
    assert len(tables(doc)) == 3  # 二, 三 (over two pages), 四
    assert row_with(doc, "1.属于国家秘密")[:3] == ["三、本年度办理结果", "（三）不予公开", "1.属于国家秘密"]
    assert row_with(doc, "四、结转下年度继续办理")[3:] == ["1", "1", "0", "0", "0", "0", "2"]
    # wrapped prose lines come back as one paragraph
    assert ("（一）主动公开。2020年，我局主动公开政府信息共 231 条，其中政策文件 7 条、工作动态 80余篇、"
            "不动产登记及用地审批信息 118 条。") in paragraphs(doc)
    assert paragraphs(doc)[-2:] == ["烟台市牟平区自然资源局", "2021年1月27日"]


# ---------- sniffing ----------

@pytest.mark.parametrize(("source", "saved_as", "kind"), [
    ("fushan_jiaoti_2021.html", "page.txt", "html"),
    ("fushan_jiaoti_2022_fragment.html", "fragment.txt", "html"),
    ("laishan_scj_2021.md", "report.txt", "markdown"),
    ("laishan_scj_2020.docx", "report.pdf", "docx"),
    ("muping_zrzy_2020.pdf", "report.docx", "pdf"),
    ("muping_zrzy_2021_gbk.txt", "report.html", "text"),
])
def test_reader_is_chosen_by_content(tmp_path: Path, source: str, saved_as: str, kind: str) -> None:
    data = (DATA / source).read_bytes()
    assert sniff(data, Path(saved_as).suffix) == kind
    copy = tmp_path / saved_as
    shutil.copy(DATA / source, copy)
    assert read_document(copy, KNOWLEDGE).blocks == read_document(DATA / source, KNOWLEDGE).blocks


def test_extension_breaks_a_tie() -> None:
    html = "报告\n<p>一、总体情况</p>".encode()  # does not start with "<": the content alone says text
    assert sniff(html, ".txt") == "text"
    assert sniff(html, ".html") == "html"


# ---------- errors: ReportReadError and nothing else ----------

def _bad_files(tmp_path: Path) -> dict[str, Path]:
    files = {
        "empty": b"",
        "blank": b" \r\n\t\n",
        "binary": random.Random(0).randbytes(4096),
        "pdf-garbage": b"%PDF-1.7\n" + random.Random(1).randbytes(2000),
        "old-doc": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600),
        "truncated-docx": (DATA / "laishan_scj_2020.docx").read_bytes()[:5000],
        "no-text-html": b"<html><body><script>var a = 1;</script></body></html>",
    }
    paths = {}
    for name, data in files.items():
        paths[name] = tmp_path / f"{name}.bin"
        paths[name].write_bytes(data)
    other_zip = tmp_path / "photos.zip"
    with zipfile.ZipFile(other_zip, "w") as z:
        z.writestr("a.txt", "not a report")
    paths["zip"] = other_zip
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as f:
        f.truncate(MAX_BYTES + 1)  # sparse: nothing is written, and nothing must be read
    paths["huge"] = huge
    paths["missing"] = tmp_path / "missing.txt"
    paths["directory"] = tmp_path
    return paths


@pytest.mark.parametrize("case", ["empty", "blank", "binary", "pdf-garbage", "old-doc", "truncated-docx",
                                  "no-text-html", "zip", "huge", "missing", "directory"])
def test_bad_files_raise_report_read_error(tmp_path: Path, case: str) -> None:
    path = _bad_files(tmp_path)[case]
    with pytest.raises(ReportReadError) as raised:
        read_document(path, KNOWLEDGE)
    assert type(raised.value) is ReportReadError
    assert path.name in str(raised.value)


def test_error_messages_say_what_is_wrong(tmp_path: Path) -> None:
    paths = _bad_files(tmp_path)
    messages = {}
    for case in ("empty", "zip", "old-doc", "huge", "truncated-docx", "binary"):
        with pytest.raises(ReportReadError) as raised:
            read_document(paths[case], KNOWLEDGE)
        messages[case] = str(raised.value)
    assert "empty" in messages["empty"]
    assert "not a Word .docx" in messages["zip"]
    assert ".doc" in messages["old-doc"]
    assert "larger than" in messages["huge"]
    assert "Word .docx file" in messages["truncated-docx"] and "damaged" in messages["truncated-docx"]
    assert "not text" in messages["binary"]
