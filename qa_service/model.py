"""Plain data that flows through the steps: Document (read) -> Report (facts, passages) -> Answer."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field


# ---- what a reader produces: nothing after this knows the file type ----

@dataclass
class Paragraph:
    text: str


@dataclass
class Table:
    """A table as a grid of cell strings, spans already expanded (a merged cell repeats its text)."""

    rows: list[list[str]]
    # True when a cell's position is its column (HTML, Word, Markdown, PDF ruling); False for cells split out
    # of text lines, where a lost or merged cell shifts the rest of the row
    grid: bool = True


@dataclass
class Document:
    source: str  # file name
    blocks: list[Paragraph | Table]
    source_hash: str = ""
    # what the file says about itself outside the report's text: a page's <title>, a crawler's 标题: line
    meta: dict[str, str] = field(default_factory=dict)


# ---- what the structure step makes of a document ----

@dataclass
class Passage:
    section: str  # e.g. "一、总体情况"
    text: str  # one sentence, verbatim
    paragraph: str = ""  # the paragraph it stands in, for context


@dataclass
class Fact:
    section: str
    row: tuple[str, ...]  # row path as in the national format, or the prose label
    column: tuple[str, ...]  # column path; () for prose
    value: float
    unit: str
    text: str  # as written, e.g. "380余篇"
    qualifier: str = ""  # 余 / 约 / 比2019年多 / 合计 (derived) ...
    passage: str = ""  # verbatim sentence, or the rendered table cell "row｜column：value"
    kind: str = "table"  # table | prose | derived
    certain: bool = True  # False where the placement could not be confirmed
    key: str = ""  # format key of the row (table facts), for matching


@dataclass
class Check:
    rule: str
    ok: bool
    detail: str


@dataclass
class Report:
    id: str
    body: str
    year: int
    title: str
    version: str  # "2019" | "2021": version of the national table format
    source: str
    source_hash: str
    published: str = ""  # date as written at the end, e.g. "2021年1月28日"
    passages: list[Passage] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what placement had to assume


# ---- what every face returns ----

@dataclass
class Figure:
    value: float
    unit: str
    text: str
    kind: str = ""  # what it measures: cases, items, count, change, money, share, duration (meaning.toml)
    of: str = ""  # of what: the table row, or the sentence's words
    computed: bool = False  # added up or compared by the service from figures the report states


@dataclass
class Source:
    report: str
    title: str
    section: str
    row: str = ""
    column: str = ""


@dataclass
class Answer:
    question: str
    found: bool
    answer: str
    figure: Figure | None = None
    passage: str = ""
    source: Source | None = None
    score: float = 0.0
    alternatives: list[dict] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["score"] = min(1.0, max(0.0, d["score"]))  # bonuses order candidates; the score shown stays 0–1
        if self.figure is not None:
            v = self.figure.value
            d["figure"]["value"] = int(v) if float(v).is_integer() else v
        return d
