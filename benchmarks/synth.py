"""Synthetic annual reports in the national format, as plain text like the seed report.

Each body (a 区县 of Shandong × a 局委办) gets five consecutive reports, 2019–2023: format version 2019 for
2019–2020 and 2021 from 2021 on. Every table obeys the format's rules (table 三: 总计 = sum of the columns,
一 + 二 = 三(七) + 四 column by column, (七) = sum of (一)…(六); table 四: 总计 = sum of its four results) and each
year's 上年结转 equals the previous year's 结转下年度继续办理. Deterministic for a seed: the first n reports are
the same whatever n is, so a bigger scale extends a smaller one.

    .venv/bin/python benchmarks/synth.py --count 100 --out /tmp/synth    # writes files + manifest.jsonl
"""
from __future__ import annotations

import argparse
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

COUNTIES = {
    "烟台市": "芝罘区 福山区 牟平区 莱山区 蓬莱区 龙口市 莱阳市 莱州市 招远市 栖霞市 海阳市",
    "青岛市": "市南区 市北区 黄岛区 崂山区 李沧区 城阳区 即墨区 胶州市 平度市 莱西市",
    "济南市": "历下区 市中区 槐荫区 天桥区 历城区 长清区 章丘区 济阳区 莱芜区 钢城区 平阴县 商河县",
    "淄博市": "淄川区 张店区 博山区 临淄区 周村区 桓台县 高青县 沂源县",
    "潍坊市": "潍城区 寒亭区 坊子区 奎文区 临朐县 昌乐县 青州市 诸城市 寿光市 安丘市 高密市 昌邑市",
    "威海市": "环翠区 文登区 荣成市 乳山市",
    "济宁市": "任城区 兖州区 微山县 鱼台县 金乡县 嘉祥县 汶上县 泗水县 梁山县 曲阜市 邹城市",
    "泰安市": "泰山区 岱岳区 宁阳县 东平县 新泰市 肥城市",
    "日照市": "东港区 岚山区 五莲县 莒县",
    "临沂市": "兰山区 罗庄区 河东区 沂南县 郯城县 沂水县 兰陵县 费县 平邑县 莒南县 蒙阴县 临沭县",
    "德州市": "德城区 陵城区 宁津县 庆云县 临邑县 齐河县 平原县 夏津县 武城县 乐陵市 禹城市",
    "聊城市": "东昌府区 茌平区 阳谷县 莘县 东阿县 冠县 高唐县 临清市",
    "滨州市": "滨城区 沾化区 惠民县 阳信县 无棣县 博兴县 邹平市",
    "菏泽市": "牡丹区 定陶区 曹县 单县 成武县 巨野县 郓城县 鄄城县 东明县",
}
BUREAUS = ("人民政府办公室 发展和改革局 教育和体育局 科学技术局 工业和信息化局 民政局 司法局 财政局 "
           "人力资源和社会保障局 自然资源局 住房和城乡建设局 交通运输局 水务局 农业农村局 商务局 文化和旅游局 "
           "卫生健康局 退役军人事务局 应急管理局 审计局 市场监督管理局 统计局 医疗保障局 行政审批服务局 "
           "综合行政执法局 信访局 生态环境分局 公安分局").split()
YEARS = (2019, 2020, 2021, 2022, 2023)
COLUMNS = 6  # 自然人, 商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他 (总计 is their sum)

T3_RESULTS_COMMON = [
    ("三、本年度办理结果", "（一）予以公开"),
    ("", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
    ("", "（三）不予公开", "1.属于国家秘密"),
    ("", "", "2.其他法律行政法规禁止公开"),
    ("", "", "3.危及“三安全一稳定”"),
    ("", "", "4.保护第三方合法权益"),
    ("", "", "5.属于三类内部事务信息"),
    ("", "", "6.属于四类过程性信息"),
    ("", "", "7.属于行政执法案卷"),
    ("", "", "8.属于行政查询事项"),
    ("", "（四）无法提供", "1.本机关不掌握相关政府信息"),
    ("", "", "2.没有现成信息需要另行制作"),
    ("", "", "3.补正后申请内容仍不明确"),
    ("", "（五）不予处理", "1.信访举报投诉类申请"),
    ("", "", "2.重复申请"),
    ("", "", "3.要求提供公开出版物"),
    ("", "", "4.无正当理由大量反复申请"),
    ("", "", "5.要求行政机关确认或重新出具已获取信息"),
]
T3_OTHER = {
    "2019": [("", "（六）其他处理")],
    "2021": [("", "（六）其他处理", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
             ("", "", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
             ("", "", "3.其他")],
}
# how likely a request lands in each result row (open and partial dominate, as in real reports)
RESULT_WEIGHTS = [40, 8] + [1] * 8 + [10, 2, 1] + [2, 1, 1, 1, 1]


def bodies(seed: int = 0) -> list[str]:
    """Every 市 + 区县 + 局委办, in a seeded order so any prefix mixes places and kinds of bureau."""
    names = [f"{city}{county}{bureau}" for city, counties in COUNTIES.items() for county in counties.split()
             for bureau in BUREAUS]
    random.Random(seed).shuffle(names)
    return names


def version_of(year: int) -> str:
    return "2019" if year <= 2020 else "2021"


@dataclass
class Spec:
    """One report's file name, body, year and the figures questions can be checked against."""

    stem: str
    body: str
    year: int
    version: str
    figures: dict = field(default_factory=dict)
    text: str = ""


def specs(seed: int = 0) -> Iterator[Spec]:
    """Reports in order: body 0's five years, body 1's five years, …"""
    for i, body in enumerate(bodies(seed)):
        yield from _body_reports(i, body, random.Random(f"{seed}:{i}"))


def _split(total: int, weights: list[int], rng: random.Random) -> list[int]:
    counts = [0] * len(weights)
    for k in rng.choices(range(len(weights)), weights=weights, k=total):
        counts[k] += 1
    return counts


def _body_reports(i: int, body: str, rng: random.Random) -> Iterator[Spec]:
    carried = [rng.randint(0, 2) if c < 2 else 0 for c in range(COLUMNS)]
    scale = rng.choice([1, 2, 5, 10, 30])
    for year in YEARS:
        version = version_of(year)
        new = [rng.randint(0, 4 * scale) if c == 0 else rng.randint(0, scale) if c == 1 else
               rng.choice([0, 0, 0, 1]) for c in range(COLUMNS)]
        available = [n + c for n, c in zip(new, carried)]
        out = [rng.randint(0, min(a, 2)) for a in available]
        n_other = len(T3_OTHER[version])
        weights = RESULT_WEIGHTS + [1] * n_other
        rows = [[0] * COLUMNS for _ in weights]
        for c in range(COLUMNS):
            for k, n in enumerate(_split(available[c] - out[c], weights, rng)):
                rows[k][c] = n
        total = [available[c] - out[c] for c in range(COLUMNS)]
        spec = Spec(stem=f"synth_{i:05d}_{year}", body=body, year=year, version=version)
        spec.text = _render(spec, rng, new, carried, rows, total, out)
        carried = out
        yield spec


def _nums(cells: list[int]) -> str:
    return "\t".join(str(x) for x in [*cells, sum(cells)])


def _table4(rng: random.Random) -> tuple[list[list[int]], str]:
    blocks = []
    for weight in (3, 2, 1):
        parts = [rng.choice([0] * (4 - weight) + list(range(weight + 1))) for _ in range(4)]
        blocks.append(parts + [sum(parts)])
    header = ("行政复议\t行政诉讼\n"
              "结果维持\t结果纠正\t其他结果\t尚未审结\t总计\t未经复议直接起诉\t\t\t\t\t复议后起诉\t\t\t\t\n"
              "\t\t\t\t\t" + "\t".join(["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2) + "\n")
    return blocks, header + "\t".join(str(x) for b in blocks for x in b)


def _render(spec: Spec, rng: random.Random, new, carried, rows, total, out) -> str:
    body, year, version = spec.body, spec.year, spec.version
    published = rng.randint(80, 1500)
    policy, reading = rng.randint(2, 30), rng.randint(1, 20)
    permits = rng.randint(10, published // 2)
    articles = rng.randint(3, 60) * 10
    directory = rng.randint(20, 120)
    funds = round(rng.uniform(1.5, 60.0), 1)
    trainings = rng.randint(1, 9)
    suggestions, proposals = rng.randint(0, 12), rng.randint(0, 12)
    new_total = sum(new)
    t4, t4_text = _table4(rng)
    plan_items = rng.sample(["政策解读", "重点领域信息公开", "依申请公开办理", "政府网站栏目", "政务新媒体",
                             "基层政务公开标准化", "公开目录更新", "业务培训"], 3)
    problem = rng.choice(["公开内容不够全面、解读形式较为单一", "政策解读的形式不够丰富、互动回应不够及时",
                          "信息发布的及时性有待提高、公开栏目更新不够规范", "工作人员业务能力有待提升、平台功能还不完善"])
    lines = [f"{body}{year}年政府信息公开工作年度报告", "",
             f"本报告根据《中华人民共和国政府信息公开条例》要求编制，统计期限为{year}年1月1日至{year}年12月31日。", "",
             "一、总体情况", "",
             f"1.主动公开情况。{year}年，我单位主动公开政府信息共 {published} 条，其中政策文件 {policy} 条、"
             f"政策解读 {reading} 条、行政许可和其他对外管理服务事项结果信息 {permits} 条。", "",
             f"2.依申请公开情况。全年共收到政府信息公开申请 {new_total} 件，上年结转 {sum(carried)} 件，"
             f"均在法定时限内答复，按时答复率 100%。", "",
             f"3.政府信息管理。编制《{year}年主动公开基本目录》，将 {directory} 项主动公开事项逐项细化，明确责任科室和时间节点。", "",
             f"4.平台建设。在门户网站和政务新媒体发布政务信息{articles}余篇，全年更新“政务公开”专栏 {rng.randint(12, 90)} 次。", "",
             f"5.监督保障。全年政务公开工作经费 {funds} 万元，开展业务培训 {trainings} 次，"
             f"办理人大代表建议 {suggestions} 件、政协委员提案 {proposals} 件。", "",
             "二、主动公开政府信息情况", ""]
    if version == "2019":
        lines += ["第二十条第（一）项\t\t\t", "信息内容\t本年新制作数量\t本年新公开数量\t对外公开总数量",
                  f"规章\t0\t0\t0", f"规范性文件\t{(a := rng.randint(0, 5))}\t{a}\t{a + rng.randint(0, 20)}",
                  "第二十条第（五）项\t\t\t", "信息内容\t上一年项目数量\t本年增/减\t处理决定数量",
                  f"行政许可\t{rng.randint(5, 80)}\t{rng.randint(-5, 20)}\t{rng.randint(50, 50000)}",
                  f"其他对外管理服务事项\t{rng.randint(0, 20)}\t{rng.randint(-3, 5)}\t{rng.randint(0, 900)}",
                  "第二十条第（六）项\t\t\t", "信息内容\t上一年项目数量\t本年增/减\t处理决定数量",
                  f"行政处罚\t{rng.randint(0, 60)}\t{rng.randint(-5, 5)}\t{rng.randint(0, 400)}",
                  f"行政强制\t{rng.randint(0, 10)}\t{rng.randint(-2, 2)}\t{rng.randint(0, 40)}",
                  "第二十条第（八）项\t\t\t", "信息内容\t上一年项目数量\t本年增/减\t",
                  f"行政事业性收费\t{rng.randint(0, 5)}\t0\t",
                  "第二十条第（九）项\t\t\t", "信息内容\t采购项目数量\t采购总金额\t",
                  f"政府集中采购\t{rng.randint(0, 30)}\t{round(rng.uniform(1, 900), 1)} 万元\t"]
    else:
        lines += ["第二十条第（一）项\t\t\t", "信息内容\t本年制发件数\t本年废止件数\t现行有效件数",
                  "规章\t0\t0\t0", f"行政规范性文件\t{rng.randint(0, 6)}\t{rng.randint(0, 2)}\t{rng.randint(6, 40)}",
                  "第二十条第（五）项\t\t\t", "信息内容\t本年处理决定数量\t\t",
                  f"行政许可\t{rng.randint(50, 50000)}\t\t",
                  "第二十条第（六）项\t\t\t", "信息内容\t本年处理决定数量\t\t",
                  f"行政处罚\t{rng.randint(0, 400)}\t\t", f"行政强制\t{rng.randint(0, 40)}\t\t",
                  "第二十条第（八）项\t\t\t", "信息内容\t本年收费金额（单位：万元）\t\t",
                  f"行政事业性收费\t{round(rng.uniform(0, 300), 1)}\t\t"]
    lines += ["", "三、收到和处理政府信息公开申请情况", "",
              "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）\t申请人情况\t\t",
              "\t自然人\t法人或其他组织\t总计",
              "\t\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\t\t",
              f"一、本年新收政府信息公开申请数量\t\t{_nums(new)}",
              f"二、上年结转政府信息公开申请数量\t\t{_nums(carried)}"]
    labels = T3_RESULTS_COMMON + T3_OTHER[version]
    for label, cells in zip(labels, rows):
        lines.append("\t".join(label) + "\t" + _nums(cells))
    lines += [f"\t（七）总计\t{_nums(total)}", f"四、结转下年度继续办理\t\t{_nums(out)}", "",
              "四、政府信息公开行政复议、行政诉讼情况", "", t4_text, "",
              "五、存在的主要问题及改进情况", "",
              f"{year}年，我单位政府信息公开工作仍存在{problem}等问题。", "",
              f"{year + 1}年，我单位将重点做好以下几点：一是加强{plan_items[0]}；二是做好{plan_items[1]}；"
              f"三是推进{plan_items[2]}，全年发布政策解读不少于 {rng.randint(3, 12)} 篇。", "",
              "六、其他需要报告的事项", "",
              rng.choice(["本年度未收取信息处理费。", "本年度没有收取信息处理费，无其他需要报告的事项。"]), "",
              body, "", f"{year + 1}年1月{rng.randint(5, 30)}日", ""]
    spec.figures = {
        "new_total": new_total, "new_natural": new[0], "carried_in_total": sum(carried), "open_total": sum(rows[0]),
        "result_total": sum(total), "carried_out_total": sum(out), "review_total": t4[0][4],
        "litigation_total": t4[1][4] + t4[2][4], "published": published, "policy": policy, "articles": articles,
        "funds": funds, "trainings": trainings, "problem": problem,
    }
    return "\n".join(lines)


def write(out_dir: Path, count: int, seed: int = 0, start: int = 0) -> list[Path]:
    """Write reports start..count-1 as <stem>.txt and append their figures to manifest.jsonl."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    with open(out_dir / "manifest.jsonl", "a", encoding="utf-8") as manifest:
        for k, spec in enumerate(specs(seed)):
            if k >= count:
                break
            if k < start:
                continue
            path = out_dir / f"{spec.stem}.txt"
            path.write_text(spec.text, encoding="utf-8")
            manifest.write(json.dumps({"stem": spec.stem, "body": spec.body, "year": spec.year,
                                       "version": spec.version, **spec.figures}, ensure_ascii=False) + "\n")
            paths.append(path)
    return paths


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--count", type=int, default=10, help="how many reports (default 10)")
    ap.add_argument("--out", type=Path, required=True, help="folder to write them to")
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    paths = write(a.out, a.count, a.seed)
    print(f"wrote {len(paths)} reports to {a.out} (figures in {a.out / 'manifest.jsonl'}); "
          f"{len(bodies(a.seed))} bodies × {len(YEARS)} years available")


if __name__ == "__main__":
    main()
