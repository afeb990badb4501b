"""Reminders, digests, open-data export and EXIF stripping (synthetic data, both databases)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

from PIL import Image
from sqlalchemy import select

from participation.media import strip_exif
from participation.notify import notify_subscribers
from participation.opendata import write_open_data
from participation.reminders import queue_digests, queue_due_reminders
from storage.models.participation import OutboxMessage
from storage.repositories import participation as repo
from tests.participation.conftest import ADMIN, CITIZEN, FOCAL_A, FOCAL_B, MEMBER


def _outbox(db, chat_id: int) -> list[OutboxMessage]:
    with db.session() as s:
        return list(s.scalars(select(OutboxMessage).where(OutboxMessage.chat_id == chat_id)))


def test_due_and_overdue_reminders_reach_the_right_people_once(loaded_db, pdata):
    with loaded_db.session() as s:
        repo.appoint_focal_point(s, FOCAL_A, "inst_a", ADMIN)
        repo.appoint_focal_point(s, FOCAL_B, "inst_b", ADMIN)
    today = dt.date.today()
    for _ in range(2):  # the daily job may run twice: nobody hears twice
        with loaded_db.session() as s:
            queue_due_reminders(s, pdata, today, (ADMIN,))
    to_focal_a = [m.text for m in _outbox(loaded_db, FOCAL_A)]
    assert len(to_focal_a) == 1 and "20" in to_focal_a[0] and "Hito sintético uno" in to_focal_a[0]
    assert _outbox(loaded_db, FOCAL_B) == []  # its hito ends in 2099
    to_admin = [m.text for m in _outbox(loaded_db, ADMIN)]
    assert len(to_admin) == 1 and "Atrasado" in to_admin[0] and "Hito sintético dos" in to_admin[0]
    # seven days before the end, the focal point is reminded again
    with loaded_db.session() as s:
        queue_due_reminders(s, pdata, today + dt.timedelta(days=14), (ADMIN,))
    assert len(_outbox(loaded_db, FOCAL_A)) == 2


def test_completed_hitos_are_not_reminded(loaded_db, pdata):
    from storage.repositories.knowledge import read_knowledge, record_status_change

    with loaded_db.session() as s:
        repo.appoint_focal_point(s, FOCAL_A, "inst_a", ADMIN)
        record_status_change(s, "pan9", 1, 1, "completado", None, None, "user", FOCAL_A, "sintético")
        record_status_change(s, "pan9", 1, 2, "completado", None, None, "user", FOCAL_A, "sintético")
    with loaded_db.session() as s:
        fresh = read_knowledge(s)
        queue_due_reminders(s, fresh, dt.date.today(), (ADMIN,))
    assert _outbox(loaded_db, FOCAL_A) == [] and _outbox(loaded_db, ADMIN) == []


def test_digest_readers_get_one_message_at_their_hour(loaded_db):
    with loaded_db.session() as s:
        repo.subscribe(s, CITIZEN, "pan9.c1h1")
        repo.subscribe(s, MEMBER, "pan9.c1h1")
        repo.set_notify_mode(s, CITIZEN, "digest", 7)
    for n in (1, 2):
        with loaded_db.session() as s:
            notify_subscribers(s, ["pan9.c1h1", "pan9.c1"], f"status:{n}", lambda loc, n=n: f"cambio sintético {n}")
    assert len(_outbox(loaded_db, MEMBER)) == 2  # instant reader
    assert _outbox(loaded_db, CITIZEN) == []
    with loaded_db.session() as s:
        assert queue_digests(s, 8, dt.date.today()) == 0  # not their hour
        assert queue_digests(s, 7, dt.date.today()) == 1
    with loaded_db.session() as s:
        assert queue_digests(s, 7, dt.date.today()) == 0  # already digested
    (digest,) = _outbox(loaded_db, CITIZEN)
    assert "cambio sintético 1" in digest.text and "cambio sintético 2" in digest.text
    assert digest.reply_markup["inline_keyboard"][0][0]["callback_data"] == "pa:u:pan9.c1h1"


def test_export_writes_history_and_published_feedback_with_names_only_when_allowed(loaded_db, tmp_path):
    from storage.repositories.knowledge import record_status_change

    with loaded_db.session() as s:
        repo.touch_person(s, MEMBER)
        repo.touch_person(s, CITIZEN)
        # the name shown with a published report is the one registered with consent
        repo.apply_for_membership(s, MEMBER, "Ana Sintética", "Organización Sintética X", "osc_x", None)
        repo.apply_for_membership(s, CITIZEN, "Beto Sintético", "Organización Sintética X", "osc_x", None)
        record_status_change(s, "pan9", 1, 1, "en_progreso", 40, "nota sintética", "user", FOCAL_A, "Enlace A")
        named = repo.create_report(s, MEMBER, "pan9.c1h1", "on_track", "Reporte con nombre", None, None, True)
        anonymous = repo.create_report(s, CITIZEN, "pan9.c1h1", "delayed", "Reporte anónimo", None, None, False)
        repo.create_report(s, CITIZEN, "pan9.c1h1", "other", "Reporte sin publicar", None, None, True)
        repo.moderate_report(s, named.id, ADMIN, True, None)
        repo.moderate_report(s, anonymous.id, ADMIN, True, None)
    with loaded_db.session() as s:
        paths = write_open_data(s, tmp_path)
    assert {p.name for p in paths} >= {"hito_status_history.csv", "feedback_published.json"}
    history = list(csv.DictReader(io.StringIO((tmp_path / "hito_status_history.csv").read_text("utf-8"))))
    assert any(r["ref"] == "pan9.c1h1" and r["status"] == "en_progreso" and r["progress"] == "40" for r in history)
    feedback = json.loads((tmp_path / "feedback_published.json").read_text("utf-8"))
    assert {f["text"]: f["author"] for f in feedback} == {"Reporte con nombre": "Ana Sintética",
                                                          "Reporte anónimo": None}


def test_photos_lose_their_exif_but_keep_their_picture():
    image = Image.new("RGB", (40, 30), (200, 10, 10))
    exif = Image.Exif()
    exif[0x010F] = "Cámara sintética"  # Make
    exif[0x8825] = {2: (14.0, 38.0, 0.0)}  # GPS latitude
    raw = io.BytesIO()
    image.save(raw, format="JPEG", exif=exif.tobytes())
    assert Image.open(io.BytesIO(raw.getvalue())).getexif()
    clean, ext = strip_exif(raw.getvalue())
    out = Image.open(io.BytesIO(clean))
    assert ext == "jpg" and out.size == (40, 30)
    assert not out.getexif() and "exif" not in out.info
    assert out.getpixel((20, 15))[0] > 150  # still the red picture


def test_hitobot_export_writes_the_open_data_files(loaded_db, tmp_path, monkeypatch, capsys):
    from bot.cli import main
    from storage.repositories.knowledge import record_status_change

    with loaded_db.session() as s:
        record_status_change(s, "pan9", 1, 3, "no_iniciado", None, None, "system", None, "sintético")
    monkeypatch.setenv("DATABASE_URL", loaded_db.url)
    assert main(["export", str(tmp_path / "abiertos")]) == 0
    assert "archivos de datos abiertos" in capsys.readouterr().out
    rows = json.loads((tmp_path / "abiertos" / "hito_status_current.json").read_text("utf-8"))
    assert [(r["ref"], r["status"]) for r in rows] == [("pan9.c1h3", "no_iniciado")]


def test_a_long_digest_arrives_whole_in_several_messages_never_cutting_a_tag(loaded_db):
    from participation.render import MAX_MESSAGE

    with loaded_db.session() as s:
        repo.subscribe(s, CITIZEN, "pan9.c1h1")
        repo.set_notify_mode(s, CITIZEN, "digest", 7)
    for n in range(1, 16):  # SYNTHETIC notices, long enough that their digest exceeds one message
        with loaded_db.session() as s:
            notify_subscribers(s, ["pan9.c1h1"], f"status:{n}",
                               lambda loc, n=n: f"<b>Cambio sintético {n}</b>: " + "avance registrado " * 25)
    with loaded_db.session() as s:
        assert queue_digests(s, 7, dt.date.today()) >= 2
    pieces = _outbox(loaded_db, CITIZEN)
    assert len(pieces) >= 2 and all(len(p.text) <= MAX_MESSAGE for p in pieces)
    whole = "\n".join(p.text for p in pieces)
    assert all(f"Cambio sintético {n}</b>" in whole for n in range(1, 16))  # nothing lost
    assert all(p.text.count("<b>") == p.text.count("</b>") for p in pieces)  # every piece valid HTML
    assert [p.reply_markup is not None for p in pieces] == [False] * (len(pieces) - 1) + [True]  # buttons last
