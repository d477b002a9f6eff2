"""Phrase step: a Decision -> the Answer a citizen reads. Every sentence comes from knowledge/messages.toml."""
from __future__ import annotations

import re

from .decide import ABSTAIN, COMPARISON, DATE, FIGURE, GREETING, PASSAGE, SUM, Decision, clause
from .model import Answer, Figure, Source
from .numbers import fmt
from .retrieve import Candidate, FormatWords
from .understand import QuestionWords


class Phraser:
    def __init__(self, messages: dict, fmt_data: dict, words: QuestionWords, format_words: FormatWords):
        self.m = messages
        self.say = messages["describe"]
        self.fmt = fmt_data
        self.words = words
        self.fw = format_words
        self.unit_note = re.compile(self.say["unit_note"])

    def answer(self, question: str, d: Decision, suggestions: list[str], scope: str = "") -> Answer:
        m = self.m
        v = d.view
        if d.kind == GREETING:
            return Answer(question=question, found=False,
                          answer=m["greeting"] + m["try_these"] + m["list_sep"].join(suggestions[:3]), suggestions=suggestions[:3])
        if d.kind == ABSTAIN:
            if d.reason:
                args = dict(d.reason_args)
                if v is not None:
                    args.setdefault("title", v.report["title"])
                    args.setdefault("version", v.report["version"])
                reason = m[d.reason].format(**args)
            else:
                reason = m["not_found"].format(scope=v.report["title"] if v else m["scope_all"])
            return Answer(question=question, found=False, answer=reason + m["try_these"] + m["list_sep"].join(suggestions[:3]),
                          suggestions=suggestions[:3], alternatives=[alt(c) for c in d.others])
        title = v.report["title"]
        if d.kind == DATE:
            signoff = next((p for p in v.passages if p["section"] == self.fmt["signoff"]["name"]), None)
            return Answer(question=question, found=True,
                          answer=m["found_date"].format(title=title, date=v.report["published"]),
                          passage=signoff["text"] if signoff else v.report["published"],
                          source=Source(report=v.report["id"], title=title, section=self.fmt["signoff"]["name"]),
                          score=1.0)
        if d.kind == PASSAGE:
            best = d.best
            text = best.item["text"]
            answer = m["found_passage"].format(title=title, section=best.item["section"], text=text)
            if d.also:
                answer += m["found_also"].format(text=d.also.item["text"])
            return Answer(question=question, found=True, answer=answer, figure=None, passage=text,
                          source=Source(report=v.report["id"], title=title, section=best.item["section"]),
                          score=round(best.score, 3), alternatives=[alt(c) for c in d.others])
        if d.kind == COMPARISON:
            return self._comparison(question, d)
        if d.kind == SUM:
            return self._sum(question, d)
        assert d.kind == FIGURE, d.kind
        f = d.best.item
        text = f["text"] if f["kind"] == "prose" else self.figure_text(f)
        if f["kind"] == "prose":
            answer = m["found_prose"].format(title=title, clause=clause(f, self.words.clause_marks))
        else:
            answer = m["found_figure"].format(title=title, clause=self.describe(f, text))
        return Answer(question=question, found=True, answer=answer,
                      figure=Figure(value=f["value"], unit=f["unit"], text=text, kind=d.best.measure.kind,
                                    of=d.best.measure.of, computed=False),
                      passage=f["passage"], source=self._source(v.report, f),
                      score=round(d.best.score, 3), alternatives=[alt(c) for c in d.others])

    def _comparison(self, question: str, d: Decision) -> Answer:
        best, then = d.parts
        v, bv = d.view, d.then_view
        diff = best["value"] - then["value"]
        unit = best["unit"]
        amount = f"{fmt(abs(diff))}{unit}"
        change = (self.say["up"].format(amount=amount) if diff > 0 else
                  self.say["down"].format(amount=amount) if diff < 0 else self.say["same"])
        what = (self.row_words(best) if self.fw.role(best["section"], 2) else
                best["row"][0].split(" ")[0] if best["kind"] == "prose" else "/".join(best["row"] + best["column"][-1:]))
        answer = self.m["comparison"].format(
            title=v.report["title"], prev_title=bv.report["title"], what=what, year=v.report["year"],
            now=self.figure_text(best), prev_year=bv.report["year"], before=self.figure_text(then), change=change)
        return Answer(question=question, found=True, answer=answer,
                      figure=Figure(value=abs(diff), unit=unit, text=change, kind="change", of=what, computed=True),
                      passage=self.m["list_sep"].join((best["passage"], then["passage"])), source=self._source(v.report, best),
                      score=round(d.best.score, 3))

    def _sum(self, question: str, d: Decision) -> Answer:
        a, b = d.parts
        v = d.view
        total = a["value"] + b["value"]
        unit = a["unit"]
        text = f"{fmt(total)}{unit}"
        answer = self.m["computed_sum"].format(
            title=v.report["title"], a=self.what(a), a_figure=self.figure_text(a), b=self.what(b),
            b_figure=self.figure_text(b), total=text)
        return Answer(question=question, found=True, answer=answer,
                      figure=Figure(value=total, unit=unit, text=text, kind=d.best.measure.kind,
                                    of=f"{self.what(a)}{self.say['and']}{self.what(b)}", computed=True),
                      passage=self.m["list_sep"].join((a["passage"], b["passage"])), source=self._source(v.report, a),
                      score=round(d.best.score, 3))

    def _source(self, report: dict, f: dict) -> Source:
        return Source(report=report["id"], title=report["title"], section=f["section"],
                      row="/".join(f["row"]) if f["kind"] != "prose" else "", column="/".join(f["column"]))

    def what(self, f: dict) -> str:
        """A figure's subject in plain words, for sums (行政许可的处理决定数量)."""
        if f["kind"] == "prose":
            return f["row"][0].split(" ")[0]
        col = f["column"][-1] if f["column"] else ""
        if self.fw.role(f["section"], 1):
            return self.say["subject"].format(row=f["row"][-1], column=self.unit_note.sub("", col))
        what = self.row_words(f) if self.fw.role(f["section"], 2) else "/".join(f["row"])
        if col in (self.fmt["table3"]["default_column"], self.fmt["table4"]["default_column"]):
            return what
        return self.say["subject_column"].format(what=what, column=col)

    def describe(self, f: dict, figure: str) -> str:
        """A table cell in plain words: 办理结果为“予以公开”的申请共1件; 行政诉讼案件中结果纠正的有1件."""
        say = self.say
        col = f["column"][-1] if f["column"] else ""
        total = col in (self.fmt["table3"]["default_column"], self.fmt["table4"]["default_column"])
        if self.fw.role(f["section"], 3):
            what = self.fmt["table4"]["say"].get("/".join(f["row"]),
                                                 say["cases_of"].format(rows=say["sep"].join(f["row"])))
            return say["total"].format(what=what, figure=figure) if total else \
                say["in_column"].format(what=what, column=col, figure=figure)
        if self.fw.role(f["section"], 1):
            return say["table2"].format(row=f["row"][-1], column=self.unit_note.sub("", col), figure=figure)
        what = self.row_words(f)
        if total:
            return say["total"].format(what=what, figure=figure)
        return say["by_applicant"].format(what=what, who=say["who"].get(col, col), figure=figure)

    def row_words(self, f: dict) -> str:
        table3 = self.fmt["table3"]
        row = next((r for r in table3["rows"] if tuple(r["path"]) == f["row"]), None)
        if row and row.get("say"):
            return row["say"]
        group = table3["groups"].get(f["row"][1] if len(f["row"]) > 1 else "")
        numbering = self.words.numbering
        if group:
            return group["total"] if len(f["row"]) == 2 else group["item"].format(item=numbering.sub("", f["row"][-1]))
        return numbering.sub("", f["row"][-1])

    def figure_text(self, f: dict) -> str:
        return f["text"] if f["unit"] in self.fw.written_units else f"{fmt(f['value'])}{f['unit']}"


def alt(c: Candidate) -> dict:
    item = c.item
    if c.kind == "fact":
        value = int(item["value"]) if float(item["value"]).is_integer() else item["value"]
        return {"value": value, "unit": item["unit"], "text": item["text"], "passage": item["passage"],
                "score": round(c.score, 3)}
    return {"passage": item["text"], "section": item["section"], "score": round(c.score, 3)}
