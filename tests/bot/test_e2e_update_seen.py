"""End to end, over the Bot API emulator: a focal point's update as the people around it see it.

The real bot process (`hitobot run`, the shipped knowledge base) with an admin, a focal point of
an institution, a subscriber of one of its hitos and a citizen. The focal point updates the
hito; then the notice, the answers, the cards and /avance are read as a person reads them,
the focal point erases their data and the admin exports the open data. People, the name and
the note are SYNTHETIC. Expected texts come from the knowledge base, never hard-coded.
"""

from __future__ import annotations

import datetime as dt
import re

import httpx
import pytest
from sqlalchemy import String, Text, select

from knowledge.refs import commitment_ref, hito_ref, to_payload
from tests.bot.live import plain, running_bot

pytestmark = pytest.mark.e2e
TOKEN = "123456:E2E-participation-synthetic"
ADMIN, FOCAL, SUBSCRIBER, CITIZEN = 8101, 8102, 8103, 8104
INSTITUTION = "SESAN"  # an institution of the shipped plans, in charge of hitos with no status yet
NAME = "Fernanda Sintética Enlace"  # the focal point's registered name (synthetic)
NOTE = "Dos talleres municipales realizados (nota sintética)"
PERCENT = re.compile(r"(\d{1,3})\s?%")


@pytest.fixture(scope="module")
def knowledge():
    from knowledge.core import Knowledge
    from knowledge.loader import load_data_dir

    return Knowledge(load_data_dir())


@pytest.fixture(scope="module")
def target(knowledge):
    """(plan, commitment, hito): the first hito of the current plan in the institution's charge
    whose status nobody knows yet (so the update changes what everyone sees)."""
    from participation.common import responsible_keys

    actor = next(a for a in knowledge.data.actors if a.acronym == INSTITUTION)
    plan = knowledge.current_plan
    for commitment in sorted(plan.commitments, key=lambda c: c.number):
        for hito in sorted(commitment.hitos, key=lambda h: h.number):
            if hito.status is None and actor.key in responsible_keys(knowledge.data, commitment, hito):
                return plan, commitment, hito
    pytest.fail(f"no hito of {INSTITUTION} without a status in the shipped plans")


@pytest.fixture(scope="module")
def live(tmp_path_factory, fresh_database_url):
    with running_bot(tmp_path_factory.mktemp("e2e-participation"), fresh_database_url, TOKEN,
                     ADMIN_IDS=str(ADMIN)) as (client, env, log_path):
        yield client, env, fresh_database_url


def converse(client, user: int, text: str) -> dict:
    before = len(client.sent(user))
    client.send_message(text, user_id=user)
    return client.wait_for_reply(user, before, timeout=30)


def press(client, user: int, data: str) -> dict:
    """Press the button with this callback data on the newest message that has it."""
    message = next(m for m in reversed(client.sent(user)) if data in str(m.get("reply_markup")))
    before = len(client.sent(user))
    client.press(user, data=data, message_id=message["message_id"])
    return client.wait_for_reply(user, before, timeout=30)


def newest(client, user: int, needle: str, timeout: float = 30.0) -> str:
    """The newest message to `user` containing `needle` (waiting for it)."""
    return client.wait_for(lambda: next((plain(m) for m in reversed(client.sent(user)) if needle in plain(m)), None),
                           timeout, what=f"a message with {needle!r} to {user}")


def line_with(text: str, start: str) -> str:
    return next((line for line in text.splitlines() if line.startswith(start)), "")


def percent_after(text: str, label: str) -> int:
    line = next(line for line in text.splitlines() if label in line)
    return int(PERCENT.search(line.split(label, 1)[1]).group(1))


@pytest.fixture(scope="module")
def story(live, knowledge, target):
    """The whole story once: before, the update, after. Returns what each person saw."""
    from storage.db import Database
    from storage.repositories import participation as repo

    client, _env, url = live
    plan, commitment, hito = target
    c, h = commitment.number, hito.number
    cref, href = commitment_ref(plan.key, c), hito_ref(plan.key, c, h)
    seen: dict[str, object] = {}
    # the focal point once applied with their name (as institution staff do through /registro)
    db = Database(url)
    with db.session() as s:
        repo.touch_person(s, FOCAL, locale="es")
        repo.apply_for_membership(s, FOCAL, NAME, INSTITUTION, None, None)
    db.dispose()

    seen["card_before"] = plain(converse(client, CITIZEN, f"/start {to_payload(cref)}"))
    converse(client, CITIZEN, f"/avance {c}")
    seen["avance_before"] = newest(client, CITIZEN, "Avance general", timeout=30)
    converse(client, SUBSCRIBER, f"/start {to_payload(href)}")
    press(client, SUBSCRIBER, f"pa:t:{href}")  # 🔔 Seguir
    assert INSTITUTION in plain(converse(client, ADMIN, f"/enlace {FOCAL} {INSTITUTION}"))
    newest(client, FOCAL, "Fuiste nombrado")  # (their notice comes through the outbox: let it arrive first)

    converse(client, FOCAL, "/actualizar")
    press(client, FOCAL, f"pa:uh:{href}")
    press(client, FOCAL, "pa:us:en_progreso")
    converse(client, FOCAL, "60")
    converse(client, FOCAL, NOTE)
    press(client, FOCAL, "pa:ue:skip")
    seen["confirmation"] = plain(press(client, FOCAL, "pa:uc:yes"))
    seen["day"] = dt.date.today()
    seen["notice"] = newest(client, SUBSCRIBER, "→")
    seen["answer"] = plain(converse(client, CITIZEN, f"como va el hito {h} del compromiso {c}"))
    seen["hito_card"] = plain(converse(client, CITIZEN, f"/start {to_payload(href)}"))
    seen["card_after"] = plain(converse(client, CITIZEN, f"/start {to_payload(cref)}"))
    seen["progress_answer"] = plain(converse(client, CITIZEN, f"cuanto avanza el compromiso {c}"))
    converse(client, CITIZEN, f"/avance {c}")
    seen["avance_after"] = client.wait_for(
        lambda: [plain(m) for m in client.sent(CITIZEN) if "Avance general" in plain(m)][1:], 30,
        what="the second /avance caption")[-1]
    return seen


def test_the_notice_names_the_plan_says_what_changed_and_cuts_between_words(story, knowledge, target):
    plan, commitment, hito = target
    names = {s.key: s.name_es for s in knowledge.statuses()}
    notice = story["notice"]
    assert plan.title in notice
    assert f"{names['sin_informacion']} → {names['en_progreso']} (60 %)" in notice
    assert NOTE in notice and INSTITUTION in notice
    flat = " ".join(hito.text.split())
    shown = next(line for line in notice.splitlines() if line.split(": ", 1)[-1][:30] in flat).split(": ", 1)[1]
    if shown.endswith("…"):  # cut: at a word boundary, never inside a word
        kept = shown[:-1]
        assert flat.startswith(kept) and flat[len(kept)] in " ,;:", (kept[-20:], flat[len(kept):len(kept) + 10])
    else:
        assert shown == flat


def test_a_focal_points_status_is_cited_as_theirs_and_the_plan_only_for_the_plan(story):
    from knowledge.i18n import format_day

    day = format_day(story["day"], "es")
    for text in (story["answer"], story["hito_card"]):
        status = line_with(text, "Estado")
        assert f"según {INSTITUTION}, {day}" in status and NOTE in status, text
        source = line_with(text, "Fuente")
        assert "lo que dice el plan" in source and f"el estado lo reportó {INSTITUTION}" in source, text
    assert "lo reportó" not in story["card_before"]  # before the update: the plan's word alone


def test_every_view_shows_the_same_commitment_progress_after_an_update(story):
    figures = {
        "focal point's confirmation": percent_after(story["confirmation"], "va en"),
        "subscriber's notice": percent_after(story["notice"], "Avance del compromiso"),
        "/avance": percent_after(story["avance_after"], "Avance general"),
        "commitment card": percent_after(story["card_after"], "Avance estimado"),
        "answer": percent_after(story["progress_answer"], "Avance estimado"),
    }
    assert len(set(figures.values())) == 1, figures
    before = {percent_after(story["card_before"], "Avance estimado"),
              percent_after(story["avance_before"], "Avance general")}
    assert len(before) == 1 and before != set(figures.values()), (before, figures)


def test_erasure_takes_the_name_out_of_the_database_and_every_export(story, live, target):
    import storage.models.knowledge
    import storage.models.participation
    import storage.models.preferences  # noqa: F401 - every table in the metadata
    from storage.db import Database
    from storage.models.base import Base

    client, env, url = live
    plan, commitment, hito = target
    converse(client, FOCAL, "/borrar_mis_datos")
    done = plain(press(client, FOCAL, "pa:dx:yes"))
    first, *rest = done.splitlines()
    assert "borramos tus datos" in first
    assert len(rest) == 1 and "públic" in rest[0], done  # one line: what stays public and why

    db = Database(url)
    with db.engine.connect() as conn:  # no text column of any table holds the name any more
        for table in Base.metadata.sorted_tables:
            columns = [c for c in table.columns if isinstance(c.type, String | Text)]
            for row in conn.execute(select(*columns)) if columns else ():
                assert not any(NAME in str(v) for v in row if v), (table.name, row)
    db.dispose()

    before = len(client.sent(ADMIN))
    client.send_message("/exportar", user_id=ADMIN)
    newest(client, ADMIN, "Datos abiertos exportados", timeout=20)
    files = {}
    for message in client.sent(ADMIN)[before:]:
        if "document" in message:
            document = message["document"]
            path = httpx.post(f"{env['TELEGRAM_BASE_URL']}{TOKEN}/getFile",
                              json={"file_id": document["file_id"]}).json()["result"]["file_path"]
            files[document["file_name"]] = httpx.get(f"{client.base_file_url}{TOKEN}/{path}").text
    assert "hito_status_history.csv" in files and "feedback_published.json" in files
    assert not [name for name, text in files.items() if NAME in text]
    update = [line for line in files["hito_status_history.csv"].splitlines() if NOTE in line]
    assert len(update) == 1 and INSTITUTION in update[0]
    assert hito_ref(plan.key, commitment.number, hito.number) in update[0]
