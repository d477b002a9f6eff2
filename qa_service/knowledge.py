"""The format knowledge and word lists (qa_service/knowledge_data/ or QA_KNOWLEDGE), loaded once per process."""
from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

WORD_FILES = ("format.toml", "synonyms.toml", "units.toml", "stopwords.txt")


@dataclass(frozen=True, eq=False)  # hashed by identity: loaded once, used as a cache key
class Knowledge:
    root: Path
    format: dict
    synonyms: dict[str, list[str]]  # head -> surfaces
    units: dict[str, str]  # unit -> kind (数量/金额/比例)
    qualifiers_before: tuple[str, ...]
    qualifiers_after: tuple[str, ...]
    asks: dict[str, list[str]]  # kind -> cue words, in trial order
    written: dict  # how a figure is written in prose (units.toml [written])
    prose: dict  # how the words around a figure are read (units.toml [prose])
    stopwords: frozenset[str]
    messages: dict
    questions: dict  # how questions are read (questions.toml)
    meaning: dict  # what figures measure and questions ask for (meaning.toml)

    @cached_property
    def tokenizer(self):
        """This knowledge's own tokenizer (its own jieba dictionary: two knowledge folders never mix words)."""
        from .text import Tokenizer  # text builds on knowledge: imported when first needed

        return Tokenizer(self)

    @property
    def reports_dir(self) -> Path:
        return self.root / "reports"

    def section_cues(self) -> dict[str, list[str]]:
        """Section name (e.g. 五、存在的主要问题及改进情况, 落款) -> cue words of questions about it."""
        cues = {(f"{s['number']}、{s['title']}" if s["number"] else s["title"]): s["cues"]
                for s in self.format["sections"]}
        cues[self.format["signoff"]["name"]] = self.format["signoff"]["cues"]
        cues[self.format["preamble"]["name"]] = self.format["preamble"]["cues"]
        return cues

    def section(self, role: str) -> dict:
        """The format's section of a role (applications, reviews, …: format.toml [[sections]])."""
        return next(s for s in self.format["sections"] if s["role"] == role)

    def note(self, key: str, **fields) -> str:
        """A note for clerks (messages.toml [check]): what `qa-service check` and ingest print about a file."""
        return self.messages["check"][key].format(**fields)

    def some(self, names: list[str]) -> str:
        """The first few of many names (属于国家秘密、重复申请、…等)."""
        c = self.messages["check"]
        return c["list_sep"].join(names[:c["some"]]) + (c["more"] if len(names) > c["some"] else "")

    def section_titles(self) -> list[tuple[str, str]]:
        return [(s["number"], s["title"]) for s in self.format["sections"]]

    def table2(self, version: str) -> list[dict]:
        return [b for b in self.format["table2"] if b["version"] == version]

    def table3_rows(self, version: str) -> list[dict]:
        return [r for r in self.format["table3"]["rows"] if version in r.get("versions", [version])]

    def domain_words(self) -> set[str]:
        """Words jieba must keep whole: synonym heads and surfaces, table labels and columns."""
        words = set(self.synonyms)
        for surfaces in self.synonyms.values():
            words.update(s for s in surfaces if not s.isascii())
        f = self.format
        for block in f["table2"]:
            words.update(block["rows"])
            words.update(block["columns"])
        words.update(c[-1] for c in f["table3"]["columns"])
        words.update(f["table4"]["columns"])
        words.update(b[-1] for b in f["table4"]["blocks"])
        return {w for w in words if len(w) >= 2}

    def words_hash(self) -> str:
        """Hash of the word data: the stored tokens depend on it, so a change rebuilds the index."""
        h = hashlib.sha256()
        for name in WORD_FILES:
            h.update((self.root / name).read_bytes())
        return h.hexdigest()


def _toml(path: Path) -> dict:
    with path.open("rb") as f:
        return tomllib.load(f)


@lru_cache(maxsize=4)
def load_knowledge(root: Path) -> Knowledge:
    """The knowledge in a folder (settings.knowledge): the face that starts the program loads it and hands it down."""
    root = Path(root)
    units = _toml(root / "units.toml")
    stop = (root / "stopwords.txt").read_text(encoding="utf-8").split("\n")
    stopwords = frozenset(w for line in stop if not line.startswith("#") for w in line.split())
    return Knowledge(
        root=root,
        format=_toml(root / "format.toml"),
        synonyms=_toml(root / "synonyms.toml")["terms"],
        units=units["units"],
        qualifiers_before=tuple(units["qualifiers"]["before"]),
        qualifiers_after=tuple(units["qualifiers"]["after"]),
        asks=units["asks"],
        written=units["written"],
        prose=units["prose"],
        stopwords=stopwords,
        messages=_toml(root / "messages.toml"),
        questions=_toml(root / "questions.toml"),
        meaning=_toml(root / "meaning.toml"),
    )
