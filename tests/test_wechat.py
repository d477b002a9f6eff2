"""The WeChat endpoint, fed messages built (and in 安全模式 encrypted) by wechatpy exactly as WeChat sends them."""
from __future__ import annotations

import hashlib
import threading
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st
from wechatpy.crypto import WeChatCrypto
from wechatpy.messages import TextMessage

from qa_service import http, wechat
from qa_service.model import Answer, Figure, Source
from qa_service.settings import load_settings

from conftest import KNOWLEDGE

SAY = KNOWLEDGE.messages["wechat"]
TOKEN = "qaToken2020"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"  # 43 characters, as the console generates
APPID = "wx5823bf96d3bd56c7"
TIMESTAMP, NONCE = "1714036504", "1514711492"
ACCOUNT, USER = "gh_0123456789ab", "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"


def signed(token: str = TOKEN, **extra) -> dict:
    """The query WeChat adds to each request: computed here by the documented rule, not by the code under test."""
    signature = hashlib.sha1("".join(sorted([token, TIMESTAMP, NONCE])).encode()).hexdigest()
    return {"signature": signature, "timestamp": TIMESTAMP, "nonce": NONCE, "openid": USER, **extra}


def text_xml(content: str, msg_id: int = 6054768590064713728, user: str = USER) -> str:
    return (f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName><FromUserName><![CDATA[{user}]]></FromUserName>"
            f"<CreateTime>{TIMESTAMP}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
            f"<Content><![CDATA[{content}]]></Content><MsgId>{msg_id}</MsgId></xml>")


def event_xml(event: str, create_time: str = TIMESTAMP) -> str:
    return (f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName><FromUserName><![CDATA[{USER}]]></FromUserName>"
            f"<CreateTime>{create_time}</CreateTime><MsgType><![CDATA[event]]></MsgType>"
            f"<Event><![CDATA[{event}]]></Event></xml>")


def media_xml(msg_type: str, fields: str, msg_id: int = 6054768590064713729) -> str:
    return (f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName><FromUserName><![CDATA[{USER}]]></FromUserName>"
            f"<CreateTime>{TIMESTAMP}</CreateTime><MsgType><![CDATA[{msg_type}]]></MsgType>{fields}"
            f"<MsgId>{msg_id}</MsgId></xml>")


def voice_xml(recognition: str | None) -> str:
    extra = "" if recognition is None else f"<Recognition><![CDATA[{recognition}]]></Recognition>"
    return media_xml("voice", f"<MediaId><![CDATA[m1]]></MediaId><Format><![CDATA[amr]]></Format>{extra}")


def reply_fields(xml: str) -> dict[str, str]:
    return {child.tag: child.text or "" for child in ET.fromstring(xml)}


def make_settings(tmp_path: Path, seed_db: Path, **overrides):
    values = {"wechat_token": TOKEN, "wechat_appid": APPID, "wechat_aes_key": AES_KEY, **overrides}
    return load_settings(environ={}, dotenv=None, db=seed_db, log_db=tmp_path / "questions.db", **values)


@pytest.fixture
def client(tmp_path, seed_db):
    with TestClient(http.create_app(make_settings(tmp_path, seed_db))) as client:
        yield client


@pytest.fixture
def asked(client, monkeypatch) -> list[str]:
    """Every question that reaches Answerer.ask (the real one answers)."""
    service = client.app.state.service
    real, questions = service.answerer.ask, []

    def counting(question, report=None):
        questions.append(question)
        return real(question, report)

    monkeypatch.setattr(service.answerer, "ask", counting)
    return questions


def post(client: TestClient, xml: str, **query):
    return client.post("/wechat", params=signed(**query), content=xml.encode())


def ask(client: TestClient, content: str, msg_id: int = 6054768590064713728) -> dict[str, str]:
    r = post(client, text_xml(content, msg_id))
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/xml")
    return reply_fields(r.text)


def post_encrypted(client: TestClient, xml: str, **query):
    """As WeChat does in 安全模式: body <xml><ToUserName/><Encrypt/></xml>, query with msg_signature."""
    sealed = ET.fromstring(WeChatCrypto(TOKEN, AES_KEY, APPID).encrypt_message(xml, NONCE, TIMESTAMP))
    body = (f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName>"
            f"<Encrypt><![CDATA[{sealed.findtext('Encrypt')}]]></Encrypt></xml>")
    params = signed(encrypt_type="aes", msg_signature=sealed.findtext("MsgSignature"), **query)
    return client.post("/wechat", params=params, content=body.encode())


def open_encrypted(xml: str) -> dict[str, str]:
    outer = reply_fields(xml)
    assert set(outer) == {"Encrypt", "MsgSignature", "TimeStamp", "Nonce"}
    # decrypt_message checks MsgSignature too: the reply must be signed the way WeChat checks it.
    inner = WeChatCrypto(TOKEN, AES_KEY, APPID).decrypt_message(xml, outer["MsgSignature"], outer["TimeStamp"],
                                                                outer["Nonce"])
    return reply_fields(inner)


# ---- URL verification ----

def test_official_signature_vector_returns_echostr_verbatim(tmp_path, seed_db):
    with TestClient(http.create_app(make_settings(tmp_path, seed_db, wechat_token="AAAAA"))) as client:
        r = client.get("/wechat", params={"signature": "f464b24fc39322e44b38aa78f5edd27bd1441696",
                                          "timestamp": "1714036504", "nonce": "1514711492",
                                          "echostr": "7184389823618204317"})
    assert r.status_code == 200
    assert r.text == "7184389823618204317"


@pytest.mark.parametrize("query", [
    {"signature": "f464b24fc39322e44b38aa78f5edd27bd1441697", "timestamp": TIMESTAMP, "nonce": NONCE},
    {"timestamp": TIMESTAMP, "nonce": NONCE},
    {"signature": "中文", "timestamp": TIMESTAMP, "nonce": NONCE},
    {},
])
def test_verification_with_a_wrong_signature_is_403(client, query):
    r = client.get("/wechat", params={**query, "echostr": "123"})
    assert r.status_code == 403
    assert "123" not in r.text


def test_endpoint_is_off_without_a_token(tmp_path, seed_db):
    with TestClient(http.create_app(make_settings(tmp_path, seed_db, wechat_token=""))) as client:
        assert client.get("/wechat", params=signed(token="")).status_code == 404
        assert client.post("/wechat", params=signed(token=""), content=text_xml("你好").encode()).status_code == 404


# ---- text messages (the answer needs the real core) ----

def test_plaintext_message_gets_the_figure_and_its_source(client):
    reply = ask(client, "行政诉讼案件有几件？")
    assert reply["ToUserName"] == USER and reply["FromUserName"] == ACCOUNT and reply["MsgType"] == "text"
    assert "4" in reply["Content"]
    assert "\n来源：" in reply["Content"]
    assert int(reply["CreateTime"]) > 0


def test_encrypted_message_gets_an_encrypted_reply_with_the_figure(client):
    r = post_encrypted(client, text_xml("2020年收到多少件政府信息公开申请？"))
    assert r.status_code == 200
    reply = open_encrypted(r.text)
    assert reply["ToUserName"] == USER and reply["MsgType"] == "text"
    assert "2" in reply["Content"] and "来源：" in reply["Content"]


def test_unrelated_question_gets_suggestions(client):
    content = ask(client, "今天天气怎么样？")["Content"]
    suggestions = client.app.state.service.answerer.ask("今天天气怎么样？").suggestions
    assert suggestions
    assert all(content.count(s) == 1 for s in suggestions[:3])


def test_suggestions_are_listed_once():
    listed = Answer("问", False, "没有找到。您可以试着问：甲？；乙？", suggestions=["甲？", "乙？"])
    assert wechat.format_answer(listed, SAY) == "没有找到。您可以试着问：甲？；乙？"
    bare = Answer("问", False, "没有找到。", suggestions=["甲？", "乙？", "丙？", "丁？"])
    assert wechat.format_answer(bare, SAY) == "没有找到。\n您可以这样问：\n1. 甲？\n2. 乙？\n3. 丙？"


def test_question_goes_to_the_log_with_a_hashed_openid(client):
    ask(client, "行政诉讼案件有几件？")
    (row,) = client.app.state.service.log.rows()
    assert row["channel"] == "wechat" and row["question"] == "行政诉讼案件有几件？"
    assert row["user_hash"] and USER not in row["user_hash"]


# ---- forged, hostile and broken requests ----

def test_post_with_a_forged_signature_is_403(client, asked):
    r = client.post("/wechat", params={**signed(), "signature": "0" * 40}, content=text_xml("你好").encode())
    assert r.status_code == 403
    assert asked == []


def test_encrypted_body_is_checked_by_msg_signature_not_signature(client, asked):
    # The commonest bug: accepting the body because `signature` (which does not cover Encrypt) matches.
    sealed = ET.fromstring(WeChatCrypto(TOKEN, AES_KEY, APPID).encrypt_message(text_xml("你好"), NONCE, TIMESTAMP))
    body = f"<xml><ToUserName>{ACCOUNT}</ToUserName><Encrypt>{sealed.findtext('Encrypt')}</Encrypt></xml>"
    query = signed(encrypt_type="aes")
    r = client.post("/wechat", params={**query, "msg_signature": query["signature"]}, content=body.encode())
    assert r.status_code == 403
    assert asked == []


def test_encrypted_garbage_with_a_valid_msg_signature_is_400(client):
    garbage = "bm90IHJlYWxseSBlbmNyeXB0ZWQ="
    msg_signature = hashlib.sha1("".join(sorted([TOKEN, TIMESTAMP, NONCE, garbage])).encode()).hexdigest()
    body = f"<xml><ToUserName>{ACCOUNT}</ToUserName><Encrypt>{garbage}</Encrypt></xml>"
    r = client.post("/wechat", params=signed(encrypt_type="aes", msg_signature=msg_signature), content=body.encode())
    assert r.status_code == 400


def test_message_for_another_appid_is_400(client):
    sealed = ET.fromstring(WeChatCrypto(TOKEN, AES_KEY, "wxOTHER").encrypt_message(text_xml("你好"), NONCE, TIMESTAMP))
    body = f"<xml><ToUserName>{ACCOUNT}</ToUserName><Encrypt>{sealed.findtext('Encrypt')}</Encrypt></xml>"
    params = signed(encrypt_type="aes", msg_signature=sealed.findtext("MsgSignature"))
    assert client.post("/wechat", params=params, content=body.encode()).status_code == 400


def test_encrypted_message_without_a_configured_key_is_400(tmp_path, seed_db):
    with TestClient(http.create_app(make_settings(tmp_path, seed_db, wechat_aes_key=""))) as client:
        assert post_encrypted(client, text_xml("你好")).status_code == 400
        assert post(client, text_xml("今天天气怎么样？")).status_code == 200  # plaintext still works


@pytest.mark.parametrize("body", [
    "<xml><ToUserName>gh</ToUserName>",
    "not xml at all",
    "",
    "<html><body>hi</body></html>",
    f"<xml><ToUserName>{ACCOUNT}</ToUserName><FromUserName>{USER}</FromUserName></xml>",  # no MsgType
    f"<xml><ToUserName>{ACCOUNT}</ToUserName><FromUserName>{USER}</FromUserName><MsgType>text</MsgType>"
    f"<Content>hi</Content><MsgId>not-a-number</MsgId></xml>",
])
def test_malformed_xml_is_400(client, body):
    assert post(client, body).status_code == 400


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">'
              for i in range(1, 10))
    + f"]><xml><ToUserName>{ACCOUNT}</ToUserName><FromUserName>{USER}</FromUserName><MsgType>text</MsgType>"
    "<Content>&lol9;</Content><MsgId>1</MsgId></xml>"
)
EXTERNAL_ENTITY = (
    '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    f"<xml><ToUserName>{ACCOUNT}</ToUserName><FromUserName>{USER}</FromUserName><MsgType>text</MsgType>"
    "<Content>&xxe;</Content><MsgId>1</MsgId></xml>"
)


@pytest.mark.parametrize("hostile", [BILLION_LAUGHS, EXTERNAL_ENTITY])
def test_entity_tricks_are_refused_fast(client, asked, hostile):
    for send in (post, post_encrypted):  # inside the encryption too
        started = time.perf_counter()
        r = send(client, hostile)
        assert r.status_code == 400
        assert time.perf_counter() - started < 1.0
        assert "root:" not in r.text
    assert asked == []


def test_oversized_body_is_413(client, asked):
    r = post(client, text_xml("问" * 6000))  # 18 KB of UTF-8
    assert r.status_code == 413
    assert asked == []


# ---- replies: size, `]]>` ----

def test_reply_text_with_cdata_end_still_parses():
    message = TextMessage({"ToUserName": ACCOUNT, "FromUserName": USER, "MsgType": "text", "CreateTime": TIMESTAMP})
    xml = wechat.WeChat._text(message, "表格里写着 ]]> 和 <b>&amp;</b>")
    assert reply_fields(xml)["Content"] == "表格里写着 ]]> 和 <b>&amp;</b>"


@settings(deadline=None)  # CI runs on two shared cores: judge correctness, not speed
@given(st.text(max_size=800))
def test_any_reply_text_renders_valid_xml(text):
    message = TextMessage({"ToUserName": ACCOUNT, "FromUserName": USER, "MsgType": "text", "CreateTime": TIMESTAMP})
    expected = wechat._XML_ILLEGAL.sub("", wechat.fit(text))
    rendered = wechat.WeChat._text(message, text)
    if not expected:
        assert rendered == "success"  # nothing to say: no reply rather than an empty bubble
        return
    # What comes back is the text minus what XML cannot carry (control characters); XML normalises \r.
    assert reply_fields(rendered)["Content"] == expected.replace("\r\n", "\n").replace("\r", "\n")


def test_fit_leaves_short_text_alone():
    assert wechat.fit("共收到申请 2 件。") == "共收到申请 2 件。"


def test_fit_cuts_long_text_at_a_sentence_end():
    text = "全年主动公开政府信息共 276 条。" * 100
    cut = wechat.fit(text)
    assert len(cut.encode()) <= 2048
    assert cut.endswith("。…")


def test_fit_never_cuts_through_a_number():
    text = "说明" * 339 + "共 317.7 万元，" + "说明" * 400  # the 2045-byte budget ends inside "317.7"
    assert wechat.fit(text) == "说明" * 339 + "共…"


def test_fit_never_cuts_through_the_figure_text():
    text = "说明" * 339 + "317.7 万元，" + "说明" * 400  # the budget ends between 万 and 元
    assert wechat.fit(text) == "说明" * 339 + "317.7 万…"  # what a bare byte limit would do
    assert wechat.fit(text, keep=("317.7 万元",)) == "说明" * 339 + "…"


@settings(deadline=None)
@given(st.text(alphabet=st.sampled_from("年报共收到申请件。，\n0123456789.%万元 "), max_size=1500),
       st.integers(min_value=8, max_value=2048))
def test_fit_properties(text, limit):
    cut = wechat.fit(text, limit, keep=("317.7 万元",))
    assert len(cut.encode()) <= limit
    if cut != text:
        assert cut.endswith("…")
        head = cut[:-1]
        assert text.startswith(head)
        assert not head or not (head[-1].isspace() or wechat._FIGURE_CHAR.match(head[-1]))
        for start in range(len(text)):
            if text.startswith("317.7 万元", start):
                assert start + len("317.7 万元") <= len(head) or start >= len(head)


def test_long_answer_keeps_its_source_line():
    answer = Answer("问", True, "很长的说明。" * 300 + "共 4 件。", Figure(4, "件", "4 件"),
                    source=Source("r", "2020年政府信息公开工作年度报告", "一、总体情况"))
    text = wechat.format_answer(answer, SAY)
    assert len(text.encode()) <= 2048
    assert text.endswith("…\n来源：2020年政府信息公开工作年度报告 一、总体情况")


# ---- retries ----

def test_repeated_msgid_is_answered_once(client, asked):
    first = post(client, text_xml("行政诉讼案件有几件？", msg_id=42))
    again = post(client, text_xml("行政诉讼案件有几件？", msg_id=42))
    assert first.status_code == again.status_code == 200
    assert first.text == again.text
    assert asked == ["行政诉讼案件有几件？"]
    assert len(client.app.state.service.log.rows()) == 1
    post(client, text_xml("行政诉讼案件有几件？", msg_id=43))  # another message: answered and logged again
    assert len(client.app.state.service.log.rows()) == 2


def test_retry_during_a_slow_answer_waits_for_the_same_reply(client, monkeypatch):
    service = client.app.state.service
    real, asked = service.answerer.ask, []

    def slow(question, report=None):
        asked.append(question)
        time.sleep(0.6)
        return real(question, report)

    monkeypatch.setattr(service.answerer, "ask", slow)
    bodies: list[str] = []

    def deliver() -> None:
        bodies.append(post(client, text_xml("行政诉讼案件有几件？", msg_id=77)).text)

    first = threading.Thread(target=deliver)
    first.start()
    time.sleep(0.2)  # the retry arrives while the first delivery is still being answered
    deliver()
    first.join()
    assert len(bodies) == 2 and bodies[0] == bodies[1]
    assert "4" in reply_fields(bodies[0])["Content"]
    assert asked == ["行政诉讼案件有几件？"]


def test_a_slow_answer_still_replies_before_wechat_gives_up(client, monkeypatch):
    service = client.app.state.service
    monkeypatch.setattr(client.app.state.wechat, "deadline", 0.3)
    monkeypatch.setattr(service.answerer, "ask", lambda question, report=None: time.sleep(1.5))
    started = time.perf_counter()
    reply = ask(client, "行政诉讼案件有几件？")
    assert time.perf_counter() - started < 1.2
    assert reply["Content"] == "这个问题查询得有点久，请稍后再问一次。"


def test_repeated_event_is_answered_once(client):
    first = post(client, event_xml("subscribe", "1714036600"))
    again = post(client, event_xml("subscribe", "1714036600"))
    assert first.text == again.text
    cache = client.app.state.wechat.replies
    assert f"event:{USER}:1714036600" in cache._items


def test_reply_cache_is_bounded_and_expires():
    now = [0.0]
    cache = wechat.ReplyCache(ttl=10, size=3, clock=lambda: now[0])
    for key in "abcd":
        assert cache.claim(key)[1] is True
    assert list(cache._items) == ["b", "c", "d"]
    assert cache.claim("d")[1] is False
    now[0] = 11
    assert cache.claim("d")[1] is True  # expired: a new message with an old id is answered again
    assert list(cache._items) == ["d"]


# ---- rate limit ----

def test_eleventh_message_in_a_minute_gets_a_polite_reply(client, asked):
    for i in range(10):
        assert ask(client, "今天天气怎么样？", msg_id=1000 + i)["Content"] != SAY["too_fast"]
    assert ask(client, "今天天气怎么样？", msg_id=1010)["Content"] == "您提问太频繁了，请稍等一分钟再问。"
    assert len(client.app.state.service.log.rows()) == 10  # the eleventh was not answered (repeats come cached)
    other = reply_fields(post(client, text_xml("今天天气怎么样？", msg_id=1011, user="oOtherUser")).text)
    assert other["Content"] != SAY["too_fast"] and other["ToUserName"] == "oOtherUser"


def test_rate_limiter_window_slides():
    now = [0.0]
    limiter = wechat.RateLimiter(limit=2, per=60, size=2, clock=lambda: now[0])
    assert limiter.allow("a") and limiter.allow("a") and not limiter.allow("a")
    now[0] = 60.5
    assert limiter.allow("a")
    limiter.allow("b")
    limiter.allow("c")
    assert list(limiter._hits) == ["b", "c"]


# ---- other message types ----

def test_subscribe_gets_a_welcome_with_three_examples(client):
    r = post(client, event_xml("subscribe"))
    content = reply_fields(r.text)["Content"]
    examples = client.app.state.service.answerer.suggestions()[:3]
    assert content.startswith("感谢关注！在这里可以查询芝罘区行政审批服务局政府信息公开工作年度报告中的数字和内容")
    assert content.endswith("\n".join(f"{i}. {q}" for i, q in enumerate(examples, 1)))
    assert len(examples) == 3


def test_subscribe_in_safe_mode_is_encrypted(client):
    assert open_encrypted(post_encrypted(client, event_xml("subscribe")).text)["Content"].startswith("感谢关注！")


@pytest.mark.parametrize("sender", [post, post_encrypted])
def test_unsubscribe_is_success(client, sender):
    r = sender(client, event_xml("unsubscribe"))
    assert r.status_code == 200
    assert r.text == "success"


def test_voice_recognition_is_the_question(client, asked):
    r = post(client, voice_xml("行政诉讼案件有几件？"))
    assert asked == ["行政诉讼案件有几件？"]
    assert "4" in reply_fields(r.text)["Content"]


@pytest.mark.parametrize("xml", [
    voice_xml(None),
    media_xml("image", "<PicUrl><![CDATA[http://example.invalid/a.jpg]]></PicUrl><MediaId><![CDATA[m]]></MediaId>"),
    media_xml("location", "<Location_X>37.5</Location_X><Location_Y>121.4</Location_Y><Scale>15</Scale>"
                          "<Label><![CDATA[芝罘区]]></Label>"),
    media_xml("link", "<Title>t</Title><Description>d</Description><Url>u</Url>"),
])
def test_other_messages_get_a_request_for_typed_text(client, asked, xml):
    content = reply_fields(post(client, xml).text)["Content"]
    assert content.startswith("目前只能回答文字提问，请把您的问题打字发给我们，例如：\n1. ")
    assert asked == []


def test_blank_and_long_text_get_polite_replies(client, asked):
    assert ask(client, "   ", msg_id=1)["Content"].startswith("请直接输入您想了解的问题，例如：\n1. ")
    assert ask(client, "问" * 201, msg_id=2)["Content"] == "问题有点长，请控制在 200 个字以内再问一次。"
    assert asked == []


def test_internal_error_gets_a_polite_text_not_an_error_page(client, monkeypatch):
    def broken(question, report=None):
        raise RuntimeError("index went away")

    monkeypatch.setattr(client.app.state.service.answerer, "ask", broken)
    reply = ask(client, "行政诉讼案件有几件？")
    assert reply["Content"] == "抱歉，系统暂时出了点问题，请稍后再试。"
