"""A write that fails says so and keeps what the person typed (synthetic people, both databases).

"A full disk" is every INSERT, UPDATE and DELETE failing the way SQLite reports one
("database or disk is full"), while reads still work; it is switched on and off per test.
Also: a database that cannot be written stops start-up with one line naming it.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import event, select
from sqlalchemy.exc import OperationalError

from participation.context import LOCALE_KEY
from storage.models.knowledge import HitoStatusChange
from storage.models.participation import FeedbackReport, OscMembership
from storage.models.preferences import Preference
from tests.emulator.fixtures import emulator  # noqa: F401  (a fixture)
from tests.participation.conftest import FOCAL_A, MEMBER
from tests.participation.test_conversations import _appoint, _approved_member

ROOT = Path(__file__).resolve().parents[2]


@contextlib.contextmanager
def full_disk(db):
    def refuse_writes(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().split(None, 1)[0].upper() in ("INSERT", "UPDATE", "DELETE"):
            raise OperationalError(statement, parameters, Exception("database or disk is full"))

    event.listen(db.engine, "before_cursor_execute", refuse_writes)
    try:
        yield
    finally:
        event.remove(db.engine, "before_cursor_execute", refuse_writes)


def _said(bot, user_id: int) -> str:
    return "\n".join(bot.texts_to(user_id))


async def test_a_language_that_could_not_be_stored_is_not_reported_as_done(pbot):
    with full_disk(pbot.db):
        await pbot.say("/idioma en", MEMBER)
    said = _said(pbot, MEMBER)
    assert "No pude guardarlo" in said and "Listo" not in said and "Done" not in said
    user_data = pbot.app.user_data[MEMBER]
    assert user_data.get(LOCALE_KEY) != "en"  # nothing changed, not even for now
    with pbot.db.session() as s:
        assert s.get(Preference, MEMBER) is None
    await pbot.say("/idioma en", MEMBER)  # the disk has room again
    with pbot.db.session() as s:
        assert s.get(Preference, MEMBER).locale == "en"


async def test_a_focal_points_six_step_update_survives_a_failed_write(pbot):
    await _appoint(pbot, FOCAL_A, "INSTA")
    await pbot.say("/actualizar", FOCAL_A)
    await pbot.press("pa:uh:pan9.c1h1", FOCAL_A)
    await pbot.press("pa:us:en_progreso", FOCAL_A)
    await pbot.say("70", FOCAL_A)
    await pbot.say("Nota sintética larga del enlace", FOCAL_A)
    await pbot.say("https://example.org/evidencia-sintetica", FOCAL_A)
    with full_disk(pbot.db):
        await pbot.press("pa:uc:yes", FOCAL_A)
    assert "No pude guardarlo" in _said(pbot, FOCAL_A)
    assert pbot.buttons_to(FOCAL_A)[-2:] == ["pa:uc:yes", "pa:uc:no"]  # the same button again
    with pbot.db.session() as s:
        assert s.scalars(select(HitoStatusChange).where(HitoStatusChange.author_kind == "user")).all() == []
    await pbot.press("pa:uc:yes", FOCAL_A)  # nothing typed again: the draft was kept
    with pbot.db.session() as s:
        change = s.scalars(select(HitoStatusChange).where(HitoStatusChange.author_kind == "user")).one()
        assert (change.progress, change.note, change.evidence) == (
            70, "Nota sintética larga del enlace", "https://example.org/evidencia-sintetica")
    assert "Actualización guardada" in _said(pbot, FOCAL_A)


async def test_a_monitoring_report_survives_a_failed_write(pbot):
    await _approved_member(pbot)
    await pbot.say("/monitoreo", MEMBER)
    await pbot.press("pa:fc:1", MEMBER)
    await pbot.press("pa:fr:pan9.c1h1", MEMBER)
    await pbot.press("pa:fo:delayed", MEMBER)
    await pbot.say("Texto sintético del reporte que no debe perderse", MEMBER)
    await pbot.press("pa:fa:skip", MEMBER)
    await pbot.press("pa:fn:no", MEMBER)
    with full_disk(pbot.db):
        await pbot.press("pa:fk:yes", MEMBER)
    assert "No pude guardarlo" in _said(pbot, MEMBER)
    await pbot.press("pa:fk:yes", MEMBER)
    with pbot.db.session() as s:
        (report,) = s.scalars(select(FeedbackReport)).all()
        assert report.text == "Texto sintético del reporte que no debe perderse"


async def test_a_registration_survives_a_failed_write(pbot):
    await pbot.say("/registro", MEMBER)
    await pbot.press("pa:rt:o", MEMBER)
    await pbot.say("Ana Sintética", MEMBER)
    await pbot.press("pa:ro:osc_x", MEMBER)
    await pbot.say("ana@example.org", MEMBER)
    with full_disk(pbot.db):
        await pbot.press("pa:rk:yes", MEMBER)
    assert "No pude guardarlo" in _said(pbot, MEMBER)
    await pbot.press("pa:rk:yes", MEMBER)
    with pbot.db.session() as s:
        (membership,) = s.scalars(select(OscMembership)).all()
        assert (membership.full_name, membership.contact) == ("Ana Sintética", "ana@example.org")


def test_a_read_only_database_stops_start_up_with_one_line(tmp_path, emulator):  # noqa: F811
    """`hitobot run` on a database it may not write (SQLite opened read-only: what a file without
    write permission gives a non-root user): one line naming the file and the problem."""
    database = tmp_path / "solo-lectura.sqlite3"
    database.touch()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///file:{database}?mode=ro&uri=true",
           "TELEGRAM_TOKEN": "123456:SYNTHETIC-readonly", "TELEGRAM_BASE_URL": emulator.base_url,
           "HITOBOT_DATA_DIR": str(ROOT / "knowledge" / "data"), "LOG_LEVEL": "WARNING"}
    done = subprocess.run([sys.executable, "-m", "bot.cli", "run"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert lines == [f"hitobot: no puedo usar la base de datos {database}: attempt to write a readonly database"], done.stderr
