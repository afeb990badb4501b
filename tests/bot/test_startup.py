"""Start-up: `hitobot run` pauses the garbage collector, and the end of post_init resumes it."""

from __future__ import annotations

import gc
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot import startup
from bot.app import build_application
from bot.config import Settings
from bot.updates import SkipUnparseableUpdates
from tests.bot.fakes import FakeKnowledge, synthetic_data
from tests.emulator.local_request import LocalRequest


def test_pause_then_resume_restores_the_collector() -> None:
    assert gc.isenabled()
    try:
        startup.pause_gc()
        startup.pause_gc()  # idempotent
        assert not gc.isenabled()
    finally:
        startup.resume_gc()
    assert gc.isenabled()
    startup.resume_gc()  # nothing paused: a no-op
    assert gc.isenabled()


def test_resume_leaves_a_collector_someone_else_turned_off_alone() -> None:
    gc.disable()
    try:
        startup.pause_gc()
        startup.resume_gc()
        assert not gc.isenabled()
    finally:
        gc.enable()


async def test_the_bot_is_ready_with_the_collector_on_again() -> None:
    data = synthetic_data()
    request = LocalRequest()
    settings = Settings(telegram_token="123456:OFFLINE", telegram_base_url="http://127.0.0.1:9/bot")
    application = build_application(settings, knowledge=FakeKnowledge(data), data=data, request=request,
                                    rate_limiter=None)
    startup.pause_gc()
    try:
        async with application:
            await application.post_init(application)
            assert gc.isenabled()
            assert request.counts.get("setMyCommands", 0) == 3
    finally:
        startup.resume_gc()
        gc.enable()


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


def test_preparing_in_the_background_hands_over_the_result_or_the_error(tmp_path, monkeypatch) -> None:
    from bot.startup import prepare_in_background

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'bot.sqlite3'}")
    settings = Settings.from_env()
    database, data, knowledge, version = prepare_in_background(settings).result(timeout=60)
    try:
        assert data.plans and knowledge.plan(data.plans[0].key) is not None
        assert database.is_at_head()
        assert version is not None and version[0] >= 1  # the first start's load: the bot watches from here
    finally:
        database.dispose()
    bad = Settings(telegram_token="123456:OFFLINE", database_url="sqlite:////nonexistent/dir/x.sqlite3")
    failing = prepare_in_background(bad)
    with pytest.raises(Exception):  # noqa: B017  (whatever the driver raises: handed over as is)
        failing.result(timeout=60)


# --- the database part in a child process ----------------------------------------------------

_CHILD_SCRIPT = r"""
import json, os, sys
from bot import startup
from bot.config import Settings

forks = []
real_fork = os.fork
def counting_fork():
    pid = real_fork()
    if pid:
        forks.append(pid)
    return pid
os.fork = counting_fork

settings = Settings.from_env()
single = startup._can_fork(settings)
try:
    database, data, knowledge, _version = startup.prepare_in_background(settings).result(timeout=60)
    outcome = {"plans": [p.key for p in data.plans], "at_head": database.is_at_head()}
    database.dispose()
except Exception as exc:
    outcome = {"error": type(exc).__name__, "issues": [str(i) for i in getattr(exc, "issues", [])]}
try:
    os.waitpid(-1, os.WNOHANG)
    left = True
except ChildProcessError:
    left = False
print(json.dumps({"single_threaded": single, "forks": len(forks), "children_left": left, **outcome}))
"""


@pytest.fixture
def empty_database_url(tmp_path: Path):
    """A new, empty database for one test (SQLite, or PostgreSQL with HITOBOT_TEST_DATABASE_URL)."""
    from tests.conftest import fresh_database

    with fresh_database("hitobot_startup", tmp_path) as url:
        yield url


def _run_child_script(database_url: str, data_dir: Path | None = None) -> dict:
    env = {**os.environ, "DATABASE_URL": database_url, "LOG_LEVEL": "WARNING"}
    env.pop("HITOBOT_PREPARE_IN_PROCESS", None)
    if data_dir is not None:
        env["HITOBOT_DATA_DIR"] = str(data_dir)
    out = subprocess.run([sys.executable, "-c", _CHILD_SCRIPT], env=env, capture_output=True, text=True,
                         timeout=120, cwd=Path(__file__).resolve().parents[2])
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


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


def test_a_first_start_prepares_the_database_in_a_child_process(empty_database_url) -> None:
    outcome = _run_child_script(empty_database_url)
    assert outcome["single_threaded"] and outcome["forks"] == 1
    assert not outcome["children_left"]  # the child was waited for, no zombie
    assert outcome["at_head"] and "pan6" in outcome["plans"]


def test_a_childs_data_error_reaches_the_parent_whole_and_loads_nothing(tmp_path, empty_database_url) -> None:
    outcome = _run_child_script(empty_database_url, _broken_data_dir(tmp_path))
    assert outcome["forks"] == 1 and not outcome["children_left"]
    assert outcome["error"] == "DataError"
    assert len(outcome["issues"]) == 1 and "actors.yaml:" in outcome["issues"][0]
    assert "malformed YAML" in outcome["issues"][0]
    from storage.db import Database
    from storage.repositories.knowledge import has_plans

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


def test_a_data_error_pickles_with_its_issues() -> None:
    import pickle

    from knowledge.loader import DataError, DataIssue

    error = DataError([DataIssue("actors.yaml", 8, "actors[0]", "key", "malformed YAML")])
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is DataError and copy.issues == error.issues and str(copy) == str(error)


def test_script_heads_reads_revision_lines_and_gives_up_on_what_it_cannot_tell(tmp_path) -> None:
    from storage.db import script_heads

    (tmp_path / "a.py").write_text('"""revision = not this one"""\nrevision: str = "a1"\n'
                                   'down_revision: str | None = None  # the first\n')
    (tmp_path / "b.py").write_text('revision = "b2"\ndown_revision = "a1"\n')
    assert script_heads(tmp_path) == {"b2"}
    (tmp_path / "c.py").write_text('revision = "c3"\ndown_revision = ("a1", "b2")\n')  # a merge
    assert script_heads(tmp_path) == set()


def test_an_in_memory_database_is_never_prepared_in_a_child(monkeypatch) -> None:
    monkeypatch.setattr(startup.threading, "active_count", lambda: 1)
    monkeypatch.delenv("HITOBOT_PREPARE_IN_PROCESS", raising=False)
    for url in ("sqlite://", "sqlite:///:memory:", "sqlite:///file:x?mode=memory&uri=true"):
        assert not startup._can_fork(Settings(telegram_token="1:a", database_url=url)), url
    assert startup._can_fork(Settings(telegram_token="1:a", database_url="sqlite:///bot.sqlite3"))
    monkeypatch.setenv("HITOBOT_PREPARE_IN_PROCESS", "1")
    assert not startup._can_fork(Settings(telegram_token="1:a", database_url="sqlite:///bot.sqlite3"))
