"""What the faces of a running app share (HTTP API, WeChat endpoint, chat page): the index, the answerer, the answer
cache and the question log, behind one async path from a question to a logged answer.

All index reads run on one dedicated thread that opened the index: the core's SQLite connection then never crosses
threads, and answers take milliseconds so one thread keeps up. A cached answer is returned without leaving the
event loop; a new one is awaited from the index thread (one thread hop).
"""
from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .answer import Answerer
from .index import open_index
from .ingest import ensure_index
from .knowledge import Knowledge
from .model import Answer
from .questionlog import QuestionLog
from .settings import Settings

logger = logging.getLogger("qa_service.service")

ASK_TIMEOUT_S = 10.0
ANSWER_CACHE = 4096  # answers kept in memory: the index does not change while serving


class Service:
    def __init__(self, settings: Settings, knowledge: Knowledge):
        self.settings = settings
        self.knowledge = knowledge
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="qa-index")
        path = ensure_index(settings.db, knowledge)
        self.index, self.answerer = self._pool.submit(self._open, path).result()
        # Serving never writes to the index, so the report list cannot change while the process lives.
        self.reports: list[dict] = self._pool.submit(self.index.reports).result()
        self.log = QuestionLog.from_settings(settings)
        # the index is read-only while serving, so an answer never goes stale; citizens' questions repeat
        self._answers: OrderedDict[tuple, Answer] = OrderedDict()
        self._answers_lock = threading.Lock()

    def _open(self, path: Path) -> tuple:
        index = open_index(path)
        answerer = Answerer(index, self.knowledge, default_body=self.settings.default_body)
        answerer.ask("热身")  # loads jieba's dictionary now, not during the first citizen's 5-second WeChat window
        return index, answerer

    @property
    def body(self) -> str:
        """The body's name for titles and greetings: the configured one, else the one all reports share."""
        bodies = {r.get("body", "") for r in self.reports}
        return self.settings.default_body or (bodies.pop() if len(bodies) == 1 else "")

    async def ask(self, question: str, report: str | None, channel: str, user: str | None = None,
                  timeout: float = ASK_TIMEOUT_S) -> tuple[Answer, int | None]:
        """The answer (cached, or computed on the index thread) and its question-log id (None when the log could
        not be written). Raises TimeoutError after `timeout` seconds."""
        started = time.perf_counter()
        answer = self._cached((question, report))
        if answer is None:
            answer = await self._on_index_thread(timeout, self.answerer.ask, question, report)
            self._remember((question, report), answer)
        return answer, self._log(channel, answer, (time.perf_counter() - started) * 1000, user)

    async def suggestions(self, timeout: float = ASK_TIMEOUT_S) -> list[str]:
        return await self._on_index_thread(timeout, self.answerer.suggestions)

    async def _on_index_thread(self, timeout: float, fn, *args):
        # on timeout the work is cancelled if it has not started (the caller has given up on it)
        return await asyncio.wait_for(asyncio.wrap_future(self._pool.submit(fn, *args)), timeout)

    def _cached(self, key: tuple) -> Answer | None:
        with self._answers_lock:
            answer = self._answers.get(key)
            if answer is not None:
                self._answers.move_to_end(key)
            return answer

    def _remember(self, key: tuple, answer: Answer) -> None:
        with self._answers_lock:
            self._answers[key] = answer
            if len(self._answers) > ANSWER_CACHE:
                self._answers.popitem(last=False)

    def _log(self, channel: str, answer: Answer, latency_ms: float, user: str | None) -> int | None:
        try:
            return self.log.record(channel, answer, latency_ms, user=user)
        except Exception:  # a full disk must not cost the citizen the answer
            logger.exception("could not write the question log")
            return None

    def close(self) -> None:
        self._pool.submit(self.index.close).result()
        self._pool.shutdown()
        self.log.close()
