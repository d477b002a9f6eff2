"""The question log: a separate SQLite file, OpenIDs only as salted hashes, feedback, and the bureau's summary."""
from __future__ import annotations

import hashlib
import threading

import pytest

from qa_service.cli_serve import show_log
from qa_service.model import Answer, Figure, Source
from qa_service.questionlog import QuestionLog, UnknownLogEntry, format_summary, normalize
from qa_service.settings import load_settings

FOUND = Answer("行政诉讼案件有几件？", True, "行政诉讼案件共 4 件。", Figure(4, "件", "4 件"),
               source=Source("zhifu_xzsp_2020", "2020 年政府信息公开工作年度报告", "四、政府信息公开行政复议、行政诉讼情况"))


def missing(question: str) -> Answer:
    return Answer(question, False, "抱歉，没有在已载入的年度报告中找到相关内容。")


@pytest.fixture
def log(tmp_path):
    log = QuestionLog(tmp_path / "questions.db", salt="pepper")
    yield log
    log.close()


def test_record_stores_one_row_per_question(log):
    first = log.record("http", FOUND, 12.6)
    second = log.record("wechat", missing("今天天气怎么样？"), 3.2, user="oOpenID123")
    assert second == first + 1
    rows = log.rows()
    assert {k: rows[0][k] for k in ("channel", "question", "found", "figure", "report", "latency_ms", "feedback")} == {
        "channel": "http", "question": "行政诉讼案件有几件？", "found": 1, "figure": "4 件",
        "report": "zhifu_xzsp_2020", "latency_ms": 13, "feedback": None,
    }
    assert rows[0]["user_hash"] is None
    assert rows[1]["found"] == 0 and rows[1]["figure"] is None and rows[1]["time"].endswith("+00:00")


def test_openid_is_stored_only_as_a_salted_hash(log, tmp_path):
    log.record("wechat", FOUND, 1, user="oOpenID123")
    (stored,) = [r["user_hash"] for r in log.rows()]
    assert stored == hashlib.sha256(b"pepper\x00oOpenID123").hexdigest()
    assert stored != hashlib.sha256(b"oOpenID123").hexdigest()  # unsalted would be reversible by lookup
    log.close()
    assert b"oOpenID123" not in (tmp_path / "questions.db").read_bytes()


def test_unknown_channel_is_refused(log):
    with pytest.raises(ValueError, match="channel must be one of"):
        log.record("fax", FOUND, 1)


def test_feedback_sets_and_replaces_the_rating(log):
    entry = log.record("page", FOUND, 1)
    log.feedback(entry, False)
    log.feedback(entry, True)
    assert next(r for r in log.rows() if r["id"] == entry)["feedback"] == 1


def test_feedback_for_an_unknown_row_is_a_404_error(log):
    with pytest.raises(UnknownLogEntry) as caught:
        log.feedback(999, True)
    assert caught.value.status == 404
    assert str(caught.value) == "没有编号为 999 的提问记录"


def test_normalize_ignores_spaces_and_end_punctuation():
    assert normalize(" 行政诉讼案件 有几件？") == normalize("行政诉讼案件有几件") == "行政诉讼案件有几件"


def test_summary_most_frequent_first(log):
    for _ in range(3):
        log.record("http", missing("今天天气怎么样？"), 1)
    log.record("http", missing("局长是谁"), 1)
    log.record("http", missing("局长是谁？"), 1)  # same question, other punctuation
    down = [log.record("wechat", FOUND, 1) for _ in range(2)]
    for entry in down:
        log.feedback(entry, False)
    other = log.record("page", Answer("主动公开了多少条？", True, "276 条"), 1)
    log.feedback(other, False)

    summary = log.summary()
    assert [(r["question"], r["count"]) for r in summary["most_asked"]] == [
        ("今天天气怎么样？", 3), ("行政诉讼案件有几件？", 2), ("局长是谁？", 2), ("主动公开了多少条？", 1)]  # a tie: latest first
    assert [(r["question"], r["count"]) for r in summary["unanswered"]] == [("今天天气怎么样？", 3), ("局长是谁？", 2)]
    assert [(r["question"], r["unhelpful"]) for r in summary["down_voted"]] == [
        ("行政诉讼案件有几件？", 2), ("主动公开了多少条？", 1)]
    assert log.summary(limit=1)["most_asked"][0]["question"] == "今天天气怎么样？"


def test_format_summary_exact_text(log):
    log.record("http", missing("今天天气怎么样？"), 1)
    log.record("http", missing("今天天气怎么样"), 1)
    log.record("cli", FOUND, 1)
    assert format_summary(log.summary()) == (
        "最常问的问题：\n"
        "     2  今天天气怎么样\n"
        "     1  行政诉讼案件有几件？\n"
        "\n"
        "没有找到答案的问题：\n"
        "     2  今天天气怎么样\n"
        "\n"
        "被评为没帮助的问题：\n"
        "  （无）\n"
    )


def test_show_log_without_a_log_file_says_so_and_creates_nothing(tmp_path):
    settings = load_settings(environ={}, dotenv=None, db=tmp_path / "index.db")
    assert show_log(settings, 20) == f"还没有记录任何提问（{tmp_path / 'questions.db'}）。\n"
    assert not (tmp_path / "questions.db").exists()


def test_show_log_reads_the_log_beside_the_index(tmp_path):
    settings = load_settings(environ={}, dotenv=None, db=tmp_path / "index.db")
    log = QuestionLog.from_settings(settings)
    log.record("cli", missing("今天天气怎么样？"), 1)
    log.close()
    assert show_log(settings, 20).startswith("最常问的问题：\n     1  今天天气怎么样？\n")


def test_threads_and_a_second_process_handle_write_at_once(tmp_path):
    path = tmp_path / "questions.db"
    logs = [QuestionLog(path, "s"), QuestionLog(path, "s")]  # two handles: as two uvicorn workers would
    ids: list[int] = []

    def write(log: QuestionLog) -> None:
        for _ in range(25):
            ids.append(log.record("http", FOUND, 1))

    threads = [threading.Thread(target=write, args=(logs[i % 2],)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(ids)) == 200
    assert logs[0].summary()["most_asked"][0]["count"] == 200
    for log in logs:
        log.close()
