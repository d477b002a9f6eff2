"""What `qa-service serve` and `qa-service log` do; cli.py only parses options and calls these."""
from __future__ import annotations

import copy
import logging
import os
from dataclasses import replace

from .ingest import ensure_index
from .knowledge import load_knowledge
from .questionlog import QuestionLog, format_summary
from .settings import DEFAULT_LOG_SALT, ENV, Settings
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


class PathOnly(logging.Filter):
    """uvicorn's access line with the path only: WeChat appends openid, signature, timestamp and nonce to every
    push URL (enough to replay a message), and a question in ?q= is the asker's business, not the server log's."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], args[2].partition("?")[0], *args[3:])
        return True


def log_config() -> dict:
    """uvicorn's own logging set-up plus PathOnly on the access handler (given by name: each worker builds it)."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config.setdefault("filters", {})["path_only"] = {"()": f"{__name__}.PathOnly"}
    config["handlers"]["access"]["filters"] = ["path_only"]
    return config


def warnings(settings: Settings) -> list[str]:
    """What an operator should fix before serving the public."""
    if settings.log_salt == DEFAULT_LOG_SALT:
        return ["QA_LOG_SALT is left at its public default: set your own secret, or anyone can match a guessed "
                "WeChat OpenID against the hashes in the question log"]
    return []


def serve(host: str, port: int, workers: int, settings: Settings) -> None:
    """Run the HTTP app (API, WeChat endpoint, chat page) under uvicorn until interrupted."""
    import uvicorn  # only `serve` needs the server

    if workers < 1:
        raise ValueError(f"workers must be >= 1, got {workers}")
    # Build a missing index once, here, rather than racing to build it in every worker.
    settings = replace(settings, db=ensure_index(settings.db, load_knowledge(settings.knowledge)))
    _export(settings)
    uvicorn.run("qa_service.http:create_app", factory=True, host=host, port=port, workers=workers,
                log_level="info", proxy_headers=True, log_config=log_config())


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
