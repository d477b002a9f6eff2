"""Decide step: scored candidates -> a Decision: the figure whose meaning matches the question, a sum or a change
computed from certain figures of the same meaning (said to be computed), a passage, or abstain with the reason.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from .index import Index
from .meaning import Measure
from .retrieve import Candidate, FormatWords, ReportView, score_facts, score_passages
from .route import NEIGHBOUR, Route
from .understand import Query, QuestionWords

FACT_MIN = 0.62  # below this a figure is not stated: a wrong figure is worse than none
FACT_MIN_COVERAGE = 0.6
PASSAGE_MIN = 0.55
ALSO_MIN = 0.4
YEAR_BONUS = 0.3  # a year no report covers, named in a sentence of an earlier report (plans for the next year)
TIE_MARGIN = 0.02  # two different figures this close: say neither
SPECIFIC = 3.0  # the weight of a word that names a thing of its own (人大代表建议), not a common word

FIGURE, SUM, COMPARISON, PASSAGE, DATE, GREETING, ABSTAIN = (
    "figure", "sum", "comparison", "passage", "date", "greeting", "abstain")


@dataclass(frozen=True)
class Decision:
    kind: str  # figure | sum | comparison | passage | date | greeting | abstain
    view: ReportView | None = None
    best: Candidate | None = None
    parts: tuple[dict, ...] = ()  # the facts a sum adds, or (now, then) of a comparison
    then_view: ReportView | None = None  # the report compared with
    also: Candidate | None = None  # a second passage that completes the first
    others: tuple[Candidate, ...] = ()  # shown as alternatives
    reason: str = ""  # abstain: the message key (messages.toml), and its values
    reason_args: dict = field(default_factory=dict)
    doubts: tuple[dict, ...] = ()  # failed consistency checks touching the figure


class Decider:
    def __init__(self, index: Index, words: QuestionWords, format_words: FormatWords, knowledge_format: dict,
                 view: Callable[[str], ReportView]):
        self.index = index
        self.words = words
        self.fw = format_words
        self.meaning = format_words.meaning
        self.view = view
        self.report_words = set(knowledge_format["signoff"]["about"])
        self.year_rows = {r["key"]: r["year_offset"] for r in knowledge_format["table3"]["rows"] if "year_offset" in r}
        self.version_labels = {v: _labels(knowledge_format, v) for v in knowledge_format["versions"]}
        # the proactive-disclosure table's rows (and the other names they are printed under), per version
        self.table2_rows = {v: {r for b in knowledge_format["table2"] if b["version"] == v
                                for r in [*b["rows"], *b.get("also", {}).values()]}
                            for v in knowledge_format["versions"]}

    def decide(self, query: Query, route: Route, v: ReportView, terms: list[str]) -> Decision:
        only_year = route.year if route.mode == NEIGHBOUR else None
        if query.asks == "date" and v.report["published"] and set(terms) & self.report_words:
            return Decision(DATE, v)
        if query.asks in ("description", "date"):
            return self._passages(query, v, terms, only_year)
        missing = self._not_in_version(v, [*query.terms, *terms])  # the words asked, before any near match
        if missing:
            return Decision(ABSTAIN, v, reason="not_in_version", reason_args={"item": missing})
        if query.comparison and only_year is None:
            compared = self._compare(query, v, terms)
            if compared:
                return compared
        return self._facts(query, v, terms, only_year)

    # ---- figures ----

    def agreeing(self, query: Query, cands: list[Candidate], terms: list[str]) -> list[Candidate]:
        """The candidates whose meaning answers the question: a count is never a change nor below zero, money is
        money, and a figure counting two categories together answers neither of them alone."""
        named = set(terms)
        return [c for c in cands if self.meaning.agrees(query.measure, c.measure, c.item["value"])
                and not self.meaning.merges_apart(c.measure, named)
                and not self.meaning.counts_other(query.counts, query.unit, c.measure, c.item)]

    def _facts(self, query: Query, v: ReportView, terms: list[str], only_year: int | None) -> Decision:
        if only_year is not None:
            terms = self._as_that_year(v, terms, only_year - v.report["year"])
        cands = self.agreeing(query, score_facts(query, v, terms), terms)
        if only_year is not None:
            cands = [c for c in cands if self._about_year(c.item, only_year, v.report["year"])]
        best = cands[0] if cands else None
        if best is None or best.score < FACT_MIN or best.coverage < FACT_MIN_COVERAGE:
            if query.sum:
                summed = self._sum(query, v)
                if summed:
                    return summed
            unsure = self._uncertain(query, v, terms, best)
            if unsure:
                return unsure
            # a sentence without a figure does not answer 多少: say so, and show the nearest sentence
            return Decision(ABSTAIN, v, others=tuple(score_passages(query, v, terms)[:1]))
        rivals = [c for c in cands[1:6] if c.item["value"] != best.item["value"] and not _part_of(c.item, best.item)]
        if rivals and best.score - rivals[0].score < TIE_MARGIN:
            return Decision(ABSTAIN, v, others=(best, rivals[0]))
        if self._column_unnamed(query, v, terms, best, cands):
            return Decision(ABSTAIN, v, others=tuple(cands[:2]))
        if query.sum:  # A和B一共: a figure the report states for both, else the two added up, else nothing
            halves = self._halves(query, v)
            if halves is not None and not self._covers(best.item, halves):
                return self._sum(query, v) or Decision(ABSTAIN, v, others=(best,))
        other = self._second_subject(query, v, terms, best, cands)
        if other is not None:  # 建议和提案各多少: two figures asked for, one figure would mislead
            return Decision(ABSTAIN, v, others=(best, other))
        doubts = self.doubts(v, best.item)
        if doubts:  # the report's own arithmetic fails here: the cell is uncertain, never stated
            return Decision(ABSTAIN, v, reason="inconsistent", reason_args=_check_args(doubts), doubts=doubts)
        other_row = self._other_row(v, terms, best)
        if other_row is not None:  # 行政许可处理决定数量 is never answered with 行政强制's figure
            placed, row = other_row
            return Decision(ABSTAIN, v, others=(best,)) if placed else \
                Decision(ABSTAIN, v, reason="unplaced", reason_args={"row": row})
        return Decision(FIGURE, v, best, others=tuple(cands[1:4]))

    def _other_row(self, v: ReportView, terms: list[str], best: Candidate) -> tuple[bool, str] | None:
        """A row of the proactive-disclosure table named in the question that the best figure is not of: (whether
        the report has a certain figure of that row, the row); None when the figure is of a row named."""
        named = [r for r in self.table2_rows.get(v.report["version"], ()) if r in terms]
        if not named or any(r in best.item["label_terms"] for r in named):
            return None
        placed = any(r in f["row"] for f in v.facts if f["certain"] and f["kind"] == "table" for r in named)
        return placed, named[0]

    def _column_unnamed(self, query: Query, v: ReportView, terms: list[str], best: Candidate,
                        cands: list[Candidate]) -> bool:
        """今年出了几个规范性文件: a row of the proactive-disclosure table named without any of its columns while
        other columns of the row, with other figures, fit as well; unless the count asked for (几件/几个项目)
        picks the one column of its kind."""
        f = best.item
        if f["kind"] == "prose" or not f["column"] or not self.fw.role(f["section"], 1):
            return False
        if set(terms) & set(v.tokenizer.terms(f["column"][-1], keep_surfaces=True)):
            return False
        same_row = [c for c in cands[1:] if c.item["row"] == f["row"] and c.item["value"] != f["value"]]
        if not same_row:
            return False
        return not (query.counts and best.measure.kind == query.counts
                    and all(c.measure.kind != query.counts for c in same_row))

    def _uncertain(self, query: Query, v: ReportView, terms: list[str], best: Candidate | None) -> Decision | None:
        """The cell asked for is there but its placement is uncertain (its row fails the report's own sums):
        say that, naming the failed check, rather than that nothing was found."""
        cands = self.agreeing(query, score_facts(query, v, terms, uncertain=True), terms)
        top = cands[0] if cands else None
        if top is None or top.item["certain"] or top.score < FACT_MIN or top.coverage < FACT_MIN_COVERAGE:
            return None
        if best is not None and best.score >= top.score:
            return None
        doubts = self.doubts(v, top.item)
        if doubts:
            return Decision(ABSTAIN, v, reason="inconsistent", reason_args=_check_args(doubts), doubts=doubts)
        return Decision(ABSTAIN, v, reason="uncertain")

    def _second_subject(self, query: Query, v: ReportView, terms: list[str], best: Candidate,
                        cands: list[Candidate]) -> Candidate | None:
        """A question joining two things (A和B) whose best figure is labelled by one of them while another figure
        is labelled by the other."""
        if not self.words.conjunction.search(query.normalised):
            return None
        f = best.item
        missing = [t for t in terms if v.weight(t) >= SPECIFIC and t not in f["label_terms"] | f["context_terms"]]
        return next((c for c in cands[1:] if c.item["value"] != f["value"]
                     and any(t in c.item["label_terms"] for t in missing)), None)

    def _halves(self, query: Query, v: ReportView) -> list[list[str]] | None:
        """The two things a sum joins, each with the words said of both (自然人和商业企业一共提出多少申请: 提出
        and 申请 go with 自然人 too), or None when the question does not join exactly two."""
        tk = v.tokenizer
        halves = [self.words.sum.sub(" ", h) for h in self.words.conjunction.split(query.stripped) if h and h.strip()]
        halves = [h for h in halves if h.strip()]
        if len(halves) != 2:
            return None
        total_words = set(v.default_column)
        first, second = ([t for t in tk.terms(h) if t not in total_words] for h in halves)
        if not first or not second:
            return None
        subject = second[0]
        said_of_both = [t for t in second[1:] if t not in subject and t not in first]
        return [first + said_of_both, second]

    def _covers(self, f: dict, halves: list[list[str]]) -> bool:
        """A stated figure answers a sum only when its own label names each of the things joined, and the things
        are told apart (公开和部分公开: 公开 is a word of 部分公开, so no label can show it names both)."""
        a, b = halves[0][0], halves[1][0]
        if a == b:  # 法人和其他组织: one category of the format named in its own words, not two things
            return True
        if a in b or b in a:
            return False
        words = f["label_terms"] | f["context_terms"]
        return all(any(t in words for t in half[:1]) for half in halves)

    def _sum(self, query: Query, v: ReportView) -> Decision | None:
        """行政许可加上其他事项一共多少: each part's own figure, certain and of the same meaning, added up — only
        when each part has one clear figure; the answer says it is computed."""
        halves = self._halves(query, v)
        if halves is None:
            return None
        picked: list[Candidate] = []
        for half in halves:
            terms = v.about_body(v.resolve(half))
            if not terms:
                return None
            sub = replace(query, terms=tuple(terms), sum=False)
            cands = self.agreeing(sub, score_facts(sub, v, terms), terms)
            if not cands or cands[0].score < FACT_MIN or cands[0].coverage < FACT_MIN_COVERAGE:
                return None
            rivals = [c for c in cands[1:6] if c.item["value"] != cands[0].item["value"]]
            if rivals and cands[0].score - rivals[0].score < TIE_MARGIN:
                return None
            picked.append(cands[0])
        a, b = picked
        fa, fb = a.item, b.item
        if fa is fb or not (fa["certain"] and fb["certain"]) or not _same_meaning(a.measure, b.measure, fa, fb):
            return None
        if fa["kind"] != "prose" and fb["kind"] != "prose" and fa["row"] != fb["row"] and fa["column"] != fb["column"]:
            return None  # two cells of one table add up only along a row or a column
        if _part_of(fa, fb) or _part_of(fb, fa):
            return None
        doubts = self.doubts(v, fa) + self.doubts(v, fb)
        if doubts:
            return Decision(ABSTAIN, v, reason="inconsistent", reason_args=_check_args(doubts), doubts=doubts)
        return Decision(SUM, v, a, parts=(fa, fb))

    def _compare(self, query: Query, v: ReportView, terms: list[str]) -> Decision | None:
        """比上一年多了多少: the same figure in the same body's report of the year compared with."""
        year = v.report["year"]
        base_year = next((y for y in query.years if y != year), year - 1)
        base = next((r for r in self.index.reports() if r["body"] == v.report["body"] and r["year"] == base_year), None)
        if base is None:
            return None
        plain = replace(query, comparison=False, measure="figure")  # the figure itself, in each year
        now = [c for c in self.agreeing(plain, score_facts(plain, v, terms), terms)]
        if not now or now[0].score < FACT_MIN:
            return None
        best = now[0].item
        bv = self.view(base["id"])
        then = next((f for f in bv.facts if f["kind"] != "prose" and f["row"] == best["row"]
                     and f["column"] == best["column"]), None)
        if then is None and best["kind"] == "prose":
            cands = [c for c in self.agreeing(plain, score_facts(plain, bv, bv.resolve(list(query.terms))), terms)
                     if c.item["unit"] == best["unit"]]
            then = cands[0].item if cands and cands[0].score >= FACT_MIN else None
        if then is None:
            return None
        doubts = self.doubts(v, best) + self.doubts(bv, then)
        if doubts:
            return Decision(ABSTAIN, v, reason="inconsistent", reason_args=_check_args(doubts), doubts=doubts)
        return Decision(COMPARISON, v, now[0], parts=(best, then), then_view=bv)

    def _about_year(self, f: dict, year: int, report_year: int) -> bool:
        """A figure of a neighbouring year's report that speaks of this year: its sentence names the year, or it
        is a row the format keeps for the year after or before (结转下年度继续办理, 上年结转)."""
        if f["kind"] == "prose":
            return str(year) in clause(f, self.words.clause_marks)
        return f["key"] in self.year_rows and self.year_rows[f["key"]] == year - report_year

    def _as_that_year(self, v: ReportView, terms: list[str], offset: int) -> list[str]:
        """2019年结转下年度的, asked of the 2020 report: what that year carried out is what this one carried in
        (上年结转), so the words of the row the format keeps for the other direction name nothing here."""
        other = {k for k, o in self.year_rows.items() if o == -offset}
        here = {k for k, o in self.year_rows.items() if o == offset}
        if not other or not here:
            return terms
        theirs = set().union(*(f["label_terms"] for f in v.facts if f["key"] in other))
        ours = set().union(*(f["label_terms"] for f in v.facts if f["key"] in here))
        return [t for t in terms if t not in theirs - ours]

    def _not_in_version(self, v: ReportView, terms: list[str]) -> str:
        """A table 二 item or column that only the other version of the format lists, e.g. 政府集中采购 in 2021."""
        own = self.version_labels.get(v.report["version"], set())
        for labels in self.version_labels.values():
            for label in labels - own:
                if label in terms and not any(label in f["label_terms"] for f in v.facts):
                    return label
        return ""

    def doubts(self, v: ReportView, f: dict) -> tuple[dict, ...]:
        """The report's own failed consistency checks (勾稽关系) that name this figure's row or column."""
        if f["kind"] == "prose" or not v.checks:
            return ()
        number = self.fw.number(f["section"])
        rows = {"/".join(f["row"]), f["row"][-1] if f["row"] else ""}
        column = f["column"][-1] if f["column"] else ""
        out = []
        for c in v.checks:
            cell = self.meaning.check_cells.match(c["detail"])
            if not (cell and c["rule"].startswith(self.meaning.check_table.format(number=number))):
                continue
            name = cell.group(1).strip()
            if name in rows or (name == column and f["key"] in self.meaning.check_rows.get(c["rule"], ())):
                out.append(c)
        return tuple(out)

    # ---- passages ----

    def _passages(self, query: Query, v: ReportView, terms: list[str], only_year: int | None) -> Decision:
        cands = score_passages(query, v, terms)
        if only_year is not None:
            # the sentence that names the year weighs as one more matched word; others of its paragraph follow,
            # and the plans (the problems section) are for the year after the report's
            plans = only_year == v.report["year"] + 1
            cands = sorted((replace(c, score=c.score + (YEAR_BONUS if str(only_year) in c.item["text"] else 0))
                            for c in cands
                            if str(only_year) in c.item["paragraph"] or (plans and v.words.role(c.item["section"], 4))),
                           key=lambda c: -c.score)
        best = cands[0] if cands else None
        if best is None or best.score < PASSAGE_MIN:
            return Decision(ABSTAIN, v)
        # a second passage from elsewhere often completes the answer (what was done, and what is planned)
        also = next((c for c in cands[1:3] if c.score >= ALSO_MIN and c.item["paragraph"] != best.item["paragraph"]),
                    None)
        return Decision(PASSAGE, v, best, also=also, others=tuple(cands[1:4]))


def _check_args(doubts: tuple[dict, ...]) -> dict:
    return {"rule": doubts[0]["rule"], "detail": doubts[0]["detail"]}


def _labels(fmt: dict, version: str) -> set[str]:
    labels = set()
    for block in fmt["table2"]:
        if block["version"] == version:
            labels.update(block["rows"])
            labels.update(block["columns"])
    return labels


def _same_meaning(a: Measure, b: Measure, fa: dict, fb: dict) -> bool:
    return a.kind == b.kind and a.kind not in ("change", "share") and fa["unit"] == fb["unit"]


def clause(f: dict, marks: str) -> str:
    """The words of the sentence that carry a prose figure: from the clause start to the figure."""
    text, fig = f["passage"], f["text"]
    compact = text.replace(" ", "")
    left = f["row"][0].split(" ")[0].replace(" ", "")
    end = compact.find(fig, compact.find(left) + len(left) if left in compact else 0)
    if end < 0:
        return compact.rstrip(marks)
    start = compact.rfind(left, 0, end) if left else -1
    if start < 0:
        start = max(compact.rfind(ch, 0, end) for ch in marks) + 1
    return compact[start:end + len(fig)]


def _part_of(part: dict, total: dict) -> bool:
    """One of the cells a derived total adds up (其他 within 法人或其他组织, 1.属于国家秘密 within 不予公开):
    naming the total and its part alike is no ambiguity, the total was asked for."""
    if total["kind"] != "derived" or part["kind"] == "prose":
        return False
    n_row, n_col = len(total["row"]), len(total["column"])
    return (part["row"] == total["row"] and part["column"][:n_col] == total["column"]) or (
        part["column"] == total["column"] and part["row"][:n_row] == total["row"])
