"""The format's own arithmetic (勾稽关系): checks run at ingest, and the sums the format implies (derived facts)."""
from __future__ import annotations

from .knowledge import Knowledge
from .model import Check, Fact
from .numbers import fmt
from .tables import cell_fact


def section_name(section: dict) -> str:
    """The name a section goes by in facts and passages: the format's own numbered title (二、主动公开政府信息情况),
    whatever numeral the report printed. Its 、 stays in code for now: Knowledge.section_cues (knowledge.py) builds
    the same name, and the two should move to format.toml together."""
    return f"{section['number']}、{section['title']}" if section["number"] else section["title"]


def section_of(knowledge: Knowledge, role: str) -> str:
    """The name facts of a role's section carry (applications -> 三、收到和处理政府信息公开申请情况)."""
    return section_name(knowledge.section(role))


def _grid(facts: list[Fact], section: str) -> dict[tuple, dict[str, float]]:
    grid: dict[tuple, dict[str, float]] = {}
    for f in facts:
        if f.kind == "table" and f.section == section:
            grid.setdefault(f.row, {})[f.column[-1]] = f.value
    return grid


def check_table3(facts: list[Fact], knowledge: Knowledge, version: str) -> list[Check]:
    grid = _grid(facts, section_of(knowledge, "applications"))
    say = knowledge.note
    total_column = knowledge.format["table3"]["default_column"]
    rows = {tuple(r["path"]): r["key"] for r in knowledge.table3_rows(version)}
    by_key = {rows[p]: cells for p, cells in grid.items() if p in rows}
    columns = [c[-1] for c in knowledge.format["table3"]["columns"]]
    checks = []
    for path, cells in grid.items():
        parts = [cells.get(c) for c in columns[:-1]]
        if None not in parts and total_column in cells:
            ok = abs(sum(parts) - cells[total_column]) < 1e-9
            checks.append(Check(say("rule_t3_row"), ok,
                                say("detail_total", row=path[-1], total=fmt(cells[total_column]), sum=fmt(sum(parts)))))
    needed = ("new", "carried_in", "total", "carried_out")
    result_keys = [r["key"] for r in knowledge.table3_rows(version) if r["key"] not in needed]
    for col in columns:
        try:
            new, carried_in, total, carried_out = (by_key[k][col] for k in needed)
        except KeyError:
            checks.append(Check(say("rule_t3_carry"), False, say("detail_missing", column=col)))
            continue
        checks.append(Check(say("rule_t3_carry"), new + carried_in == total + carried_out,
                            say("detail_carry", column=col, new=fmt(new), carried_in=fmt(carried_in), total=fmt(total),
                                carried_out=fmt(carried_out))))
        results = [by_key.get(k, {}).get(col) for k in result_keys]
        if None not in results:
            checks.append(Check(say("rule_t3_results"), sum(results) == total,
                                say("detail_results", column=col, total=fmt(total), sum=fmt(sum(results)))))
    return checks


def check_table4(facts: list[Fact], knowledge: Knowledge) -> list[Check]:
    checks = []
    total = knowledge.format["table4"]["default_column"]
    for path, cells in _grid(facts, section_of(knowledge, "reviews")).items():
        parts = [cells.get(c) for c in knowledge.format["table4"]["columns"][:-1]]
        if None not in parts and total in cells:
            checks.append(Check(knowledge.note("rule_t4_row"), sum(parts) == cells[total],
                                knowledge.note("detail_t4_row", row="/".join(path), total=fmt(cells[total]),
                                               sum=fmt(sum(parts)))))
    return checks


def derived_facts(facts: list[Fact], knowledge: Knowledge, version: str) -> list[Fact]:
    """Sums the format implies but does not print: group rows of table 三, 法人 合计, 行政诉讼 as a whole."""
    out: list[Fact] = []
    t3_section = section_of(knowledge, "applications")
    t3 = _grid(facts, t3_section)
    unit = knowledge.format["table3"]["unit"]
    columns = [tuple(c) for c in knowledge.format["table3"]["columns"]]
    groups: dict[tuple, list[tuple]] = {}
    for r in knowledge.table3_rows(version):
        if len(r["path"]) == 3:
            groups.setdefault(tuple(r["path"][:2]), []).append(tuple(r["path"]))
    for group, children in groups.items():
        for col in columns:
            vals = [t3.get(c, {}).get(col[-1]) for c in children]
            if None not in vals:
                out.append(cell_fact(knowledge, t3_section, group, col, sum(vals), unit, key="group." + group[-1],
                                     kind="derived",
                                     qualifier=_parts(knowledge, "sum_rows", len(vals), [c[-1] for c in children])))
    org = tuple(knowledge.format["table3"]["derived_columns"][0])
    org_cols = [c[-1] for c in columns if c[1] == org[1]]
    for path, cells in t3.items():
        vals = [cells.get(c) for c in org_cols]
        if None not in vals:
            out.append(cell_fact(knowledge, t3_section, path, org, sum(vals), unit, key="org." + path[-1],
                                 kind="derived", qualifier=_parts(knowledge, "sum_kinds", len(vals), org_cols)))
    t4_section = section_of(knowledge, "reviews")
    t4 = _grid(facts, t4_section)
    for parent in knowledge.format["table4"]["derived_blocks"]:
        children = [p for p in t4 if p[:len(parent)] == tuple(parent) and len(p) > len(parent)]
        for col in knowledge.format["table4"]["columns"]:
            vals = [t4[c].get(col) for c in children]
            if children and None not in vals:
                out.append(cell_fact(knowledge, t4_section, tuple(parent), (col,), sum(vals),
                                     knowledge.format["table4"]["unit"],
                                     key="t4." + ".".join(parent), kind="derived",
                                     qualifier=_parts(knowledge, "sum_kinds", len(vals), [c[-1] for c in children])))
    return out


def _parts(knowledge: Knowledge, key: str, n: int, parts: list[str]) -> str:
    """8项合计（1.属于国家秘密、…）: what a derived sum adds up, so a question listing the parts finds it."""
    return knowledge.note("parts", total=knowledge.note(key, n=n), parts=knowledge.note("list_sep").join(parts))


def carry_over_checks(before: dict[str, float], after: dict[str, float], year: int, body: str,
                      knowledge: Knowledge) -> list[Check]:
    """One year's 结转下年度继续办理 should be the next year's 上年结转, column by column."""
    checks = []
    for col, value in before.items():
        if col in after:
            checks.append(Check(knowledge.note("rule_years"), value == after[col],
                                knowledge.note("detail_years", body=body, year=year, before=fmt(value), next=year + 1,
                                               after=fmt(after[col]), column=col)))
    return checks
