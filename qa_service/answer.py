"""Answer step (STUB: being written now; signatures are final)."""
from __future__ import annotations

from .model import Answer


class Answerer:
    def __init__(self, index, default_body: str = ""):
        self.index = index
        self.default_body = default_body

    def ask(self, question: str, report: str | None = None) -> Answer:
        """Answer one question; never raises on any text (blank -> not found)."""
        return Answer(question=question, found=False, answer="抱歉，没有在已载入的年度报告中找到相关内容。",
                      suggestions=self.suggestions(report))

    def suggestions(self, report: str | None = None) -> list[str]:
        return ["2020年收到多少件政府信息公开申请？", "行政诉讼案件有几件？", "全年主动公开了多少条政府信息？"]
