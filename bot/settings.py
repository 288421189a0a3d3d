"""Settings from the environment and ``.env``: the home of pydantic-settings.

Every field here is documented in ``.env.example`` (a test keeps them in step).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from retrieval.config import BM25Params, RetrievalConfig
from retrieval.store.cache import default_cache_dir
from retrieval.text.tokenizer import DEFAULT_STOPWORDS

PROJECT_SEEDS = Path(__file__).resolve().parent.parent / "seeds"

IdList = Annotated[list[int], NoDecode]


class SettingsError(Exception):
    """A setting has a value that cannot be used; the message names it."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    # Documents and answers
    docs_dir: Path = PROJECT_SEEDS
    top_k: int = Field(3, ge=1, le=50)
    passage_max_chars: int = Field(400, ge=40)
    min_match: float = Field(0.3, ge=0.0, le=1.0)
    # Tokens and ranking
    stopwords_file: Path = DEFAULT_STOPWORDS
    user_dict: Path | None = None
    char_ngrams: bool = True
    bm25_variant: Literal["okapi", "plus"] = "plus"
    bm25_k1: float = Field(1.2, gt=0)
    bm25_b: float = Field(0.75, ge=0, le=1)
    # Index cache
    index_cache_dir: Path | None = None
    # Telegram
    telegram_bot_token: SecretStr | None = None
    telegram_api_base_url: str = "https://api.telegram.org"
    admin_user_ids: IdList = []
    allowed_user_ids: IdList = []
    allowed_chat_ids: IdList = []
    max_question_chars: int = Field(500, ge=1)
    rate_limit_questions: int = Field(10, ge=1)
    rate_limit_seconds: float = Field(60.0, gt=0)
    webhook_url: str | None = None
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = Field(8443, ge=0, le=65535)  # 0: any free port
    webhook_secret: SecretStr | None = None
    max_upload_mb: int = Field(20, ge=1)  # documents admins send; the public Bot API serves 20 MB at most
    # Question log (Telegram only)
    data_dir: Path | None = None
    query_log: bool = True
    log_retention_days: int = Field(180, ge=1)

    @field_validator("admin_user_ids", "allowed_user_ids", "allowed_chat_ids", mode="before")
    @classmethod
    def _id_list(cls, value: object) -> object:
        """Accept ``1,2``, ``1 2`` and ``[1, 2]``."""
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                return json.loads(text)
            return [part for part in text.replace(",", " ").split() if part]
        return value

    @field_validator(
        "user_dict",
        "index_cache_dir",
        "webhook_url",
        "telegram_bot_token",
        "webhook_secret",
        "data_dir",
        mode="before",
    )
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    def data_folder(self) -> Path:
        """DATA_DIR, or its default."""
        return self.data_dir or default_data_dir()

    def retrieval(self) -> RetrievalConfig:
        return RetrievalConfig(
            docs_dir=self.docs_dir,
            passage_max_chars=self.passage_max_chars,
            stopwords_file=self.stopwords_file,
            user_dict=self.user_dict,
            char_ngrams=self.char_ngrams,
            bm25=BM25Params(variant=self.bm25_variant, k1=self.bm25_k1, b=self.bm25_b),
            min_coverage=self.min_match,
            cache_dir=self.index_cache_dir or default_cache_dir(),
        )


def default_data_dir() -> Path:
    """``$XDG_DATA_HOME/qabot``, or ``~/.local/share/qabot``."""
    base = os.environ.get("XDG_DATA_HOME", "")
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".local" / "share"
    return root / "qabot"


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment, ``.env`` and ``overrides``; a bad value
    raises ``SettingsError`` naming the setting."""
    try:
        settings = Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        first = error.errors()[0]
        name = str(first["loc"][0]).upper() if first["loc"] else "settings"
        raise SettingsError(f"setting {name}: {first['msg']}") from None
    except json.JSONDecodeError as error:
        raise SettingsError(f"a list setting is not valid JSON: {error}") from None
    for name in ("stopwords_file", "user_dict"):
        path = getattr(settings, name)
        if path is not None and not Path(path).is_file():
            raise SettingsError(f"setting {name.upper()}: file {path} does not exist")
    return settings
