"""Every setting, read once from the environment (then a `.env` file in the working directory, then a default).

Each setting is documented in README.md; tests/test_docs.py checks that.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .errors import SettingsError

PACKAGE_DIR = Path(__file__).resolve().parent
# The shipped knowledge is package data: a wheel carries it, so an installed package answers from any directory.
DEFAULT_KNOWLEDGE = PACKAGE_DIR / "knowledge_data"
# Public (it is in the source): `serve` warns while it is in use, since anyone could hash a guessed OpenID with it.
DEFAULT_LOG_SALT = "qa-service"


def _dotenv(path: Path) -> dict[str, str]:
    if not path.is_file():
        return {}
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            key, _, value = line.partition("=")
            out[key.strip()] = value.strip().strip('"').strip("'")
    return out


def _default_db() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "qa-service" / "index.db"


@dataclass(frozen=True)
class Settings:
    db: Path = field(default_factory=_default_db)
    knowledge: Path = DEFAULT_KNOWLEDGE
    default_body: str = ""
    log_db: Path | None = None
    max_question_chars: int = 200
    wechat_token: str = ""
    wechat_appid: str = ""
    wechat_aes_key: str = ""
    admin_token: str = ""
    log_salt: str = DEFAULT_LOG_SALT

    def __post_init__(self) -> None:
        if self.max_question_chars <= 0:
            raise SettingsError(f"QA_MAX_QUESTION_CHARS must be > 0, got {self.max_question_chars}")
        if self.wechat_aes_key and len(self.wechat_aes_key) != 43:
            raise SettingsError(f"QA_WECHAT_AES_KEY must be 43 characters, got {len(self.wechat_aes_key)}")

    @property
    def question_log(self) -> Path:
        """The question log lives beside the index unless QA_LOG_DB says otherwise."""
        return self.log_db or self.db.with_name("questions.db")


# name in the environment -> (field, converter)
ENV = {
    "QA_DB": ("db", Path),
    "QA_KNOWLEDGE": ("knowledge", Path),
    "QA_DEFAULT_BODY": ("default_body", str),
    "QA_LOG_DB": ("log_db", Path),
    "QA_MAX_QUESTION_CHARS": ("max_question_chars", int),
    "QA_WECHAT_TOKEN": ("wechat_token", str),
    "QA_WECHAT_APPID": ("wechat_appid", str),
    "QA_WECHAT_AES_KEY": ("wechat_aes_key", str),
    "QA_ADMIN_TOKEN": ("admin_token", str),
    "QA_LOG_SALT": ("log_salt", str),
}


def load_settings(environ: dict[str, str] | None = None, dotenv: Path | None = Path(".env"), **overrides) -> Settings:
    """Settings from env > .env > defaults; keyword overrides (e.g. db from --db) win over all."""
    source = {**(_dotenv(dotenv) if dotenv else {}), **(os.environ if environ is None else environ)}
    values = {}
    for name, (attr, convert) in ENV.items():
        raw = source.get(name)
        if raw not in (None, ""):
            try:
                values[attr] = convert(raw)
            except ValueError:
                raise SettingsError(f"{name} has a bad value: {raw!r}") from None
    values.update({k: v for k, v in overrides.items() if v is not None})
    return Settings(**values)
