"""Builds zhaoyuan_rsj_2022.docx (an invented report, 2021 table version) for the heldout2 question set.

Run: .venv/bin/python tests/heldout2/make_docx.py   (needs python-docx)
"""
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

OUT = Path(__file__).with_name("zhaoyuan_rsj_2022.docx")
BODY = "招远市人力资源和社会保障局"

# table 三: 自然人, 商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他, 总计
T3 = [
    ("一、本年新收政府信息公开申请数量", [69, 9, 0, 2, 5, 3, 88]),
    ("二、上年结转政府信息公开申请数量", [5, 1, 0, 0, 0, 0, 6]),
    ("（一）予以公开", [21, 4, 0, 1, 2, 1, 29]),
    ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", [8, 1, 0, 0, 1, 0, 10]),
    ("1.属于国家秘密", [0, 0, 0, 0, 0, 0, 0]),
    ("2.其他法律行政法规禁止公开", [0, 0, 0, 0, 0, 0, 0]),
    ("3.危及“三安全一稳定”", [1, 0, 0, 0, 0, 0, 1]),
    ("4.保护第三方合法权益", [3, 1, 0, 0, 0, 0, 4]),
    ("5.属于三类内部事务信息", [2, 0, 0, 0, 0, 0, 2]),
    ("6.属于四类过程性信息", [2, 0, 0, 0, 0, 0, 2]),
    ("7.属于行政执法案卷", [1, 0, 0, 0, 1, 0, 2]),
    ("8.属于行政查询事项", [4, 0, 0, 0, 0, 0, 4]),
    ("1.本机关不掌握相关政府信息", [11, 2, 0, 1, 1, 1, 16]),
    ("2.没有现成信息需要另行制作", [3, 1, 0, 0, 0, 0, 4]),
    ("3.补正后申请内容仍不明确", [2, 0, 0, 0, 0, 0, 2]),
    ("1.信访举报投诉类申请", [4, 0, 0, 0, 0, 0, 4]),
    ("2.重复申请", [3, 0, 0, 0, 0, 1, 4]),
    ("3.要求提供公开出版物", [1, 0, 0, 0, 0, 0, 1]),
    ("4.无正当理由大量反复申请", [2, 0, 0, 0, 0, 0, 2]),
    ("5.要求行政机关确认或重新出具已获取信息", [1, 0, 0, 0, 0, 0, 1]),
    ("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", [2, 0, 0, 0, 0, 0, 2]),
    ("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", [0, 1, 0, 0, 0, 0, 1]),
    ("3.其他", [1, 0, 0, 0, 0, 0, 1]),
    ("（七）总计", [72, 10, 0, 2, 5, 3, 92]),
    ("四、结转下年度继续办理", [2, 0, 0, 0, 0, 0, 2]),
]
GROUPS = [("（三）不予公开", 4, 8), ("（四）无法提供", 12, 3), ("（五）不予处理", 15, 5), ("（六）其他处理", 20, 3)]
# table 四: 行政复议 ×5, 直接起诉 ×5, 复议后起诉 ×5 (结果维持, 结果纠正, 其他结果, 尚未审结, 总计)
T4 = [3, 1, 1, 2, 7, 2, 0, 1, 1, 4, 1, 1, 0, 0, 2]


def check():
    rows = [v for _, v in T3]
    for r in rows:
        assert sum(r[:6]) == r[6], r
    for c in range(7):
        res = sum(r[c] for r in rows[2:23])
        assert res == rows[23][c], ("总计", c)
        assert rows[0][c] + rows[1][c] == rows[23][c] + rows[24][c], ("勾稽", c)
    for b in range(3):
        assert sum(T4[5 * b:5 * b + 4]) == T4[5 * b + 4]


def para(doc, text, bold=False, align=None, indent=True, size=16):
    p = doc.add_paragraph()
    if indent:
        p.paragraph_format.first_line_indent = Pt(size * 2)
    if align:
        p.alignment = align
    r = p.add_run(text)
    r.bold = bold
    r.font.size = Pt(size)
    r.font.name = "仿宋_GB2312"
    r._element.rPr.rFonts.set(qn("w:eastAsia"), "黑体" if bold else "仿宋_GB2312")
    return p


def put(cell, text, size=9):
    cell.text = ""
    p = cell.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    r = p.add_run(str(text))
    r.font.size = Pt(size)


def table2(doc):
    t = doc.add_table(rows=14, cols=4)
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    spec = [
        ["第二十条第（一）项"],
        ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
        ["规章", 0, 0, 0],
        ["行政规范性文件", 2, 1, 7],
        ["第二十条第（五）项"],
        ["信息内容", "本年处理决定数量"],
        ["行政许可", 146],
        ["第二十条第（六）项"],
        ["信息内容", "本年处理决定数量"],
        ["行政处罚", 38],
        ["行政强制", 0],
        ["第二十条第（八）项"],
        ["信息内容", "本年收费金额（单位：万元）"],
        ["行政事业性收费", 0],
    ]
    for i, row in enumerate(spec):
        if len(row) == 1:
            c = t.cell(i, 0).merge(t.cell(i, 3))
            put(c, row[0], 10)
        elif len(row) == 2:
            put(t.cell(i, 0), row[0], 10)
            c = t.cell(i, 1).merge(t.cell(i, 3))
            put(c, row[1], 10)
        else:
            for j, v in enumerate(row):
                put(t.cell(i, j), v, 10)


def table3(doc):
    t = doc.add_table(rows=3 + len(T3), cols=10)
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    c = t.cell(0, 0).merge(t.cell(2, 2))
    put(c, "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）")
    put(t.cell(0, 3).merge(t.cell(0, 9)), "申请人情况")
    put(t.cell(1, 3).merge(t.cell(2, 3)), "自然人")
    put(t.cell(1, 4).merge(t.cell(1, 8)), "法人或其他组织")
    put(t.cell(1, 9).merge(t.cell(2, 9)), "总计")
    for j, h in enumerate(["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]):
        put(t.cell(2, 4 + j), h)
    base = 3
    # label cells
    put(t.cell(base, 0).merge(t.cell(base, 2)), T3[0][0])
    put(t.cell(base + 1, 0).merge(t.cell(base + 1, 2)), T3[1][0])
    put(t.cell(base + 2, 0).merge(t.cell(base + 23, 0)), "三、本年度办理结果")
    put(t.cell(base + 2, 1).merge(t.cell(base + 2, 2)), T3[2][0])
    put(t.cell(base + 3, 1).merge(t.cell(base + 3, 2)), T3[3][0])
    for name, start, n in GROUPS:
        put(t.cell(base + start, 1).merge(t.cell(base + start + n - 1, 1)), name)
        for k in range(n):
            put(t.cell(base + start + k, 2), T3[start + k][0])
    put(t.cell(base + 23, 1).merge(t.cell(base + 23, 2)), T3[23][0])
    put(t.cell(base + 24, 0).merge(t.cell(base + 24, 2)), T3[24][0])
    for i, (_, vals) in enumerate(T3):
        for j, v in enumerate(vals):
            put(t.cell(base + i, 3 + j), v)


def table4(doc):
    t = doc.add_table(rows=4, cols=15)
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    put(t.cell(0, 0).merge(t.cell(0, 4)), "行政复议")
    put(t.cell(0, 5).merge(t.cell(0, 14)), "行政诉讼")
    parts = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    for j, h in enumerate(parts):
        put(t.cell(1, j).merge(t.cell(2, j)), h)
    put(t.cell(1, 5).merge(t.cell(1, 9)), "未经复议直接起诉")
    put(t.cell(1, 10).merge(t.cell(1, 14)), "复议后起诉")
    for j in range(10):
        put(t.cell(2, 5 + j), parts[j % 5])
    for j, v in enumerate(T4):
        put(t.cell(3, j), v)


PROSE_HEAD = [
    ("本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和《中华人民共和国政府信息公开工作年度报告格式》（国办公开办函〔2021〕30号）要求，由招远市人力资源和社会保障局编制。报告全文由总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议和行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项六部分组成。报告中所列数据统计期限自2022年1月1日至2022年12月31日。", False),
    ("一、总体情况", True),
    ("2022年，招远市人力资源和社会保障局以习近平新时代中国特色社会主义思想为指导，全面贯彻党的二十大精神，严格落实《条例》及省、市政务公开工作要点部署，围绕稳就业、保民生、优服务等人社中心工作，聚焦群众关注的就业创业、社会保险、劳动关系、人事人才等重点领域，持续深化政府信息公开，切实保障人民群众的知情权、参与权、表达权和监督权。", False),
    ("（一）主动公开", False),
    ("坚持“应公开、尽公开”，依托招远市人民政府门户网站“人社局”信息公开专栏和“招远人社”微信公众号，全年主动公开政府信息2,518条，同比增长8.6%。其中，公开就业创业政策、职业技能培训补贴等信息436条，社会保险待遇发放及基金征缴信息214条，人事考试与招聘信息183条；通过线上线下招聘活动累计发布招聘岗位信息1.8万余个。坚持政策文件与解读材料同步起草、同步审签、同步发布，全年采取图解、音视频、新闻发布会等形式解读政策31篇。", False),
    ("（二）依申请公开", False),
    ("严格执行政府信息公开申请登记、审核、办理、答复、归档全流程管理，依法保障申请人合法权益。2022年新收政府信息公开申请88件，较2021年增加21件，增长31.3%，申请内容主要集中在社会保险缴费年限认定、工伤认定、人事档案等方面；上年结转6件。全年办结92件，结转下年度继续办理2件。从答复类型看，予以公开29件、部分公开10件，“无法提供”类22件，占办结总数的23.9%，同比下降8.3个百分点。全年因政府信息公开被申请行政复议7件，被提起行政诉讼6件。", False),
    ("（三）政府信息管理", False),
    ("严格落实政府信息公开发布前保密审查和合法性审查机制，对拟公开的信息实行科室初审、分管领导审核、办公室终审的“三级审核”，全年未发生失泄密及侵犯个人隐私情况。全年制发行政规范性文件2件，废止1件，截至年底现行有效的行政规范性文件共7件，均已在门户网站“行政规范性文件”栏目集中公开。", False),
    ("（四）平台建设", False),
    ("持续优化政府门户网站“人社局”信息公开专栏，规范设置“就业创业”“社会保障”“劳动关系”“人事人才”等子栏目。“招远人社”微信公众号全年发布信息1,046条，关注人数达6.7万人，较上年增加1.1万人。在市人社服务大厅设立政务公开专区，配备政策查阅资料和自助查询设备，为群众提供“一站式”政策咨询服务。", False),
    ("（五）监督保障", False),
    ("局党组高度重视政务公开工作，将其纳入年度重点工作统筹推进，主要负责同志亲自过问，分管负责同志具体负责。举办政务公开业务培训班三期，培训人员150人次。2022年6月9日，组织开展以“人社服务进万家”为主题的“政府开放日”活动，邀请20名群众代表走进人社服务大厅，面对面听取意见建议。全年未发生因政府信息公开工作引发的责任追究情况。", False),
    ("二、主动公开政府信息情况", True),
]
PROSE_T3 = [("三、收到和处理政府信息公开申请情况", True)]
PROSE_T4 = [("四、政府信息公开行政复议、行政诉讼情况", True)]
PROSE_TAIL = [
    ("五、存在的主要问题及改进情况", True),
    ("2022年，我局政府信息公开工作取得了一定成效，但仍存在一些不足：一是信息公开的及时性有待提升，个别栏目更新不及时，存在信息集中上传的情况；二是政策解读的形式和深度仍需加强，部分解读材料对政策要点提炼不够，群众看不懂、用不上的问题仍不同程度存在；三是依申请公开答复的规范化水平有待提高，个别答复文书对不予公开理由的说明不够充分。", False),
    ("2023年，我局将重点抓好以下工作：一是建立栏目更新台账，实行专人负责、定期巡查，确保信息发布及时、准确、完整；二是围绕社保待遇调整、就业创业补贴等群众关注度高的政策，推出更多图解、短视频等通俗易懂的解读产品；三是加强依申请公开业务培训，严格对照答复文书示范文本，全面提升答复质量。", False),
    ("六、其他需要报告的事项", True),
    ("（一）信息处理费收取情况。依据《政府信息公开信息处理费管理办法》，本年度向1名申请人发出收费通知，该申请人逾期未缴纳，未实际收取信息处理费。", False),
    ("（二）人大代表建议和政协委员提案办理情况。2022年共承办市人大代表建议12件、市政协委员提案15件，均在规定时限内办结，办复率100%。", False),
    ("（三）无其他需要报告的事项。", False),
]


def main():
    check()
    doc = Document()
    para(doc, f"{BODY}2022年政府信息公开工作年度报告", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, size=22)
    for text, bold in PROSE_HEAD:
        para(doc, text, bold=bold)
    table2(doc)
    for text, bold in PROSE_T3:
        para(doc, text, bold=bold)
    table3(doc)
    for text, bold in PROSE_T4:
        para(doc, text, bold=bold)
    table4(doc)
    for text, bold in PROSE_TAIL:
        para(doc, text, bold=bold)
    para(doc, BODY, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    para(doc, "2023年1月18日", align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    doc.save(OUT)
    print("wrote", OUT)


if __name__ == "__main__":
    main()
