"""Answer step: route a question to a report, choose among scored candidates, or abstain honestly."""
from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

from .index import Index
from .knowledge import Knowledge
from .model import Answer, Figure, Source
from .facts import COMPARISON
from .retrieve import Candidate, ReportView, score_facts, score_passages, view
from .numbers import fmt
from .text import get_tokenizer, normalise
from .understand import ORGAN, PLACES, Query, understand

FACT_MIN = 0.62  # below this a figure is not stated: a wrong figure is worse than none
FACT_MIN_COVERAGE = 0.6
PASSAGE_MIN = 0.55
ALSO_MIN = 0.4
YEAR_BONUS = 0.3  # a year no report covers, named in a sentence of an earlier report (plans for the next year)
TIE_MARGIN = 0.02  # two different figures this close: say neither
SPECIFIC = 3.0  # the weight of a word that names a thing of its own (人大代表建议), not a common word
SEARCH_SYNTAX = re.compile(r"[\u4e00-\u9fff]\s*\b(AND|OR|NOT|NEAR)\b|\b(AND|OR|NOT|NEAR)\b\s*[\u4e00-\u9fff]")
CONJUNCTION = re.compile(r"[和及与、]|以及|\band\b")
NUMBERING = re.compile(r"^([一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）]|\d+[.．、])\s*")


class Answerer:
    def __init__(self, index: Index, knowledge: Knowledge, default_body: str = ""):
        self.index = index
        self.default_body = default_body
        self.knowledge = knowledge
        self.tokenizer = get_tokenizer(self.knowledge)
        self.messages = self.knowledge.messages
        self._by_body: dict[str, list[dict]] | None = None
        self.report_words = set(self.knowledge.format["signoff"]["about"])
        # the same question is understood the same way every time (citizens' questions repeat)
        self._understood = lru_cache(maxsize=4096)(lambda q: understand(q, self.tokenizer, self.knowledge))
        self.year_rows = {r["key"]: r["year_offset"] for r in self.knowledge.format["table3"]["rows"]
                          if "year_offset" in r}

    # ---- routing ----

    def route(self, query: Query, report: str | None) -> tuple[dict | None, str]:
        """The report a question is about, or None with the reason to give the citizen."""
        reports = self.index.reports()
        m = self.messages
        if not reports:
            return None, m["no_report"]
        loaded = self._loaded()
        if report:
            chosen = self.index.report(report)
            return (chosen, "") if chosen else (None, m["no_body"].format(body=report, loaded=loaded))
        pool = reports
        if query.body:
            bodies = self._bodies()
            named = [b for b in bodies if _same_body(query.body, b)]
            named = [b for b in named if query.body in b] or named  # the body named in full wins over a near one
            pool = [r for b in named for r in bodies[b]]
            # 烟台市公安局 asked of its 滨海分局: a part of a loaded body's name is another body, not content
            part_of_a_name = any(query.body in b for b in bodies)
            if not pool and (part_of_a_name or not self._mentioned_in_text(query.body)):
                return None, m["no_body"].format(body=query.body, loaded=loaded)
            if not pool:
                query.terms = query.terms + query.body_terms
                pool = reports
        elif self.default_body:
            pool = [r for r in reports if _same_body(self.default_body, r["body"])] or reports
        latest = max(r["year"] for r in pool)
        newest_body = max(pool, key=lambda r: r["year"])["body"]
        if len({r["body"] for r in pool}) > 1 and query.body:
            return None, m["no_body"].format(body=query.body, loaded=loaded)  # two bodies fit: say, do not pick
        pool = [r for r in pool if r["body"] == newest_body]
        years = query.years or ([latest + query.relative_year] if query.relative_year is not None else [])
        if query.comparison and len(query.years) == 1 and query.years[0] < latest:
            years = []  # 和2020年比: the year named is the base of the comparison, the latest report is asked
        if not years:
            return max(pool, key=lambda r: r["year"]), ""
        for y in years:
            hit = next((r for r in pool if r["year"] == y), None)
            if hit:
                return hit, ""
        # a year no report covers may still be spoken of by the report of the year before (plans, 结转下年度)
        # or after (上年结转, 比2019年多)
        near = [r for r in pool if r["year"] == years[0] - 1] or [r for r in pool if r["year"] == years[0] + 1]
        if near:
            return near[0], f"year:{years[0]}"
        return None, m["no_year"].format(year=years[0], loaded=loaded)

    def _bodies(self) -> dict[str, list[dict]]:
        """The reports grouped by body, once: serving never changes them."""
        if self._by_body is None:
            self._by_body = {}
            for r in self.index.reports():
                self._by_body.setdefault(r["body"], []).append(r)
        return self._by_body

    def _mentioned_in_text(self, body: str) -> bool:
        """配合区卫健局: a body named inside a report's text is something the report talks about, not a report."""
        for r in self.index.reports()[:20]:
            if any(body in p["text"] for p in self.index.passages(r["id"])):
                return True
        return False

    # ---- answering ----

    def ask(self, question: str, report: str | None = None) -> Answer:
        """Answer one question; never raises on any text (blank -> not found)."""
        question = question if isinstance(question, str) else ""
        if not question.strip():
            example = self.suggestions(report)[:1]
            return Answer(question=question, found=False,
                          answer=self.messages["blank"].format(example=example[0] if example else ""),
                          suggestions=self.suggestions(report))
        if SEARCH_SYNTAX.search(question):  # 申请 AND NOT 公开: a search expression, not a question to guess at
            return self._not_found(question, "", report)
        query = replace(self._understood(question))  # a copy: routing may add the body's words to it
        chosen, reason = self.route(query, report)
        if chosen is None:
            return self._not_found(question, reason, report)
        v = view(self.index, chosen["id"], self.knowledge)
        only_year = int(reason.split(":")[1]) if reason.startswith("year:") else None
        if any(t not in v.idf for t in query.terms):  # a word the report lacks may be a typo of a format word
            corrected = self.tokenizer.correct_homophones(question[:1000])
            if corrected != normalise(question[:1000]):
                query = replace(understand(corrected, self.tokenizer, self.knowledge), text=question)
        answer = self._answer(query, v, v.about_body(v.resolve(query.terms)), only_year)
        if only_year is not None and not answer.found:
            return self._not_found(question, self.messages["no_year"].format(year=only_year, loaded=self._loaded()),
                                   chosen["id"], v)
        return answer

    def _answer(self, query: Query, v: ReportView, terms: list[str], only_year: int | None) -> Answer:
        if query.asks == "日期" and v.report["published"] and set(terms) & self.report_words:
            return self._published(query, v)
        if query.asks in ("描述", "日期"):
            return self._from_passages(query, v, terms, only_year)
        missing = self._not_in_version(v, terms)
        if missing:
            return self._not_found(query.text, self.messages["not_in_version"].format(
                title=v.report["title"], version=v.report["version"], item=missing), v.report["id"], v)
        if query.comparison and only_year is None:
            compared = self._compare(query, v, terms)
            if compared:
                return compared
        return self._from_facts(query, v, terms, only_year)

    def _loaded(self) -> str:
        reports = self.index.reports()
        more = f"等{len(reports)}份" if len(reports) > 6 else ""
        return "、".join(f"{r['body']}{r['year']}年" for r in reports[:6]) + more

    def _not_in_version(self, v: ReportView, terms: list[str]) -> str:
        """A table 二 item or column that only the other version of the format lists, e.g. 政府集中采购 in 2021."""
        own = version_labels(self.knowledge, v.report["version"])
        for version in self.knowledge.format["versions"]:
            for label in version_labels(self.knowledge, version) - own:
                if label in terms and not any(label in f["label_terms"] for f in v.facts):
                    return label
        return ""

    def _compare(self, query: Query, v: ReportView, terms: list[str]) -> Answer | None:
        """比上一年多了多少: the same figure in the same body's report of the year compared with."""
        year = v.report["year"]
        base_year = next((y for y in query.years if y != year), year - 1)
        base = next((r for r in self.index.reports() if r["body"] == v.report["body"] and r["year"] == base_year), None)
        if base is None:
            return None
        plain = replace(query, comparison=False)  # the figure itself, in each year
        now = [c for c in score_facts(plain, v, terms) if not is_comparison_fact(c.item)]
        if not now or now[0].score < FACT_MIN:
            return None
        best = now[0].item
        bv = view(self.index, base["id"], self.knowledge)
        then = next((f for f in bv.facts if f["kind"] != "prose" and f["row"] == best["row"]
                     and f["column"] == best["column"]), None)
        if then is None and best["kind"] == "prose":
            cands = [c for c in score_facts(plain, bv, bv.resolve(query.terms)) if c.item["unit"] == best["unit"]]
            then = cands[0].item if cands and cands[0].score >= FACT_MIN else None
        if then is None:
            return None
        diff = best["value"] - then["value"]
        unit = best["unit"]
        change = (f"增加{fmt(abs(diff))}{unit}" if diff > 0 else f"减少{fmt(abs(diff))}{unit}" if diff < 0 else "持平")
        what = _row_words(best, self.knowledge) if best["section"].startswith("三") else (
            best["row"][0].split(" ")[0] if best["kind"] == "prose" else "/".join(best["row"] + best["column"][-1:]))
        answer = self.messages["comparison"].format(
            title=v.report["title"], prev_title=bv.report["title"], what=what, year=year,
            now=_figure_text(best), prev_year=base_year, before=_figure_text(then), change=change)
        return Answer(question=query.text, found=True, answer=answer,
                      figure=Figure(value=abs(diff), unit=unit, text=change),
                      passage=f"{best['passage']}；{then['passage']}",
                      source=Source(report=v.report["id"], title=v.report["title"], section=best["section"],
                                    row="/".join(best["row"]), column="/".join(best["column"])),
                      score=round(now[0].score, 3))

    def _from_facts(self, query: Query, v: ReportView, terms: list[str], only_year: int | None) -> Answer:
        cands = score_facts(query, v, terms)
        if only_year is not None:
            cands = [c for c in cands if self._about_year(c.item, only_year, v.report["year"])]
        best = cands[0] if cands else None
        if best is None or best.score < FACT_MIN or best.coverage < FACT_MIN_COVERAGE:
            # a sentence without a figure does not answer 多少: say so, and show the nearest sentence
            near = score_passages(query, v, terms)[:1]
            return self._not_found(query.text, "", v.report["id"], v, alternatives=near)
        rivals = [c for c in cands[1:6] if c.item["value"] != best.item["value"] and not _part_of(c.item, best.item)]
        if rivals and best.score - rivals[0].score < TIE_MARGIN:
            return self._not_found(query.text, "", v.report["id"], v, alternatives=[best, rivals[0]])
        other = self._second_subject(query, v, terms, best, cands)
        if other is not None:  # 建议和提案各多少: two figures asked for, one figure would mislead
            return self._not_found(query.text, "", v.report["id"], v, alternatives=[best, other])
        return self._fact_answer(query, v, best, cands[1:4])

    def _second_subject(self, query: Query, v: ReportView, terms: list[str], best: Candidate,
                        cands: list[Candidate]) -> Candidate | None:
        """A question joining two things (A和B) whose best figure is labelled by one of them while another figure
        is labelled by the other."""
        if not CONJUNCTION.search(query.normalised):
            return None
        f = best.item
        missing = [t for t in terms if v.weight(t) >= SPECIFIC and t not in f["label_terms"] | f["context_terms"]]
        return next((c for c in cands[1:] if c.item["value"] != f["value"]
                     and any(t in c.item["label_terms"] for t in missing)), None)

    def _about_year(self, f: dict, year: int, report_year: int) -> bool:
        """A figure of a neighbouring year's report that speaks of this year: its sentence names the year, or it
        is a row the format keeps for the year after or before (结转下年度继续办理, 上年结转)."""
        if f["kind"] == "prose":
            return str(year) in _clause(f)
        return f["key"] in self.year_rows and self.year_rows[f["key"]] == year - report_year

    def _from_passages(self, query: Query, v: ReportView, terms: list[str], only_year: int | None) -> Answer:
        cands = score_passages(query, v, terms)
        if only_year is not None:
            # the sentence that names the year first, then others of its paragraph
            # the sentence that names the year weighs as one more matched word; others of its paragraph follow
            # and the plans of section 五 are for the year after the report's
            plans = only_year == v.report["year"] + 1
            cands = sorted((Candidate(c.kind, c.item, c.score + (YEAR_BONUS if str(only_year) in c.item["text"] else 0),
                                      c.coverage) for c in cands
                            if str(only_year) in c.item["paragraph"] or (plans and c.item["section"].startswith("五"))),
                           key=lambda c: -c.score)
        best = cands[0] if cands else None
        if best is None or best.score < PASSAGE_MIN:
            return self._not_found(query.text, "", v.report["id"], v)
        title, m = v.report["title"], self.messages
        text = best.item["text"]
        answer = m["found_passage"].format(title=title, section=best.item["section"], text=text)
        # a second passage from elsewhere often completes the answer (what was done, and what is planned)
        also = [c for c in cands[1:3] if c.score >= ALSO_MIN and c.item["paragraph"] != best.item["paragraph"]]
        if also:
            answer += m["found_also"].format(text=also[0].item["text"])
        return Answer(question=query.text, found=True, answer=answer, figure=None, passage=text,
                      source=Source(report=v.report["id"], title=title, section=best.item["section"]),
                      score=round(best.score, 3), alternatives=[_alt(c) for c in cands[1:4]])

    def _published(self, query: Query, v: ReportView) -> Answer:
        """哪天发布的: the date the report is signed with."""
        signoff = next((p for p in v.passages if p["section"] == "落款"), None)
        return Answer(question=query.text, found=True,
                      answer=self.messages["found_date"].format(title=v.report["title"], date=v.report["published"]),
                      passage=signoff["text"] if signoff else v.report["published"],
                      source=Source(report=v.report["id"], title=v.report["title"], section="落款"), score=1.0)

    def _fact_answer(self, query: Query, v: ReportView, best: Candidate, others: list[Candidate]) -> Answer:
        f = best.item
        title, m = v.report["title"], self.messages
        figure = Figure(value=f["value"], unit=f["unit"], text=f["text"] if f["kind"] == "prose" else _figure_text(f))
        if f["kind"] == "prose":
            answer = m["found_prose"].format(title=title, clause=_clause(f))
        else:
            answer = m["found_figure"].format(title=title, clause=describe(f, self.knowledge, figure.text))
        return Answer(question=query.text, found=True, answer=answer, figure=figure, passage=f["passage"],
                      source=Source(report=v.report["id"], title=title, section=f["section"],
                                    row="/".join(f["row"]) if f["kind"] != "prose" else "",
                                    column="/".join(f["column"])),
                      score=round(best.score, 3), alternatives=[_alt(c) for c in others])

    def _not_found(self, question: str, reason: str, report: str | None, v: ReportView | None = None,
                   alternatives: list[Candidate] | None = None) -> Answer:
        m = self.messages
        if not reason:
            scope = v.report["title"] if v else "已载入的年度报告"
            reason = m["not_found"].format(scope=scope)
        suggestions = self.suggestions(v.report["id"] if v else report)
        return Answer(question=question, found=False,
                      answer=reason + m["try_these"] + "；".join(suggestions[:3]),
                      suggestions=suggestions[:3], alternatives=[_alt(c) for c in alternatives or []])

    def suggestions(self, report: str | None = None) -> list[str]:
        reports = self.index.reports()
        chosen = (self.index.report(report) if report else None) or (
            max(reports, key=lambda r: r["year"]) if reports else None)
        year = chosen["year"] if chosen else ""
        return [s.format(year=year) for s in self.messages["suggestions"]]


def version_labels(knowledge: Knowledge, version: str) -> set[str]:
    labels = set()
    for block in knowledge.table2(version):
        labels.update(block["rows"])
        labels.update(block["columns"])
    return labels


@lru_cache(maxsize=65536)
def _same_body(named: str, body: str) -> bool:
    """环翠区政府办公室 and 文旅局 name 威海市环翠区人民政府办公室 and 蓬莱区文化和旅游局: every place named stands in
    the body's name, and the organ's characters stand there in order. 烟台市医疗保障局 is not 栖霞市医疗保障局, and
    烟台市公安局 is not its 滨海分局."""
    a, b = named.replace(" ", ""), body.replace(" ", "")
    if a == b:
        return True
    parts = PLACES.split(a)
    places, organ = parts[:-1], parts[-1]
    if any(len(p) >= 2 and p not in b for p in places):
        return False
    rest = b[b.index(a) + len(a):] if a in b else ""
    if rest and ORGAN.search(rest):  # the body is a unit under the one named
        return False
    chars = iter(b)
    return len(organ) >= 2 and all(ch in chars for ch in organ)


def describe(f: dict, knowledge: Knowledge, figure: str) -> str:
    """A table cell in plain words: 办理结果为“予以公开”的申请共1件; 行政诉讼案件中结果纠正的有1件."""
    fmt_ = knowledge.format
    col = f["column"][-1] if f["column"] else ""
    if f["section"].startswith("四"):
        what = fmt_["table4"]["say"].get("/".join(f["row"]), "、".join(f["row"]) + "案件")
        return f"{what}共{figure}" if col == "总计" else f"{what}中{col}的有{figure}"
    if f["column"] and f["column"][0] == "信息内容":
        return f"{f['row'][-1]}的{re.sub(r'（单位：.*?）', '', col)}为{figure}"
    what = _row_words(f, knowledge)
    if col == "总计":
        return f"{what}共{figure}"
    who = {"其他": "其他类型的法人或其他组织"}.get(col, col)
    return f"{what}中，{who}提出的有{figure}"


def _row_words(f: dict, knowledge: Knowledge) -> str:
    table3 = knowledge.format["table3"]
    row = next((r for r in table3["rows"] if tuple(r["path"]) == f["row"]), None)
    if row and row.get("say"):
        return row["say"]
    group = table3["groups"].get(f["row"][1] if len(f["row"]) > 1 else "")
    if group:
        return group["total"] if len(f["row"]) == 2 else group["item"].format(item=NUMBERING.sub("", f["row"][-1]))
    return NUMBERING.sub("", f["row"][-1])


def _figure_text(f: dict) -> str:
    return f["text"] if f["unit"] in ("万元", "%", "元") else f"{fmt(f['value'])}{f['unit']}"


def _clause(f: dict) -> str:
    """The words of the sentence that carry a prose figure: from the clause start to the figure."""
    text, fig = f["passage"], f["text"]
    compact = text.replace(" ", "")
    left = f["row"][0].split(" ")[0].replace(" ", "")
    end = compact.find(fig, compact.find(left) + len(left) if left in compact else 0)
    if end < 0:
        return compact.rstrip("。")
    start = compact.rfind(left, 0, end) if left else -1
    if start < 0:
        start = max(compact.rfind(ch, 0, end) for ch in "，。；：") + 1
    return compact[start:end + len(fig)]


def _part_of(part: dict, total: dict) -> bool:
    """One of the cells a derived total adds up (其他 within 法人或其他组织, 1.属于国家秘密 within 不予公开):
    naming the total and its part alike is no ambiguity, the total was asked for."""
    if total["kind"] != "derived" or part["kind"] == "prose":
        return False
    n_row, n_col = len(total["row"]), len(total["column"])
    return (part["row"] == total["row"] and part["column"][:n_col] == total["column"]) or (
        part["column"] == total["column"] and part["row"][:n_row] == total["row"])


def is_comparison_fact(f: dict) -> bool:
    return f["kind"] == "prose" and bool(COMPARISON.search(f["qualifier"] or ""))


def _alt(c: Candidate) -> dict:
    item = c.item
    if c.kind == "fact":
        value = int(item["value"]) if float(item["value"]).is_integer() else item["value"]
        return {"value": value, "unit": item["unit"], "text": item["text"], "passage": item["passage"],
                "score": round(c.score, 3)}
    return {"passage": item["text"], "section": item["section"], "score": round(c.score, 3)}
