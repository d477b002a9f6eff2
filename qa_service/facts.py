"""Facts step for prose: every figure in a sentence becomes a Fact labelled by the words around it."""
from __future__ import annotations

import re

from .knowledge import Knowledge
from .model import Fact, Passage
from .numbers import figures_in

CLAUSE_END = "，。；：,;:!?！？（）()"
SHARE = re.compile(r"^(占|约占|占比|比例为|比例达|为|达|达到)?$")
COMPARISON = re.compile(r"(比|较|同比|环比).{0,30}?(多|少|增加|减少|增长|下降|上升|提高|降低)了?[\u4e00-\u9fa5]{0,3}?\s*$")


def _left(text: str, start: int, floor: int) -> str:
    i = start
    while i > floor and text[i - 1] not in CLAUSE_END:
        i -= 1
    return text[i:start].lstrip("、 ").strip()


def _right(text: str, end: int, ceiling: int) -> str:
    i = end
    while i < ceiling and text[i] not in CLAUSE_END + "、":
        i += 1
    return text[end:i].strip()


def prose_facts(passage: Passage, knowledge: Knowledge) -> list[Fact]:
    """Label = the words between the previous figure (or clause start) and the figure, and after it to the
    clause end: '政策文件 13 条' -> 政策文件; '49 条主动公开的政府信息' -> 主动公开的政府信息."""
    text = passage.text
    found = figures_in(text, knowledge)
    out = []
    for i, w in enumerate(found):
        floor = found[i - 1].end if i else 0
        ceiling = found[i + 1].start if i + 1 < len(found) else len(text)
        left, right = _left(text, w.start, floor), _right(text, w.end, ceiling)
        qualifier = w.qualifier
        # 比 2019 年（未收到…）多 2 件: the clause chain before the figure may open a parenthesis
        before = text[max(0, w.start - 40):w.start]
        m = COMPARISON.search(before)
        subject = next((f.row[0] for f in reversed(out) if not COMPARISON.search(f.qualifier)), "")
        if m:
            qualifier = (qualifier + " " + re.sub(r"[（(].*?[）)]", "", m.group(0))).strip()
            # 主动公开政府信息1374条，较上年增加218条: the change is of the figure before it
            left = (subject + " " + re.sub(r"\s+", "", m.group(0))).strip()
        elif subject and SHARE.match(left):
            left = subject + " " + left  # 申请78件，占59.1%: the share is of the figure before it
        label = (left + " " + right).strip() if right else left
        out.append(Fact(section=passage.section, row=(label,), column=(), value=w.value, unit=w.unit,
                        text=w.text, qualifier=qualifier, passage=text, kind="prose"))
    return out
