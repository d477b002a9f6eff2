"""Route step: a Query -> the report it is about (a Route), or the reason none is."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from .index import Index
from .understand import Query, QuestionWords

LATEST, NAMED, NEIGHBOUR = "latest", "named", "neighbour"


@dataclass(frozen=True)
class Route:
    report: dict | None  # None: no report fits, and reason says why
    reason: str = ""
    mode: str = LATEST  # latest: no year named; named: the year's own report; neighbour: a year no report covers,
    year: int | None = None  # asked of the report of the year before or after (only figures about that year)
    content_terms: tuple[str, ...] = ()  # a body named that is something the report talks about, not a report


class Router:
    def __init__(self, index: Index, words: QuestionWords, messages: dict, default_body: str = ""):
        self.index = index
        self.words = words
        self.messages = messages
        self.default_body = default_body
        self._by_body: dict[str, list[dict]] | None = None
        self.same_body = lru_cache(maxsize=65536)(self._same_body)

    def route(self, query: Query, report: str | None = None) -> Route:
        """The report a question is about, or a Route without one and the reason to give the citizen."""
        reports = self.index.reports()
        m = self.messages
        if not reports:
            return Route(None, m["no_report"])
        if report:
            chosen = self.index.report(report)
            return Route(chosen) if chosen else Route(None, m["no_body"].format(body=report, loaded=self.loaded()))
        pool, content = reports, ()
        body = query.body
        if body and any(w in body for w in self.words.not_in_body):
            body, content = "", query.body_terms  # a phrase of the question, not a body's name
        if body:
            bodies = self.bodies()
            named = [b for b in bodies if self.same_body(query.body, b)]
            named = [b for b in named if query.body in b] or named  # the body named in full wins over a near one
            named = named or self._one_slip(query.body, bodies)
            pool = [r for b in named for r in bodies[b]]
            # 烟台市公安局 asked of its 滨海分局: a part of a loaded body's name is another body, not content
            part_of_a_name = any(query.body in b for b in bodies)
            if not pool and (part_of_a_name or not self._mentioned_in_text(query.body)):
                return Route(None, m["no_body"].format(body=query.body, loaded=self.loaded()))
            if not pool:
                pool, content = reports, query.body_terms
        elif self.default_body:
            pool = [r for r in reports if self.same_body(self.default_body, r["body"])] or reports
        latest = max(r["year"] for r in pool)
        newest_body = max(pool, key=lambda r: r["year"])["body"]
        if len({r["body"] for r in pool}) > 1 and body:
            return Route(None, m["no_body"].format(body=query.body, loaded=self.loaded()))  # two fit: say, do not pick
        pool = [r for r in pool if r["body"] == newest_body]
        years = list(query.years) or ([latest + query.relative_year] if query.relative_year is not None else [])
        if query.comparison and len(query.years) == 1 and query.years[0] < latest:
            years = []  # 和2020年比: the year named is the base of the comparison, the latest report is asked
        if not years:
            return Route(max(pool, key=lambda r: r["year"]), content_terms=content)
        for y in years:
            hit = next((r for r in pool if r["year"] == y), None)
            if hit:
                return Route(hit, mode=NAMED, year=y, content_terms=content)
        # a year no report covers may still be spoken of by the report of the year before (plans, 结转下年度)
        # or after (上年结转, 比2019年多)
        near = [r for r in pool if r["year"] == years[0] - 1] or [r for r in pool if r["year"] == years[0] + 1]
        if near:
            return Route(near[0], mode=NEIGHBOUR, year=years[0], content_terms=content)
        return Route(None, m["no_year"].format(year=years[0], loaded=self.loaded()))

    def bodies(self) -> dict[str, list[dict]]:
        """The reports grouped by body, once: serving never changes them."""
        if self._by_body is None:
            self._by_body = {}
            for r in self.index.reports():
                self._by_body.setdefault(r["body"], []).append(r)
        return self._by_body

    def loaded(self) -> str:
        reports = self.index.reports()
        more = self.messages["loaded_more"].format(n=len(reports)) if len(reports) > 6 else ""
        return self.messages["loaded_sep"].join(
            self.messages["loaded_item"].format(body=r["body"], year=r["year"]) for r in reports[:6]) + more

    def _one_slip(self, named: str, bodies: dict) -> list[str]:
        """洪择区 for 洪泽区, 公按局 for 公安局: a name one character off a loaded body's, the two characters sounding
        alike (a pinyin keyboard's slip), when only one body is that near. 莱山区 is not 福山区: another district.
        The name with the slip mended must name the body as the name itself would (not a unit under it)."""
        if len(named) < 4:
            return []
        near = []
        for b in bodies:
            windows = {b[i:i + len(named)] for i in range(len(b) - len(named) + 1)}
            if any(_homophone_slip(named, w) and self.same_body(w, b) for w in windows):
                near.append(b)
        return near if len(near) == 1 else []

    def _mentioned_in_text(self, body: str) -> bool:
        """配合区卫健局: a body named inside a report's text is something the report talks about, not a report."""
        for r in self.index.reports()[:20]:
            if any(body in p["text"] for p in self.index.passages(r["id"])):
                return True
        return False

    def _same_body(self, named: str, body: str) -> bool:
        return same_body(named, body, self.words)


def same_body(named: str, body: str, w: QuestionWords) -> bool:
    """环翠区政府办公室 and 文旅局 name 威海市环翠区人民政府办公室 and 蓬莱区文化和旅游局: every place named stands in
    the body's name, and the organ's characters stand there in order. 烟台市医疗保障局 is not 栖霞市医疗保障局, and
    烟台市公安局 is not its 滨海分局."""
    a, b = named.replace(" ", ""), body.replace(" ", "")
    if a == b:
        return True
    parts = w.places.split(a)
    places, organ = parts[:-1], parts[-1]
    if any(len(p) >= 2 and p not in b for p in places):
        return False
    rest = b[b.index(a) + len(a):] if a in b else ""
    if rest and w.organ.search(rest):  # the body is a unit under the one named
        return False
    chars = iter(b)
    return len(organ) >= 2 and all(ch in chars for ch in organ)


def _homophone_slip(a: str, b: str) -> bool:
    """Same length, one character different, and the two sound the same (toneless pinyin)."""
    diff = [(x, y) for x, y in zip(a, b) if x != y]
    if len(a) != len(b) or len(diff) != 1:
        return False
    from pypinyin import lazy_pinyin  # loaded only for a body name that matches no loaded body

    x, y = diff[0]
    return lazy_pinyin(x) == lazy_pinyin(y)
