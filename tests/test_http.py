"""The HTTP API in-process (TestClient over the real index and log files), and one run of the installed server."""
from __future__ import annotations

import hashlib
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from qa_service import http
from qa_service.settings import load_settings

ADMIN = "s3cret-admin"
ANSWER_KEYS = {"question", "found", "answer", "figure", "passage", "source", "score", "alternatives", "suggestions",
               "log_id"}


def make_settings(tmp_path: Path, seed_db: Path, **overrides):
    return load_settings(environ={}, dotenv=None, db=seed_db, log_db=tmp_path / "questions.db", **overrides)


@pytest.fixture
def app(tmp_path, seed_db):
    return http.create_app(make_settings(tmp_path, seed_db, admin_token=ADMIN))


@pytest.fixture
def client(app):
    with TestClient(app) as client:
        yield client


def log_rows(client: TestClient) -> list[dict]:
    return client.app.state.service.log.rows()


# ---- answers (these need the real core) ----

def test_get_ask_returns_the_figure_with_its_source(client):
    r = client.get("/api/ask", params={"q": "2020年收到多少件政府信息公开申请？"})
    assert r.status_code == 200
    body = r.json()
    assert set(body) == ANSWER_KEYS
    assert body["found"] is True
    assert body["figure"]["value"] == 2
    assert body["figure"]["kind"] == "cases" and body["figure"]["computed"] is False  # what it measures
    assert body["source"]["report"]
    assert isinstance(body["log_id"], int)


def test_post_ask_returns_the_figure(client):
    r = client.post("/api/ask", json={"question": "行政诉讼案件有几件？"})
    assert r.status_code == 200
    assert r.json()["found"] is True
    assert r.json()["figure"]["value"] == 4


def test_post_ask_limited_to_one_report(client):
    report = client.get("/api/reports").json()["reports"][0]["id"]
    r = client.post("/api/ask", json={"question": "行政诉讼案件有几件？", "report": report})
    assert r.json()["figure"]["value"] == 4
    assert r.json()["source"]["report"] == report


def test_unrelated_question_is_not_found_with_suggestions(client):
    body = client.get("/api/ask", params={"q": "今天天气怎么样？"}).json()
    assert set(body) == ANSWER_KEYS
    assert body["found"] is False
    assert body["figure"] is None
    assert body["suggestions"]


def test_reports_and_health(client):
    reports = client.get("/api/reports").json()["reports"]
    assert len(reports) == 1
    assert reports[0]["year"] == 2020
    assert "芝罘区行政审批服务局" in reports[0]["body"]
    assert client.get("/healthz").json() == {"status": "ok", "reports": 1}


# ---- bad input ----

@pytest.mark.parametrize("question", ["", "   ", "\n\t"])
def test_blank_question_is_422_in_chinese(client, question):
    for r in (client.get("/api/ask", params={"q": question}), client.post("/api/ask", json={"question": question})):
        assert r.status_code == 422
        assert r.json() == {"detail": "问题不能为空，请输入您想了解的内容"}


def test_question_over_the_limit_is_422(client):
    assert client.get("/api/ask", params={"q": "问" * 200}).status_code == 200
    r = client.post("/api/ask", json={"question": "问" * 201})
    assert r.status_code == 422
    assert r.json() == {"detail": "问题太长了：最多 200 个字，收到 201 个字"}


def test_limit_follows_the_setting(tmp_path, seed_db):
    with TestClient(http.create_app(make_settings(tmp_path, seed_db, max_question_chars=5))) as client:
        assert client.get("/api/ask", params={"q": "行政诉讼案件有几件"}).json() == {
            "detail": "问题太长了：最多 5 个字，收到 9 个字"}


@pytest.mark.parametrize(("request_kwargs", "detail"), [
    ({"method": "GET", "url": "/api/ask"}, "请求有误：缺少 q"),
    ({"method": "POST", "url": "/api/ask", "content": b"{not json", "headers": {"content-type": "application/json"}},
     "请求有误：请求体不是有效的 JSON"),
    ({"method": "POST", "url": "/api/ask", "json": {"question": 3}}, "请求有误：question 的值不对"),
    ({"method": "POST", "url": "/api/ask", "json": {}}, "请求有误：缺少 question"),
    ({"method": "POST", "url": "/api/ask", "json": ["行政诉讼案件有几件？"]},
     '请求有误：请求体应为 JSON 对象，例如 {"question": "行政诉讼案件有几件？"}'),
    ({"method": "POST", "url": "/api/feedback", "json": {"log_id": "x", "helpful": True}}, "请求有误：log_id 的值不对"),
])
def test_malformed_requests_are_422_in_chinese(client, request_kwargs, detail):
    r = client.request(**request_kwargs)
    assert r.status_code == 422
    assert r.json() == {"detail": detail}


@pytest.mark.parametrize(("body", "detail"), [
    (b'{"question": "\\ud800"}', "请求有误：question 的值不对"),
    (b'{"question": "\\udfff\\u884c\\u653f\\u8bc9\\u8bbc"}', "请求有误：question 的值不对"),
    (b'{"question": "\\u884c\\u653f\\u8bc9\\u8bbc", "report": "\\ud800"}', "请求有误：report 的值不对"),
])
def test_a_lone_surrogate_is_422_not_503(client, caplog, body, detail):
    # valid JSON, but the text it decodes to cannot be written as UTF-8 (to the log, the index, the answer)
    r = client.post("/api/ask", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 422, r.text
    assert r.json() == {"detail": detail}
    assert "Traceback" not in caplog.text and not [x for x in caplog.records if x.levelno >= logging.ERROR]


def test_body_of_exactly_16_kib_is_read(client):
    body = json.dumps({"question": "行政诉讼案件有几件？"}).encode()
    body += b" " * (16 * 1024 - len(body))
    r = client.post("/api/ask", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 200


def test_body_over_16_kib_is_413(client):
    body = json.dumps({"question": "问", "report": "x" * 16 * 1024}).encode()
    r = client.post("/api/ask", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 413
    assert r.json() == {"detail": "请求体太大：最多 16384 字节"}


def test_chunked_body_over_16_kib_is_413(client):
    chunks = iter([b"{" + b" " * 8192] * 3)  # no Content-Length: the limit must hold while reading
    r = client.post("/api/ask", content=chunks, headers={"content-type": "application/json"})
    assert r.status_code == 413


@pytest.mark.parametrize("question", ['"', "AND", "NOT OR", "*", "(", "a-b", "行政诉讼 \"案件", "\x00", "😀" * 50,
                                      "<script>alert(1)</script>", "１２３"])
def test_hostile_questions_get_an_answer_object(client, question):
    r = client.get("/api/ask", params={"q": question})
    assert r.status_code == 200
    assert set(r.json()) == ANSWER_KEYS


def test_unexpected_error_is_503_without_a_trace(client, monkeypatch, caplog):
    def broken(question, report=None):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(client.app.state.service.answerer, "ask", broken)
    with caplog.at_level(logging.ERROR, logger="qa_service.http"):
        r = client.get("/api/ask", params={"q": "行政诉讼案件有几件？"})
    assert r.status_code == 503
    assert r.json() == {"detail": "服务暂时不可用"}
    assert "disk on fire" not in r.text
    assert "disk on fire" in caplog.text  # logged for the operator instead


def test_unknown_path_is_a_json_404(client):
    r = client.get("/api/nothing")
    assert r.status_code == 404
    assert r.json() == {"detail": "Not Found"}


# ---- feedback and the question log ----

def test_every_question_is_logged_and_feedback_reaches_the_log(client):
    log_id = client.post("/api/ask", json={"question": "今天天气怎么样？", "channel": "page"}).json()["log_id"]
    r = client.post("/api/feedback", json={"log_id": log_id, "helpful": False})
    assert r.status_code == 204
    assert r.content == b""
    (row,) = log_rows(client)
    assert (row["id"], row["channel"], row["question"], row["feedback"]) == (log_id, "page", "今天天气怎么样？", 0)
    assert row["latency_ms"] >= 0


def test_feedback_for_an_unknown_id_is_404(client):
    r = client.post("/api/feedback", json={"log_id": 12345, "helpful": True})
    assert r.status_code == 404
    assert r.json() == {"detail": "没有编号为 12345 的提问记录"}


def test_admin_log_lists_unanswered_and_down_voted_most_frequent_first(client):
    for question in ("今天天气怎么样？", "今天天气怎么样", "局长的电话是多少？"):
        client.get("/api/ask", params={"q": question})
    rated = client.get("/api/ask", params={"q": "局长的电话是多少？"}).json()["log_id"]
    client.post("/api/feedback", json={"log_id": rated, "helpful": False})

    r = client.get("/api/admin/log", headers={"Authorization": f"Bearer {ADMIN}"})
    assert r.status_code == 200
    body = r.json()
    assert [(q["question"], q["count"]) for q in body["unanswered"]][:2] == [
        ("局长的电话是多少？", 2), ("今天天气怎么样", 2)]  # a tie: the most recently asked first
    assert [(q["question"], q["unhelpful"]) for q in body["down_voted"]] == [("局长的电话是多少？", 1)]


@pytest.mark.parametrize("header", [None, "Bearer wrong", f"Basic {ADMIN}", "Bearer", f"Bearer {ADMIN}x"])
def test_admin_log_refuses_a_wrong_token(client, header):
    r = client.get("/api/admin/log", headers={"Authorization": header} if header else {})
    assert r.status_code == 401
    assert r.headers["www-authenticate"] == "Bearer"
    assert r.json() == {"detail": "需要有效的管理令牌"}


def test_admin_log_is_off_without_a_token(tmp_path, seed_db):
    with TestClient(http.create_app(make_settings(tmp_path, seed_db))) as client:
        r = client.get("/api/admin/log", headers={"Authorization": "Bearer "})
        assert r.status_code == 404
        assert "/api/admin/log" not in client.get("/openapi.json").json()["paths"]


def test_serving_never_writes_to_the_index(tmp_path, seed_db):
    before = hashlib.sha256(seed_db.read_bytes()).hexdigest()
    with TestClient(http.create_app(make_settings(tmp_path, seed_db))) as client:
        client.get("/api/ask", params={"q": "行政诉讼案件有几件？"})
        client.post("/api/feedback", json={"log_id": 1, "helpful": True})
    assert hashlib.sha256(seed_db.read_bytes()).hexdigest() == before
    assert (tmp_path / "questions.db").is_file()


def test_concurrent_questions_are_all_answered(client):
    results: list[int] = []

    def ask() -> None:
        results.append(client.get("/api/ask", params={"q": "行政诉讼案件有几件？"}).status_code)

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [200] * 8
    assert len(log_rows(client)) == 8


# ---- docs and the page ----

def test_openapi_docs(client):
    assert client.get("/docs").status_code == 200
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/ask", "/api/feedback", "/api/reports", "/healthz", "/api/admin/log"} <= set(paths)


def test_page_and_static_files_are_served_from_the_page_folder(tmp_path, seed_db, monkeypatch):
    page = tmp_path / "page"
    page.mkdir()
    (page / "index.html").write_text("<!doctype html><title>年报问答</title>", encoding="utf-8")
    (page / "app.js").write_text("console.log('ok')", encoding="utf-8")
    monkeypatch.setattr(http, "PAGE_DIR", page)
    with TestClient(http.create_app(make_settings(tmp_path, seed_db))) as client:
        r = client.get("/")
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/html")
        assert "年报问答" in r.text
        assert "default-src 'self'" in r.headers["content-security-policy"]
        assert client.get("/static/app.js").text == "console.log('ok')"


def test_no_page_is_a_404(tmp_path, seed_db, monkeypatch):
    monkeypatch.setattr(http, "PAGE_DIR", tmp_path / "no-page")
    with TestClient(http.create_app(make_settings(tmp_path, seed_db))) as client:
        assert client.get("/").status_code == 404
        assert client.get("/static/app.js").status_code == 404


# ---- the installed command (needs `serve` wired into the CLI) ----

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Served:
    """The installed `qa-service serve` in a child process: started, waited for (GET /healthz with `probe` as its
    query), stopped with SIGTERM on leaving; `output` holds what it printed, `returncode` how it ended."""

    def __init__(self, tmp_path: Path, args: list[str], env: dict[str, str] | None = None,
                 probe: dict[str, str] | None = None):
        self.tmp_path, self.args, self.probe = tmp_path, args, probe or {}
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("QA_")}
        self.env["QA_LOG_DB"] = str(tmp_path / "questions.db")
        self.env.update(env or {})
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.output, self.returncode, self.health = "", None, None

    def __enter__(self) -> "Served":
        command = Path(sys.executable).parent / "qa-service"
        self.server = subprocess.Popen([str(command), "serve", "--port", str(self.port), *self.args],
                                       cwd=self.tmp_path, env=self.env, stdout=subprocess.PIPE,
                                       stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 60
            while True:
                assert self.server.poll() is None, self.server.stdout.read().decode(errors="replace")
                try:
                    self.health = httpx.get(f"{self.base}/healthz", params=self.probe, timeout=2)
                    return self
                except httpx.TransportError:
                    assert time.monotonic() < deadline, "server did not come up within 60 s"
                    time.sleep(0.2)
        except BaseException:
            self.__exit__()
            raise

    def __exit__(self, *exc) -> None:
        self.server.terminate()
        try:
            self.output = self.server.communicate(timeout=15)[0].decode(errors="replace")
        except subprocess.TimeoutExpired:
            self.server.kill()
            self.output = self.server.communicate()[0].decode(errors="replace")
        self.returncode = self.server.returncode


def test_installed_serve_command_answers_over_http(tmp_path, seed_db):
    served = Served(tmp_path, ["--host", "127.0.0.1", "--db", str(seed_db)])
    with served:
        assert served.health.json() == {"status": "ok", "reports": 1}
        r = httpx.get(f"{served.base}/api/ask", params={"q": "2020年收到多少件政府信息公开申请？"}, timeout=10)
        assert r.status_code == 200
        assert r.json()["figure"]["value"] == 2
    # uvicorn shuts down gracefully, then re-raises SIGTERM so the exit status still tells who stopped it.
    assert served.returncode in (0, -signal.SIGTERM), served.output
    assert "Application shutdown complete." in served.output
    assert (tmp_path / "questions.db").is_file()


@pytest.mark.parametrize(("workers", "salt"), [(1, None), (2, "our-own-secret")])
def test_served_access_log_has_paths_without_queries(tmp_path, seed_db, workers, salt):
    # WeChat appends openid, signature, timestamp and nonce to every push URL: enough to replay, so never logged
    secret = {"openid": "oSECRETopenid", "signature": "SIGsecret", "timestamp": "1700000000", "nonce": "NONCEsecret"}
    served = Served(tmp_path, ["--db", str(seed_db), "--workers", str(workers)],
                    env={"QA_LOG_SALT": salt} if salt else None, probe=secret)
    with served:
        assert served.health.status_code == 200
        r = httpx.get(f"{served.base}/api/ask", params={"q": "行政诉讼案件有几件？", **secret}, timeout=10)
        assert r.status_code == 200
    output = served.output
    assert '"GET /healthz HTTP/1.1" 200' in output and '"GET /api/ask HTTP/1.1" 200' in output, output
    for value in secret.values():
        assert value not in output
    assert ("QA_LOG_SALT" in output) is (salt is None), output
