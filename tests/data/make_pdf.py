"""Builds muping_zrzy_2020.pdf: the same invented report as muping_zrzy_2020_pdftext.txt, as a real PDF.

Needs LibreOffice (`apt-get install libreoffice-writer-nogui fonts-noto-cjk`): a Word file is built with
make_docx.build() and converted with `libreoffice --headless --convert-to pdf`. The PDF is committed, so the
tests never need LibreOffice. Run: `.venv/bin/python tests/data/make_pdf.py`.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from make_docx import build, table3, table4  # noqa: E402

MUPING_2020 = {
    "body": "烟台市牟平区自然资源局",
    "title": "烟台市牟平区自然资源局2020年政府信息公开工作年度报告",
    "intro": ["本报告根据《中华人民共和国政府信息公开条例》要求编制。报告中所列数据的统计期限自2020年1月1日起至"
              "2020年12月31日止。"],
    "一": ["（一）主动公开。2020年，我局主动公开政府信息共 231 条，其中政策文件 7 条、工作动态 80余篇、"
           "不动产登记及用地审批信息 118 条。",
           "（二）依申请公开。全年新收政府信息公开申请 33 件，上年结转 2 件，全部在法定期限内答复，按时答复率 100%。",
           "（三）政府信息管理。编制《牟平区自然资源局政府信息公开目录》，全年审查拟公开信息 260余条。",
           "（四）平台建设。在区政府门户网站开设“自然资源”专栏，全年更新信息 96 次。",
           "（五）监督保障。全年政府集中采购 5 项，采购总金额 86.4 万元；开展业务培训 2 次。"],
    "t2": [
        ("第二十条第（一）项", ["信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"],
         [["规章", 0, 0, 0], ["规范性文件", 2, 2, 9]]),
        ("第二十条第（五）项", ["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"],
         [["行政许可", 18, -2, 356], ["其他对外管理服务事项", 6, 1, 42]]),
        ("第二十条第（六）项", ["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"],
         [["行政处罚", 35, 0, 12], ["行政强制", 4, 0, 0]]),
        ("第二十条第（八）项", ["信息内容", "上一年项目数量", "本年增/减", ""], [["行政事业性收费", 3, -1, ""]]),
        ("第二十条第（九）项", ["信息内容", "采购项目数量", "采购总金额", ""], [["政府集中采购", 5, "86.4万元", ""]]),
    ],
    "t3": table3({
        "new": [22, 8, 0, 0, 1, 2], "carry": [0, 2, 0, 0, 0, 0],
        "open": [10, 4, 0, 0, 1, 1], "partial": [3, 2, 0, 0, 0, 0],
        "s4": [0, 1, 0, 0, 0, 0], "s6": [1, 0, 0, 0, 0, 0],
        "u1": [4, 1, 0, 0, 0, 0], "u2": [1, 0, 0, 0, 0, 0],
        "n1": [1, 0, 0, 0, 0, 0], "n2": [0, 1, 0, 0, 0, 0],
        "o": [1, 0, 0, 0, 0, 1], "next": [1, 1, 0, 0, 0, 0],
    }),
    "t4": table4([1, 0, 0, 1], [0, 1, 0, 0], [1, 0, 0, 0]),
    "五": ["2020年，我局政府信息公开工作存在信息发布不够及时、政策解读数量偏少等问题。2021年，我局将落实信息发布"
           "审核制度，全年发布政策解读不少于 4 篇。"],
    "六": ["本年度未收取信息处理费。"],
    "date": "2021年1月27日",
}


def main() -> None:
    office = shutil.which("libreoffice") or shutil.which("soffice")
    if office is None:
        sys.exit("LibreOffice is not installed: apt-get install -y libreoffice-writer-nogui fonts-noto-cjk")
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "muping_zrzy_2020.docx"
        build(MUPING_2020).save(source)
        subprocess.run([office, "--headless", "--convert-to", "pdf", "--outdir", tmp, str(source)],
                       check=True, timeout=300, capture_output=True)
        shutil.copy(Path(tmp) / "muping_zrzy_2020.pdf", HERE / "muping_zrzy_2020.pdf")
    print("wrote", HERE / "muping_zrzy_2020.pdf")


if __name__ == "__main__":
    main()
