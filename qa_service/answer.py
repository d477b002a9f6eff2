"""Answering as steps that only go forward: understand -> route -> retrieve -> decide -> phrase.

Each step takes and returns typed values (a frozen Query, a Route, scored Candidates, a Decision, the Answer);
Answerer only connects them and keeps what is prepared once per report.
"""
from __future__ import annotations

from collections import OrderedDict

from .decide import ABSTAIN, GREETING, Decider, Decision
from .index import Index
from .knowledge import Knowledge
from .model import Answer
from .phrase import Phraser
from .retrieve import FormatWords, ReportView
from .route import NEIGHBOUR, Router
from .understand import Understander

VIEWS = 512  # reports whose facts and term weights are kept prepared


class Answerer:
    def __init__(self, index: Index, knowledge: Knowledge, default_body: str = ""):
        self.index = index
        self.knowledge = knowledge
        self.messages = knowledge.messages
        self.understander = Understander(knowledge)
        words = self.understander.words
        self.format_words = FormatWords.of(knowledge)
        self.router = Router(index, words, self.messages, default_body)
        self.decider = Decider(index, words, self.format_words, knowledge.format, self.view)
        self.phraser = Phraser(self.messages, knowledge.format, words, self.format_words)
        self._views: OrderedDict[str, ReportView] = OrderedDict()

    def view(self, report_id: str) -> ReportView:
        """A report prepared for scoring, kept for the next question (the least recently used is dropped)."""
        v = self._views.get(report_id)
        if v is None:
            v = self._views[report_id] = ReportView(self.index, report_id, self.knowledge, self.format_words)
            if len(self._views) > VIEWS:
                self._views.popitem(last=False)
        else:
            self._views.move_to_end(report_id)
        return v

    def ask(self, question: str, report: str | None = None) -> Answer:
        """Answer one question; never raises on any text (blank -> not found)."""
        question = question if isinstance(question, str) else ""
        if not question.strip():
            suggestions = self.suggestions(report)
            return Answer(question=question, found=False,
                          answer=self.messages["blank"].format(example=suggestions[0] if suggestions else ""),
                          suggestions=suggestions)
        query = self.understander.understand(question)
        if query.chatter:
            return self.phraser.answer(question, Decision(GREETING), self.suggestions(report))
        if self.understander.words.search_syntax.search(question):
            # 申请 AND NOT 公开: a search expression, not a question to guess at
            return self.phraser.answer(question, Decision(ABSTAIN), self.suggestions(report))
        route = self.router.route(query, report)
        if route.report is None:
            return self.phraser.answer(question, Decision(ABSTAIN, reason="route", reason_args={"route": route.reason}),
                                       self.suggestions(report))
        v = self.view(route.report["id"])
        terms = v.read(query, route.content_terms)
        decision = self.decider.decide(query, route, v, terms)
        if route.mode == NEIGHBOUR and decision.kind == ABSTAIN:
            decision = Decision(ABSTAIN, v, reason="no_year",
                                reason_args={"year": route.year, "loaded": self.router.loaded()})
        return self.phraser.answer(question, decision, self.suggestions(v.report["id"]))

    def suggestions(self, report: str | None = None) -> list[str]:
        reports = self.index.reports()
        chosen = (self.index.report(report) if report else None) or (
            max(reports, key=lambda r: r["year"]) if reports else None)
        year = chosen["year"] if chosen else ""
        return [s.format(year=year) for s in self.messages["suggestions"]]
