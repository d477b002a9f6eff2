"""The chat page in a real browser: Debian's Chromium driven by Playwright, against `qa-service serve`.

Set PAGE_SCREENSHOT=docs/screenshot.png to write the phone-sized screenshot there instead of a temp dir.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
ADMIN = "page-admin-token"
PHONE = {"width": 390, "height": 844}
BODY = "芝罘区行政审批服务局"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, base: str, log_db: Path, index_db: Path, env: dict[str, str]):
        self.base, self.log_db, self.index_db, self.env = base, log_db, index_db, env


@pytest.fixture(scope="module")
def server(tmp_path_factory, seed_db):
    """The installed `qa-service serve` on a free loopback port, its question log in a temp dir."""
    tmp = tmp_path_factory.mktemp("page")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("QA_")}
    env.update(QA_LOG_DB=str(tmp / "questions.db"), QA_ADMIN_TOKEN=ADMIN)
    command = Path(sys.executable).parent / "qa-service"
    output = tmp / "server.log"  # a file, not a pipe: a full pipe would stall the server mid-test
    with output.open("wb") as out:
        process = subprocess.Popen(
            [str(command), "serve", "--host", "127.0.0.1", "--port", str(port), "--db", str(seed_db)],
            cwd=tmp, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, output.read_text(errors="replace")
            try:
                httpx.get(f"{base}/healthz", timeout=2).raise_for_status()
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "server did not come up within 60 s"
                time.sleep(0.2)
        yield Server(base, tmp / "questions.db", seed_db, env)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"Debian's chromium is missing at {CHROMIUM}: run `apt-get install -y chromium` "
                    "(scripts/test.sh installs it); the browser tests need it", pytrace=False)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def requests_seen() -> list[str]:
    return []


@pytest.fixture
def page(browser, server, requests_seen) -> Page:
    """A fresh phone-sized page at `/` that records the URL of every request it makes."""
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
                                  locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.on("request", lambda request: requests_seen.append(request.url))
    page.goto(server.base + "/")
    expect(page.locator("#title")).to_have_text(BODY)
    yield page
    context.close()


def ask(page: Page, question: str) -> None:
    page.get_by_label("您的问题").fill(question)
    page.get_by_role("button", name="发送").click()


def last_answer(page: Page):
    return page.locator("#chat .bubble.bot").last


def wait_for_answers(page: Page, count: int) -> None:
    """Wait until `count` answers (or error messages) have arrived, not counting the greeting."""
    expect(page.locator("#chat .bubble.bot:not(.intro):not(.waiting)")).to_have_count(count)


# ---- asking ----

def test_typed_question_shows_the_figure_with_its_source(page, server):
    question = "2020年收到多少件政府信息公开申请？"
    expected = httpx.get(f"{server.base}/api/ask", params={"q": question}, timeout=10).json()
    ask(page, question)
    wait_for_answers(page, 1)
    answer = last_answer(page)
    expect(answer.locator("strong")).to_have_text("2件")
    source = expected["source"]
    expect(answer.locator(".source")).to_have_text(f"来源：{source['title']} · {source['section']}")
    assert source["title"] == "芝罘区行政审批服务局2020年政府信息公开工作年度报告"
    # The passage is there but folded away until tapped.
    passage = answer.locator("details blockquote")
    expect(passage).to_be_hidden()
    answer.locator("summary").click()
    expect(passage).to_be_visible()
    expect(passage).to_have_text(expected["passage"])
    # The question stays as the citizen typed it, and the box is empty for the next one.
    expect(page.locator("#chat .bubble.user")).to_have_text("2020年收到多少件政府信息公开申请？")
    expect(page.get_by_label("您的问题")).to_have_value("")


def test_enter_key_sends_and_focus_stays_in_the_box(page):
    box = page.get_by_label("您的问题")
    box.fill("主动公开了多少条政府信息？")
    box.press("Enter")
    wait_for_answers(page, 1)
    expect(last_answer(page).locator("strong")).to_have_text("276条")
    expect(box).to_be_focused()


def test_tapping_an_example_chip_asks_it(page):
    chips = page.locator(".intro .chip")
    expect(chips).to_have_count(4)
    page.get_by_role("button", name="政府集中采购总金额是多少？").tap()
    wait_for_answers(page, 1)
    expect(page.locator("#chat .bubble.user")).to_have_text("政府集中采购总金额是多少？")
    expect(last_answer(page).locator("strong")).to_have_text("317.7万元")


def test_not_found_answer_offers_suggestions_as_chips(page):
    ask(page, "今天天气怎么样？")
    wait_for_answers(page, 1)
    answer = last_answer(page)
    expect(answer).to_contain_text("没有找到")
    suggestions = answer.locator(".chip")
    expect(suggestions).to_have_count(3)
    expect(suggestions.first).to_have_text("2020年收到多少件政府信息公开申请？")
    expect(answer.locator(".source")).to_have_count(0)
    # A suggestion is a question one tap away.
    suggestions.first.click()
    wait_for_answers(page, 2)
    expect(last_answer(page).locator("strong")).to_have_text("2件")


# ---- feedback reaches the bureau's log ----

def test_rating_an_answer_unhelpful_reaches_the_log(page, server):
    ask(page, "行政复议案件有几件？")
    wait_for_answers(page, 1)
    answer = last_answer(page)
    answer.get_by_role("button", name="没帮助").click()
    expect(answer.locator(".thanks")).to_have_text("谢谢您的反馈")
    expect(answer.get_by_role("button", name="有帮助")).to_have_count(0)

    log = httpx.get(f"{server.base}/api/admin/log", headers={"Authorization": f"Bearer {ADMIN}"}, timeout=10)
    assert log.status_code == 200
    down_voted = {row["question"]: row for row in log.json()["down_voted"]}
    assert down_voted["行政复议案件有几件？"]["unhelpful"] == 1

    command = Path(sys.executable).parent / "qa-service"
    shown = subprocess.run([str(command), "log", "--db", str(server.index_db)], env=server.env,
                           capture_output=True, text=True, timeout=60)
    assert shown.returncode == 0, shown.stderr
    assert "被评为没帮助的问题：\n     1  行政复议案件有几件？" in shown.stdout


def test_rating_helpful_thanks_the_citizen(page):
    ask(page, "收到多少件政府信息公开申请？")
    wait_for_answers(page, 1)
    last_answer(page).get_by_role("button", name="有帮助").click()
    expect(last_answer(page).locator(".thanks")).to_have_text("谢谢您的反馈")


# ---- failures keep the page usable ----

def test_input_works_again_after_the_network_failed(page):
    page.route("**/api/ask", lambda route: route.abort(), times=1)
    ask(page, "行政诉讼案件有几件？")
    wait_for_answers(page, 1)
    expect(last_answer(page)).to_have_text("网络好像有问题，请稍后再试")
    ask(page, "行政诉讼案件有几件？")
    wait_for_answers(page, 2)
    expect(last_answer(page).locator("strong")).to_have_text("4件")


def test_a_4xx_shows_the_servers_reason_and_the_input_keeps_working(page):
    ask(page, "申请" * 101)  # 202 characters: over QA_MAX_QUESTION_CHARS, the server answers 422
    wait_for_answers(page, 1)
    expect(last_answer(page)).to_contain_text("问题太长了：最多 200 个字")
    ask(page, "2020年收到多少件政府信息公开申请？")
    wait_for_answers(page, 2)
    expect(last_answer(page).locator("strong")).to_have_text("2件")


def test_a_server_error_is_a_polite_message(page):
    page.route("**/api/ask", lambda route: route.fulfill(status=503, content_type="application/json",
                                                          body='{"detail": "服务暂时不可用"}'), times=1)
    ask(page, "行政诉讼案件有几件？")
    wait_for_answers(page, 1)
    expect(last_answer(page)).to_have_text("服务暂时不可用，请稍后再试")
    ask(page, "行政诉讼案件有几件？")
    wait_for_answers(page, 2)
    expect(last_answer(page).locator("strong")).to_have_text("4件")


def test_a_blank_question_is_not_sent(page, requests_seen):
    before = len(requests_seen)
    ask(page, "   ")
    wait_for_answers(page, 1)
    expect(last_answer(page)).to_have_text("问题不能为空，请输入您想了解的内容")
    assert len(requests_seen) == before


# ---- safety, privacy, accessibility, layout ----

def test_server_text_is_shown_as_text_never_as_markup(page, requests_seen):
    hostile = '<img src="/x.png" onerror="document.title=\'pwned\'">有几件？'
    ask(page, hostile)
    wait_for_answers(page, 1)
    expect(page.locator("#chat .bubble.user")).to_have_text(hostile)
    assert page.locator("#chat img").count() == 0
    assert page.title() != "pwned"
    assert not any(url.endswith("/x.png") for url in requests_seen)


def test_no_request_leaves_the_server(page, server, requests_seen):
    ask(page, "2020年收到多少件政府信息公开申请？")
    wait_for_answers(page, 1)
    last_answer(page).locator("summary").click()
    last_answer(page).get_by_role("button", name="有帮助").click()
    expect(last_answer(page).locator(".thanks")).to_be_visible()
    ask(page, "今天天气怎么样？")
    wait_for_answers(page, 2)
    assert requests_seen, "the recorder saw nothing"
    assert {url.split("?")[0] for url in requests_seen} >= {
        f"{server.base}/", f"{server.base}/static/app.js", f"{server.base}/static/app.css",
        f"{server.base}/api/reports", f"{server.base}/api/ask", f"{server.base}/api/feedback"}
    outside = [url for url in requests_seen if not url.startswith(server.base + "/")]
    assert outside == []


def test_accessibility_basics(page):
    chat = page.locator("#chat")
    expect(chat).to_have_attribute("aria-live", "polite")
    expect(page.get_by_label("您的问题")).to_be_visible()
    ask(page, "2020年收到多少件政府信息公开申请？")
    wait_for_answers(page, 1)
    # The answer lands inside the live region; everything one can press is a real <button>.
    expect(chat.locator("article.bubble")).to_have_count(1)
    tags = page.locator("#chat [role=button], #chat .chip, #chat .rate, #send").evaluate_all(
        "nodes => nodes.map(n => n.tagName)")
    assert tags and set(tags) == {"BUTTON"}
    # Focus order follows reading order: the example chips, the answer's controls, then the box and 发送.
    active = "document.activeElement.id || document.activeElement.textContent.trim()"
    page.locator(".intro .chip").first.focus()
    order = [page.evaluate(active)]
    for _ in range(8):
        page.keyboard.press("Tab")
        order.append(page.evaluate(active))
    assert order == ["收到多少件政府信息公开申请？", "主动公开了多少条政府信息？", "行政诉讼案件有几件？",
                     "政府集中采购总金额是多少？", "查看原文", "有帮助", "没帮助", "question", "send"]


def test_readable_at_360_px_without_sideways_scrolling(browser, server):
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    try:
        page = context.new_page()
        page.goto(server.base + "/")
        ask(page, "今天天气怎么样？")
        wait_for_answers(page, 1)
        ask(page, "2020年收到多少件政府信息公开申请？")
        wait_for_answers(page, 2)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        font_px = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.answer')).fontSize)")
        assert font_px >= 16
        box = page.get_by_label("您的问题").bounding_box()
        send = page.get_by_role("button", name="发送").bounding_box()
        assert box["x"] >= 0 and send["x"] + send["width"] <= 360
    finally:
        context.close()


def test_phone_screenshot(page, tmp_path):
    """A citizen's conversation at 390×844: an answer with its source, rated, then a not-found answer."""
    ask(page, "2020年收到多少件政府信息公开申请？")
    wait_for_answers(page, 1)
    first = last_answer(page)
    first.get_by_role("button", name="有帮助").click()
    expect(first.locator(".thanks")).to_be_visible()
    ask(page, "今天天气怎么样？")
    wait_for_answers(page, 2)
    page.get_by_label("您的问题").fill("行政诉讼案件有几件？")
    page.evaluate("document.getElementById('chat').lastElementChild.scrollIntoView({block: 'end'})")
    page.wait_for_timeout(500)  # the smooth scroll settles
    target = Path(os.environ.get("PAGE_SCREENSHOT") or tmp_path / "screenshot.png")
    page.screenshot(path=str(target))
    assert target.stat().st_size > 10_000
