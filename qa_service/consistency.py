"""The format's own arithmetic (勾稽关系): checks run at ingest, and the sums the format implies (derived facts)."""
from __future__ import annotations

from .knowledge import Knowledge
from .model import Check, Fact
from .numbers import fmt
from .tables import cell_fact


def _grid(facts: list[Fact], section_prefix: str) -> dict[tuple, dict[str, float]]:
    grid: dict[tuple, dict[str, float]] = {}
    for f in facts:
        if f.kind == "table" and f.section.startswith(section_prefix):
            grid.setdefault(f.row, {})[f.column[-1]] = f.value
    return grid


def check_table3(facts: list[Fact], knowledge: Knowledge, version: str) -> list[Check]:
    grid = _grid(facts, "三")
    rows = {tuple(r["path"]): r["key"] for r in knowledge.table3_rows(version)}
    by_key = {rows[p]: cells for p, cells in grid.items() if p in rows}
    columns = [c[-1] for c in knowledge.format["table3"]["columns"]]
    checks = []
    for path, cells in grid.items():
        parts = [cells.get(c) for c in columns[:-1]]
        if None not in parts and "总计" in cells:
            ok = abs(sum(parts) - cells["总计"]) < 1e-9
            checks.append(Check("表三 总计列 = 各列之和", ok,
                                f"{path[-1]}：总计 {fmt(cells['总计'])}，各列之和 {fmt(sum(parts))}"))
    needed = ("new", "carried_in", "total", "carried_out")
    result_keys = [r["key"] for r in knowledge.table3_rows(version) if r["key"] not in needed]
    for col in columns:
        try:
            new, carried_in, total, carried_out = (by_key[k][col] for k in needed)
        except KeyError:
            checks.append(Check("表三 一+二 = 三(七)+四", False, f"{col}：缺少数字，无法核对"))
            continue
        checks.append(Check("表三 一+二 = 三(七)+四", new + carried_in == total + carried_out,
                            f"{col}：{fmt(new)}+{fmt(carried_in)} 对 {fmt(total)}+{fmt(carried_out)}"))
        results = [by_key.get(k, {}).get(col) for k in result_keys]
        if None not in results:
            checks.append(Check("表三 (七)总计 = (一)至(六)之和", sum(results) == total,
                                f"{col}：总计 {fmt(total)}，各项之和 {fmt(sum(results))}"))
    return checks


def check_table4(facts: list[Fact], knowledge: Knowledge) -> list[Check]:
    checks = []
    for path, cells in _grid(facts, "四").items():
        parts = [cells.get(c) for c in knowledge.format["table4"]["columns"][:-1]]
        if None not in parts and "总计" in cells:
            checks.append(Check("表四 总计 = 各项之和", sum(parts) == cells["总计"],
                                f"{'/'.join(path)}：总计 {fmt(cells['总计'])}，各项之和 {fmt(sum(parts))}"))
    return checks


def derived_facts(facts: list[Fact], knowledge: Knowledge, version: str) -> list[Fact]:
    """Sums the format implies but does not print: group rows of table 三, 法人 合计, 行政诉讼 as a whole."""
    out: list[Fact] = []
    t3 = _grid(facts, "三")
    t3_section = next((f.section for f in facts if f.section.startswith("三")), "")
    columns = [tuple(c) for c in knowledge.format["table3"]["columns"]]
    groups: dict[tuple, list[tuple]] = {}
    for r in knowledge.table3_rows(version):
        if len(r["path"]) == 3:
            groups.setdefault(tuple(r["path"][:2]), []).append(tuple(r["path"]))
    for group, children in groups.items():
        for col in columns:
            vals = [t3.get(c, {}).get(col[-1]) for c in children]
            if None not in vals:
                out.append(cell_fact(t3_section, group, col, sum(vals), "件", key="group." + group[-1],
                                     kind="derived", qualifier=_parts(f"{len(vals)}项合计", [c[-1] for c in children])))
    org = tuple(knowledge.format["table3"]["derived_columns"][0])
    org_cols = [c[-1] for c in columns if c[1] == org[1]]
    for path, cells in t3.items():
        vals = [cells.get(c) for c in org_cols]
        if None not in vals:
            out.append(cell_fact(t3_section, path, org, sum(vals), "件", key="org." + path[-1],
                                 kind="derived", qualifier=_parts(f"{len(vals)}类合计", org_cols)))
    t4 = _grid(facts, "四")
    t4_section = next((f.section for f in facts if f.section.startswith("四")), "")
    for parent in knowledge.format["table4"]["derived_blocks"]:
        children = [p for p in t4 if p[:len(parent)] == tuple(parent) and len(p) > len(parent)]
        for col in knowledge.format["table4"]["columns"]:
            vals = [t4[c].get(col) for c in children]
            if children and None not in vals:
                out.append(cell_fact(t4_section, tuple(parent), (col,), sum(vals), "件",
                                     key="t4." + ".".join(parent), kind="derived",
                                     qualifier=_parts(f"{len(vals)}类合计", [c[-1] for c in children])))
    return out


def _parts(total: str, parts: list[str]) -> str:
    """8项合计（1.属于国家秘密、…）: what a derived sum adds up, so a question listing the parts finds it."""
    return f"{total}（{'、'.join(parts)}）"


def carry_over_checks(before: dict[str, float], after: dict[str, float], year: int, body: str) -> list[Check]:
    """One year's 结转下年度继续办理 should be the next year's 上年结转, column by column."""
    checks = []
    for col, value in before.items():
        if col in after:
            checks.append(Check("跨年 上年结转 = 上一年度结转下年度继续办理", value == after[col],
                                f"{body}：{year}年结转下年度 {fmt(value)}，{year + 1}年上年结转 {fmt(after[col])}（{col}）"))
    return checks
