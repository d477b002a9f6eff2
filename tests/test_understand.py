"""Understanding questions: bodies, years, what is asked, everyday words, slips of the keyboard."""
from __future__ import annotations

import pytest

from qa_service.route import same_body
from qa_service.text import get_tokenizer, normalise
from qa_service.understand import QuestionWords, named_body, understand

from conftest import KNOWLEDGE


@pytest.fixture(scope="module")
def tk():
    return get_tokenizer(KNOWLEDGE)


@pytest.fixture(scope="module")
def words():
    return QuestionWords(KNOWLEDGE)


@pytest.mark.parametrize("named,body,same", [
    ("烟台市医疗保障局", "栖霞市医疗保障局", False),  # another place
    ("烟台市公安局", "烟台市公安局滨海分局", False),  # the unit above is another body
    ("莱山区行政审批服务局", "芝罘区行政审批服务局", False),
    ("环翠区政府办公室", "威海市环翠区人民政府办公室", True),
    ("市政府办公室", "龙口市人民政府办公室", True),
    ("文旅局", "蓬莱区文化和旅游局", True),
    ("栖霞市医保局", "栖霞市医疗保障局", True),
])
def test_same_body(words, named, body, same):
    assert same_body(named, body, words) is same


@pytest.mark.parametrize("question,body", [
    ("想了解一下市政府办公室2021年一共收到了多少申请", "市政府办公室"),
    ("济宁市任城区人力资源和社会保障局2019年收到多少件", "济宁市任城区人力资源和社会保障局"),
    ("环翠区政府办公室2021年主动公开了多少条", "环翠区政府办公室"),
    ("行政诉讼案件有几件", ""),
])
def test_named_body(tk, words, question, body):
    assert named_body(words.year.sub(" ", question), tk, words) == body


@pytest.mark.parametrize("question,asks", [
    ("2020年收到多少件申请", "count"), ("采购花了多少钱", "money"), ("办结率是多少", "share"),
    ("报告是哪天发布的", "date"), ("存在哪些问题", "description"), ("微信公众号上线了吗", "description"),
    ("因逾期未缴纳费用不再处理的申请有几件", "count"),  # a count unit decides, whatever else is named
])
def test_what_is_asked(tk, question, asks):
    assert understand(question, tk, KNOWLEDGE).asks == asks


def test_relative_years_and_comparisons(tk):
    q = understand("去年收到的申请比前年多几件", tk, KNOWLEDGE)
    assert q.relative_year == 0 and q.comparison
    assert "前年" not in q.terms and "一年" not in q.terms


def test_everyday_words_meet_the_format(tk):
    assert set(tk.terms("老百姓打官司花了多少钱")) >= {"自然人", "行政诉讼", "采购总金额"}
    assert "商业企业" in tk.terms("公司申请了几件")


def test_homophone_slips_replace_whole_words_only(tk):
    assert tk.correct_homophones("上年节转的申请") == "上年结转的申请"
    assert tk.correct_homophones("户籍迁移申请") == "户籍迁移申请"  # 移申请 sounds like 依申请, but is not a word


def test_dates_in_chinese_numerals():
    assert normalise("二〇二二年一月二十日") == "2022年1月20日"
    assert normalise("一是加强") == "一是加强"


def test_long_chatty_question_keeps_the_asking_clause(tk):
    q = understand("您好，我是本地居民，前段时间申请过拆迁信息，想了解一下今年一共收到多少申请，谢谢", tk, KNOWLEDGE)
    assert {"拆迁", "本地"} <= q.background and "新收" not in q.background
