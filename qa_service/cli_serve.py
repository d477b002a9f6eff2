"""What `qa-service serve` and `qa-service log` do; cli.py only parses options and calls these."""
from __future__ import annotations

import os
from dataclasses import replace

from .ingest import ensure_index
from .knowledge import load_knowledge
from .questionlog import QuestionLog, format_summary
from .settings import ENV, Settings
from .terminal import clean


def _export(settings: Settings) -> None:
    """Put the resolved settings (with the CLI's overrides) into the environment.

    uvicorn builds the app from an import string in each worker, so `create_app()` there can only read settings
    from the environment; exporting them makes every worker see exactly what the command line said.
    """
    for name, (attr, _) in ENV.items():
        value = getattr(settings, attr)
        if value is not None:
            os.environ[name] = str(value)


def serve(host: str, port: int, workers: int, settings: Settings) -> None:
    """Run the HTTP app (API, WeChat endpoint, chat page) under uvicorn until interrupted."""
    import uvicorn  # only `serve` needs the server

    if workers < 1:
        raise ValueError(f"workers must be >= 1, got {workers}")
    # Build a missing index once, here, rather than racing to build it in every worker.
    settings = replace(settings, db=ensure_index(settings.db, load_knowledge(settings.knowledge)))
    _export(settings)
    uvicorn.run("qa_service.http:create_app", factory=True, host=host, port=port, workers=workers,
                log_level="info", proxy_headers=True)


def show_log(settings: Settings, limit: int = 20) -> str:
    """The bureau's view of the question log as plain text: most asked, unanswered, down-voted. Anyone may
    write a question, so each is cleaned for the terminal (no escape codes, one line); print it with markup off."""
    if not settings.question_log.is_file():  # do not create an empty log just by looking
        return f"还没有记录任何提问（{clean(str(settings.question_log))}）。\n"
    log = QuestionLog.from_settings(settings)
    try:
        summary = log.summary(limit)
        return format_summary({name: [{**r, "question": clean(r["question"])} for r in rows]
                               for name, rows in summary.items()})
    finally:
        log.close()
