"""Roles through the real handlers: /admin, /enlace, focal points from /pendientes, and every
privileged command or button tried by the wrong person (forged presses included).

People and data are synthetic (tests/participation/conftest.py).
"""

from __future__ import annotations

from sqlalchemy import select

from storage.models.knowledge import HitoStatusChange
from storage.models.participation import FeedbackEvent, FocalPoint, Person
from storage.repositories import participation as repo
from tests.participation.conftest import ADMIN, CITIZEN, FOCAL_A, FOCAL_B, MEMBER

GROUP = -100_555


def _is_admin(bot, user_id: int) -> bool:
    with bot.db.session() as s:
        return repo.is_admin(s, user_id, (ADMIN,))


def _focal(bot, user_id: int) -> list[str]:
    with bot.db.session() as s:
        return repo.focal_point_institutions(s, user_id)


async def _apply(bot, user_id: int) -> int:
    await bot.say("/registro", user_id)
    await bot.press("pa:rt:o", user_id)
    await bot.say("Persona Sintética", user_id)
    await bot.say("Oficina Pública Sintética", user_id)
    await bot.press("pa:rn:new", user_id)
    await bot.press("pa:rc:skip", user_id)
    await bot.press("pa:rk:yes", user_id)
    with bot.db.session() as s:
        return repo.latest_membership(s, user_id).id


async def test_admins_appoint_and_revoke_admins(pbot):
    await pbot.say(f"/admin {MEMBER}", CITIZEN)  # not an admin: refused
    assert not _is_admin(pbot, MEMBER)
    assert any("administradores" in t for t in pbot.texts_to(CITIZEN))

    await pbot.say(f"/admin {MEMBER}", ADMIN)  # configured admin appoints
    assert _is_admin(pbot, MEMBER)
    assert any("administrador" in m.text for m in pbot.queued_to(MEMBER))
    await pbot.say(f"/admin {FOCAL_A}", MEMBER)  # an appointed admin may appoint too
    assert _is_admin(pbot, FOCAL_A)
    await pbot.say("/admin", MEMBER)
    listing = pbot.texts_to(MEMBER)[-1]
    assert str(ADMIN) in listing and str(FOCAL_A) in listing and "ADMIN_IDS" in listing

    await pbot.say(f"/admin quitar {ADMIN}", MEMBER)  # configuration, not the database
    await pbot.say(f"/admin quitar {MEMBER}", MEMBER)  # nobody revokes themselves
    assert _is_admin(pbot, ADMIN) and _is_admin(pbot, MEMBER)

    await pbot.say(f"/admin quitar {MEMBER}", ADMIN)
    assert not _is_admin(pbot, MEMBER)
    assert any("Ya no eres administrador" in m.text for m in pbot.queued_to(MEMBER))
    await pbot.say(f"/admin {CITIZEN}", MEMBER)  # revoked: no longer allowed
    await pbot.say(f"/admin quitar {FOCAL_A}", MEMBER)
    assert not _is_admin(pbot, CITIZEN) and _is_admin(pbot, FOCAL_A)


async def test_focal_point_appointed_from_the_queue_with_typed_institutions(pbot):
    membership_id = await _apply(pbot, CITIZEN)
    await pbot.say("/pendientes", ADMIN)
    assert f"pa:mf:{membership_id}" in pbot.buttons_to(ADMIN)

    await pbot.press(f"pa:mf:{membership_id}", MEMBER)  # forged by a non-admin
    await pbot.say("INSTA", MEMBER)
    assert _focal(pbot, CITIZEN) == []
    assert any("administrador" in a for a in pbot.alerts())

    await pbot.press(f"pa:mf:{membership_id}", ADMIN)
    await pbot.say("Institución Inexistente Sintética", ADMIN)
    assert any("No encuentro" in t for t in pbot.texts_to(ADMIN))
    await pbot.say("INSTA, inst_b", ADMIN)
    assert _focal(pbot, CITIZEN) == ["inst_a", "inst_b"]
    with pbot.db.session() as s:
        assert repo.membership_by_id(s, membership_id).state == repo.FOCAL
    assert any("enlace de: INSTA, INSTB" in m.text for m in pbot.queued_to(CITIZEN))
    await pbot.say("/pendientes", ADMIN)
    assert "No hay solicitudes pendientes." in pbot.texts_to(ADMIN)[-1]

    await pbot.press(f"pa:mf:{membership_id}", ADMIN)  # already settled: nothing more to do
    assert any("ya fue decidida" in a for a in pbot.alerts())
    await pbot.say("/actualizar", CITIZEN)  # the new focal point works right away
    assert "pa:uh:pan9.c1h3" in pbot.buttons_to(CITIZEN)


async def test_admin_rights_are_checked_again_when_the_institutions_arrive(pbot):
    membership_id = await _apply(pbot, CITIZEN)
    await pbot.say(f"/admin {MEMBER}", ADMIN)
    await pbot.press(f"pa:mf:{membership_id}", MEMBER)
    await pbot.say(f"/admin quitar {MEMBER}", ADMIN)  # revoked while they type
    await pbot.say("INSTA", MEMBER)
    assert _focal(pbot, CITIZEN) == []
    with pbot.db.session() as s:
        assert repo.membership_by_id(s, membership_id).state == repo.PENDING


async def test_only_admins_revoke_focal_points(pbot):
    await pbot.say(f"/enlace {FOCAL_A} INSTA", ADMIN)
    await pbot.say(f"/enlace quitar {FOCAL_A} INSTA", CITIZEN)
    await pbot.say(f"/enlace quitar {FOCAL_A} INSTA", FOCAL_A)
    assert _focal(pbot, FOCAL_A) == ["inst_a"]
    await pbot.say(f"/enlace quitar {FOCAL_A} INSTA", ADMIN)
    assert _focal(pbot, FOCAL_A) == []
    await pbot.say("/actualizar", FOCAL_A)
    assert not any(b.startswith("pa:uh:") for b in pbot.buttons_to(FOCAL_A))


# --- every privileged path, by the wrong person ---------------------------------------------------


async def test_admin_commands_refuse_everyone_else(pbot):
    membership_id = await _apply(pbot, MEMBER)
    for command in ("/pendientes", "/moderar", "/exportar", f"/enlace {CITIZEN} INSTA", f"/admin {CITIZEN}",
                    "/admin"):
        pbot.request.clear()
        await pbot.say(command, CITIZEN)
        said = pbot.texts_to(CITIZEN)
        assert said and all("administradores" in t for t in said), command
        assert not pbot.request.of("sendDocument"), command
    for forged in (f"pa:ma:{membership_id}", f"pa:mr:{membership_id}"):
        await pbot.press(forged, CITIZEN)
    with pbot.db.session() as s:
        assert repo.latest_membership(s, MEMBER).state == repo.PENDING
        assert s.scalars(select(FocalPoint)).all() == []
        assert [p.id for p in s.scalars(select(Person).where(Person.is_admin.is_(True)))] == []


async def test_moderation_buttons_refuse_non_admins_and_revoked_admins(pbot):
    with pbot.db.session() as s:
        repo.touch_person(s, MEMBER)
        report_id = repo.create_report(s, MEMBER, "pan9.c1", "other", "Observación sintética", None, None, False).id
    await pbot.press(f"pa:fh:{report_id}", CITIZEN)
    await pbot.say("ocultar por capricho", CITIZEN)
    await pbot.press("pa:fm:skip", CITIZEN)  # the "no reason" button, forged without a moderation
    await pbot.say(f"/admin {FOCAL_B}", ADMIN)
    await pbot.press(f"pa:fp:{report_id}", FOCAL_B)  # an admin starts moderating...
    await pbot.say(f"/admin quitar {FOCAL_B}", ADMIN)  # ...and is revoked before the reason
    await pbot.say("publicar de todos modos", FOCAL_B)
    with pbot.db.session() as s:
        assert repo.report_by_id(s, report_id).state == "received"
        assert [e.kind for e in repo.report_events(s, report_id)] == ["submitted"]


async def test_answer_and_update_buttons_refuse_people_without_the_institution(pbot):
    with pbot.db.session() as s:
        repo.touch_person(s, MEMBER)
        report_id = repo.create_report(s, MEMBER, "pan9.c1h1", "delayed", "Obra sintética detenida", None, None, False).id
    await pbot.press(f"pa:fx:{report_id}", CITIZEN)  # not a focal point at all
    await pbot.say("respuesta falsa", CITIZEN)
    for forged in ("pa:uc:yes", "pa:us:completado", "pa:up:100", "pa:ue:skip"):  # outside /actualizar
        await pbot.press(forged, CITIZEN)
    with pbot.db.session() as s:
        assert s.scalars(select(FeedbackEvent).where(FeedbackEvent.kind == "answer")).all() == []
        assert s.scalars(select(HitoStatusChange).where(HitoStatusChange.author_kind == "user")).all() == []
    refusals = pbot.alerts()[-4:]  # a stranger is told the buttons are not for them, not sent to /actualizar
    assert all("No tienes permiso" in a and "/actualizar" not in a for a in refusals), refusals


async def test_membership_is_checked_again_when_a_report_is_confirmed(pbot):
    membership_id = await _apply(pbot, MEMBER)
    await pbot.press(f"pa:ma:{membership_id}", ADMIN)
    await pbot.say("/monitoreo", MEMBER)
    await pbot.press("pa:fc:1", MEMBER)
    await pbot.press("pa:fr:pan9.c1", MEMBER)
    await pbot.press("pa:fo:other", MEMBER)
    await pbot.say("Observación sintética suficiente", MEMBER)
    await pbot.press("pa:fa:skip", MEMBER)
    await pbot.press("pa:fn:no", MEMBER)
    with pbot.db.session() as s:  # the membership is withdrawn before they press "Enviar"
        s.get(type(repo.latest_membership(s, MEMBER)), membership_id).state = repo.REJECTED
    await pbot.press("pa:fk:yes", MEMBER)
    with pbot.db.session() as s:
        assert repo.reports_of(s, MEMBER) == []


async def test_personal_data_never_goes_to_a_group_chat(pbot):
    await _apply(pbot, MEMBER)
    for command in ("/pendientes", "/moderar", "/exportar"):
        await pbot.say(command, ADMIN, group=GROUP)
    await pbot.say("/mis_datos", MEMBER, group=GROUP)
    said = pbot.texts_to(GROUP)
    assert len(said) == 4 and all("chat privado" in t for t in said)
    assert not any("Persona Sintética" in t for t in said)
    assert not pbot.request.of("sendDocument")


async def test_the_queue_speaks_the_admins_language(pbot):
    await _apply(pbot, MEMBER)
    await pbot.say("/pendientes", ADMIN, language_code="en")
    labels = [b["text"] for e, p in pbot.request.calls if e == "sendMessage" and int(p["chat_id"]) == ADMIN
              and isinstance(p.get("reply_markup"), dict) for row in p["reply_markup"]["inline_keyboard"] for b in row]
    assert "Appoint focal point" in labels and "Nombrar enlace" not in labels
