"""Start-up: `hitobot run` prepares the database and the knowledge core in post_init, and a
first start with broken data files says where and never starts."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory

from bot.app import build_application, load_services
from bot.config import Settings
from bot.updates import SkipUnparseableUpdates
from storage.db import Database
from storage.repositories.knowledge import has_plans
from tests.bot.fakes import FakeKnowledge, synthetic_data
from tests.emulator.local_request import LocalRequest


async def test_the_bot_is_ready_once_post_init_has_set_the_command_menu() -> None:
    data = synthetic_data()
    request = LocalRequest()
    settings = Settings(telegram_token="123456:OFFLINE", telegram_base_url="http://127.0.0.1:9/bot")
    application = build_application(settings, knowledge=FakeKnowledge(data), data=data, request=request,
                                    rate_limiter=None)
    async with application:
        await application.post_init(application)
        assert request.counts.get("setMyCommands", 0) == 3  # Spanish (default), es, en


def test_the_default_transports_share_one_tls_context_and_keep_ptbs_pool_sizes() -> None:
    settings = Settings(telegram_token="123456:OFFLINE")
    application = build_application(settings)
    bot = application.bot
    api, polling = bot.request, bot._request[0]  # PTB keeps (get_updates_request, request)
    assert isinstance(polling, SkipUnparseableUpdates)  # wraps getUpdates' own transport
    updates = polling.inner
    assert api is not updates
    assert api._client_kwargs["verify"] is updates._client_kwargs["verify"]
    assert api._client_kwargs["limits"].max_connections == 256
    assert updates._client_kwargs["limits"].max_connections == 1
    assert api._client_kwargs["verify"].verify_mode.name == "CERT_REQUIRED"


@pytest.fixture
def empty_database_url(tmp_path: Path):
    """A new, empty database for one test (SQLite, or PostgreSQL with HITOBOT_TEST_DATABASE_URL)."""
    from tests.conftest import fresh_database

    with fresh_database("hitobot_startup", tmp_path) as url:
        yield url


def test_a_first_start_migrates_loads_the_shipped_knowledge_and_a_restart_finds_it(monkeypatch,
                                                                                    empty_database_url) -> None:
    monkeypatch.setenv("DATABASE_URL", empty_database_url)
    monkeypatch.delenv("HITOBOT_DATA_DIR", raising=False)
    for start in ("first", "restart"):
        services = load_services(Settings.from_env())
        try:
            assert "pan6" in [p.key for p in services.data.plans], start
            assert services.knowledge.plan("pan6") is not None
            head = ScriptDirectory.from_config(services.database.alembic_config()).get_current_head()
            assert services.database.current_revision() == head
            assert services.data_version is not None  # the bot watches for loads from here (bot/reload.py)
        finally:
            services.close()


def test_a_database_that_cannot_be_opened_fails_the_start() -> None:
    bad = Settings(telegram_token="123456:OFFLINE", database_url="sqlite:////nonexistent/dir/x.sqlite3")
    with pytest.raises(Exception):  # noqa: B017  (whatever the driver raises: the CLI says it in one line)
        load_services(bad)


def _broken_data_dir(tmp_path: Path) -> Path:
    """The shipped data files with one of them cut mid-way through a flow list (SYNTHETIC damage)."""
    from knowledge.loader import DEFAULT_DATA_DIR

    data_dir = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA_DIR, data_dir)
    actors = data_dir / "actors.yaml"
    lines = actors.read_text(encoding="utf-8").splitlines()
    first_record = next(i for i, line in enumerate(lines) if line.lstrip().startswith("- key:"))
    lines[first_record] = "  - key: [unclosed"
    actors.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return data_dir


def test_a_data_error_on_a_first_start_loads_nothing(tmp_path, monkeypatch, empty_database_url) -> None:
    from knowledge.loader import DataError

    monkeypatch.setenv("DATABASE_URL", empty_database_url)
    monkeypatch.setenv("HITOBOT_DATA_DIR", str(_broken_data_dir(tmp_path)))
    with pytest.raises(DataError) as raised:
        load_services(Settings.from_env())
    issues = [str(issue) for issue in raised.value.issues]
    assert len(issues) == 1 and "actors.yaml:" in issues[0] and "malformed YAML" in issues[0]
    database = Database(empty_database_url)
    try:
        with database.session() as session:
            assert not has_plans(session)
    finally:
        database.dispose()


def test_hitobot_run_with_broken_data_files_says_where_and_never_starts(tmp_path, empty_database_url, emulator) -> None:
    client = emulator.client()
    env = {**os.environ, "TELEGRAM_TOKEN": "123456:STARTUP-synthetic", "TELEGRAM_BASE_URL": emulator.base_url,
           "DATABASE_URL": empty_database_url, "HITOBOT_DATA_DIR": str(_broken_data_dir(tmp_path)),
           "LOG_LEVEL": "WARNING"}
    env.pop("WEBHOOK_URL", None)
    script = Path(sys.executable).with_name("hitobot")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "bot.cli"]
    out = subprocess.run([*command, "run", "--poll-timeout", "1"], env=env, cwd=tmp_path,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 1
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 2, out.stderr  # the one problem, then what it means: no traceback, no cascade
    assert "actors.yaml:" in lines[0] and "malformed YAML" in lines[0]
    assert "no se cargó nada: 1 problema" in lines[1]
    assert client.commands() == []  # never became ready
    client.close()
