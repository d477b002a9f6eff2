"""From a Document to a Report: title, body and year, sections, passages, placed tables, facts, checks."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz

from . import flat
from .consistency import check_table3, check_table4, derived_facts, section_name, section_of
from .errors import ReportReadError
from .facts import prose_facts
from .knowledge import Knowledge
from .model import Document, Paragraph, Passage, Report, Table
from .numbers import DATE
from .tables import Placed, place_fees, place_table2, place_table3, place_table4
from .text import normalise

# failed checks of a table that mean it was misread: table 三 has about 40 checks, table 四 3 (a row that fails is
# distrusted on its own)
UNRELIABLE = {"applications": 4, "reviews": 3}


def build_report(doc: Document, knowledge: Knowledge, report_id: str = "", body: str | None = None,
                 year: int | None = None) -> Report:
    """body/year: what a clerk says (qa-service ingest --body/--year); they win over what the file says."""
    paragraphs = [normalise_par(b.text) for b in doc.blocks if isinstance(b, Paragraph)]
    sections = split_sections(strip_chrome(doc.blocks, knowledge), knowledge)
    if len(sections) - 1 < 3:
        raise ReportReadError(f"{doc.source}: no sections of an annual report found "
                              f"({section_name(knowledge.format['sections'][0])} …)")
    found = identify(doc, paragraphs, knowledge)
    body = body or found.body
    year = year or found.year
    if year is None:
        raise ReportReadError(f"{doc.source}: no year found (not in a title, the statistics period or the sign-off); "
                              "say it with --year")
    notes = list(found.notes)
    if not body:
        body = _slug_body(doc.source)
        notes.append(knowledge.note("no_body", body=body))
    reading = knowledge.format["reading"]
    title = found.title if found.title and found.body == body and found.year == year else \
        reading["title"].format(body=body, year=year)
    preamble = knowledge.format["preamble"]["name"]
    version = detect_version(doc, knowledge, year)
    report = Report(id=report_id or f"{body}-{year}", body=body, year=year, title=title, version=version,
                    source=doc.source, source_hash=doc.source_hash, notes=notes)
    roles = section_roles(knowledge)
    last = list(sections)[-1]
    for name, blocks in sections.items():
        role = roles.get(name, "")
        if role in TABLE_ROLES:
            placed = place_section(role, name, blocks, version, knowledge)
            report.facts += placed.facts
            report.notes += placed.notes
            prose = [b.text for b in blocks if isinstance(b, Paragraph) and not _row_like(b.text, reading)]
        elif name == preamble:  # only full sentences: not the title, the body's name or page chrome
            prose = [b.text for b in blocks if isinstance(b, Paragraph) and reading["full_stop"] in b.text]
        else:
            prose = [b.text for b in blocks if isinstance(b, Paragraph)]
        prose, signoff = split_signoff(prose, body, knowledge) if name == last else (prose, [])
        report.passages += passages(name, prose, knowledge)
        if signoff:
            text = " ".join(signoff)
            report.passages.append(Passage(section=knowledge.format["signoff"]["name"], text=text, paragraph=text))
            m = DATE.search(normalise(text))
            report.published = m.group(0).replace(" ", "") if m else ""
    for p in report.passages:
        report.facts += prose_facts(p, knowledge)
    report.facts += derived_facts(report.facts, knowledge, version)
    report.checks = check_table3(report.facts, knowledge, version) + check_table4(report.facts, knowledge)
    distrust_failed_tables(report, knowledge)
    return report


# the sections whose numbers are the format's fixed tables
TABLE_ROLES = ("proactive", "applications", "reviews", "fees")


def section_roles(knowledge: Knowledge) -> dict[str, str]:
    return {section_name(s): s["role"] for s in knowledge.format["sections"]}


def distrust_failed_tables(report: Report, knowledge: Knowledge) -> None:
    """A row whose 总计 is not the sum of its cells cannot be stated: which cell is wrong is unknown (the same for
    the sums built on it). A table that fails many rules was most likely read wrong (a lost cell shifting a row):
    its figures are kept for `check` but none is stated to citizens."""
    for role, total in (("applications", knowledge.format["table3"]["default_column"]),
                        ("reviews", knowledge.format["table4"]["default_column"])):
        section, table = section_of(knowledge, role), knowledge.section(role)["table"]
        rows: dict[tuple, list] = {}
        for f in report.facts:
            if f.kind == "table" and f.section == section:
                rows.setdefault(f.row, []).append(f)
        failed = [row for row, cells in rows.items() if _sum_fails(cells, total)]
        for f in report.facts:
            if f.kind != "prose" and f.section == section and any(r[:len(f.row)] == f.row for r in failed):
                f.certain = False
        if failed:
            rows = knowledge.note("list_sep").join(r[-1] for r in failed)
            report.notes.append(knowledge.note("row_sum_fails", table=table, rows=rows))
    for role, limit in UNRELIABLE.items():
        section, table = section_of(knowledge, role), knowledge.section(role)["table"]
        failed = [c for c in report.checks
                  if not c.ok and c.rule.startswith(knowledge.meaning["check_table"].format(number=table))]
        if len(failed) >= limit:
            for f in report.facts:
                if f.kind != "prose" and f.section == section:
                    f.certain = False
            report.notes.append(knowledge.note("table_misread", table=table, n=len(failed)))


def _sum_fails(cells: list, total: str) -> bool:
    named = {f.column[-1]: f.value for f in cells}
    parts = [f.value for f in cells if f.column[-1] != total]
    return total in named and len(named) > 2 and abs(sum(parts) - named[total]) > 1e-6


def normalise_par(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@dataclass
class Identity:
    body: str = ""
    year: int | None = None
    title: str = ""
    notes: list[str] = field(default_factory=list)


def identify(doc: Document, paragraphs: list[str], knowledge: Knowledge) -> Identity:
    """Body, year and title from wherever the file says them: a title in any order (also wrapped over two lines,
    or only in the page's <title> / a crawler's 标题: line), else the year from the report's words about itself,
    the statistics period or the sign-off, and the body from the sign-off."""
    t = knowledge.format["title"]
    patterns = [re.compile(p) for p in t["patterns"]]
    texts = [_squeeze(p) for p in paragraphs[:15]]
    tried = texts + [a + b for a, b in zip(texts, texts[1:]) if len(a) <= 40]  # a title wrapped over two lines
    tried += [_squeeze(doc.meta[k]) for k in t["header_keys"] if doc.meta.get(k)]
    for i, text in enumerate(tried):
        for pattern in patterns:
            m = pattern.search(text)
            if not m:
                continue
            body = m.group("body").strip(knowledge.format["reading"]["name_marks"])
            if any(word in body for word in t["chrome"]):
                continue  # a crawled page's breadcrumb ran into the title: the title is looked for elsewhere
            if not body and i and i < len(texts) and len(texts[i - 1]) <= 30:
                body = texts[i - 1]  # the body's name on the line above a title that starts with the year
            title = m.group(0) if body and body in m.group(0) else body + m.group(0)
            return Identity(body=body, year=int(m.group("year")), title=title)
    found = Identity(notes=[knowledge.note("no_title")])
    blob = _squeeze(" ".join(paragraphs))
    for key in ("in_sentence", "period"):
        if m := re.search(t[key], blob):
            found.year = int(m.group("year"))
            break
    signoff = _signoff_lines(paragraphs, t["body_ends"])
    if signoff:
        found.body = signoff[0]
        if found.year is None and signoff[1]:
            found.year = signoff[1] - 1  # a report is signed early in the year after the one it covers
    return found


def _squeeze(text: str) -> str:
    return normalise(text).replace(" ", "")


def _signoff_lines(paragraphs: list[str], body_ends: list[str]) -> tuple[str, int | None] | None:
    """The body's name on a short line just above the closing date (or alone at the end)."""
    tail = [_squeeze(p) for p in paragraphs[-6:]]
    for i in range(len(tail) - 1, -1, -1):
        m = DATE.fullmatch(tail[i])
        if m and i and len(tail[i - 1]) <= 30 and tail[i - 1].endswith(tuple(body_ends)):
            return tail[i - 1], int(m.group(1))
    return None


def _slug_body(source: str) -> str:
    return re.sub(r"\.[A-Za-z0-9]+$", "", source)


def split_sections(blocks, knowledge: Knowledge) -> dict[str, list]:
    """Blocks grouped under the format's section titles, found in order by their printed titles (any numeral, a
    heading on its own line or inside a line of crawled text), each named by the format's own title."""
    specs = knowledge.format["sections"]
    heading = _heading_pattern(knowledge)
    preamble = knowledge.format["preamble"]["name"]
    sections: dict[str, list] = {preamble: []}
    current, expected = preamble, 0
    for block in blocks:
        if not isinstance(block, Paragraph):
            sections[current].append(block)
            continue
        for piece, k in _cut_at_headings(block.text, heading, specs, expected):
            if k is not None:
                current, expected = section_name(specs[k]), k + 1
                sections[current] = []
            elif piece:
                sections[current].append(Paragraph(piece))
    return sections


def _heading_pattern(knowledge: Knowledge) -> re.Pattern:
    heads = sorted({_squeeze(h) for s in knowledge.format["sections"] for h in s["heads"]}, key=len, reverse=True)
    number = knowledge.format["reading"]["section_number"]
    return re.compile(rf"{number}(?P<head>{'|'.join(map(re.escape, heads))})")


def _cut_at_headings(text: str, heading: re.Pattern, specs: list[dict], expected: int):
    """(piece, None) for text and (title, k) for the heading of section k, in order. A heading is taken only for a
    section after the current one; one followed at once by the next heading is a list of the sections in a
    sentence (本报告包括一、总体情况；二、…), not a heading."""
    owner = {_squeeze(h): k for k, s in enumerate(specs) for h in s["heads"]}
    hits = list(heading.finditer(text))
    if not hits:
        return [(text, None)]
    out, pos = [], 0
    for i, m in enumerate(hits):
        k = owner.get(_squeeze(m.group("head")))
        listed = i + 1 < len(hits) and hits[i + 1].start() - m.end() < 12
        if k is None or k < expected or listed:
            continue
        out.append((text[pos:m.start()].strip(), None))
        out.append((m.group(0), k))
        expected, pos = k + 1, m.end()
    out.append((text[pos:].strip(), None))
    return out


def detect_version(doc: Document, knowledge: Knowledge, year: int) -> str:
    blob = "".join(
        "".join("".join(r) for r in b.rows) if isinstance(b, Table) else b.text for b in doc.blocks)
    blob = normalise(blob).replace(" ", "")
    hits = {v: sum(w in blob for w in words) for v, words in knowledge.format["versions"].items()}
    best = max(hits, key=hits.get)
    if hits[best]:
        return best
    return "2021" if year >= 2021 else "2019"


def _row_like(text: str, reading: dict) -> bool:
    """A text line inside a table section that is a row of the table rather than prose."""
    return reading["full_stop"] not in text or bool(re.search(r"\d\s+\d", text))


def section_rows(blocks, reading: dict) -> tuple[list[list[str]], bool]:
    rows: list[list[str]] = []
    grid = False
    for b in blocks:
        if isinstance(b, Table):
            widths = {len(r) for r in b.rows}
            grid = grid or (b.grid and len(widths) == 1 and len(b.rows) > 2 and min(widths) >= 8)
            rows += [[normalise(c) for c in r] for r in b.rows]
        elif _row_like(b.text, reading):
            rows.append([c for c in re.split(r"\s{2,}|\t| (?=[\d.]+(?:\s|$))|(?<=\d) ", normalise(b.text)) if c])
    return rows, grid


def place_section(role: str, name: str, blocks, version: str, knowledge: Knowledge) -> Placed:
    paragraphs = [b.text for b in blocks if isinstance(b, Paragraph)]
    if len(paragraphs) <= 2 and not any(isinstance(b, Table) for b in blocks):
        text = " ".join(paragraphs)
        if flat.is_flat(text, _labels(role, version, knowledge)):
            return _place_flat(role, text, name, version, knowledge)
    rows, grid = section_rows(blocks, knowledge.format["reading"])
    if role == "proactive":
        return place_table2(rows, version, knowledge, name)
    if role == "applications":
        return place_table3(rows, version, knowledge, name, grid)
    if role == "reviews":
        return place_table4(rows, knowledge, name, grid)
    return place_fees(rows, knowledge, name)


def _labels(role: str, version: str, knowledge: Knowledge) -> list[str]:
    if role == "proactive":
        return [flat.core(r, knowledge.format["reading"]) for b in knowledge.table2(version) for r in b["rows"]]
    if role == "applications":
        return [flat.core(r["path"][-1], knowledge.format["reading"]) for r in knowledge.table3_rows(version)]
    if role == "reviews":
        return list(knowledge.format["table4"]["columns"])
    return list(knowledge.format["fees"]["rows"]) + list(knowledge.format["fees"]["columns"])


def _place_flat(role: str, text: str, name: str, version: str, knowledge: Knowledge) -> Placed:
    if role == "proactive":
        return flat.place_table2(text, version, knowledge, name)
    if role == "applications":
        return flat.place_table3(text, version, knowledge, name)
    if role == "reviews":
        return flat.place_table4(text, knowledge, name)
    return flat.place_fees(text, knowledge, name)


def split_signoff(prose: list[str], body: str, knowledge: Knowledge) -> tuple[list[str], list[str]]:
    """The closing lines (the body's name, the date) are not section text; page chrome after them is dropped.
    On a page crawled into one line they close its last paragraph: `…暂无。 平潭综合实验区交通与建设局 2021年1月26日`."""
    for i in range(len(prose) - 1, max(-1, len(prose) - 6), -1):
        if len(prose[i]) <= 20 and DATE.fullmatch(normalise(prose[i]).replace(" ", "").strip()):
            start = i - 1 if i and len(prose[i - 1]) <= 40 and fuzz.partial_ratio(body, prose[i - 1]) >= 80 else i
            return prose[:start], prose[start:i + 1]
    inline = _inline_signoff(knowledge.format["reading"]["inline_signoff"])
    if prose and (m := inline.search(prose[-1])) and fuzz.partial_ratio(body, m.group("body")) >= 80:
        return prose[:-1] + [prose[-1][:m.start()].strip()], [prose[-1][m.start():].strip()]
    return prose, []


@lru_cache(maxsize=4)
def _inline_signoff(pattern: str) -> re.Pattern:
    """The body's name and the date closing a paragraph (format.toml [reading] inline_signoff)."""
    return re.compile(pattern.replace("{date}", DATE.pattern))


def strip_chrome(blocks: list, knowledge: Knowledge) -> list:
    """A crawled page keeps its breadcrumb, share links and 附件下载 around the report: cut them off the first and
    last paragraphs (only where two or more such words stand together at the start)."""
    t = knowledge.format["title"]
    paragraphs = [i for i, b in enumerate(blocks) if isinstance(b, Paragraph)]
    if not paragraphs:
        return blocks
    blocks = list(blocks)
    first, last = paragraphs[0], paragraphs[-1]
    head = blocks[first].text[:400]
    ends = [head.rfind(w) + len(w) for w in t["chrome_head"] if w in head]
    if len(ends) >= 2 and max(ends) < len(blocks[first].text):
        blocks[first] = Paragraph(blocks[first].text[max(ends):].strip())
    text = blocks[last].text
    for word in sorted(t["chrome_tail"], key=len, reverse=True):
        if text.rstrip().endswith(word):
            text = text.rstrip()[:-len(word)].rstrip()
    blocks[last] = Paragraph(text)
    return blocks


def passages(section: str, paragraphs: list[str], knowledge: Knowledge) -> list[Passage]:
    """Sentences, each with its paragraph; paragraphs broken mid-sentence by extraction are joined first."""
    reading = knowledge.format["reading"]
    numbered, sentence = re.compile(reading["heading"]), re.compile(reading["sentence"])
    joined: list[str] = []
    for text in paragraphs:
        text = normalise_par(text)
        if joined and not re.search(reading["whole"], joined[-1]) and not numbered.match(text):
            joined[-1] += text
        else:
            joined.append(text)
    out = []
    for par in joined:
        heading = ""
        for s in (s.strip() for s in sentence.findall(par)):
            if numbered.match(s) and len(s) <= 20 and not re.search(reading["heading_figure"], s):
                heading += s  # （二）上年度年报问题整改情况。: a heading goes with the sentence under it
            elif s:
                out.append(Passage(section=section, text=heading + s, paragraph=par))
                heading = ""
        if heading:
            out.append(Passage(section=section, text=heading, paragraph=par))
    return out


def check_record(file: str, report: Report, knowledge: Knowledge) -> dict:
    """What `qa-service check --json` prints for one file: the report, every placed figure by the format's own
    labels (table 二/三/四, 五 for the fee table), the checks and the notes."""
    tables = {section_name(s): s.get("table") for s in knowledge.format["sections"]}
    facts = [{"table": tables.get(f.section) if f.kind != "prose" else None, "row": "/".join(f.row),
              "column": f.column[-1] if f.column else "", "value": f.value, "unit": f.unit, "text": f.text,
              "kind": f.kind, "certain": f.certain} for f in report.facts]
    return {"file": file, "error": None,
            "report": {"body": report.body, "year": report.year, "version": report.version, "title": report.title},
            "facts": facts, "checks": [{"rule": c.rule, "ok": c.ok, "detail": c.detail} for c in report.checks],
            "notes": report.notes}
