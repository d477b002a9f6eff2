"""The HTTP face: a FastAPI app over the answerer, plus the WeChat router and the chat page's files.

Errors leave as JSON `{"detail": ...}` only: QAError by its status, validation as 422 in Chinese, bodies over
16 KiB as 413, anything unexpected as 503 (logged here, never shown to the caller).
"""
from __future__ import annotations

import hmac
import json
import logging
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Literal

from fastapi import FastAPI, HTTPException, Query, Request, Response
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from pydantic import AfterValidator, BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from . import wechat
from .errors import QAError, QuestionError
from .knowledge import load_knowledge
from .service import Service
from .settings import Settings, load_settings

logger = logging.getLogger("qa_service.http")

MAX_BODY = 16 * 1024
PAGE_DIR = Path(__file__).resolve().parent / "page"
# The page must work offline inside WeChat's browser: nothing it loads may come from another origin.
PAGE_CSP = "default-src 'self' 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'self'"


NOT_BLANK = r"\S"  # what _checked accepts; the length limit is a setting, added to the schema in create_app


def _utf8(text: str) -> str:
    """JSON may spell a lone surrogate (\\ud800): valid JSON, but no UTF-8 text, so the log, the index and the
    answer could not hold it. Refused here, as a bad value (422), not left to fail later as a 503."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("not UTF-8 text (a lone surrogate)") from None
    return text


Text = Annotated[str, AfterValidator(_utf8)]


class AskBody(BaseModel):
    question: Text = Field(description="用户的问题，原话即可", examples=["2020年收到多少件政府信息公开申请？"],
                          json_schema_extra={"pattern": NOT_BLANK})
    report: Text | None = Field(None, description="只在这份报告（/api/reports 的 id）里找")
    channel: Literal["http", "page"] = Field("http", description="提问渠道：聊天页面请传 page")


class FeedbackBody(BaseModel):
    log_id: int = Field(description="/api/ask 返回的 log_id", ge=1, le=2**63 - 1)  # an SQLite rowid
    helpful: bool


class FigureOut(BaseModel):
    value: int | float
    unit: str
    text: str = Field(description="原文写法，如 380余篇")
    kind: str = Field("", description="what it measures: cases, items, count, change, money, share, duration")
    of: str = Field("", description="of what: the table row and column, or the sentence's words")
    computed: bool = Field(False, description="true when added up or compared from the report's own figures")


class SourceOut(BaseModel):
    report: str
    title: str
    section: str
    row: str = ""
    column: str = ""


class AnswerOut(BaseModel):
    """The answer object every face returns (names are stable), plus the question-log id for feedback."""

    question: str
    found: bool
    answer: str = Field(description="一句话回答，写明机关和年度；没找到时说明并给出可以问的问题")
    figure: FigureOut | None
    passage: str = Field(description="原文句子，或表格单元格“行｜列：值”")
    source: SourceOut | None
    score: float = Field(ge=0, le=1)
    alternatives: list[dict] = Field(max_length=3)
    suggestions: list[str]
    log_id: int | None


class ReportOut(BaseModel):
    id: str
    body: str
    year: int
    title: str
    version: str
    source: str
    published: str | None = None
    ingested_at: str
    passages: int
    facts: int


class ReportsOut(BaseModel):
    reports: list[ReportOut]


class HealthOut(BaseModel):
    status: Literal["ok"]
    reports: int


class ErrorBody(BaseModel):
    detail: str = Field(description="给人看的中文说明")


def _errors(*statuses: int) -> dict:
    """Documented error responses: every error is {"detail": "..."}, not FastAPI's default validation list."""
    return {status: {"model": ErrorBody} for status in statuses}


class _Guard:
    """Outermost ASGI layer: refuses bodies over MAX_BODY before the app reads them, and turns any unexpected
    exception into 503 JSON. It sits inside Starlette's error middleware, so nothing re-raises past it."""

    def __init__(self, app, say: dict[str, str]):
        self.app = app
        self.say = say  # messages.toml's [http] sentences

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        length = dict(scope["headers"]).get(b"content-length", b"0")
        if not length.isdigit():
            return await _send_json(send, 400, self.say["bad_length"])
        if int(length) > MAX_BODY:
            return await _send_json(send, 413, self.say["too_large"].format(limit=MAX_BODY))
        # Read the body here (it is small by now) so that chunked uploads are held to the same limit.
        body, more = b"", True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > MAX_BODY:
                return await _send_json(send, 413, self.say["too_large"].format(limit=MAX_BODY))
        replayed = False

        async def replay():
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        started = False

        async def watch(message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, replay, watch)
        except Exception:
            logger.exception("unexpected error on %s %s", scope.get("method"), scope.get("path"))
            if not started:
                await _send_json(send, 503, self.say["unavailable"])


async def _send_json(send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}, ensure_ascii=False).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _validation_detail(errors: list[dict], say: dict[str, str]) -> str:
    """FastAPI's validation errors as one Chinese sentence, naming the fields."""
    parts = []
    for error in errors:
        field = ".".join(str(p) for p in error.get("loc", ()) if p not in ("body", "query"))
        if error.get("type") == "json_invalid":
            parts.append(say["not_json"].format())
        elif not field:
            parts.append(say["not_object"].format())
        elif error.get("type") == "missing":
            parts.append(say["missing"].format(field=field))
        else:
            parts.append(say["bad_value"].format(field=field))
    return say["bad_request"].format(problems=say["separator"].join(dict.fromkeys(parts)))


def _checked(question: str, limit: int, say: dict[str, str]) -> str:
    """The question without surrounding blanks; QuestionError (422) when blank or longer than the setting."""
    question = question.strip()
    if not question:
        raise QuestionError(say["blank"])
    if len(question) > limit:
        raise QuestionError(say["too_long"].format(limit=limit, length=len(question)))
    return question


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or load_settings()
    knowledge = load_knowledge(settings.knowledge)  # built once here and handed down
    service = Service(settings, knowledge)
    say = knowledge.messages["http"]

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        service.close()

    app = FastAPI(title="年报问答", summary="政府信息公开工作年度报告问答", lifespan=lifespan)
    app.state.service = service
    app.add_middleware(_Guard, say=say)

    @app.exception_handler(QAError)
    async def _qa_error(request: Request, exc: QAError) -> JSONResponse:
        status = exc.status if exc.status < 500 else 503  # a 500 would read as a crash; the core said why
        return JSONResponse({"detail": str(exc)}, status_code=status)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": _validation_detail(list(exc.errors()), say)}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 400 and exc.__cause__ is not None:
            # FastAPI could not read the JSON at all (not UTF-8, nested too deep): its 400 is in English.
            return JSONResponse({"detail": _validation_detail([{"type": "json_invalid"}], say)}, status_code=422)
        return await http_exception_handler(request, exc)

    async def answer(question: str, report: str | None, channel: str) -> dict:  # validated as AnswerOut
        result, log_id = await service.ask(_checked(question, settings.max_question_chars, say), report, channel)
        return {**result.to_dict(), "log_id": log_id}

    max_chars = settings.max_question_chars

    @app.get("/api/ask", summary="提问（GET）", responses=_errors(422, 503))
    async def ask_get(q: str = Query(description="问题", json_schema_extra={"pattern": NOT_BLANK, "maxLength": max_chars}),
                report: str | None = Query(None, description="报告 id"),
                channel: Literal["http", "page"] = "http") -> AnswerOut:
        return await answer(q, report, channel)

    @app.post("/api/ask", summary="提问（POST）", responses=_errors(422, 503))
    async def ask_post(body: AskBody) -> AnswerOut:
        return await answer(body.question, body.report, body.channel)

    @app.post("/api/feedback", status_code=204, summary="评价一个回答：有帮助 / 没帮助", responses=_errors(404, 422))
    def feedback(body: FeedbackBody) -> Response:
        service.log.feedback(body.log_id, body.helpful)  # unknown id: UnknownLogEntry -> 404
        return Response(status_code=204)

    @app.get("/api/reports", summary="已载入的年度报告")
    def reports() -> ReportsOut:
        return {"reports": service.reports}

    @app.get("/healthz", summary="索引已载入，报告数量")
    def healthz() -> HealthOut:
        return {"status": "ok", "reports": len(service.reports)}

    @app.get("/api/admin/log", summary="没答上来的和被评为没帮助的问题（需要管理令牌）",
             include_in_schema=bool(settings.admin_token), responses=_errors(401, 422))
    def admin_log(request: Request, limit: int = Query(50, ge=1, le=1000)) -> dict:
        _require_admin(settings.admin_token, request.headers.get("authorization", ""), say)
        summary = service.log.summary(limit)
        return {"unanswered": summary["unanswered"], "down_voted": summary["down_voted"]}

    @app.get("/", include_in_schema=False)
    def page() -> FileResponse:
        index_html = PAGE_DIR / "index.html"
        if not index_html.is_file():
            raise HTTPException(404, "Not Found")
        return FileResponse(index_html, headers={"Content-Security-Policy": PAGE_CSP})

    if PAGE_DIR.is_dir():
        app.mount("/static", StaticFiles(directory=PAGE_DIR), name="static")
    if settings.wechat_token:  # without a token the endpoint does not exist
        app.state.wechat = wechat.WeChat(service, settings)
        app.include_router(wechat.make_router(app.state.wechat))

    def openapi() -> dict:
        if app.openapi_schema is None:
            schema = FastAPI.openapi(app)
            # The body model is shared by every app; its length limit is this app's setting.
            schema["components"]["schemas"]["AskBody"]["properties"]["question"]["maxLength"] = max_chars
        return app.openapi_schema

    app.openapi = openapi
    return app


def _require_admin(token: str, authorization: str, say: dict[str, str]) -> None:
    if not token:  # the endpoint is off: look exactly like any unknown path
        raise HTTPException(404, "Not Found")
    scheme, _, given = authorization.partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):
        raise HTTPException(401, say["admin_token"], headers={"WWW-Authenticate": "Bearer"})
