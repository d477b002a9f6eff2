"""qa_service.digits: cutting crawled digit runs into cells with the format's arithmetic.

The strings are copied from the crawler text in ../shared/corpus (line 10 of each pingtan_*.txt); the expected
values are the gold files' cells, and the gold's `unreadable` cells are asserted uncertain by the row sums alone.
"""
from __future__ import annotations

import time

import pytest

from qa_service.digits import ColumnRule, Decoded, RowSpec, Segment, decode

# table 三 row keys in print order; results are the rows between carried-in and total
T3_2021 = [
    "new", "carried",
    "予以公开", "部分公开",
    "不予公开1", "不予公开2", "不予公开3", "不予公开4", "不予公开5", "不予公开6", "不予公开7", "不予公开8",
    "无法提供1", "无法提供2", "无法提供3",
    "不予处理1", "不予处理2", "不予处理3", "不予处理4", "不予处理5",
    "其他处理1", "其他处理2", "其他处理3",
    "total", "out",
]
T3_2019 = T3_2021[:20] + ["其他处理"] + T3_2021[23:]
T4 = (RowSpec("复议", 5, True), RowSpec("直接起诉", 5, True), RowSpec("复议后起诉", 5, True))


def table3(texts: list[str], keys: list[str] = T3_2021) -> tuple[list[Segment], list[ColumnRule]]:
    assert len(texts) == len(keys)
    segments = [Segment.of(text, RowSpec(key, 7, total_last=True)) for key, text in zip(keys, texts)]
    rules = [ColumnRule(("new", "carried"), ("total", "out")), ColumnRule(("total",), tuple(keys[2:-2]))]
    return segments, rules


# pingtan_gov_2021.txt, table 三, the number text after each row label
GOV_2021 = [
    "640020470", "0000000", "270020130", "500000 5",
    "0000000", "0000000", "0000000", "0000000", "1000001", "0000000", "6000006", "1000001",
    "220000325", "0000000", "0000000",
    "0000000", "0000000", "0000000", "0000000", "0000000",
    "0000000", "0000000", "1000001",
    "630020469", "1000001",
]
# pingtan_gov_2025.txt, table 三
GOV_2025 = [
    "15130000154", "0000000", "330000033", "380000038",
    "0000000", "0000000", "0000000", "0000000", "3000003", "2000002", "3000003", "3000003",
    "491000050", "3000003", "0000000",
    "2000002", "0000000", "0000000", "0000000", "0000000",
    "8000008", "2000002", "1000001",
    "14710000148", "4200006",
]
# pingtan_gov_2019.txt, table 三 (2019 layout: one （六）其他处理 row); note the stray spaces
GOV_2019 = [
    "230 000023", "0000000", "7000007", "1000001",
    "0000000", "0000000", "0000000", "0000000", "0000000", "0000000", "0000000", "0000000",
    "7000007", "0000000", "5000005",
    "0000000", "3000003", "0000000", "0000000", "0000000",
    "0 0 0 0 0 00", "23 0 00 0 023", "0 0 00 00 0",
]


def col(decoded: Decoded, key: str, column: int):
    return decoded.cells[key][column]


# ---------- table 三 ----------

def test_gov_2021_table3_gold_cells():
    d = decode(*table3(GOV_2021))
    assert d.cells["new"] == [64, 0, 0, 2, 0, 4, 70]
    assert col(d, "carried", 6) == 0
    assert col(d, "予以公开", 6) == 30
    assert col(d, "部分公开", 6) == 5  # "500000 5": the space is a cell border, the piece before it holds six cells
    assert col(d, "不予公开7", 6) == 6
    assert col(d, "无法提供1", 6) == 25
    assert [col(d, k, 6) for k in ("其他处理1", "其他处理2", "其他处理3")] == [0, 0, 1]
    assert col(d, "total", 0) == 63 and col(d, "total", 6) == 69
    assert col(d, "out", 6) == 1
    assert all(all(d.certain[k]) for k in T3_2021)


def test_gov_2021_unreadable_by_row_sums_alone_settled_by_columns():
    # gold: '270020130' and '220000325' have two splits each by the row sums (27/0/0/2/0/1/30 or 2/7/0/0/20/1/30;
    # 22/0/0/0/0/3/25 or 2/20/0/0/0/3/25), so only their 总计 is gold.
    segments, rules = table3(GOV_2021)
    by_rows = decode(segments, [])
    assert by_rows.cells["予以公开"] == [None, None, 0, None, None, 1, 30]
    assert by_rows.cells["无法提供1"] == [None, None, 0, 0, 0, 3, 25]
    assert by_rows.certain["予以公开"][0] is False and by_rows.basis["予以公开"][0] == ""
    assert any("270020130" in n and "有2种拆分符合本行合计" in n for n in by_rows.notes)
    # The column rules add what a reader of one row cannot see: 自然人 of the results must add up to (七)总计's 63,
    # and 5+1+6+1+1 are certain, so 予以公开 + 无法提供1 = 49 = 27 + 22 (2 + 2, 27 + 2, 2 + 22 do not).
    joint = decode(segments, rules)
    assert joint.cells["予以公开"] == [27, 0, 0, 2, 0, 1, 30]
    assert joint.cells["无法提供1"] == [22, 0, 0, 0, 0, 3, 25]
    assert joint.basis["予以公开"] == ["column", "column", "row", "column", "column", "row", "row"]
    assert joint.basis["new"] == ["row"] * 7
    assert any("270020130" in n and "按列勾稽" in n and "唯一确定" in n for n in joint.notes)
    named = [ColumnRule(r.left, r.right, name) for r, name in zip(rules, ("一+二=三（七）+四", "三（七）=各项之和"))]
    assert any("270020130" in n and "按列勾稽（一+二=三（七）+四；三（七）=各项之和）唯一确定" in n
               for n in decode(segments, named).notes)


def test_gov_2025_first_row_split_settled_by_columns_as_its_html_twin_prints_it():
    # gold unreadable: 予以公开 '330000033' is 33/0 or 3/30 by its row; the HTML twin prints 33 0 0 0 0 0 33.
    segments, rules = table3(GOV_2025)
    assert decode(segments, []).cells["予以公开"][:2] == [None, None]
    d = decode(segments, rules)
    assert d.cells["予以公开"] == [33, 0, 0, 0, 0, 0, 33]
    assert d.basis["予以公开"][:2] == ["column", "column"]
    assert d.cells["new"] == [151, 3, 0, 0, 0, 0, 154]
    assert col(d, "部分公开", 6) == 38 and col(d, "无法提供1", 6) == 50
    assert [col(d, k, 6) for k in ("其他处理1", "其他处理2", "其他处理3")] == [8, 2, 1]
    assert d.cells["total"] == [147, 1, 0, 0, 0, 0, 148]
    assert col(d, "out", 0) == 4 and col(d, "out", 6) == 6


def test_gov_2019_spaces_are_borders_and_a_piece_may_hold_several_cells():
    d = decode(*table3(GOV_2019, T3_2019))
    assert d.cells["new"] == [23, 0, 0, 0, 0, 0, 23]  # "230 000023": not 2/30…, the total must be the sum
    assert d.cells["total"] == [23, 0, 0, 0, 0, 0, 23]
    assert col(d, "予以公开", 6) == 7 and col(d, "部分公开", 6) == 1 and col(d, "无法提供1", 6) == 7
    assert d.cells["其他处理"] == [0] * 7 and d.cells["out"] == [0] * 7
    assert not d.notes


def test_blank_cell_all_zero_row_is_zero_wherever_the_blank_stands():
    # pingtan_gaj_2019 一、本年新收 reads '0 00000' (the HTML twin has an empty 商业企业 cell); gold lists it as
    # unreadable. Every position of the blank gives 0 everywhere, so the cells are certain with basis "blank":
    # a caller that wants the gold's stricter reading drops basis "blank".
    texts = ["0 00000"] + ["0000000"] * 22
    d = decode(*table3(texts, T3_2019))
    assert d.cells["new"] == [0] * 7
    assert d.basis["new"] == ["blank"] * 7
    assert d.basis["carried"] == ["row"] * 7
    assert any("new" in n and "空白格" in n for n in d.notes)


def test_blank_cell_elsewhere_only_agreeing_cells_are_certain():
    # six numbers for seven columns: the blank may be any applicant column (not the total: 0 != 15); 12 and 3 move
    # with it, the zeros after them are zeros wherever it stands
    d = decode([Segment.of("12 3 0 0 0 15", RowSpec("r", 7, total_last=True))], [])
    assert d.cells["r"] == [None, None, None, 0, 0, 0, 15]
    assert d.basis["r"][6] == "blank"


def test_a_row_with_enough_digits_is_not_given_a_blank():
    d = decode([Segment.of("1000001", RowSpec("r", 7, total_last=True))], [])
    assert d.cells["r"] == [1, 0, 0, 0, 0, 0, 1] and d.basis["r"] == ["row"] * 7


# ---------- table 四: one run for three rows ----------

@pytest.mark.parametrize("text, rows", [
    # pingtan_gov_2021: gold 复议 1/…/2/…/3, 直接起诉 12/…/12, 复议后起诉 总计 0
    ("10203120001200000", [[1, 0, 2, 0, 3], [12, 0, 0, 0, 12], [0, 0, 0, 0, 0]]),
    # pingtan_gov_2024 and _2025: the gold notes give these as the only splits
    ("21317000001324019", [[2, 1, 3, 1, 7], [0, 0, 0, 0, 0], [13, 2, 4, 0, 19]]),
    ("25380363300630003", [[25, 3, 8, 0, 36], [3, 3, 0, 0, 6], [3, 0, 0, 0, 3]]),
    # pingtan_zrz_2022: spaces in odd places, '01' is two cells
    ("01 0 1 20 0 0 0 0 0 0 0 00", [[0, 1, 0, 1, 2], [0] * 5, [0] * 5]),
    ("000000000000000", [[0] * 5] * 3),
])
def test_table4_runs(text, rows):
    d = decode([Segment.of(text, *T4)], [])
    assert [d.cells[r.key] for r in T4] == rows
    assert all(all(d.certain[r.key]) for r in T4)


# ---------- table 二: signs, words for minus, decimals, units ----------

def t2(text: str, width: int, **kw) -> Decoded:
    return decode([Segment.of(text, RowSpec("r", width, **kw))], [], minus=("减",), units=("万元", "元", "笔"))


def test_negative_glued_has_two_splits():
    # pingtan_jtj_2020 行政许可 '88-720' (gold unreadable): 88/-7/20 or 88/-72/0
    d = t2("88-720", 3, signed=frozenset({1}))
    assert d.cells["r"] == [88, None, None]
    assert any("88/-7/20" in n and "88/-72/0" in n for n in d.notes)


def test_negative_that_splits_one_way():
    assert t2("15-15", 2, signed=frozenset({1})).cells["r"] == [15, -15]  # pingtan_jtj_2020 行政事业性收费
    assert t2("16减12", 2, signed=frozenset({1})).cells["r"] == [16, -12]  # pingtan_nyn_2019, minus in words


def test_minus_sign_only_in_signed_columns():
    d = t2("15-15", 2)
    assert d.cells["r"] == [None, None]
    assert any("无法拆成" in n for n in d.notes)


def test_minus_word_unknown_to_caller_is_a_stray_character():
    d = decode([Segment.of("16减12", RowSpec("r", 2, signed=frozenset({1})))], [])
    assert d.cells["r"] == [None, None]
    assert any("减" in n and "无法识别" in n for n in d.notes)


def test_decimal_point_binds_the_digits_around_it():
    assert t2("24252.311082", 1, decimals=True).cells["r"] == [24252.311082]  # pingtan_gov_2021 收费金额（万元）
    # pingtan_nyn_2019 政府集中采购 ' 4838518699.09元' (gold unreadable): the count and the amount run together
    d = t2(" 4838518699.09元", 2, decimals=True)
    assert d.cells["r"] == [None, None]
    # a point is never a cell border: "3.5" cannot become 3 / .5 or 3. / 5
    assert t2("3.5", 2, decimals=True).cells["r"] == [None, None]
    # without decimals the point is no number at all
    assert t2("24252.311082", 1).cells["r"] == [None]


def test_units_end_a_cell():
    assert t2("2笔 984361元", 2).cells["r"] == [2, 984361]  # pingtan_czj_2020 政府集中采购
    assert t2("2笔984361元", 2).cells["r"] == [2, 984361]


@pytest.mark.parametrize("text, signed, cells", [
    ("693665", False, [None, None, None]),  # pingtan_gov_2021 行政规范性文件
    ("898989", False, [None, None, None]),  # pingtan_gov_2019 规范性文件
    ("6233440", False, [None, None, None]),  # pingtan_gov_2024 行政规范性文件 (the HTML: 62/33/440)
    ("24432", False, [None, None, None]),  # pingtan_zrz_2022 行政规范性文件
    ("4500", True, [None, None, 0]),  # pingtan_gaj_2019 行政许可 (HTML: 45/0/0): 4/50/0 or 45/0/0, 处理决定 0 in both
    ("63600", True, [None, None, None]),  # pingtan_gaj_2019 行政处罚
    ("124", True, [None, None]),  # pingtan_gaj_2019 行政事业性收费 (HTML: 12/4)
    ("26-260", True, [26, None, None]),  # pingtan_jtj_2020 行政处罚
])
def test_table2_runs_the_gold_calls_unreadable_stay_uncertain(text, signed, cells):
    width = len(cells)
    d = t2(text, width, signed=frozenset({1}) if signed else frozenset())
    assert d.cells["r"] == cells


def test_table2_runs_that_do_split_one_way():
    assert t2("000", 3).cells["r"] == [0, 0, 0]
    assert t2("335", 3).cells["r"] == [3, 3, 5]  # pingtan_jtj_2020 规范性文件
    assert t2("6 4 11", 3).cells["r"] == [6, 4, 11]  # pingtan_czj_2020


def test_leading_zeros():
    assert t2("0500", 3).cells["r"] == [0, 50, 0]  # 0/5/00 and 05/0/0 are no cuts
    assert t2("05", 1).cells["r"] == [None]
    assert t2("00", 2).cells["r"] == [0, 0]
    assert t2("0.05", 1, decimals=True).cells["r"] == [0.05]


# ---------- the fallbacks ----------

def test_row_sum_slip_falls_back_to_the_printed_cells():
    # hongze_gov_2023's table 四 as printed: 行政复议 10 / 1 / 0 / 0 but 总计 0
    d = decode([Segment.of("10 1 0 0 0 0 0 0 0 0 5 0 0 0 0", *T4)], [])
    assert d.cells["复议"] == [10, 1, 0, 0, 0]
    assert d.basis["复议"] == ["printed"] * 5
    assert d.cells["复议后起诉"] == [5, 0, 0, 0, 0]
    assert any("没有符合本行合计的拆分" in n for n in d.notes)
    # glued, the same slip leaves three cuts (10/1/…, 1/0/10/…, …/50/…): nothing is taken, not even the zeros
    # that all three share, since a row that breaks its own sum is trusted only when read one way
    glued = decode([Segment.of("1010000000050000", *T4)], [])
    assert glued.cells["复议"] == [None] * 5 and glued.cells["直接起诉"] == [None] * 5
    assert any("按原文也有3种拆分" in n for n in glued.notes)


def test_column_slip_falls_back_to_row_sums_with_a_note():
    texts = list(GOV_2021)
    texts[-1] = "2000002"  # 结转下年度 2: now 一+二 != 三(七)+四 in 自然人 and 总计
    segments, rules = table3(texts)
    d = decode(segments, rules)
    assert any("没有任何拆分能同时满足各列勾稽关系" in n for n in d.notes)
    assert d.cells["予以公开"] == [None, None, 0, None, None, 1, 30]  # only what the row itself settles
    assert d.cells["new"] == [64, 0, 0, 2, 0, 4, 70]


def test_rule_with_a_missing_row_is_skipped_with_a_note():
    segments, rules = table3(GOV_2021)
    d = decode([s for s in segments if s.rows[0].key != "out"], rules)
    assert any("out" in n and "未检查" in n for n in d.notes)
    assert "out" not in d.cells
    assert d.cells["予以公开"] == [27, 0, 0, 2, 0, 1, 30]  # the other rule still holds and still settles it


def test_segment_limit():
    d = decode([Segment.of("123456789012345678", RowSpec("r", 6))], [], limit=50)
    assert d.cells["r"] == [None] * 6
    assert any("超过50步" in n for n in d.notes)


# ---------- hostile input ----------

@pytest.mark.parametrize("text", ["", "   ", "\u3000", "abc", "12a3", "1,234", "--5", "5-", ".5", "5.", "1..2", "—"])
def test_hostile_text_gives_no_value(text):
    d = decode([Segment.of(text, RowSpec("r", 2, signed=frozenset({0, 1}), decimals=True))], [])
    assert d.cells["r"] == [None, None] and d.certain["r"] == [False, False]
    assert d.notes


def test_two_hundred_digits_are_refused_fast():
    t = time.perf_counter()
    d = decode([Segment.of("9" * 200, RowSpec("r", 7, total_last=True))], [])
    assert d.cells["r"] == [None] * 7
    d = decode([Segment.of("1" * 200, *T4)], [])
    assert d.cells["复议"] == [None] * 5
    assert time.perf_counter() - t < 5.0  # the 15-cell run ends at the step limit (≈0.3 s alone, more on a busy machine)


def test_fifteen_digits_is_the_longest_cell():
    assert t2("123456789012345", 1).cells["r"] == [123456789012345]
    assert t2("1234567890123456", 1).cells["r"] == [None]


def test_full_width_and_ideographic_spaces():
    # pingtan_zhz_2020 separates with U+3000; full-width digits read as digits
    assert t2("\u30000\u300028\u30000", 3, signed=frozenset({1})).cells["r"] == [0, 28, 0]
    assert t2("１２\u3000３", 2).cells["r"] == [12, 3]


@pytest.mark.parametrize("make", [
    lambda: RowSpec("r", 0),
    lambda: RowSpec("r", 1, total_last=True),
    lambda: RowSpec("r", 3, signed=frozenset({3})),
    lambda: decode([], [], limit=0),
    lambda: decode([Segment.of("1", RowSpec("r", 1)), Segment.of("2", RowSpec("r", 1))], []),
])
def test_bad_arguments_name_the_bad_value(make):
    with pytest.raises(ValueError):
        make()


def test_rule_over_rows_of_different_widths_is_skipped():
    d = decode([Segment.of("12", RowSpec("a", 2)), Segment.of("3", RowSpec("b", 1))], [ColumnRule(("a",), ("b",))])
    assert d.cells == {"a": [1, 2], "b": [3]}
    assert any("格数不同" in n for n in d.notes)


# ---------- speed ----------

def test_twenty_five_rows_decode_well_under_50ms():
    segments, rules = table3(GOV_2021)
    best = min(_timed(lambda: decode(segments, rules)) for _ in range(5))
    assert best < 0.05


def test_many_ambiguous_rows_stay_bounded():
    # every result row '110000011' is 11/0/… or 1/10/…; with 121/110 in the totals, any 10 of the 21 rows may be the
    # 1/10 ones: 352,716 joint cuts, past the limit
    texts = ["1211100000231", "0000000"] + ["110000011"] * 21 + ["1211100000231", "0000000"]
    segments, rules = table3(texts)
    t = time.perf_counter()
    d = decode(segments, rules, limit=20_000)
    assert time.perf_counter() - t < 2.0
    assert any("超过20000步" in n for n in d.notes)
    assert d.cells["予以公开"][0] is None and d.cells["予以公开"][6] == 11
    assert d.cells["total"] == [121, 110, 0, 0, 0, 0, 231]


def _timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


# ---------- against a brute force ----------

def _brute_cuts(text: str, rows: tuple[RowSpec, ...]) -> set:
    """Every way to put cell borders into the text, checked cell by cell; then the same tries as decode()."""
    import itertools
    import re

    cols = [(row, c) for row in rows for c in range(row.width)]
    pieces = text.split()

    def cell_ok(tok: str, row: RowSpec, c: int) -> bool:
        pattern = r"(-?)(0|[1-9]\d{0,14})" + (r"(\.\d+)?" if row.decimals else "")
        m = re.fullmatch(pattern, tok)
        return bool(m) and (not m.group(1) or c in row.signed and tok != "-0")

    def splits(piece: str):
        for k in range(len(piece)):
            for cut in itertools.combinations(range(1, len(piece)), k):
                bounds = (0,) + cut + (len(piece),)
                yield [piece[a:b] for a, b in zip(bounds, bounds[1:])]

    def cuts(blank: bool, sums: bool) -> set:
        found = set()
        for parts in itertools.product(*(list(splits(p)) for p in pieces)):
            toks = [t for part in parts for t in part]
            layouts = [toks] if not blank else [toks[:i] + [None] + toks[i:] for i in range(len(toks) + 1)]
            for lay in layouts:
                if len(lay) != len(cols):
                    continue
                if not all(t is None or cell_ok(t, row, c) for t, (row, c) in zip(lay, cols)):
                    continue
                vals = [0 if t is None else (float(t) if "." in t else int(t)) for t in lay]
                out, i = [], 0
                for row in rows:
                    rv = tuple(vals[i:i + row.width])
                    i += row.width
                    if sums and row.total_last and abs(sum(rv[:-1]) - rv[-1]) > 1e-6:
                        break
                    out.append(rv)
                else:
                    found.add(tuple(out))
        return found

    got = cuts(False, True) or cuts(True, True)
    if not got and any(r.total_last for r in rows):
        printed = cuts(False, False)
        got = printed if len(printed) == 1 else set()
    return got


def _brute(text: str, rows: tuple[RowSpec, ...]) -> dict[str, list]:
    """The cells a brute force finds certain."""
    got = _brute_cuts(text, rows)
    result = {}
    for r, row in enumerate(rows):
        result[row.key] = [
            (lambda vs: vs.pop() if len(vs) == 1 else None)({cut[r][c] for cut in got}) if got else None
            for c in range(row.width)
        ]
    return result


@pytest.mark.parametrize("seed", range(6))
def test_same_cells_as_a_brute_force(seed):
    import random

    rng = random.Random(seed)
    shapes = [
        (RowSpec("a", 7, True),),
        (RowSpec("a", 5, True),),
        (RowSpec("a", 3, True), RowSpec("b", 3, True)),
        (RowSpec("a", 3, signed=frozenset({1})),),
        (RowSpec("a", 2, decimals=True),),
        (RowSpec("a", 4, True), RowSpec("b", 2)),
    ]
    for _ in range(60):
        rows = rng.choice(shapes)
        width = sum(r.width for r in rows)
        cells = [str(rng.choice([0, 0, 0, 1, 2, 3, 10, 12, 25, 100, 7])) for _ in range(width)]
        for i, row in enumerate(rows):  # make most totals right, so that row sums have something to keep
            start = sum(r.width for r in rows[:i])
            if row.total_last and rng.random() < 0.8:
                cells[start + row.width - 1] = str(sum(int(v) for v in cells[start:start + row.width - 1]))
        if rows[0].signed and rng.random() < 0.5:
            cells[1] = "-" + cells[1] if cells[1] != "0" else cells[1]
        if rows[0].decimals and rng.random() < 0.5:
            cells[1] += ".5"
        if rng.random() < 0.2:
            cells.pop(rng.randrange(len(cells)))  # a blank cell
        text = "".join(c + (" " if rng.random() < 0.2 else "") for c in cells)
        d = decode([Segment.of(text, *rows)], [])
        assert {r.key: d.cells[r.key] for r in rows} == _brute(text, rows), text


@pytest.mark.parametrize("seed", range(4))
def test_joint_search_same_as_a_brute_force(seed):
    # three or four rows tied by a + b = c (+ d), column by column, as table 三 ties its rows
    import itertools
    import random

    rng = random.Random(100 + seed)
    for _ in range(25):
        width = rng.choice([3, 4])
        keys = ["a", "b", "c", "d"][: rng.choice([3, 4])]
        values = {k: [rng.choice([0, 1, 2, 10, 11, 12, 20, 21, 101]) for _ in range(width - 1)] for k in keys[:-1]}
        values[keys[-1]] = [sum(values[k][c] for k in keys[:-1]) for c in range(width - 1)]
        if rng.random() < 0.2:
            values[keys[-1]][0] += 1  # a slip: no joint cut, so row sums alone
        rows = [RowSpec(k, width, total_last=True) for k in keys]
        texts = {k: "".join(map(str, values[k] + [sum(values[k])])) for k in keys}
        rules = [ColumnRule(tuple(keys[:-1]), (keys[-1],))]
        d = decode([Segment.of(texts[k], row) for k, row in zip(keys, rows)], rules)
        per_row = {k: sorted(_brute_cuts(texts[k], (row,))) for k, row in zip(keys, rows)}
        joint = [combo for combo in itertools.product(*(per_row[k] for k in keys))
                 if all(sum(combo[i][0][c] for i in range(len(keys) - 1)) == combo[-1][0][c] for c in range(width))]
        chosen = joint or list(itertools.product(*(per_row[k] for k in keys)))
        for i, k in enumerate(keys):
            expected = []
            for c in range(width):
                seen = {combo[i][0][c] for combo in chosen}
                expected.append(seen.pop() if len(seen) == 1 else None)
            assert d.cells[k] == expected, (texts, k)


def test_runs_with_many_cuts_are_not_remembered():
    from qa_service import digits

    run = "123456789012"  # 4 cells without sums: 165 cuts
    first = decode([Segment.of(run, RowSpec("r", 4))], [])
    assert first.cells["r"] == [None] * 4
    assert not any(key[0] == (run,) for key in digits._REMEMBERED)
    decode([Segment.of("1000001", RowSpec("r", 7, total_last=True))], [])
    assert any(key[0] == ("1000001",) for key in digits._REMEMBERED)
