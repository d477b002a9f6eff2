"""From a Document to a Report: title, body and year, sections, passages, placed tables, facts, checks."""
from __future__ import annotations

import re

from rapidfuzz import fuzz

from .consistency import check_table3, check_table4, derived_facts
from .errors import ReportReadError
from .facts import prose_facts
from .knowledge import Knowledge
from .model import Document, Paragraph, Passage, Report, Table
from .numbers import DATE
from .tables import Placed, place_table2, place_table3, place_table4
from .text import normalise

TITLE = re.compile(r"(?P<body>.*?)\s*(?P<year>(19|20)\d{2})\s*年\s*度?\s*(政府信息|政务|信息)公开.{0,6}?报告")
SECTION = re.compile(r"^\s*(?P<num>[一二三四五六])\s*[、.．]\s*(?P<title>.+)$")
SENTENCE = re.compile(r"[^。！？!?]+[。！？!?]*")
UNRELIABLE_TABLE3 = 4  # failed checks of table 三 (of about 40) that mean it was misread
UNRELIABLE_TABLE4 = 2  # of its 3
HEADING = re.compile(r"^\s*(\d+[.．、]|[（(][一二三四五六七八九十]+[)）]|[一二三四五六七八九十]+[、.．])")


def build_report(doc: Document, knowledge: Knowledge, report_id: str = "") -> Report:
    paragraphs = [normalise_par(b.text) for b in doc.blocks if isinstance(b, Paragraph)]
    body, year, title = find_title(doc, paragraphs)
    sections = split_sections(doc.blocks, knowledge)
    preamble = knowledge.format["preamble"]["name"]
    if len(sections) - 1 < 3:
        raise ReportReadError(f"{doc.source}: no sections of an annual report found (一、总体情况 …)")
    version = detect_version(doc, knowledge, year)
    report = Report(id=report_id or f"{body}-{year}", body=body, year=year, title=title, version=version,
                    source=doc.source, source_hash=doc.source_hash)
    for name, blocks in sections.items():
        if name[0] in "二三四":
            placed = place_section(name, blocks, version, knowledge)
            report.facts += placed.facts
            report.notes += placed.notes
            prose = [b.text for b in blocks if isinstance(b, Paragraph) and not _row_like(b.text)]
        elif name == preamble:  # only full sentences: not the title, the body's name or page chrome
            prose = [b.text for b in blocks if isinstance(b, Paragraph) and "。" in b.text]
        else:
            prose = [b.text for b in blocks if isinstance(b, Paragraph)]
        prose, signoff = split_signoff(prose, body) if name[0] == "六" else (prose, [])
        report.passages += passages(name, prose)
        if signoff:
            text = " ".join(signoff)
            report.passages.append(Passage(section="落款", text=text, paragraph=text))
            m = DATE.search(normalise(text))
            report.published = m.group(0).replace(" ", "") if m else ""
    for p in report.passages:
        report.facts += prose_facts(p, knowledge)
    report.facts += derived_facts(report.facts, knowledge, version)
    report.checks = check_table3(report.facts, knowledge, version) + check_table4(report.facts, knowledge)
    distrust_failed_tables(report)
    return report


def distrust_failed_tables(report: Report) -> None:
    """A report's own slip fails a rule or two; a table that fails many was most likely read wrong (a lost
    cell shifting a row): its figures are kept for `check` but not stated to citizens."""
    for table, limit in (("三", UNRELIABLE_TABLE3), ("四", UNRELIABLE_TABLE4)):
        failed = [c for c in report.checks if not c.ok and c.rule.startswith(f"表{table}")]
        if len(failed) >= limit:
            for f in report.facts:
                if f.kind != "prose" and f.section.startswith(table):
                    f.certain = False
            report.notes.append(f"表{table}：勾稽关系有{len(failed)}处不符，数字可能没有放对，表{table}的数字暂不作答")


def normalise_par(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def find_title(doc: Document, paragraphs: list[str]) -> tuple[str, int, str]:
    for i, text in enumerate(paragraphs[:15]):
        m = TITLE.search(normalise(text).replace(" ", ""))
        if not m:
            continue
        body = m.group("body").strip(" 《》\"“”")
        if not body and i > 0:
            body = paragraphs[i - 1].replace(" ", "")
        title = (body + m.group(0)[len(m.group("body")):]) if body not in m.group(0) else m.group(0)
        return body or "未署名机关", int(m.group("year")), title.replace(" ", "")
    raise ReportReadError(f"{doc.source}: no title naming a year (…2020年政府信息公开工作年度报告) found")


def split_sections(blocks, knowledge: Knowledge) -> dict[str, list]:
    """Blocks grouped under the six section titles, found in order and matched to the format's titles."""
    titles = knowledge.section_titles()
    preamble = knowledge.format["preamble"]["name"]
    sections: dict[str, list] = {preamble: []}
    current = preamble
    expected = 0
    for block in blocks:
        if isinstance(block, Paragraph):
            m = SECTION.match(normalise(block.text))
            if m and expected < len(titles):
                for k in range(expected, len(titles)):
                    num, title = titles[k]
                    if m.group("num") == num and fuzz.partial_ratio(title, m.group("title")) >= 70:
                        current = f"{num}、{title}"
                        sections[current] = []
                        expected = k + 1
                        break
                else:
                    m = None
                if m:
                    continue
        if current:
            sections[current].append(block)
    return sections


def detect_version(doc: Document, knowledge: Knowledge, year: int) -> str:
    blob = "".join(
        "".join("".join(r) for r in b.rows) if isinstance(b, Table) else b.text for b in doc.blocks)
    blob = normalise(blob).replace(" ", "")
    hits = {v: sum(w in blob for w in words) for v, words in knowledge.format["versions"].items()}
    best = max(hits, key=hits.get)
    if hits[best]:
        return best
    return "2021" if year >= 2021 else "2019"


def _row_like(text: str) -> bool:
    """A text line inside a table section that is a row of the table rather than prose."""
    return "。" not in text or bool(re.search(r"\d\s+\d", text))


def section_rows(blocks) -> tuple[list[list[str]], bool]:
    rows: list[list[str]] = []
    grid = False
    for b in blocks:
        if isinstance(b, Table):
            widths = {len(r) for r in b.rows}
            grid = grid or (b.grid and len(widths) == 1 and len(b.rows) > 2 and min(widths) >= 8)
            rows += [[normalise(c) for c in r] for r in b.rows]
        elif _row_like(b.text):
            rows.append([c for c in re.split(r"\s{2,}|\t| (?=[\d.]+(?:\s|$))|(?<=\d) ", normalise(b.text)) if c])
    return rows, grid


def place_section(name: str, blocks, version: str, knowledge: Knowledge) -> Placed:
    rows, grid = section_rows(blocks)
    if name[0] == "二":
        return place_table2(rows, version, knowledge, name)
    if name[0] == "三":
        return place_table3(rows, version, knowledge, name, grid)
    return place_table4(rows, knowledge, name, grid)


def split_signoff(prose: list[str], body: str) -> tuple[list[str], list[str]]:
    """The closing lines (the body's name, the date) are not section text; page chrome after them is dropped."""
    for i in range(len(prose) - 1, max(-1, len(prose) - 6), -1):
        if len(prose[i]) <= 20 and DATE.fullmatch(normalise(prose[i]).replace(" ", "").strip()):
            start = i - 1 if i and len(prose[i - 1]) <= 40 and fuzz.partial_ratio(body, prose[i - 1]) >= 80 else i
            return prose[:start], prose[start:i + 1]
    return prose, []


def passages(section: str, paragraphs: list[str]) -> list[Passage]:
    """Sentences, each with its paragraph; paragraphs broken mid-sentence by extraction are joined first."""
    joined: list[str] = []
    for text in paragraphs:
        text = normalise_par(text)
        if joined and not re.search(r"[。！？：；!?:;]$", joined[-1]) and not HEADING.match(text):
            joined[-1] += text
        else:
            joined.append(text)
    out = []
    for par in joined:
        heading = ""
        for s in (s.strip() for s in SENTENCE.findall(par)):
            if HEADING.match(s) and len(s) <= 20 and not re.search(r"\d\s*[件条篇个项次%]", s):
                heading += s  # （二）上年度年报问题整改情况。: a heading goes with the sentence under it
            elif s:
                out.append(Passage(section=section, text=heading + s, paragraph=par))
                heading = ""
        if heading:
            out.append(Passage(section=section, text=heading, paragraph=par))
    return out
