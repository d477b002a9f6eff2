"""Meaning, not words (issue 11): a figure answers only a question asking for what it measures."""
from __future__ import annotations

import pytest

from qa_service.answer import Answerer
from qa_service.index import open_index
from qa_service.ingest import ingest

from conftest import KNOWLEDGE, ROOT

DATA = ROOT / "tests" / "data"


@pytest.fixture(scope="module")
def seed(seed_db):
    return Answerer(open_index(seed_db), KNOWLEDGE)


@pytest.fixture(scope="module")
def laishan(tmp_path_factory):
    db = tmp_path_factory.mktemp("laishan") / "index.db"
    ingest([DATA / "laishan_scj_2020.docx"], db, KNOWLEDGE)
    return Answerer(open_index(db), KNOWLEDGE)


@pytest.fixture(scope="module")
def bad_total(tmp_path_factory):
    db = tmp_path_factory.mktemp("bad") / "index.db"
    ingest([DATA / "bad_total_2021.txt"], db, KNOWLEDGE)
    return Answerer(open_index(db), KNOWLEDGE)


@pytest.mark.parametrize("question,value,kind", [
    ("许可一共办了多少件", 44192, "cases"),  # cases: 处理决定数量, never the 本年增/减 column
    ("行政许可上一年有多少项", 48, "items"),
    ("有几个收费的项目", 1, "items"),
    ("官司打输了几次", 1, "cases"),  # 输了 -> 结果纠正, not the lawsuit total
    ("官司赢了几回", 1, "cases"),
    ("有几件申请被公开了", 1, "cases"),  # 予以公开, not every finished application
    ("信息公开申请一共处里了几件", 2, "cases"),  # a pinyin slip, then the total of 办理结果
    ("How much money did they spend on procurement?", 317.7, "money"),
])
def test_what_a_figure_measures_answers_what_is_asked(seed, question, value, kind):
    a = seed.ask(question)
    assert a.found and a.figure.value == value and a.figure.kind == kind and not a.figure.computed


@pytest.mark.parametrize("question", [
    "What was the total amount of fines?",  # fines are penalties counted, not money
    "被转到别的部门去处理的申请有几件",  # not 结转下年度
])
def test_a_figure_of_another_meaning_is_not_stated(seed, question):
    assert not seed.ask(question).found


def test_a_count_is_never_a_change_nor_negative(laishan):
    a = laishan.ask("行政处罚一共有多少件")
    assert a.found and a.figure.value >= 0 and a.figure.kind == "cases"
    change = laishan.ask("行政处罚本年增减了多少")
    assert change.found and change.figure.kind == "change"


def test_a_sum_the_report_does_not_print_is_computed_and_said_to_be(seed):
    a = seed.ask("行政许可和其他对外管理服务事项的处理决定加起来一共多少件")
    assert a.found and a.figure.computed and a.figure.value == 44192 + 323
    assert "相加" in a.answer


def test_a_sum_of_things_that_cannot_be_told_apart_is_not_one_part(seed):
    a = seed.ask("公开和部分公开一共几件")
    assert not a.found or a.figure.computed


def test_a_cell_failing_the_reports_own_check_is_not_stated(bad_total):
    a = bad_total.ask("予以公开的申请一共多少件")
    assert not a.found and "勾稽" in a.answer


def test_a_greeting_gets_a_greeting_and_examples(seed):
    a = seed.ask("你好！")
    assert not a.found and a.suggestions and a.answer.startswith(KNOWLEDGE.messages["greeting"])
