"""Settings, read once from the environment (and a .env file in the working directory)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from dotenv import load_dotenv

DEFAULT_BASE_URL = "https://api.telegram.org/bot"
DEFAULT_DATABASE_URL = "sqlite:///hitobot.sqlite3"


class ConfigError(Exception):
    """A setting is missing or malformed; the message is one line a person can act on."""


def _int_list(raw: str, name: str) -> tuple[int, ...]:
    out = []
    for part in raw.replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        try:
            out.append(int(part))
        except ValueError:
            raise ConfigError(f"{name} must be a comma-separated list of Telegram user ids, got {part!r}") from None
    return tuple(out)


@dataclass(frozen=True)
class Settings:
    telegram_token: str | None = None
    telegram_base_url: str = DEFAULT_BASE_URL
    telegram_base_file_url: str | None = None
    database_url: str = DEFAULT_DATABASE_URL
    admin_ids: tuple[int, ...] = ()
    default_locale: str = "es"
    data_dir: Path | None = None  # None = the data shipped in knowledge/data
    webhook_url: str | None = None
    webhook_listen: str = "127.0.0.1:8443"
    webhook_secret: str | None = None
    health_listen: str | None = None
    log_level: str = "INFO"
    data_check_seconds: float = 5.0  # how often a running bot looks for loads and imports (0: never)
    extra: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, dotenv: bool = True) -> Settings:
        if env is None:
            if dotenv:
                load_dotenv(Path.cwd() / ".env", override=False)
            env = dict(os.environ)
        locale = env.get("DEFAULT_LOCALE", "es").strip().lower() or "es"
        if locale not in ("es", "en"):
            raise ConfigError(f"DEFAULT_LOCALE must be 'es' or 'en', got {locale!r}")
        data_dir = env.get("HITOBOT_DATA_DIR")
        check = (env.get("DATA_CHECK_SECONDS") or "5").strip()
        try:
            data_check_seconds = float(check)
        except ValueError:
            raise ConfigError(f"DATA_CHECK_SECONDS must be a number of seconds, got {check!r}") from None
        return cls(
            telegram_token=(env.get("TELEGRAM_TOKEN") or "").strip() or None,
            telegram_base_url=(env.get("TELEGRAM_BASE_URL") or DEFAULT_BASE_URL).strip(),
            telegram_base_file_url=(env.get("TELEGRAM_BASE_FILE_URL") or "").strip() or None,
            database_url=(env.get("DATABASE_URL") or DEFAULT_DATABASE_URL).strip(),
            admin_ids=_int_list(env.get("ADMIN_IDS", ""), "ADMIN_IDS"),
            default_locale=locale,
            data_dir=Path(data_dir) if data_dir else None,
            webhook_url=(env.get("WEBHOOK_URL") or "").strip() or None,
            webhook_listen=(env.get("WEBHOOK_LISTEN") or "127.0.0.1:8443").strip(),
            webhook_secret=(env.get("WEBHOOK_SECRET") or "").strip() or None,
            health_listen=(env.get("HEALTH_LISTEN") or "").strip() or None,
            log_level=(env.get("LOG_LEVEL") or "INFO").strip().upper(),
            data_check_seconds=data_check_seconds,
        )

    def require_token(self) -> str:
        if not self.telegram_token:
            raise ConfigError(
                "TELEGRAM_TOKEN is not set: put the token from @BotFather in the environment or in .env"
            )
        return self.telegram_token
