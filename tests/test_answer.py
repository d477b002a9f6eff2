"""Answers on the seed report, in wordings other than the sample file's; abstention; hostile questions."""
from __future__ import annotations

import pytest

from qa_service.answer import Answerer
from qa_service.index import open_index

from conftest import KNOWLEDGE


@pytest.fixture(scope="module")
def answerer(seed_db):
    return Answerer(open_index(seed_db), KNOWLEDGE)


@pytest.mark.parametrize("question,value", [
    ("去年一共接到了几件信息公开的申请", 2),
    ("老百姓提交了多少件申请？", 2),
    ("公司申请信息公开的有几件", 0),
    ("打官司的有几件", 4),
    ("被起诉后还没判的案子有多少", 2),
    ("采购花了多少钱", 317.7),
    ("行政许可上一年项目数量", 48),
    ("部分公开的申请有多少件", 0),
    ("結轉到下一年繼續辦理的申請有幾件", 0),
    ("２０２０年收到多少件政府信息公开申请", 2),
    ("How many applications were received?", 2),
    ("不予处里的申请有几件", 0),
    ("负责人出庭应诉率是多少", 100),
    ("基本目录里有多少条主动公开的政府信息", 49),
    ("财政决算公开了几条", 1),
])
def test_figures(answerer, question, value):
    a = answerer.ask(question)
    assert a.found, a.answer
    assert a.figure.value == value
    assert "芝罘区行政审批服务局" in a.answer and "2020" in a.answer
    assert a.passage and a.source.title


def test_answer_object_shape(answerer):
    d = answerer.ask("政府集中采购总金额是多少？").to_dict()
    assert set(d) >= {"question", "found", "answer", "figure", "passage", "source", "score", "alternatives"}
    assert d["figure"] == {"value": 317.7, "unit": "万元", "text": "317.7万元", "kind": "money",
                           "of": "政府集中采购/采购总金额", "computed": False}
    assert d["passage"] == "政府集中采购｜采购总金额：317.7万元"
    assert d["source"]["section"] == "二、主动公开政府信息情况"
    assert 0 <= d["score"] <= 1 and len(d["alternatives"]) <= 3


def test_table_cell_rendered_as_row_and_column(answerer):
    a = answerer.ask("自然人提出的申请有几件")
    assert a.figure.value == 2
    assert a.passage == "一、本年新收政府信息公开申请数量｜自然人：2"


@pytest.mark.parametrize("question", [
    "你们的办公地址在哪里？",
    "局长叫什么名字",
    "2018年收到多少件政府信息公开申请？",
    "福山区教育和体育局收到多少件申请？",
    "工作人员有多少人",
    "明天会下雨吗",
    "办理身份证要多久",
])
def test_abstains(answerer, question):
    a = answerer.ask(question)
    assert not a.found
    assert a.figure is None
    assert 2 <= len(a.suggestions) <= 3
    assert "抱歉" in a.answer


def test_other_year_names_what_is_loaded(answerer):
    a = answerer.ask("2018年收到多少件政府信息公开申请？")
    assert "2018" in a.answer and "芝罘区行政审批服务局2020年" in a.answer


@pytest.mark.parametrize("question", [
    '"', '""', "'", "申请\" OR \"1\"=\"1", "申请 AND NOT 公开", "OR", "NOT", "(", ")", "*", "申请*",
    "a-b", "NEAR(申请 公开)", "申请; DROP TABLE facts; --", "🙂🙂🙂", "\x00\x01\x02", "   ", "",
    "申" * 10000, "？？？", "\u202e申请", "{}[]<>", "%", "12.5%",
])
def test_hostile_questions_never_raise(answerer, question):
    a = answerer.ask(question)
    assert isinstance(a.found, bool)
    assert isinstance(a.answer, str) and a.answer
    a.to_dict()


def test_plans_and_status_passages(answerer):
    a = answerer.ask("明年打算重点做哪些工作？")
    assert a.found and a.figure is None
    assert "官方微信公众号上线运行" in a.answer + a.passage
    date = answerer.ask("报告是什么时候发布的")
    assert date.found and "2021年1月28日" in date.answer
