"""The WeChat Official Account face: the `/wechat` URL of the account's 服务器配置.

wechatpy does the protocol (signatures, 安全模式 AES, message classes, replies). Around it, this module adds what
wechatpy leaves out: constant-time signature compares, XML parsed safely before wechatpy sees it, `]]>` in reply
text, the 2048-byte reply limit, retries answered once, and a per-user rate limit. Whatever goes wrong after the
signature check, WeChat gets `success` or a polite sentence, never an error page (it would tell the citizen
"该公众号暂时无法提供服务").
"""
from __future__ import annotations

import asyncio
import hmac
import logging
import re
import secrets
import threading
import time
from collections import OrderedDict, deque
from concurrent.futures import Future
from typing import TYPE_CHECKING, Callable
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException
from fastapi import APIRouter, Request, Response
from fastapi.responses import PlainTextResponse
from wechatpy import create_reply, parse_message
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidSignatureException
from wechatpy.messages import BaseMessage, TextMessage, VoiceMessage
from wechatpy.utils import WeChatSigner

from .errors import QAError
from .model import Answer

if TYPE_CHECKING:
    from .service import Service
    from .settings import Settings

logger = logging.getLogger("qa_service.wechat")

MAX_BODY = 16 * 1024
MAX_REPLY_BYTES = 2048
DEADLINE_S = 4.0  # WeChat gives up at 5 s and retries; reply before that with whatever we have
SUCCESS = "success"  # "no reply": WeChat stops retrying and shows nothing
# What the account says to citizens is in messages.toml's [wechat] table (knowledge), not here.

# Characters XML 1.0 forbids; an answer or a question echo must not break the reply document.
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_FIGURE_CHAR = re.compile(r"[0-9０-９.．,%％]")
# Fields this module reads: each must appear at most once and hold text only (else wechatpy hands back a dict/list).
_TEXT_FIELDS = ("ToUserName", "FromUserName", "CreateTime", "MsgType", "MsgId", "Content", "Recognition", "Event")
_PLAIN = re.compile(r"[0-9A-Za-z]{1,64}")


class BadMessage(Exception):
    """The body is not a WeChat message we can read: 400."""


class Forbidden(Exception):
    """A signature does not match: 403."""


# ---- protocol helpers -------------------------------------------------------------------------------------------

def sign(*parts: str) -> str:
    """WeChat's signature: SHA1 of the sorted parts joined (wechatpy's signer, so the rule lives in one place)."""
    signer = WeChatSigner()
    signer.add_data(*parts)
    return signer.signature


def signature_ok(expected: str, given: str | None) -> bool:
    # wechatpy compares with `!=`; a constant-time compare does not leak how much of a forgery was right.
    return given is not None and hmac.compare_digest(expected.encode(), given.encode("utf-8", "replace"))


def parse_xml(data: bytes) -> Element:
    """Parse untrusted XML: any DTD (so any entity, local or external) is refused before expansion."""
    try:
        root = SafeET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (DefusedXmlException, SafeET.ParseError, ValueError) as exc:
        raise BadMessage(f"not acceptable XML: {type(exc).__name__}") from None
    if root.tag != "xml":
        raise BadMessage(f"root element is <{root.tag}>, not <xml>")
    return root


def cdata_safe(text: str) -> str:
    """wechatpy wraps text in CDATA without escaping: close and reopen the section around every `]]>`."""
    return _XML_ILLEGAL.sub("", text).replace("]]>", "]]]]><![CDATA[>")


def fit(text: str, limit: int = MAX_REPLY_BYTES, keep: tuple[str, ...] = ()) -> str:
    """Cut text to at most `limit` UTF-8 bytes at a character boundary, never through a figure.

    A cut never ends on a digit run (`317.7` must not become `31…`) nor inside any string of `keep` (the answer's
    figure text, e.g. `317.7 万元`); it prefers the end of a sentence or line when one is close.
    """
    if len(text.encode()) <= limit:
        return text
    ellipsis = "…"
    n = len(text.encode()[: max(limit - len(ellipsis.encode()), 0)].decode("utf-8", "ignore"))
    stop = max(text.rfind(c, 0, n) for c in "\n。；！？")
    if stop >= 0 and n - stop <= 200:  # drop a short fragment rather than end mid-sentence
        n = stop + 1
    spans = [m.span() for figure in filter(None, keep) for m in re.finditer(re.escape(figure), text)]
    while True:
        # Back out of a number (and the spaces around it), then out of any figure text the cut would split.
        while n > 0 and (text[n - 1].isspace() or _FIGURE_CHAR.match(text[n - 1])):
            n -= 1
        inside = [start for start, end in spans if start < n < end]
        if not inside:
            return text[:n] + ellipsis
        n = min(inside)


def examples(suggestions: list[str]) -> str:
    return "\n".join(f"{i}. {s}" for i, s in enumerate(suggestions[:3], 1))


def format_answer(answer: Answer, say: dict[str, str]) -> str:
    """The reply a citizen reads: the sentence with its figure and a short source line, or suggestions.

    say: the [wechat] sentences of messages.toml."""
    if answer.found:
        tail = ""
        if answer.source:
            tail = "\n" + say["source"].format(title=answer.source.title, section=answer.source.section).strip()
        keep = (answer.figure.text,) if answer.figure else ()
        return fit(answer.answer, MAX_REPLY_BYTES - len(tail.encode()), keep) + tail
    text = answer.answer
    missing = [s for s in answer.suggestions if s not in text]  # the core may already name them in its sentence
    if missing:
        text += "\n" + say["ask_like_this"] + "\n" + examples(missing)
    return fit(text)


# ---- retries and rate limit -------------------------------------------------------------------------------------

class ReplyCache:
    """Reply per message key, so WeChat's retries get the first delivery's reply instead of a second answer.

    Bounded and expiring; an entry is a Future so a retry that arrives mid-answer waits for the same reply.
    """

    def __init__(self, ttl: float = 60.0, size: int = 10_000, clock: Callable[[], float] = time.monotonic):
        self.ttl, self.size, self.clock = ttl, size, clock
        self._items: OrderedDict[str, tuple[float, Future]] = OrderedDict()
        self._lock = threading.Lock()

    def claim(self, key: str) -> tuple[Future, bool]:
        """The future for this key, and whether the caller must compute it (first delivery)."""
        with self._lock:
            now = self.clock()
            while self._items and next(iter(self._items.values()))[0] <= now:
                self._items.popitem(last=False)
            if key in self._items:
                return self._items[key][1], False
            future: Future = Future()
            self._items[key] = (now + self.ttl, future)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
            return future, True


class RateLimiter:
    """At most `limit` messages per `per` seconds per user (sliding window), remembering at most `size` users."""

    def __init__(self, limit: int = 10, per: float = 60.0, size: int = 10_000,
                 clock: Callable[[], float] = time.monotonic):
        self.limit, self.per, self.size, self.clock = limit, per, size, clock
        self._hits: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def allow(self, user: str) -> bool:
        with self._lock:
            now = self.clock()
            hits = self._hits.pop(user, None) or deque()
            while hits and hits[0] <= now - self.per:
                hits.popleft()
            allowed = len(hits) < self.limit
            if allowed:
                hits.append(now)
            self._hits[user] = hits  # re-inserted last: the least recently seen user is evicted first
            while len(self._hits) > self.size:
                self._hits.popitem(last=False)
            return allowed


# ---- the endpoint -----------------------------------------------------------------------------------------------

class WeChat:
    def __init__(self, service: Service, settings: Settings):
        self.service = service
        self.token = settings.wechat_token
        self.max_chars = settings.max_question_chars
        self.crypto = (WeChatCrypto(self.token, settings.wechat_aes_key, settings.wechat_appid)
                       if settings.wechat_aes_key else None)
        self.replies = ReplyCache()
        self.limiter = RateLimiter()
        self.deadline = DEADLINE_S
        self.say: dict[str, str] = service.knowledge.messages["wechat"]

    def verify(self, signature: str | None, timestamp: str, nonce: str) -> None:
        if not signature_ok(sign(self.token, timestamp, nonce), signature):
            raise Forbidden("signature")

    def read(self, body: bytes, query) -> tuple[BaseMessage, str]:
        """The message and its dedup key from a request body (decrypted in 安全模式). Raises BadMessage/Forbidden."""
        root = parse_xml(body)
        if query.get("encrypt_type", "raw").lower() == "aes":
            body = self._decrypt(root, query).encode()
            root = parse_xml(body)  # the decrypted XML is just as untrusted
        for tag in _TEXT_FIELDS:
            found = root.findall(tag)
            if len(found) > 1 or any(len(e) or e.attrib for e in found):
                raise BadMessage(f"<{tag}> must appear once and hold text only")
        try:
            message = parse_message(body.decode("utf-8"))
            if not (message.source and message.target):
                raise BadMessage("FromUserName and ToUserName are required")
            # Events have no MsgId (wechatpy gives id 0): WeChat's own rule is FromUserName + CreateTime.
            key = f"msg:{message.id}" if message.id else f"event:{message.source}:{message.time}"
        except BadMessage:
            raise
        except Exception as exc:  # wechatpy raises KeyError/ValueError/TypeError on odd but well-formed XML
            raise BadMessage(f"not a WeChat message: {type(exc).__name__}") from None
        return message, key

    def _decrypt(self, root: Element, query) -> str:
        if self.crypto is None:
            raise BadMessage("安全模式 needs QA_WECHAT_AES_KEY")
        encrypted = root.findtext("Encrypt")
        if not encrypted:
            raise BadMessage("no <Encrypt>")
        timestamp, nonce = query.get("timestamp", ""), query.get("nonce", "")
        # In 安全模式 the body is signed by msg_signature, which covers Encrypt; `signature` does not.
        given = query.get("msg_signature")
        if not signature_ok(sign(self.token, timestamp, nonce, encrypted), given):
            raise Forbidden("msg_signature")
        try:
            return self.crypto.decrypt_message({"Encrypt": encrypted}, given, timestamp, nonce)
        except InvalidSignatureException:
            raise Forbidden("msg_signature") from None
        except Exception as exc:  # bad base64, padding, length or AppID
            raise BadMessage(f"cannot decrypt: {type(exc).__name__}") from None

    async def reply(self, message: BaseMessage, key: str) -> str:
        """Reply XML (plaintext) or SUCCESS; a retry of a message gets the first delivery's reply."""
        future, first = self.replies.claim(key)
        if first:
            try:
                future.set_result(await self._respond(message))
            except Exception:
                logger.exception("WeChat reply failed")
                try:
                    future.set_result(self._text(message, self.say["sorry"]))
                except Exception:  # never leave the future unset: retries would wait out the deadline
                    future.set_result(SUCCESS)
        try:
            # shielded: a retry that gives up must not cancel the reply the first delivery is computing
            return await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(future)), self.deadline)
        except TimeoutError:
            return self._text(message, self.say["slow"])

    async def _respond(self, message: BaseMessage) -> str:
        if isinstance(message, TextMessage):
            return await self._answer(message, message.content)
        if isinstance(message, VoiceMessage) and message.recognition:
            return await self._answer(message, message.recognition)
        event = getattr(message, "event", None)
        if event in ("subscribe", "subscribe_scan"):
            body = self.service.body or self.say["this_body"]
            return self._text(message, self.say["welcome"].format(body=body, examples=await self._examples()))
        if message.type == "event":  # unsubscribe, menu clicks, location reports...: nothing to say
            return SUCCESS
        return self._text(message, self.say["type_it"].format(examples=await self._examples()))

    async def _answer(self, message: BaseMessage, question: str) -> str:
        if not self.limiter.allow(message.source):
            return self._text(message, self.say["too_fast"])
        question = (question or "").strip()
        if not question:
            return self._text(message, self.say["blank"].format(examples=await self._examples()))
        if len(question) > self.max_chars:
            return self._text(message, self.say["too_long"].format(limit=self.max_chars))
        try:
            answer, _ = await self.service.ask(question, None, "wechat", user=message.source, timeout=self.deadline)
        except TimeoutError:
            return self._text(message, self.say["slow"])
        except QAError as exc:
            logger.warning("question not answered: %s", exc)
            return self._text(message, self.say["sorry"])
        return self._text(message, format_answer(answer, self.say))

    async def _examples(self) -> str:
        return examples(await self.service.suggestions(timeout=self.deadline))

    @staticmethod
    def _text(message: BaseMessage, content: str) -> str:
        content = cdata_safe(fit(content))
        if not content:  # create_reply makes an empty text into an EmptyReply, which cannot carry To/From
            return SUCCESS
        reply = create_reply(content, message=message)
        reply.source, reply.target = cdata_safe(message.target), cdata_safe(message.source)
        return reply.render()

    def encrypt(self, xml: str, query) -> str:
        # wechatpy writes Nonce and TimeStamp into the reply unescaped: echo WeChat's only when they are plain.
        nonce, timestamp = query.get("nonce", ""), query.get("timestamp", "")
        nonce = nonce if _PLAIN.fullmatch(nonce) else secrets.token_hex(8)
        return self.crypto.encrypt_message(xml, nonce, timestamp if _PLAIN.fullmatch(timestamp) else None)


def make_router(wechat: WeChat) -> APIRouter:
    router = APIRouter(tags=["wechat"])

    @router.get("/wechat", response_class=PlainTextResponse, summary="微信服务器配置校验：返回 echostr")
    def check(signature: str | None = None, timestamp: str = "", nonce: str = "", echostr: str = "") -> Response:
        try:
            wechat.verify(signature, timestamp, nonce)
        except Forbidden:
            return PlainTextResponse("forbidden", status_code=403)
        return PlainTextResponse(echostr)

    @router.post("/wechat", summary="微信消息推送")
    async def receive(request: Request) -> Response:
        query = request.query_params
        try:
            wechat.verify(query.get("signature"), query.get("timestamp", ""), query.get("nonce", ""))
            body = await request.body()
            if len(body) > MAX_BODY:
                return PlainTextResponse("too large", status_code=413)
            message, key = wechat.read(body, query)
        except Forbidden:
            return PlainTextResponse("forbidden", status_code=403)
        except BadMessage as exc:
            logger.info("bad WeChat message: %s", exc)
            return PlainTextResponse("bad request", status_code=400)
        try:
            xml = await wechat.reply(message, key)
            if xml == SUCCESS:
                return PlainTextResponse(SUCCESS)
            if query.get("encrypt_type", "raw").lower() == "aes":
                xml = wechat.encrypt(xml, query)
            return Response(xml, media_type="application/xml")
        except Exception:
            logger.exception("WeChat reply failed")
            return PlainTextResponse(SUCCESS)

    return router
