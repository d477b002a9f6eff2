"""Facts step for prose: every figure in a sentence becomes a Fact labelled by the words around it."""
from __future__ import annotations

import re

from .knowledge import Knowledge
from .model import Fact, Passage
from .numbers import figures_in

def _left(text: str, start: int, floor: int, words: dict) -> str:
    i = start
    while i > floor and text[i - 1] not in words["clause_end"]:
        i -= 1
    return text[i:start].lstrip(words["list_sep"] + " ").strip()


def _right(text: str, end: int, ceiling: int, words: dict) -> str:
    i = end
    while i < ceiling and text[i] not in words["clause_end"] + words["list_sep"]:
        i += 1
    return text[end:i].strip()


def prose_facts(passage: Passage, knowledge: Knowledge) -> list[Fact]:
    """Label = the words between the previous figure (or clause start) and the figure, and after it to the
    clause end: '政策文件 13 条' -> 政策文件; '49 条主动公开的政府信息' -> 主动公开的政府信息."""
    text = passage.text
    words = knowledge.prose  # units.toml [prose]: clause ends, shares and comparisons
    share, comparison = re.compile(words["share"]), re.compile(words["comparison"])
    found = figures_in(text, knowledge)
    out = []
    for i, w in enumerate(found):
        floor = found[i - 1].end if i else 0
        ceiling = found[i + 1].start if i + 1 < len(found) else len(text)
        left, right = _left(text, w.start, floor, words), _right(text, w.end, ceiling, words)
        qualifier = w.qualifier
        # 比 2019 年（未收到…）多 2 件: the clause chain before the figure may open a parenthesis
        before = text[max(0, w.start - 40):w.start]
        m = comparison.search(before)
        subject = next((f.row[0] for f in reversed(out) if not comparison.search(f.qualifier)), "")
        if m:
            qualifier = (qualifier + " " + re.sub(words["aside"], "", m.group(0))).strip()
            # 主动公开政府信息1374条，较上年增加218条: the change is of the figure before it
            left = (subject + " " + re.sub(r"\s+", "", m.group(0))).strip()
        elif subject and share.match(left):
            left = subject + " " + left  # 申请78件，占59.1%: the share is of the figure before it
        label = (left + " " + right).strip() if right else left
        out.append(Fact(section=passage.section, row=(label,), column=(), value=w.value, unit=w.unit,
                        text=w.text, qualifier=qualifier, passage=text, kind="prose"))
    return out
