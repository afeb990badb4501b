"""Personal data where it belongs only (synthetic people, both databases).

- A focal point's update is signed by the institutions, never by the person: the status
  history, its exports (`hitobot export`, /exportar) and the answers carry no name.
- Erasure (/borrar_mis_datos) removes the person from every table, from the messages queued or
  sent to them and from the copies about them queued or sent to admins and focal points.
- Pressing "Seguir" keeps the id, the language and what is followed (no Telegram name), and
  says so the first time.
- Migration 0005 rewrites the older signatures and forgets the Telegram names already kept.
"""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import MetaData, select

from participation.opendata import write_open_data
from storage.models.knowledge import HitoStatusChange
from storage.models.participation import OutboxMessage, Person
from storage.repositories import participation as repo
from tests.participation.conftest import ADMIN, CITIZEN, FOCAL_A, MEMBER
from tests.participation.test_conversations import _appoint, _approved_member


async def _post_update(bot, user_id: int) -> None:
    await bot.say("/actualizar", user_id)
    await bot.press("pa:uh:pan9.c1h1", user_id)
    await bot.press("pa:us:en_progreso", user_id)
    await bot.say("60", user_id)
    await bot.say("Nota sintética del enlace", user_id)
    await bot.press("pa:ue:skip", user_id)
    await bot.press("pa:uc:yes", user_id)


def _export_text(db, tmp_path: Path) -> str:
    with db.session() as s:
        paths = write_open_data(s, tmp_path)
    return "\n".join(p.read_text("utf-8") for p in paths)


def _every_value(db) -> list[object]:
    """Every value of every column of every row of every table."""
    metadata = MetaData()
    metadata.reflect(db.engine)
    values: list[object] = []
    with db.engine.connect() as connection:
        for table in metadata.sorted_tables:
            for row in connection.execute(table.select()):
                values.extend(row)
    return values


async def test_a_focal_points_update_is_signed_by_the_institution_and_exported_without_a_name(pbot, tmp_path):
    await _appoint(pbot, FOCAL_A, "INSTA")
    await _post_update(pbot, FOCAL_A)
    with pbot.db.session() as s:
        change = s.scalars(select(HitoStatusChange).where(HitoStatusChange.author_kind == "user")).one()
        assert (change.author_label, change.author_user_id) == ("INSTA", FOCAL_A)
    exported = _export_text(pbot.db, tmp_path / "before")
    assert "INSTA" in exported and f"Persona {FOCAL_A}" not in exported and str(FOCAL_A) not in exported

    await pbot.say("/borrar_mis_datos", FOCAL_A)
    await pbot.press("pa:dx:yes", FOCAL_A)
    with pbot.db.session() as s:
        change = s.scalars(select(HitoStatusChange).where(HitoStatusChange.author_kind == "user")).one()
        assert (change.author_label, change.author_user_id) == ("INSTA", None)  # what, not who
        assert s.get(Person, FOCAL_A) is None
    assert FOCAL_A not in _every_value(pbot.db)
    exported = _export_text(pbot.db, tmp_path / "after")
    assert "Nota sintética del enlace" in exported and str(FOCAL_A) not in exported


async def test_erasure_removes_the_member_from_every_table_and_every_outbox_row(pbot):
    await _approved_member(pbot)  # admins were told "Nueva solicitud ...: Ana Sintética (...)"
    await _appoint(pbot, FOCAL_A, "INSTA")
    await pbot.say("/idioma en", MEMBER)
    await pbot.press("pa:t:pan9.c1", MEMBER)
    await pbot.say("/monitoreo", MEMBER)
    await pbot.press("pa:fc:1", MEMBER)
    await pbot.press("pa:fr:pan9.c1h1", MEMBER)
    await pbot.press("pa:fo:delayed", MEMBER)
    await pbot.say("Texto sintético del reporte sin publicar", MEMBER)
    await pbot.press("pa:fa:skip", MEMBER)
    await pbot.press("pa:fn:yes", MEMBER)
    await pbot.press("pa:fk:yes", MEMBER)
    about = [m.text for chat in (ADMIN, FOCAL_A) for m in pbot.queued_to(chat)]
    assert any("Ana Sintética" in t for t in about) and any("Texto sintético del reporte" in t for t in about)
    with pbot.db.session() as s:  # some were sent already: they must go too
        s.execute(OutboxMessage.__table__.update().where(OutboxMessage.kind == "admin").values(state="sent"))

    await pbot.say("/borrar_mis_datos", MEMBER)
    await pbot.press("pa:dx:yes", MEMBER)

    values = _every_value(pbot.db)
    assert MEMBER not in values and str(MEMBER) not in values
    texts = [v for v in values if isinstance(v, str)]
    assert not [t for t in texts if "Ana Sintética" in t or "Texto sintético del reporte" in t]
    assert pbot.queued_to(MEMBER) == []
    with pbot.db.session() as s:
        states = {m.state for m in s.scalars(select(OutboxMessage).where(OutboxMessage.kind != "admin"))
                  if m.chat_id == FOCAL_A and m.kind == "feedback"}
        assert states <= {"dropped"}  # the focal point's copy will not be sent any more
        assert repo.personal_data(s, MEMBER) == {}


async def test_following_keeps_no_telegram_name_and_says_what_is_kept(pbot):
    await pbot.press("pa:t:pan9.c1h1", CITIZEN)
    with pbot.db.session() as s:
        person = s.get(Person, CITIZEN)
        assert (person.display_name, person.username) == ("", None)
    (notice,) = [t for t in pbot.texts_to(CITIZEN) if "/mis_datos" in t]
    assert "identificador" in notice and "nombre" in notice
    await pbot.press("pa:t:pan9.c1", CITIZEN)  # said once, not at every press
    assert len([t for t in pbot.texts_to(CITIZEN) if "/mis_datos" in t]) == 1
    await pbot.say("/suscripciones", CITIZEN)
    await pbot.say("/registro", CITIZEN)
    with pbot.db.session() as s:
        assert s.get(Person, CITIZEN).display_name == ""


def test_migration_0005_rewrites_old_signatures_and_forgets_telegram_names(tmp_path, pdata):
    from storage.repositories.knowledge import record_status_change
    from storage.sync import load_knowledge
    from tests.conftest import database_at

    with database_at("hitobot_m5", tmp_path, "0004") as db:
        with db.session() as s:
            load_knowledge(s, pdata)
            record_status_change(s, "pan9", 1, 1, "en_progreso", 30, None, "user", FOCAL_A,
                                 "Persona Sintética (inst_a, inst_b)")
            record_status_change(s, "pan9", 1, 2, "en_progreso", 30, None, "user", FOCAL_A,
                                 "Persona Sin Institución")
            s.add(Person(id=CITIZEN, display_name="Beto Sintético", username="beto_sintetico"))
        db.upgrade()
        with db.session() as s:
            labels = s.scalars(select(HitoStatusChange.author_label)
                               .where(HitoStatusChange.author_kind == "user")
                               .order_by(HitoStatusChange.id)).all()
            assert labels == ["INSTA, INSTB", None]
            person = s.get(Person, CITIZEN)
            assert (person.display_name, person.username) == ("", None)


def test_export_json_is_valid(loaded_db, tmp_path):
    with loaded_db.session() as s:
        for path in write_open_data(s, tmp_path):
            if path.suffix == ".json":
                json.loads(path.read_text("utf-8"))


GROUP = -100_777


def _url_buttons(bot, chat_id: int) -> list[str]:
    return [b.get("url", "") for e, p in bot.request.calls
            if e == "sendMessage" and int(p.get("chat_id", 0)) == chat_id
            and isinstance(p.get("reply_markup"), dict)
            for row in p["reply_markup"]["inline_keyboard"] for b in row]


async def test_participation_commands_in_a_group_send_people_to_a_private_chat(pbot):
    await _appoint(pbot, FOCAL_A, "INSTA")
    await _approved_member(pbot)
    pbot.request.clear()
    for command, user in (("/registro", CITIZEN), ("/monitoreo", MEMBER), ("/actualizar", FOCAL_A),
                          ("/mis_reportes", MEMBER), ("/suscripciones", CITIZEN)):
        await pbot.say(command, user, group=GROUP)
        assert any(url.endswith(f"?start={command[1:]}") for url in _url_buttons(pbot, GROUP)), command
    said = " ".join(pbot.texts_to(GROUP))
    assert "nombre completo" not in said and "contacto" not in said  # nothing asked in public
    await pbot.say("Beto Sintético", CITIZEN, group=GROUP)  # not taken as a name
    with pbot.db.session() as s:
        assert repo.latest_membership(s, CITIZEN) is None
    # the button's deep link opens the same step in the private chat
    await pbot.say("/start registro", CITIZEN)
    assert any("participas" in t for t in pbot.texts_to(CITIZEN))
    await pbot.say("/start actualizar", FOCAL_A)
    assert "pa:uh:pan9.c1h1" in pbot.buttons_to(FOCAL_A)


async def test_logs_hold_no_text_name_token_or_secret_even_at_debug(loaded_db, pdata):
    """LOG_LEVEL=DEBUG, the handler set up as `hitobot` sets it (PrivacyFilter on the root
    handler): a registration with a name and a phone number, a report, an update that fails,
    setWebhook with its secret. None of it reaches the log; ids and update types do."""
    import io
    import logging

    from telegram.ext import MessageHandler, filters

    from participation.logprivacy import install_log_privacy
    from tests.participation.conftest import _Knowledge, _participation_bot

    token, secret = "123456:OFFLINE", "Synthetic_webhook_secret_0123456789"
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    install_log_privacy([handler], token, secret)
    try:
        async with _participation_bot(loaded_db, pdata, _Knowledge(pdata)) as bot:
            async def boom(update, context):
                raise ValueError(f"no entiendo {update.effective_message.text!r}")

            bot.app.add_handler(MessageHandler(filters.Regex("^Frase que falla"), boom), group=-5)
            await bot.app.bot.set_webhook("https://example.org/hook", secret_token=secret)
            await bot.say("/registro", MEMBER)
            await bot.press("pa:rt:o", MEMBER)
            await bot.say("Nombre Completo Sintético", MEMBER)
            await bot.say("Colectivo Secreto Sintético", MEMBER)
            await bot.press("pa:rn:new", MEMBER)
            await bot.say("+502 5555 0123", MEMBER)
            await bot.press("pa:rk:yes", MEMBER)
            await bot.say("Frase que falla con datos sintéticos", CITIZEN)
            from telegram import Update

            queued = Update.de_json({"update_id": 99, "message": {
                "message_id": 1, "date": 1_700_000_000, "text": "Texto en la cola sintético",
                "from": bot.user(CITIZEN), "chat": {"id": CITIZEN, "type": "private"}}}, bot.app.bot)
            logging.getLogger("telegram.ext.Application").debug("Processing update %s", queued)
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
    log = stream.getvalue()
    assert "Calling Bot API endpoint `sendMessage`" in log  # the events are there...
    assert "error while handling update_id=" in log and "type=message:text" in log
    assert "ValueError" in log
    assert "Processing update update_id=99 type=message:text" in log
    for private in ("Texto en la cola sintético", "Nombre Completo Sintético", "Colectivo Secreto Sintético", "5555 0123",
                    "Frase que falla", f"Persona {MEMBER}", f"Persona {CITIZEN}", token, secret,
                    "OFFLINE"):
        assert private not in log, private  # ...their contents are not
