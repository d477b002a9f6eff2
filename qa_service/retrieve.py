"""Retrieve step: score a report's facts and passages against a Query; the best candidates, scored 0–1.

Scores are weighted term coverage: how much of the question a candidate explains (weights: rarity of the term
in this report), how much of the candidate's own label the question names, and a few format priors.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

from .index import Index
from .knowledge import Knowledge
from .meaning import Measure, MeaningWords
from .numbers import DATE
from .understand import Query

CONTEXT_WEIGHT = 0.5  # a question word found only in the sentence around a figure, not its label
DEFAULT_PRIOR = 0.06  # the format's default row/column (总计) when the question names none
CUE_WEIGHT, CUE_CAP = 0.8, 2.5  # a section's cue word, and its weight when other words carry the question
BACKGROUND_WEIGHT = 0.3  # a word outside the clause that asks


@dataclass(frozen=True)
class FormatWords:
    """What scoring needs from the format, in the canonical terms questions use; one per knowledge."""

    section_cues: dict[str, frozenset[str]]
    default_column: frozenset[str]
    default_rows: frozenset[tuple]
    column_words: frozenset[str]
    money_units: frozenset[str]
    sections: tuple[str, ...]  # the format's section names in order (一、总体情况 …), to name them by role
    numbers: tuple[str, ...]  # their numbers (一 …)
    written_units: frozenset[str]  # units whose figures are stated as written (317.7万元, 100%)
    meaning: MeaningWords

    @classmethod
    def of(cls, knowledge: Knowledge) -> FormatWords:
        tk = knowledge.tokenizer
        fmt = knowledge.format
        default_column = frozenset({fmt["table3"]["default_column"], fmt["table4"]["default_column"]})
        columns = {c[-1] for c in fmt["table3"]["columns"]} | {c[1] for c in fmt["table3"]["columns"][1:-1]}
        kinds = knowledge.meaning["unit_kinds"]
        return cls(
            # cue words in the same canonical terms as questions (发布日期 -> 发布日期, 发布, 日期)
            section_cues={name: frozenset(tk.terms(" ".join(cues))) for name, cues in knowledge.section_cues().items()},
            default_column=default_column,
            default_rows=frozenset(tuple(r["path"]) for r in fmt["table3"]["rows"] if r.get("default")),
            column_words=frozenset((columns | set(fmt["table4"]["columns"])) - default_column
                                   - set(knowledge.questions["vague_columns"])),
            money_units=frozenset(p + u for u, k in knowledge.units.items() if kinds.get(k) == "money"
                                  for p in ["", *knowledge.meaning["unit_prefixes"]]),
            sections=tuple(knowledge.section_cues())[:len(knowledge.section_titles())],
            numbers=tuple(n for n, _ in knowledge.section_titles()),
            written_units=frozenset(p + u for u, k in knowledge.units.items() if kinds.get(k) in ("money", "share")
                                    for p in ["", *knowledge.meaning["unit_prefixes"]]),
            meaning=MeaningWords(knowledge),
        )

    def number(self, section: str) -> str:
        """The format's number of a section as named in a report (三 for 三、收到和处理…), or ""."""
        if section in self.sections:
            return self.numbers[self.sections.index(section)]
        # a report's own title for the section: its number, then the format's separator (the name's next character)
        return next((n for n, name in zip(self.numbers, self.sections)
                     if section.startswith(name[:len(n) + 1])), "")

    def role(self, section: str, n: int) -> bool:
        """Whether a section is the format's n-th (0: 总体情况, 1: proactive disclosure, 2: the applications
        table, 3: reviews and lawsuits, 4: problems and plans)."""
        return self.number(section) == self.numbers[n]


@dataclass(frozen=True)
class Candidate:
    kind: str  # fact | passage
    item: dict
    score: float
    coverage: float
    measure: Measure | None = None  # what a fact measures


class ReportView:
    """A report's facts, passages and term weights, prepared once per report and cached."""

    def __init__(self, index: Index, report_id: str, knowledge: Knowledge, words: FormatWords):
        self.report = index.report(report_id)
        self.facts = index.facts(report_id)
        self.passages = index.passages(report_id)
        docs = [f["label_terms"] for f in self.facts] + [p["terms"] for p in self.passages]
        df: dict[str, int] = {}
        for d in docs:
            for t in d:
                df[t] = df.get(t, 0) + 1
        n = len(docs) + 1
        self.idf = {t: math.log((n + 1) / (c + 0.5)) for t, c in df.items()}
        self.unknown_idf = math.log((n + 1) / 0.5)
        self.label_weight = [sum(self.idf[t] for t in f["label_terms"]) or 1.0 for f in self.facts]
        # 总计 in a label is what a question naming a group and no column asks for: not a word left unnamed
        self.label_weight_free = [sum(self.idf[t] for t in f["label_terms"] if t not in words.default_column) or 1.0
                                  for f in self.facts]
        self.inverted: dict[str, set[int]] = {}
        for i, f in enumerate(self.facts):
            for t in f["label_terms"] | f["context_terms"]:
                self.inverted.setdefault(t, set()).add(i)
        self.tokenizer = knowledge.tokenizer
        self.words = words
        self.measures = [words.meaning.measure(f) for f in self.facts]
        # what each row offers (行政许可: items, change, cases), for a count question that says which it wants
        self.row_kinds: dict[tuple, set[str]] = {}
        for f, m in zip(self.facts, self.measures):
            self.row_kinds.setdefault(f["row"], set()).add(m.kind)
        self.checks = [c for c in index.checks(report_id) if not c["ok"]]
        self.section_cues, self.default_column = words.section_cues, words.default_column
        self.default_rows, self.column_words = words.default_rows, words.column_words
        self.index = index
        self._by_sound: dict[str, str] | None = None

    @cached_property
    def vocabulary(self) -> list[str]:
        """The report's words, for near spellings and sounds: built only when a question has an unknown word."""
        return sorted(t for t in self.idf if len(t) >= 2)

    def facts_with(self, terms: list[str]) -> list[int]:
        """Indexes of the facts whose label or context holds any of the terms, in fact order."""
        hits: set[int] = set()
        for t in terms:
            hits |= self.inverted.get(t, set())
        return sorted(hits)

    def about_body(self, terms: list[str]) -> list[str]:
        """Drop words that only name the report's own body (教体局, 市场监管局): the report is about it anyway."""
        body = self.report["body"]
        heads = self.tokenizer.knowledge.synonyms
        return [t for t in terms if t in heads or not all(ch in body for ch in t)]

    def weight(self, term: str) -> float:
        """Rarer terms weigh more; a word the report lacks weighs most (the question is about something else),
        unless jieba made it up from leftover characters (这个局当被告 -> 局当): that is noise, weighed low."""
        if term in self.idf:
            return self.idf[term]
        return self.unknown_idf if self.tokenizer.is_word(term) else 1.0

    def read(self, query: Query, more: tuple[str, ...] = ()) -> list[str]:
        """The question's words as this report knows them (the one place slips are corrected): a run of
        characters that sounds like a format word (上年节转 -> 上年结转) when a word is unknown here, then each
        word still unknown matched to one the report has (处里 -> 处理; the text is read again with it, so
        处理了 meets its everyday word), and words naming the report's own body dropped."""
        text = query.stripped
        terms = list(query.terms)
        if any(t not in self.idf for t in terms):
            corrected = self.tokenizer.correct_homophones(text)
            if corrected != text:
                text, terms = corrected, self.tokenizer.terms(corrected)
            swaps = {t: self._near(t) for t in terms if t not in self.idf and len(t) >= 2}
            swaps = {t: r for t, r in swaps.items() if r != t and t in text}
            if swaps:
                for t, r in swaps.items():
                    text = text.replace(t, r)
                terms = self.tokenizer.terms(text)
        return self.about_body(self.resolve(terms + [t for t in more if t not in terms]))

    def resolve(self, terms: list[str]) -> list[str]:
        """Question words this report does not know are matched to words it does: a homophone typed by a
        pinyin keyboard (处里 -> 处理), or a near spelling of a longer word (rapidfuzz)."""
        return list(dict.fromkeys(t if t in self.idf or len(t) < 2 else self._near(t) for t in terms))

    def _near(self, t: str) -> str:
        same_sound = self.by_sound().get(_sound(t))
        if same_sound:
            return same_sound
        # two-character words differ by one character at 50: too loose; only longer words are corrected
        from rapidfuzz import fuzz, process  # needed only for words the report does not know

        hit = process.extractOne(t, self.vocabulary, scorer=fuzz.ratio, score_cutoff=74) if len(t) > 2 else None
        return hit[0] if hit else t

    def by_sound(self) -> dict[str, str]:
        if self._by_sound is None:
            sounds: dict[str, set[str]] = {}
            for word in self.vocabulary:
                if all("\u4e00" <= ch <= "\u9fff" for ch in word):
                    sounds.setdefault(_sound(word), set()).add(word)
            # a sound shared by two words of the report is no evidence for either
            self._by_sound = {k: next(iter(v)) for k, v in sounds.items() if len(v) == 1}
        return self._by_sound


def _sound(word: str) -> str:
    from pypinyin import lazy_pinyin  # loaded only when a question has a word the report does not know

    return " ".join(lazy_pinyin(word))


def score_facts(query: Query, v: ReportView, terms: list[str], uncertain: bool = False) -> list[Candidate]:
    """Facts scored against the question; cells whose placement could not be confirmed only when asked for
    (uncertain=True: to say why a figure is not stated)."""
    if not terms:
        return []
    names_column = any(t in v.column_words and t not in query.background for t in terms)
    # 法人或其他组织一共…: with a column named, 一共/总计 sums that column, it does not ask for row (七)总计
    weights = {t: v.weight(t) * _salience(query, t, v) for t in terms
               if not (names_column and t in v.default_column) and not (t in v.column_words and t in query.background)}
    total = sum(weights.values()) or 1.0
    names_column = names_column or any(t in v.default_column for t in terms)
    total_word = next(iter(v.default_column))
    out = []
    for i in v.facts_with(terms):
        f = v.facts[i]
        if not f["certain"] and not uncertain:
            continue
        label, context = f["label_terms"], f["context_terms"]
        got = sum(w * (1.0 if t in label else CONTEXT_WEIGHT if t in context else 0.0) for t, w in weights.items())
        # 一共/总共 asks for a table's 总计; a sentence's figure is already the whole of what it counts
        q_cov = got / (total - weights.get(total_word, 0.0) if f["kind"] == "prose" and total > weights.get(total_word, 0.0)
                       else total)
        f_cov = (sum(weights[t] for t in label if t in weights) / v.label_weight[i] if names_column else
                 sum(weights[t] for t in label if t in weights and t not in v.default_column) / v.label_weight_free[i])
        # a table label is the format's own words, so how much of it the question names counts more
        score = (0.85 * q_cov + 0.15 * f_cov) if f["kind"] == "prose" else (0.65 * q_cov + 0.35 * f_cov)
        score *= _fit(query, f, v, v.measures[i])
        if f["kind"] != "prose" and not names_column and f["column"] and f["column"][-1] in v.default_column:
            score += DEFAULT_PRIOR
        if f["row"] in v.default_rows:
            score += DEFAULT_PRIOR / 2
        if f["kind"] == "derived":
            score += 0.01  # naming a group (不予公开, 法人, 行政诉讼) and none of its items asks for its total
        out.append(Candidate("fact", f, min(score, 1.0), q_cov, v.measures[i]))
    out.sort(key=lambda c: -c.score)
    return out


def _salience(query: Query, term: str, v: ReportView) -> float:
    """Words outside the clause that asks count for less, and not at all when the report does not know them
    (我是本地居民，前段时间…: chatter, not a missing subject)."""
    if term not in query.background:
        return 1.0
    return BACKGROUND_WEIGHT if term in v.idf else 0.0


def _other_unit(asked: str, stated: str, units: dict[str, str], words: MeaningWords) -> bool:
    stated = words.base_unit(stated)
    kinds = words.unit_kinds
    return asked != stated and not (kinds.get(units.get(asked, "")) == kinds.get(units.get(stated, "")) == "duration")


def _fit(query: Query, f: dict, v: ReportView, m: Measure) -> float:
    """How well the kind of figure fits what is asked (a rate for 比例, money for 金额, a count otherwise); the
    decide step then keeps only figures whose meaning agrees (meaning.py)."""
    unit = f["unit"]
    units = v.tokenizer.knowledge.units
    factor = 1.0
    if query.asks == "share":
        factor = 1.0 if unit == "%" else 0.5
    elif query.asks == "money" or query.measure == "money":  # 收费收了多少: money asked by the thing named
        factor = 1.0 if unit in v.words.money_units else 0.6
    elif query.asks == "count":
        # 同比下降了多少: a change may be stated as a rate
        factor = 0.6 if (unit == "%" and not query.comparison) or unit in v.words.money_units else 1.0
    if query.unit and unit and _other_unit(query.unit, unit, units, v.words.meaning) and query.asks == "count" and f["kind"] == "prose":
        factor *= 0.5  # 几所 asked, 人次 stated: another figure (table cells count 件 whatever the question says)
    # a change (比上年多2件, 同比增长12.5%) answers only a question about change, and only a change does
    if (m.kind == "change") != (query.measure == "change"):
        factor *= 0.4
    # 行政许可有几件 (cases) or 有几个项目 (items): where the row offers both, the one asked for
    if query.counts and m.kind in ("cases", "items") and m.kind != query.counts \
            and query.counts in v.row_kinds.get(f["row"], ()):
        factor *= 0.5
    return factor


def score_passages(query: Query, v: ReportView, terms: list[str]) -> list[Candidate]:
    if not terms:
        return []
    weights = {t: v.weight(t) * _salience(query, t, v) for t in terms}
    total = sum(weights.values()) or 1.0
    asked_sections = {s for s, cues in v.section_cues.items() if cues & set(terms)}
    ranks = dict(v.index.search(v.report["id"], [*terms, *query.tokens], limit=50))
    out = []
    for p in v.passages:
        if p["id"] not in ranks and not (set(v.section_cues.get(p["section"], ())) & set(terms)):
            continue
        cues = set(v.section_cues.get(p["section"], ()))
        # a cue word points at a section but says less than a word of the sentence itself, unless the question
        # is made of nothing else (有哪些改进措施: a question about the section as a whole)
        cap = float("inf") if all(t in cues for t in terms) else CUE_CAP
        got = sum(w if t in p["terms"] else CUE_WEIGHT * min(w, cap) if t in cues else 0.0 for t, w in weights.items())
        q_cov = got / total
        if q_cov <= 0:
            continue
        score = q_cov
        if p["section"] in asked_sections:
            score += 0.1
        elif v.words.role(p["section"], 4):
            score -= 0.1  # problems and plans answer only questions about problems and plans
        if query.asks == "date" and not DATE.search(p["text"]):
            score *= 0.5
        score += 0.02 * min(1.0, -ranks.get(p["id"], 0.0) / 10)  # bm25 (negative, lower is better) breaks ties
        if len(p["text"]) < 12:  # a bare heading such as 1.主动公开情况。
            score *= 0.5
        out.append(Candidate("passage", p, max(0.0, min(score, 1.0)), q_cov))
    out.sort(key=lambda c: -c.score)
    return out
