"""Build tests/heldout/rushan_zrzy_2021.docx: an invented 2021-version report laid out as bureaus do in Word
(real tables with merged cells, bold run headings, right-aligned signature).

Run: .venv/bin/python tests/heldout/make_docx.py
"""
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

OUT = Path(__file__).with_name("rushan_zrzy_2021.docx")

# Table 三, 2021 version: 25 rows of (自然人, 商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他); 总计 and (七) computed.
T3_ROWS = [
    ("一、本年新收政府信息公开申请数量", None, None, [96, 18, 2, 1, 11, 4]),
    ("二、上年结转政府信息公开申请数量", None, None, [4, 1, 0, 0, 1, 0]),
    ("三、本年度办理结果", "（一）予以公开", None, [30, 8, 1, 0, 3, 2]),
    ("三、本年度办理结果", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", None, [6, 3, 0, 1, 2, 0]),
    ("三、本年度办理结果", "（三）不予公开", "1.属于国家秘密", [1, 0, 0, 0, 0, 0]),
    ("三、本年度办理结果", "（三）不予公开", "2.其他法律行政法规禁止公开", [0, 0, 0, 0, 0, 0]),
    ("三、本年度办理结果", "（三）不予公开", "3.危及“三安全一稳定”", [1, 0, 0, 0, 0, 0]),
    ("三、本年度办理结果", "（三）不予公开", "4.保护第三方合法权益", [2, 1, 0, 0, 0, 0]),
    ("三、本年度办理结果", "（三）不予公开", "5.属于三类内部事务信息", [0, 0, 0, 0, 0, 0]),
    ("三、本年度办理结果", "（三）不予公开", "6.属于四类过程性信息", [3, 0, 0, 0, 1, 0]),
    ("三、本年度办理结果", "（三）不予公开", "7.属于行政执法案卷", [2, 0, 0, 0, 0, 0]),
    ("三、本年度办理结果", "（三）不予公开", "8.属于行政查询事项", [1, 0, 0, 0, 0, 0]),
    ("三、本年度办理结果", "（四）无法提供", "1.本机关不掌握相关政府信息", [27, 4, 1, 0, 3, 1]),
    ("三、本年度办理结果", "（四）无法提供", "2.没有现成信息需要另行制作", [5, 1, 0, 0, 0, 0]),
    ("三、本年度办理结果", "（四）无法提供", "3.补正后申请内容仍不明确", [2, 0, 0, 0, 0, 0]),
    ("三、本年度办理结果", "（五）不予处理", "1.信访举报投诉类申请", [6, 0, 0, 0, 0, 1]),
    ("三、本年度办理结果", "（五）不予处理", "2.重复申请", [4, 0, 0, 0, 1, 0]),
    ("三、本年度办理结果", "（五）不予处理", "3.要求提供公开出版物", [1, 0, 0, 0, 0, 0]),
    ("三、本年度办理结果", "（五）不予处理", "4.无正当理由大量反复申请", [1, 0, 0, 0, 0, 0]),
    ("三、本年度办理结果", "（五）不予处理", "5.要求行政机关确认或重新出具已获取信息", [0, 1, 0, 0, 0, 0]),
    ("三、本年度办理结果", "（六）其他处理", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", [3, 0, 0, 0, 1, 0]),
    ("三、本年度办理结果", "（六）其他处理", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", [1, 0, 0, 0, 0, 0]),
    ("三、本年度办理结果", "（六）其他处理", "3.其他", [2, 1, 0, 0, 0, 0]),
    ("三、本年度办理结果", "（七）总计", None, None),
    ("四、结转下年度继续办理", None, None, [2, 0, 0, 0, 1, 0]),
]
T4 = [2, 1, 0, 1, 4, 3, 0, 1, 2, 6, 1, 1, 0, 0, 2]


def t3_numbers():
    rows = [list(r[3]) if r[3] else None for r in T3_ROWS]
    k = rows.index(None)
    rows[k] = [sum(r[c] for r in rows[2:k]) for c in range(6)]
    for c in range(6):  # 一 + 二 = (七) + 四, column by column
        assert rows[0][c] + rows[1][c] == rows[k][c] + rows[k + 1][c], c
    for b in range(3):
        assert sum(T4[5 * b:5 * b + 4]) == T4[5 * b + 4]
    return [r + [sum(r)] for r in rows]


PROSE_INTRO = ("本报告依据《中华人民共和国政府信息公开条例》（以下简称《条例》）和《中华人民共和国政府信息公开工作年度报告格式》"
               "（国办公开办函〔2021〕30号）要求，由乳山市自然资源局编制。报告所列数据的统计期限自2021年1月1日起至2021年12月31日止。"
               "本报告电子版可在乳山市人民政府门户网站“政府信息公开”专栏查阅和下载。")
SECTION1 = [
    "2021年，乳山市自然资源局深入贯彻落实《条例》和省、市政务公开工作部署，紧紧围绕自然资源“两统一”职责，以征地信息、规划公示、"
    "不动产登记等群众关注的领域为重点，持续推进政府信息公开工作规范化、标准化。",
    ("（一）主动公开", "全年主动公开政府信息2687条，较上年增加314条。其中，公开国土空间规划类信息46条，建设用地审批、土地征收等征地信息158条，"
     "土地供应和矿业权出让信息97条，不动产登记办事指南及相关信息63条。全年发布土地征收启动公告43批次，涉及土地面积612.5公顷；"
     "公开国有建设用地使用权出让公告58宗，成交总价款21.36亿元。"),
    ("（二）依申请公开", "2021年共收到政府信息公开申请132件，较上年减少3件，另有上年结转申请6件。全年办结135件，结转下年度继续办理3件。"
     "申请内容集中在征地补偿安置、不动产登记、土地出让等方面，其中涉及征地补偿安置的申请78件，占59.1%。对因征地拆迁引发的复杂申请，"
     "坚持“一案一研判”，全年组织法律顾问参与会商21次。"),
    ("（三）政府信息管理", "建立公开属性审查台账，全年对152件公文逐件认定公开属性。全年制发行政规范性文件2件，废止3件，截至2021年底现行有效9件，"
     "均在市政府门户网站集中公开。"),
    ("（四）平台建设", "在市政府门户网站开设“自然资源”专栏，设置“征地信息”“规划公示”“不动产登记”等栏目11个；在不动产登记大厅设置政务公开查阅点，"
     "配备自助查询机两台，方便群众查询办事指南和登记进度。"),
    ("（五）监督保障", "成立以局长为组长的政务公开工作领导小组，全年召开专题会议4次；组织业务培训2次，参训130人次。"
     "将政务公开工作纳入科室年度考核，对信息发布不及时的情况进行通报。"),
]
SECTION5 = [
    "2021年，我局政府信息公开工作取得一定进展，但仍存在不足：一是征地信息公开的完整性有待加强，个别征地项目补偿安置方案公开不够及时；"
    "二是依申请公开答复引发的行政复议、行政诉讼案件较多，答复的规范性需进一步提高；三是政策解读质量不高，解读材料可读性不强。",
    "2022年，我局将采取以下改进措施：一是建立征地信息公开全流程台账，确保征地批复在收到之日起10个工作日内公开；"
    "二是建立依申请公开答复法律审核制度，疑难答复一律经法律顾问审核后出具；三是推行图解、问答式政策解读，提高解读材料的可读性。",
    "上年度问题整改情况：针对2020年度报告提出的“规划公示信息分散”问题，已将规划公示信息统一归集至“规划公示”栏目，累计归集信息214条。",
]
SECTION6 = [
    "（一）信息处理费收取情况。2021年，本机关依据《政府信息公开信息处理费管理办法》向1名申请人发出收费通知，申请人逾期未缴纳，"
    "未实际收取信息处理费。",
    "（二）建议提案办理情况。2021年共承办市人大代表建议17件、市政协提案12件，均按时办结，代表委员满意率100%。",
    "（三）征地信息公开专项工作。按照省、市要求，对2018年以来的征地信息进行全面梳理补正，补充公开征地批复文件26件。",
]


def set_font(run, size=16, bold=False, east="仿宋_GB2312"):
    run.font.size = Pt(size)
    run.bold = bold
    run.font.name = "Times New Roman"
    run._element.rPr.rFonts.set(qn("w:eastAsia"), east)


def para(doc, text, bold_head=None, align=None, size=16, east="仿宋_GB2312", bold=False, indent=True):
    p = doc.add_paragraph()
    if indent:
        p.paragraph_format.first_line_indent = Pt(size * 2)
    if align is not None:
        p.alignment = align
    if bold_head:
        set_font(p.add_run(bold_head), size, True, "楷体_GB2312")
    set_font(p.add_run(text), size, bold, east)
    return p


def cell_text(cell, text, size=10.5):
    cell.text = ""
    p = cell.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    set_font(p.add_run(str(text)), size, east="宋体")


def table2(doc):
    t = doc.add_table(rows=14, cols=4)
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    layout = [
        ["第二十条第（一）项"],
        ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
        ["规章", 0, 0, 0],
        ["行政规范性文件", 2, 3, 9],
        ["第二十条第（五）项"],
        ["信息内容", "本年处理决定数量"],
        ["行政许可", 438],
        ["第二十条第（六）项"],
        ["信息内容", "本年处理决定数量"],
        ["行政处罚", 27],
        ["行政强制", 4],
        ["第二十条第（八）项"],
        ["信息内容", "本年收费金额（单位：万元）"],
        ["行政事业性收费", "286.37"],
    ]
    for i, cells in enumerate(layout):
        row = t.rows[i].cells
        if len(cells) == 1:
            m = row[0].merge(row[3])
            cell_text(m, cells[0])
        elif len(cells) == 2:
            cell_text(row[0], cells[0])
            m = row[1].merge(row[3])
            cell_text(m, cells[1])
        else:
            for j, v in enumerate(cells):
                cell_text(row[j], v)


def table3(doc):
    nums = t3_numbers()
    t = doc.add_table(rows=3 + len(T3_ROWS), cols=10)
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    c = lambda r, k: t.cell(r, k)
    cell_text(c(0, 0).merge(c(2, 2)), "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 9)
    cell_text(c(0, 3).merge(c(0, 9)), "申请人情况")
    cell_text(c(1, 3).merge(c(2, 3)), "自然人")
    cell_text(c(1, 4).merge(c(1, 8)), "法人或其他组织")
    cell_text(c(1, 9).merge(c(2, 9)), "总计")
    for j, h in enumerate(["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]):
        cell_text(c(2, 4 + j), h)
    # spans of the label columns
    first = {}
    for i, (a, b, sub, _) in enumerate(T3_ROWS):
        first.setdefault(("a", a), []).append(i)
        if b:
            first.setdefault(("b", b), []).append(i)
    done = set()
    for i, (a, b, sub, _) in enumerate(T3_ROWS):
        r = 3 + i
        if b is None:
            cell_text(c(r, 0).merge(c(r, 2)), a, 9)
        else:
            if ("a", a) not in done:
                done.add(("a", a))
                span = first[("a", a)]
                cell_text(c(3 + span[0], 0).merge(c(3 + span[-1], 0)), a, 9)
            if sub is None:
                cell_text(c(r, 1).merge(c(r, 2)), b, 9)
            else:
                if ("b", b) not in done:
                    done.add(("b", b))
                    span = first[("b", b)]
                    cell_text(c(3 + span[0], 1).merge(c(3 + span[-1], 1)), b, 9)
                cell_text(c(r, 2), sub, 9)
        for j, v in enumerate(nums[i]):
            cell_text(c(r, 3 + j), v)


def table4(doc):
    t = doc.add_table(rows=4, cols=15)
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    c = lambda r, k: t.cell(r, k)
    h = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    cell_text(c(0, 0).merge(c(0, 4)), "行政复议")
    cell_text(c(0, 5).merge(c(0, 14)), "行政诉讼")
    for j, x in enumerate(h):
        cell_text(c(1, j).merge(c(2, j)), x, 9)
    cell_text(c(1, 5).merge(c(1, 9)), "未经复议直接起诉", 9)
    cell_text(c(1, 10).merge(c(1, 14)), "复议后起诉", 9)
    for j, x in enumerate(h * 2):
        cell_text(c(2, 5 + j), x, 9)
    for j, v in enumerate(T4):
        cell_text(c(3, j), v)


def heading(doc, text):
    p = doc.add_paragraph()
    p.paragraph_format.first_line_indent = Pt(32)
    set_font(p.add_run(text), 16, False, "黑体")


def build():
    doc = Document()
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    set_font(title.add_run("乳山市自然资源局2021年政府信息公开工作年度报告"), 22, False, "方正小标宋简体")
    para(doc, PROSE_INTRO)
    heading(doc, "一、总体情况")
    for item in SECTION1:
        if isinstance(item, tuple):
            para(doc, item[1], bold_head=item[0] + "。")
        else:
            para(doc, item)
    heading(doc, "二、主动公开政府信息情况")
    table2(doc)
    heading(doc, "三、收到和处理政府信息公开申请情况")
    table3(doc)
    heading(doc, "四、政府信息公开行政复议、行政诉讼情况")
    table4(doc)
    heading(doc, "五、存在的主要问题及改进情况")
    for s in SECTION5:
        para(doc, s)
    heading(doc, "六、其他需要报告的事项")
    for s in SECTION6:
        para(doc, s)
    doc.add_paragraph()
    para(doc, "乳山市自然资源局", align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    para(doc, "2022年1月20日", align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    # fixed core properties so rebuilding gives the same document text
    doc.core_properties.author = "乳山市自然资源局办公室"
    doc.core_properties.title = "乳山市自然资源局2021年政府信息公开工作年度报告"
    doc.save(OUT)
    return OUT


if __name__ == "__main__":
    print("wrote", build())
