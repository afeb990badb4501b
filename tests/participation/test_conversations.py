"""Conversations through the real handlers (offline bot, synthetic data), and role refusals.

Each privileged path is also tried by the wrong person, including forged button presses.
"""

from __future__ import annotations

from sqlalchemy import select

from storage.models.knowledge import HitoStatusChange
from storage.models.participation import FeedbackReport, FocalPoint, OscMembership, Person
from storage.repositories import participation as repo
from tests.participation.conftest import ADMIN, CITIZEN, FOCAL_A, FOCAL_B, MEMBER


async def _register_member(bot, user_id: int = MEMBER) -> None:
    await bot.say("/registro", user_id)
    await bot.press("pa:rt:o", user_id)
    await bot.say("Ana Sintética", user_id)
    assert "pa:ro:osc_x" in bot.buttons_to(user_id)
    await bot.press("pa:ro:osc_x", user_id)
    await bot.press("pa:rc:skip", user_id)
    await bot.press("pa:rk:yes", user_id)


async def _approved_member(bot, user_id: int = MEMBER) -> None:
    await _register_member(bot, user_id)
    with bot.db.session() as s:
        membership_id = repo.latest_membership(s, user_id).id
    await bot.press(f"pa:ma:{membership_id}", ADMIN)


async def _report_a_delay(bot, user_id: int = MEMBER) -> None:
    """The steps of /monitoreo after it started: hito 2 of commitment 1 is delayed, no attachment,
    the name not shown, confirmed."""
    await bot.press("pa:fc:1", user_id)
    await bot.press("pa:fr:pan9.c1h2", user_id)
    await bot.press("pa:fo:delayed", user_id)
    await bot.say("La obra sintética está detenida desde marzo", user_id)
    await bot.press("pa:fa:skip", user_id)
    await bot.press("pa:fn:no", user_id)
    await bot.press("pa:fk:yes", user_id)


async def _appoint(bot, user_id: int, institution: str) -> None:
    await bot.say(f"/enlace {user_id} {institution}", ADMIN)


async def test_registration_goes_to_the_admins_queue_and_the_applicant_hears_the_outcome(pbot):
    await _register_member(pbot)
    with pbot.db.session() as s:
        membership = repo.latest_membership(s, MEMBER)
        assert (membership.state, membership.organisation_key, membership.full_name) == ("pending", "osc_x", "Ana Sintética")
    assert any("Organización Sintética X" in m.text for m in pbot.queued_to(ADMIN))
    await pbot.say("/pendientes", ADMIN)
    assert f"pa:ma:{membership.id}" in pbot.buttons_to(ADMIN)
    await pbot.press(f"pa:ma:{membership.id}", ADMIN)
    with pbot.db.session() as s:
        assert repo.is_osc_member(s, MEMBER)
    assert any("aprobado" in m.text for m in pbot.queued_to(MEMBER))


async def test_declining_consent_stores_nothing(pbot):
    await pbot.say("/registro", MEMBER)
    await pbot.press("pa:rt:o", MEMBER)
    await pbot.say("Ana Sintética", MEMBER)
    await pbot.say("Colectivo Nuevo Sintético", MEMBER)
    await pbot.press("pa:rn:new", MEMBER)
    await pbot.say("ana@example.org", MEMBER)
    await pbot.press("pa:rk:no", MEMBER)
    with pbot.db.session() as s:
        assert s.scalars(select(OscMembership)).all() == []


async def test_non_admin_cannot_decide_applications_even_with_a_forged_button(pbot):
    await _register_member(pbot)
    with pbot.db.session() as s:
        membership_id = repo.latest_membership(s, MEMBER).id
    await pbot.press(f"pa:ma:{membership_id}", MEMBER)  # the applicant approving themselves
    await pbot.press(f"pa:ma:{membership_id}", CITIZEN)
    await pbot.say("/pendientes", CITIZEN)
    with pbot.db.session() as s:
        assert repo.latest_membership(s, MEMBER).state == "pending"
    assert any("administrador" in a for a in pbot.alerts())
    assert any("administradores" in t for t in pbot.texts_to(CITIZEN))


async def test_only_admins_appoint_focal_points(pbot):
    await pbot.say(f"/enlace {CITIZEN} INSTA", CITIZEN)
    await _appoint(pbot, FOCAL_A, "INSTA")
    with pbot.db.session() as s:
        assert s.scalars(select(FocalPoint.person_id)).all() == [FOCAL_A]
    assert any("INSTA" in m.text for m in pbot.queued_to(FOCAL_A))


async def _subscribe(bot, user_id: int, ref: str) -> None:
    await bot.press(f"pa:t:{ref}", user_id)


async def test_focal_point_update_is_recorded_and_subscribers_are_notified(pbot):
    await _appoint(pbot, FOCAL_A, "INSTA")
    await _subscribe(pbot, CITIZEN, "pan9.c1h1")
    await pbot.say("/actualizar", FOCAL_A)
    offered = pbot.buttons_to(FOCAL_A)
    assert "pa:uh:pan9.c1h1" in offered and "pa:uh:pan9.c1h3" not in offered  # pan9.c1h3 belongs to INSTB
    await pbot.press("pa:uh:pan9.c1h1", FOCAL_A)
    await pbot.press("pa:us:en_progreso", FOCAL_A)
    await pbot.say("60", FOCAL_A)
    await pbot.say("Se publicó el primer conjunto de datos sintéticos", FOCAL_A)
    await pbot.say("https://example.org/evidencia", FOCAL_A)
    await pbot.press("pa:uc:yes", FOCAL_A)
    with pbot.db.session() as s:
        change = s.scalars(select(HitoStatusChange).order_by(HitoStatusChange.id.desc())).first()
        assert (change.status_key, change.progress, change.author_user_id) == ("en_progreso", 60, FOCAL_A)
        assert change.evidence == "https://example.org/evidencia"
    notices = pbot.queued_to(CITIZEN)
    assert len(notices) == 1 and "En progreso" in notices[0].text and "(60 %)" in notices[0].text
    assert notices[0].reply_markup["inline_keyboard"][0][0]["callback_data"] == "pa:u:pan9.c1h1"


async def test_focal_point_cannot_update_another_institutions_hito(pbot):
    await _appoint(pbot, FOCAL_A, "INSTA")
    await pbot.say("/actualizar", FOCAL_A)
    await pbot.press("pa:uh:pan9.c1h3", FOCAL_A)  # forged: INSTB's hito
    await pbot.press("pa:us:completado", FOCAL_A)
    await pbot.press("pa:uc:yes", FOCAL_A)
    await pbot.say("/actualizar", CITIZEN)  # not a focal point at all
    await pbot.press("pa:uh:pan9.c1h1", CITIZEN)
    with pbot.db.session() as s:
        assert s.scalars(select(HitoStatusChange).where(HitoStatusChange.author_kind == "user")).all() == []
    assert any("no es de tu institución" in a for a in pbot.alerts())


async def test_rights_are_checked_again_at_confirmation(pbot):
    await _appoint(pbot, FOCAL_A, "INSTA")
    await pbot.say("/actualizar", FOCAL_A)
    await pbot.press("pa:uh:pan9.c1h1", FOCAL_A)
    await pbot.press("pa:us:completado", FOCAL_A)
    await pbot.press("pa:un:skip", FOCAL_A)
    await pbot.press("pa:ue:skip", FOCAL_A)
    with pbot.db.session() as s:  # the appointment is withdrawn before they confirm
        repo.revoke_focal_point(s, FOCAL_A, "inst_a")
    await pbot.press("pa:uc:yes", FOCAL_A)
    with pbot.db.session() as s:
        assert s.scalars(select(HitoStatusChange).where(HitoStatusChange.author_kind == "user")).all() == []


async def test_monitoring_report_reaches_focal_points_and_their_answer_reaches_the_member(pbot):
    await _approved_member(pbot)
    await _appoint(pbot, FOCAL_A, "INSTA")
    await _appoint(pbot, FOCAL_B, "INSTB")
    await pbot.say("/monitoreo", MEMBER)
    await _report_a_delay(pbot)
    with pbot.db.session() as s:
        report = s.scalars(select(FeedbackReport)).one()
        assert report.reference.startswith("RM-") and report.reference.endswith(f"{report.id:05d}")
    assert any(report.reference in t for t in pbot.texts_to(MEMBER))
    to_focal = pbot.queued_to(FOCAL_A)
    assert any("detenida" in m.text for m in to_focal)
    assert not any("detenida" in m.text for m in pbot.queued_to(FOCAL_B))  # not their institution
    # FOCAL_B forges the answer button: refused
    await pbot.press(f"pa:fx:{report.id}", FOCAL_B)
    await pbot.say("respuesta falsa", FOCAL_B)
    await pbot.press(f"pa:fx:{report.id}", FOCAL_A)
    await pbot.say("Reanudamos la obra sintética en mayo", FOCAL_A)
    assert any("Reanudamos" in m.text for m in pbot.queued_to(MEMBER))
    assert not any("respuesta falsa" in m.text for m in pbot.queued_to(MEMBER))
    await pbot.say("/mis_reportes", MEMBER)
    assert any(report.reference in t and "respondido" in t for t in pbot.texts_to(MEMBER))


async def test_starting_another_conversation_leaves_the_one_in_progress(pbot):
    await _approved_member(pbot)
    await _appoint(pbot, MEMBER, "INSTA")  # a member who is also a focal point: both flows are theirs
    await pbot.say("/actualizar", MEMBER)
    await pbot.press("pa:uh:pan9.c1h1", MEMBER)
    await pbot.say("/monitoreo", MEMBER)  # half-way through an update, they start a report instead
    await pbot.press("pa:us:en_progreso", MEMBER)  # the update's button, still on their screen
    assert any("ya no es válido" in a for a in pbot.alerts())  # that flow was left, not resumed
    await pbot.say("La obra sintética sigue detenida", MEMBER)  # typed at the report's first step
    assert "porcentaje" not in pbot.texts_to(MEMBER)[-1]
    await _report_a_delay(pbot)
    with pbot.db.session() as s:
        assert [r.ref for r in s.scalars(select(FeedbackReport))] == ["pan9.c1h2"]
        assert s.scalars(select(HitoStatusChange).where(HitoStatusChange.author_kind == "user")).all() == []


async def test_non_members_cannot_report_and_only_admins_moderate(pbot):
    await pbot.say("/monitoreo", CITIZEN)
    assert any("/registro" in t for t in pbot.texts_to(CITIZEN))
    await _approved_member(pbot)
    with pbot.db.session() as s:
        report = repo.create_report(s, MEMBER, "pan9.c1", "other", "Observación sintética", None, None, True)
        report_id = report.id
    await pbot.press(f"pa:fp:{report_id}", MEMBER)  # forged moderation by the author
    await pbot.say("me lo publico yo", MEMBER)
    with pbot.db.session() as s:
        assert repo.report_by_id(s, report_id).state == "received"
    await pbot.press(f"pa:fh:{report_id}", ADMIN)
    await pbot.say("Contiene datos personales de terceros", ADMIN)
    with pbot.db.session() as s:
        assert repo.report_by_id(s, report_id).state == "hidden"
    assert any("Contiene datos personales" in m.text for m in pbot.queued_to(MEMBER))


async def test_subscription_toggle_list_and_digest_choice(pbot):
    await _subscribe(pbot, CITIZEN, "pan9.c1h1")
    await _subscribe(pbot, CITIZEN, "i:inst_a")
    with pbot.db.session() as s:
        assert repo.subscriptions_of(s, CITIZEN) == ["pan9.c1h1", "i:inst_a"]
    await _subscribe(pbot, CITIZEN, "pan9.c1h1")  # second press unfollows
    await pbot.press("pa:t:plan:pan9", CITIZEN)  # not followable: ignored politely
    await pbot.say("/suscripciones 21", CITIZEN)
    with pbot.db.session() as s:
        assert repo.subscriptions_of(s, CITIZEN) == ["i:inst_a"]
        person = s.get(Person, CITIZEN)
        assert (person.notify_mode, person.digest_hour) == ("digest", 21)
    assert "pa:u:i:inst_a" in pbot.buttons_to(CITIZEN)
    await pbot.press("pa:u:i:inst_a", CITIZEN)
    with pbot.db.session() as s:
        assert repo.subscriptions_of(s, CITIZEN) == []


async def test_my_data_and_erasure_keep_published_reports_anonymous(pbot):
    await _approved_member(pbot)
    with pbot.db.session() as s:
        published = repo.create_report(s, MEMBER, "pan9.c1", "on_track", "Todo bien (sintético)", None, None, True)
        repo.moderate_report(s, published.id, ADMIN, True, None)
        repo.create_report(s, MEMBER, "pan9.c1", "other", "Borrador sintético", None, None, False)
        repo.subscribe(s, MEMBER, "pan9.c1")
    await pbot.say("/mis_datos", MEMBER)
    assert pbot.request.of("sendDocument")
    await pbot.say("/borrar_mis_datos", MEMBER)
    await pbot.press("pa:dx:yes", MEMBER)
    with pbot.db.session() as s:
        assert s.get(Person, MEMBER) is None
        reports = s.scalars(select(FeedbackReport)).all()
        assert [(r.text, r.person_id, r.show_name) for r in reports] == [("Todo bien (sintético)", None, False)]
        assert repo.personal_data(s, MEMBER) == {}
