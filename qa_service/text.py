"""The one tokenizer and text normalisation, used for indexing and for questions alike."""
from __future__ import annotations

import logging
import re
import threading
import unicodedata
from functools import lru_cache
from typing import TYPE_CHECKING

import jieba

if TYPE_CHECKING:
    from .knowledge import Knowledge

jieba.setLogLevel(logging.WARNING)

_PUNCT = str.maketrans({"（": "(", "）": ")", "：": ":", "，": ",", "；": ";", "？": "?", "！": "!", "％": "%", "．": "."})
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\ufeff]")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")  # 1,234 -> 1234 (not 1,2345)
_lock = threading.Lock()


def normalise(text: str) -> str:
    """Full-width to half-width digits/letters, traditional to simplified, no control characters."""
    text = _CONTROL.sub(" ", text)
    text = unicodedata.normalize("NFKC", text).translate(_PUNCT)
    text = _CN_DATE.sub(_date_digits, text)
    if _needs_conversion(text):
        import zhconv  # its dictionary takes a while to load: only for text that may hold traditional characters

        text = zhconv.convert(text, "zh-cn")
    return _THOUSANDS.sub("", text)


_CN_DIGIT = dict(zip("〇零一二三四五六七八九", "00123456789"))
# 二〇二一年一月二十日 -> 2021年1月20日: titles and sign-offs sometimes write dates in Chinese numerals
_CN_DATE = re.compile(r"([〇零一二三四五六七八九]{4})年(?:([一二三四五六七八九十]{1,3})月(?:([一二三四五六七八九十]{1,3})日)?)?")


def _small(text: str) -> str:
    if "十" not in text:
        return _CN_DIGIT[text] if len(text) == 1 else text
    tens, _, ones = text.partition("十")
    return str(int(_CN_DIGIT.get(tens, "1") if tens else 1) * 10 + int(_CN_DIGIT.get(ones, "0") if ones else 0))


def _date_digits(m: re.Match) -> str:
    out = "".join(_CN_DIGIT[ch] for ch in m.group(1)) + "年"
    if m.group(2):
        out += _small(m.group(2)) + "月"
    if m.group(3):
        out += _small(m.group(3)) + "日"
    return out


def _needs_conversion(text: str) -> bool:
    """Simplified Chinese fits GB2312; traditional characters (資訊, 幾件) mostly do not."""
    try:
        text.encode("gb2312")
        return False
    except UnicodeEncodeError:
        return True


class Tokenizer:
    """jieba with the domain dictionary, plus the synonym mapping to the format's words. Each knowledge has its
    own (knowledge.tokenizer): its own jieba dictionary, so two knowledge folders never share added words."""

    def __init__(self, knowledge: Knowledge):
        self.knowledge = knowledge
        self.stopwords = knowledge.stopwords
        surfaces: dict[str, str] = {}
        for head, words in knowledge.synonyms.items():
            for w in [head, *words]:
                surfaces.setdefault(w.lower(), head)
        self.heads = surfaces
        self._sound_map: dict[str, str] | None = None
        self._terms = lru_cache(maxsize=65536)(self._terms_uncached)
        self._tokens = lru_cache(maxsize=65536)(self._tokens_uncached)
        # longest first so 商业企业 wins over 企业, and English phrases on word boundaries
        ordered = sorted(surfaces, key=len, reverse=True)
        self._phrases = re.compile(
            "|".join(rf"\b{re.escape(s)}\b" if s.isascii() else re.escape(s) for s in ordered)
        )
        self._jieba = jieba.Tokenizer()
        with _lock:  # jieba's first load writes its cache file
            self._jieba.initialize()
        for word in knowledge.domain_words():
            self._jieba.add_word(word, freq=200000)
        item_name = knowledge.format["index"]["item_name"]
        # sub-items of table 三 are named by number (第3项): kept whole, and kept as terms
        self._items = frozenset(item_name.format(n=n) for n in range(1, 10))
        for word in self._items:
            self._jieba.add_word(word, freq=200000)

    def cut(self, text: str) -> list[str]:
        """Words of a text, by this knowledge's dictionary."""
        return self._jieba.lcut(text)

    def canonical(self, text: str) -> str:
        """Replace everyday words by the format's words (打官司 -> 行政诉讼)."""
        return self._phrases.sub(lambda m: f" {self.heads[m.group(0).lower()]} ", text.lower())

    def tokens(self, text: str) -> list[str]:
        """All tokens, for the FTS index (words and their sub-words; numbers stay whole)."""
        return list(self._tokens(text))

    def _tokens_uncached(self, text: str) -> tuple[str, ...]:
        return tuple(t for t in self._jieba.lcut_for_search(normalise(text)) if t.strip())

    def terms(self, text: str, keep_surfaces: bool = False) -> list[str]:
        """Content terms (memoised: every report repeats the format's labels and section titles)."""
        return list(self._terms(text, keep_surfaces))

    def _terms_uncached(self, text: str, keep_surfaces: bool = False) -> tuple[str, ...]:
        """Content terms for matching: canonical words and their sub-words, no stopwords, in order, unique.

        keep_surfaces (for labels and report text): a replaced phrase also keeps its own words, so a label's
        政府信息公开申请 still meets a question's 申请政府信息公开; a question keeps only the format's word,
        so its 老百姓 does not count as a word the report lacks."""
        out: dict[str, None] = {}
        text = normalise(text).lower()
        pos = 0
        for m in self._phrases.finditer(text):
            self._add_plain(text[pos:m.start()], out)
            head = self.heads[m.group(0)]
            out[head] = None
            # sub-words too, so 总金额 in a question meets 采购总金额 in a label
            out.update(dict.fromkeys(t for t in self._jieba.lcut_for_search(head) if self._keep(t)))
            if keep_surfaces and m.group(0) != head:
                self._add_plain(m.group(0), out)
            pos = m.end()
        self._add_plain(text[pos:], out)
        return tuple(out)

    def _add_plain(self, chunk: str, out: dict[str, None]) -> None:
        for t in self._jieba.lcut_for_search(chunk):
            t = t.strip()
            if self._keep(t) or t in self.knowledge.synonyms or t in self._items:
                out[self.heads.get(t, t)] = None

    def correct_homophones(self, text: str) -> str:
        """上年节转 -> 上年结转: a run of characters that sounds exactly like a format word (a pinyin keyboard's
        slip) is replaced by it. Only words of three or more characters: shorter ones collide too often."""
        from pypinyin import lazy_pinyin  # loaded only for a question with words the report does not know

        sounds = self._sounds(lazy_pinyin)
        text = normalise(text)
        # a slip replaces whole words: 户籍迁移申请 must not become 户籍迁依申请 (移申请 sounds like 依申请)
        bounds, pos = {0}, 0
        for word in self._jieba.lcut(text):
            pos += len(word)
            bounds.add(pos)
        # one syllable a character, read alike for question and format words (no context for polyphones)
        syllables = [lazy_pinyin(ch)[0] if _all_hanzi(ch) else None for ch in text]
        out, i = [], 0
        while i < len(text):
            for size in range(min(8, len(text) - i), 2, -1):
                window = text[i:i + size]
                aligned = i in bounds and i + size in bounds
                parts = syllables[i:i + size]
                word = sounds.get(" ".join(parts)) if aligned and None not in parts else None
                if word and word != window and window.lower() not in self.heads:
                    out.append(word)
                    i += size
                    break
            else:
                out.append(text[i])
                i += 1
        return "".join(out)

    def _sounds(self, lazy_pinyin) -> dict[str, str]:
        if self._sound_map is None:
            sounds: dict[str, set[str]] = {}
            for word in self.knowledge.domain_words():
                if len(word) >= 3 and _all_hanzi(word):
                    sounds.setdefault(" ".join(lazy_pinyin(ch)[0] for ch in word), set()).add(word)
            self._sound_map = {k: next(iter(v)) for k, v in sounds.items() if len(v) == 1}
        return self._sound_map

    def is_word(self, token: str) -> bool:
        """A word of jieba's dictionary (not one its HMM made up from leftover characters, like 局当)."""
        return self._jieba.FREQ.get(token, 0) > 0

    def _keep(self, token: str) -> bool:
        return (len(token) >= 2 and token not in self.stopwords and not _is_noise(token)
                and not _HOW_MANY.match(token))


_HOW_MANY = re.compile(r"^(几|多少)[\u4e00-\u9fff]?$")  # 几场, 多少个: a question word with its unit


def _all_hanzi(text: str) -> bool:
    return all("\u4e00" <= ch <= "\u9fff" for ch in text)


def _is_noise(token: str) -> bool:
    """Punctuation and figures; a run of five or more digits is a name (the 12345 hotline), not a figure."""
    return all(not ch.isalnum() for ch in token) or (token.isdigit() and len(token) < 5)


def get_tokenizer(knowledge: Knowledge) -> Tokenizer:
    """The tokenizer a knowledge owns."""
    return knowledge.tokenizer
