"""Understand step: a question -> a frozen Query (what it asks for, about which body and year, in which words).

The patterns and word lists are data (knowledge/questions.toml, units.toml, meaning.toml), compiled once per
knowledge by QuestionWords; the understanding itself is one pure function of the text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from .knowledge import Knowledge
from .meaning import MeaningWords
from .text import Tokenizer, normalise


@dataclass(frozen=True)
class Query:
    text: str
    normalised: str
    stripped: str  # the words that name the figure: years, the body and comparison words taken out
    terms: tuple[str, ...]
    tokens: tuple[str, ...]
    asks: str  # count / money / share / date / description (units.toml [asks])
    years: tuple[int, ...] = ()
    relative_year: int | None = None  # offset from the latest loaded year
    body: str = ""
    body_terms: tuple[str, ...] = ()  # for when the body named is content, not a report
    comparison: bool = False
    unit: str = ""
    background: frozenset[str] = field(default_factory=frozenset)
    measure: str = ""  # what the figure asked for measures (meaning.toml): count, change, money, share, …
    counts: str = ""  # for a count: cases or items, when the question says (几件 / 几个项目)
    sum: bool = False  # a sum of two things asked (A加上B一共多少)
    chatter: bool = False  # a greeting or thanks with nothing asked


class QuestionWords:
    """The patterns of knowledge/questions.toml, compiled once per knowledge."""

    def __init__(self, knowledge: Knowledge):
        q = knowledge.questions
        self.year = re.compile(q["year"])
        self.relative_years: dict[str, int] = dict(q["relative_years"])
        self.comparison = re.compile(q["comparison"])
        self.compared_with = re.compile(q["compared_with"])
        self.body = re.compile(q["body"])
        self.not_in_body = tuple(q["not_in_body"])
        self.organ = re.compile(q["organ"])
        self.places = re.compile(f"[{re.escape(q['places'])}]")
        self.item = re.compile(q["item"])
        self.numerals: str = q["numerals"]
        self.item_name: str = knowledge.format["index"]["item_name"]  # 第3项, as sub-items are indexed
        self.clause_join: str = q["clause_join"]
        self.count = re.compile(q["count"])
        self.clause = re.compile(q["clause"])
        self.clause_marks: str = q["clause_marks"]
        self.search_syntax = re.compile(q["search_syntax"])
        self.conjunction = re.compile(q["conjunction"])
        self.sum = re.compile(q["sum"])
        self.numbering = re.compile(q["numbering"])
        self.greetings = sorted((g.lower() for g in q["greetings"]), key=len, reverse=True)
        units = "|".join(sorted(map(re.escape, knowledge.units), key=len, reverse=True))
        self.unit = re.compile(q["counted_in"].replace("{units}", units))
        self.implied_units: dict[str, str] = q["implied_units"]
        self.meaning = MeaningWords(knowledge)

    def digit(self, x: str) -> str:
        return x if x.isdigit() else str(self.numerals.index(x) + 1)


class Understander:
    """Questions understood with one knowledge; the same text is understood once (citizens' questions repeat)."""

    def __init__(self, knowledge: Knowledge):
        self.knowledge = knowledge
        self.tokenizer: Tokenizer = knowledge.tokenizer
        self.words = QuestionWords(knowledge)
        self.understand = lru_cache(maxsize=4096)(self._understand)

    def _understand(self, question: str) -> Query:
        return understand(question, self.tokenizer, self.knowledge, self.words)


def understand(question: str, tokenizer: Tokenizer, knowledge: Knowledge, words: QuestionWords | None = None) -> Query:
    w = words or QuestionWords(knowledge)
    text = normalise(question)[:1000]
    years = tuple(int(y) for y in w.year.findall(text))
    # 去年收到的比前年多几件: the first one named is the year asked about, the other the base
    named = sorted((text.find(word), off) for word, off in w.relative_years.items() if word in text)
    relative = named[0][1] if named else None
    stripped = w.year.sub(" ", text)
    body = named_body(stripped, tokenizer, w)
    if body:
        stripped = stripped.replace(body, " ")
    stripped = w.item.sub(lambda m: " " + w.item_name.format(n=w.digit(m.group(1))) + " ", stripped)
    comparison = bool(w.comparison.search(text))
    if comparison:  # 比上一年多了多少: the comparison words name no figure
        stripped = w.compared_with.sub(" ", stripped)
    terms = tokenizer.terms(stripped)
    asking = asking_clause(stripped, knowledge, w)
    # words outside the asking clause (greetings, who the asker is, background) count for less
    background = frozenset(set(terms) - set(tokenizer.terms(asking))) if asking else frozenset()
    asks = asks_for(text, knowledge, w)
    unit = _unit(text, w) or next((t for t in terms if t in knowledge.units), "") or next(
        (u for word, u in w.implied_units.items() if word in text), "")
    measure, counts = w.meaning.asked(text, asks, comparison, unit, terms)
    return Query(
        text=question, normalised=text, stripped=stripped, terms=tuple(terms), tokens=tuple(tokenizer.tokens(stripped)),
        asks=asks, years=years, relative_year=relative, body=body,
        body_terms=tuple(tokenizer.terms(body)) if body else (), comparison=comparison, unit=unit,
        background=background, measure=measure, counts=counts, sum=bool(w.sum.search(text)) and
        bool(w.conjunction.search(text)), chatter=is_chatter(text, w),
    )


def is_chatter(text: str, w: QuestionWords) -> bool:
    """你好 / 谢谢 / 在吗: nothing but greeting words and punctuation."""
    rest = text.lower()
    for g in w.greetings:
        rest = rest.replace(g, " ")
    return rest != text.lower() and not any(ch.isalnum() for ch in rest)


def asking_clause(text: str, knowledge: Knowledge, w: QuestionWords) -> str:
    """您好，我是本地居民，…想了解一下今年一共收到多少申请，谢谢: the clauses that ask; "" when all of it asks."""
    clauses = [c for c in w.clause.split(text) if c.strip()]
    if len(clauses) < 3:  # 上年结转的申请里，自然人提出的有几件: two clauses are one question
        return ""
    cues = [c for cs in knowledge.asks.values() for c in cs]
    asking = [c for c in clauses if any(cue in c.lower() for cue in cues)]
    return w.clause_join.join(asking) if asking and len(asking) < len(clauses) else ""


def named_body(text: str, tokenizer: Tokenizer, w: QuestionWords) -> str:
    """The government body a question names (福山区教育和体育局, 环翠区政府办公室), or "".
    Leading filler the pattern swept in is dropped (想了解一下市政府办公室 -> 市政府办公室)."""
    m = w.body.search(text)
    if not m:
        return ""
    end = m.end()
    while (more := w.organ.match(text, end)) is not None:  # 政府 + 办公室: the organ goes on
        end = more.end()
    words = tokenizer.cut(text[m.start():end])
    while len(words) > 1 and words[0] in tokenizer.stopwords:
        words.pop(0)
    return "".join(words)


def asks_for(text: str, knowledge: Knowledge, w: QuestionWords) -> str:
    lowered = text.lower()
    if w.count.search(lowered):  # 几件, 多少个: a count, whatever else the question mentions (费用, 比例)
        return "count"
    for kind, cues in knowledge.asks.items():
        if any(c in lowered for c in cues):
            return kind
    return "count"


def _unit(text: str, w: QuestionWords) -> str:
    """The unit a question counts in (多少所学校 -> 所), from the same unit list as the report's figures."""
    m = w.unit.search(text)
    return m.group(3) if m else ""
