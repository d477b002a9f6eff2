"""Understand step: a question -> what it asks for, about which body and year, in which words."""
from __future__ import annotations

import re
from functools import lru_cache
from dataclasses import dataclass, field

import jieba

from .knowledge import Knowledge
from .text import Tokenizer, normalise

YEAR = re.compile(r"((?:19|20)\d{2})\s*(?:年|年度)?(?!\d)")
# 去年 and 今年 both mean the latest loaded report: a report is published the year after the one it covers
RELATIVE_YEARS = {"前年": -1, "去年": 0, "今年": 0}
COMPARISON = re.compile(r"(比上|比去年|比前|较上|较去年|相比|比较|同比|环比|对比|增加了多少|减少了多少|增长|下降|变化|多了|少了|"
                        r"compared|比\s*(19|20)\d{2}|(跟|和|与|同)\s*(上一?年度?|去年|前年|(19|20)\d{2}\s*年?)\s*相?比)")
COMPARED_WITH = re.compile(r"(比|较|和|与|跟|同)(上一?年度?|去年|前年|\s*(19|20)\d{2}\s*年?)(相?比)?|(多了|少了|增加了|减少了)")
# a named government body: place + organ, e.g. 福山区教育和体育局, 烟台市人民政府办公室
BODY = re.compile(r"[\u4e00-\u9fa5]{2,12}?(?:省|市|区|县|旗|镇|乡|街道)[\u4e00-\u9fa5]{0,14}?"
                  r"(?:局|委员会|联合会|协会|委|办公室|办|厅|院|政府|中心|所|署)")  # not 会 alone: 社会保障局
ITEM = re.compile(r"第\s*([1-9]|[一二三四五六七八九])\s*(?:项|种|类|小项)")
COUNT = re.compile(r"(几|多少)\s*(件|个|条|项|篇|次|家|份|场|起|宗|人次|名|位|批|类|台|套|期)")
PLACE = "省市区县旗镇乡"
PLACES = re.compile(f"[{PLACE}]")
CLAUSE = re.compile(r"[,，。!！?？;；\n]+")
ORGAN = re.compile(r"(办公室|委员会|联合会|协会|局|委|办|厅|院|中心|所|署)")


@dataclass
class Query:
    text: str
    normalised: str
    terms: list[str]
    tokens: list[str]
    asks: str  # 数量 / 金额 / 比例 / 日期 / 描述
    years: list[int] = field(default_factory=list)
    relative_year: int | None = None  # offset from the latest loaded year
    body: str = ""
    body_terms: list[str] = field(default_factory=list)  # for when the body named is content, not a report
    comparison: bool = False
    unit: str = ""
    background: set[str] = field(default_factory=set)



def understand(question: str, tokenizer: Tokenizer, knowledge: Knowledge) -> Query:
    text = normalise(question)[:1000]
    years = [int(y) for y in YEAR.findall(text)]
    # 去年收到的比前年多几件: the first one named is the year asked about, the other the base
    named = sorted((text.find(word), off) for word, off in RELATIVE_YEARS.items() if word in text)
    relative = named[0][1] if named else None
    stripped = YEAR.sub(" ", text)
    body = named_body(stripped, knowledge.stopwords)
    if body:
        stripped = stripped.replace(body, " ")
    stripped = ITEM.sub(lambda m: f" 第{_digit(m.group(1))}项 ", stripped)
    if COMPARISON.search(text):  # 比上一年多了多少: the comparison words name no figure
        stripped = COMPARED_WITH.sub(" ", stripped)
    terms = tokenizer.terms(stripped)
    asking = asking_clause(stripped, knowledge)
    # words outside the asking clause (greetings, who the asker is, background) count for less
    background = set(terms) - set(tokenizer.terms(asking)) if asking else set()
    return Query(
        text=question, normalised=text, terms=terms, tokens=tokenizer.tokens(stripped),
        asks=asks_for(text, knowledge), years=years, relative_year=relative,
        body=body, body_terms=tokenizer.terms(body) if body else [], comparison=bool(COMPARISON.search(text)),
        unit=_unit(text, knowledge) or next((t for t in terms if t in knowledge.units), ""), background=background,
    )


def asking_clause(text: str, knowledge: Knowledge) -> str:
    """您好，我是本地居民，…想了解一下今年一共收到多少申请，谢谢: the clauses that ask; "" when all of it asks."""
    clauses = [c for c in CLAUSE.split(text) if c.strip()]
    if len(clauses) < 3:  # 上年结转的申请里，自然人提出的有几件: two clauses are one question
        return ""
    cues = [c for cs in knowledge.asks.values() for c in cs]
    asking = [c for c in clauses if any(cue in c.lower() for cue in cues)]
    return "，".join(asking) if asking and len(asking) < len(clauses) else ""


def named_body(text: str, stopwords: frozenset[str] = frozenset()) -> str:
    """The government body a question names (福山区教育和体育局, 环翠区政府办公室), or "".
    Leading filler the pattern swept in is dropped (想了解一下市政府办公室 -> 市政府办公室)."""
    m = BODY.search(text)
    if not m:
        return ""
    end = m.end()
    while (more := ORGAN.match(text, end)) is not None:  # 政府 + 办公室: the organ goes on
        end = more.end()
    words = jieba.lcut(text[m.start():end])
    while len(words) > 1 and words[0] in stopwords:
        words.pop(0)
    return "".join(words)


def asks_for(text: str, knowledge: Knowledge) -> str:
    lowered = text.lower()
    if COUNT.search(lowered):  # 几件, 多少个: a count, whatever else the question mentions (费用, 比例)
        return "数量"
    for kind, cues in knowledge.asks.items():
        if any(c in lowered for c in cues):
            return kind
    return "数量"


def _unit(text: str, knowledge: Knowledge) -> str:
    """The unit a question counts in (多少所学校 -> 所), from the same unit list as the report's figures."""
    m = _unit_pattern(knowledge).search(text)
    return m.group(3) if m else ""


@lru_cache(maxsize=4)
def _unit_pattern(knowledge: Knowledge) -> re.Pattern:
    units = "|".join(sorted(map(re.escape, knowledge.units), key=len, reverse=True))
    return re.compile(rf"(多少|几)\s*(万|亿)?({units})")


def _digit(x: str) -> str:
    return x if x.isdigit() else str("一二三四五六七八九".index(x) + 1)
