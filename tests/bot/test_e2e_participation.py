"""End to end, participation as people live it (issue 14): the real bot process against the Bot
API emulator, with an admin, an OSC member, an institution's staff member and a stranger (all
synthetic: ids from 3000, names marked "Sintético").  Expected organisations, institutions,
commitments and plans come from the knowledge base itself, never hard-coded.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import time

import pytest
from PIL import Image

from knowledge.actors import fold_name
from tests.bot.live import plain, running_bot
from tests.emulator import EmulatorClient

pytestmark = pytest.mark.e2e
TOKEN = "123456:E2E-participation-synthetic"
ADMIN, MEMBER, STAFF, STRANGER, OSC_PAGER = 3000, 3001, 3002, 3003, 3004
STAFF_USERNAME = "fernando_sintetico"


@pytest.fixture(scope="module")
def kd():
    from knowledge.loader import load_data_dir

    return load_data_dir()


@pytest.fixture(scope="module")
def live(tmp_path_factory, fresh_database_url):
    with running_bot(tmp_path_factory.mktemp("e2e-people"), fresh_database_url, TOKEN,
                     ADMIN_IDS=str(ADMIN)) as (client, _env, log_path):
        yield client, log_path


def buttons(message: dict) -> list[dict]:
    return [b for row in (message.get("reply_markup") or {}).get("inline_keyboard", []) for b in row]


def converse(client: EmulatorClient, user: int, text: str, **person) -> dict:
    before = len(client.sent(user))
    client.send_message(text, user_id=user, **person)
    return client.wait_for_reply(user, before)


def press(client: EmulatorClient, user: int, text: str) -> dict:
    """Press the button whose label holds `text` on the newest keyboard; the bot's next message."""
    before = len(client.sent(user))
    client.press(user, text=text)
    return client.wait_for_reply(user, before)


def osc_of_the_plans(kd) -> list:
    return sorted((a for a in kd.actors if a.sector == "civil_society"), key=lambda a: fold_name(a.name))


def wait_for_text(client: EmulatorClient, user: int, needle: str, timeout: float = 15.0) -> str:
    """The first message to `user` holding `needle` (notices come through the outbox)."""
    found = client.wait_for(lambda: next((plain(m) for m in client.sent(user) if needle in plain(m)), None),
                            timeout=timeout, what=f"a message with {needle!r}")
    return found


def test_registro_offers_every_civil_society_organisation_in_pages_and_by_search(live, kd):
    client, _ = live
    user = OSC_PAGER
    first = converse(client, user, "/registro")
    assert "participas" in plain(first)
    reminder = converse(client, user, "Ana Sintética")  # a name typed before choosing the path
    assert "/cancelar" in plain(reminder) and "Las fuentes" not in plain(reminder)
    press(client, user, "sociedad civil")
    page = converse(client, user, "Ana Sintética")
    expected = osc_of_the_plans(kd)
    pages = math.ceil(len(expected) / 10)
    assert f"son {len(expected)}" in plain(page) and f"página 1 de {pages}" in plain(page)
    seen = {}
    for number in range(1, pages + 1):
        for b in buttons(page):
            if b["callback_data"].startswith("pa:ro:"):
                seen[b["callback_data"].removeprefix("pa:ro:")] = b["text"]
        if number < pages:
            client.press(user, text="Siguientes", message_id=page["message_id"])
            page = client.wait_for_edit(user, page["message_id"], number)
            assert f"página {number + 1} de {pages}" in plain(page)
    assert set(seen) == {a.key for a in expected}  # every one, ICEFI and Landivarianos included
    for actor in expected:  # full name, with the acronym when it has one
        assert actor.name in seen[actor.key]
        if actor.acronym and fold_name(actor.acronym) != fold_name(actor.name):
            assert f"({actor.acronym})" in seen[actor.key]
    # found by typing part of a name...
    landivar = next(a for a in expected if "landivar" in fold_name(a.name))
    found = converse(client, user, "landivar")
    assert [b["callback_data"] for b in buttons(found) if b["callback_data"].startswith("pa:ro:")] == [
        f"pa:ro:{landivar.key}"]
    # ...or by its number in the list: "el 2" is the second organisation
    contact = converse(client, user, "el 2")
    assert "contacto" in plain(contact)


def test_institution_staff_become_focal_point_with_one_tap_and_by_username(live, kd):
    client, _ = live
    sesan = next(a for a in kd.actors if a.acronym == "SESAN")
    converse(client, STAFF, "/registro", username=STAFF_USERNAME)
    asks_name = press(client, STAFF, "institución de los planes")
    assert "enlace" in plain(asks_name)
    institutions = converse(client, STAFF, "Fernando Sintético")
    government = [a for a in kd.actors if a.sector == "government"]
    assert f"son {len(government)}" in plain(institutions)
    contact = converse(client, STAFF, "sesan")  # its acronym picks it
    assert "contacto" in plain(contact)
    consent = press(client, STAFF, "Omitir")
    assert "enlace" in plain(consent) and "/borrar_mis_datos" in plain(consent)
    filed = press(client, STAFF, "Acepto")
    assert sesan.name in plain(filed)

    queue = converse(client, ADMIN, "/pendientes")
    item = next(m for m in reversed(client.sent(ADMIN)) if "Fernando Sintético" in plain(m)
                and any(b["text"].startswith("Aprobar") for b in buttons(m)))  # (not the outbox's notice)
    assert "enlace de" in plain(item) and "SESAN" in plain(item) and "organización nueva" not in plain(item)
    approve = next(b for b in buttons(item) if b["text"].startswith("Aprobar como enlace"))
    assert "SESAN" in approve["text"] and queue
    client.press(ADMIN, data=approve["callback_data"], message_id=item["message_id"])
    # (the notice of the new request comes through the outbox and may arrive in between)
    assert "nombrado enlace de: SESAN" in wait_for_text(client, ADMIN, "nombrado enlace de")
    assert "/actualizar" in wait_for_text(client, STAFF, "Fuiste nombrado enlace de: SESAN")

    again = converse(client, ADMIN, f"/enlace @{STAFF_USERNAME} SESAN")
    assert "ya era enlace de: SESAN" in plain(again) and "nombrado" not in plain(again)
    unknown = converse(client, ADMIN, "/enlace @nadie_sintetico SESAN")
    assert "No sé quién es @nadie_sintetico" in plain(unknown)
    # and the new focal point can now update SESAN's hitos
    hitos = converse(client, STAFF, "/actualizar")
    assert any(b["callback_data"].startswith("pa:uh:") for b in buttons(hitos))
    converse(client, STAFF, "/cancelar")


def _approved_member(client: EmulatorClient, kd) -> None:
    converse(client, MEMBER, "/registro")
    press(client, MEMBER, "sociedad civil")
    converse(client, MEMBER, "Marta Sintética")
    icefi = next(a for a in kd.actors if a.acronym == "ICEFI")
    converse(client, MEMBER, icefi.acronym.lower())
    press(client, MEMBER, "Omitir")
    press(client, MEMBER, "Acepto")
    converse(client, ADMIN, "/pendientes")
    # (/pendientes's item, with its buttons; the outbox's notice of the request names her too)
    item = next(m for m in reversed(client.sent(ADMIN)) if "Marta Sintética" in plain(m)
                and any(b["text"].startswith("Aprobar") for b in buttons(m)))
    before = len(client.sent(ADMIN))
    client.press(ADMIN, text="Aprobar", message_id=item["message_id"])
    client.wait_for_reply(ADMIN, before)
    time.sleep(8)  # a person takes a moment: flood control allows 10 messages at once, then one a second


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 24), (10, 120, 200)).save(out, "JPEG")  # synthetic picture
    return out.getvalue()


def test_monitoreo_newest_plan_first_typed_choices_and_the_photo_in_the_confirmation(live, kd):
    client, _ = live
    _approved_member(client, kd)
    choose = converse(client, MEMBER, "/monitoreo")
    plans = sorted(kd.plans, key=lambda p: p.number, reverse=True)
    labels = [b["text"] for b in buttons(choose)]
    first_plan = plans[0]
    assert labels[0].startswith(f"{min(c.number for c in first_plan.commitments)}.")
    for plan in plans:  # each plan named, in that order; closed ones said to be closed
        assert plan.title in plain(choose)
        end = plan.end.last_day() if plan.end else dt.date(int(plan.period_label[-4:]), 12, 31)
        line = next(x for x in plain(choose).splitlines() if plan.title in x)
        assert ("cerrado" in line) == (end < dt.date.today()), line
    assert plain(choose).index(plans[0].title) < plain(choose).index(plans[-1].title)
    assert all("plan" in label for label in labels)

    commitment = next(c for p in kd.plans for c in p.commitments if c.number == 2)
    hitos = converse(client, MEMBER, "el 2")  # typed, not pressed: understood
    assert "Compromiso 2" in plain(hitos) and "Las fuentes" not in plain(hitos)
    assert len([b for b in buttons(hitos) if b["callback_data"].startswith("pa:fr:")]) == len(commitment.hitos) + 1
    reminder = converse(client, MEMBER, "como va eso")  # neither a number nor a choice: reminded
    assert "/cancelar" in plain(reminder) and "Las fuentes" not in plain(reminder)
    hito = sorted(commitment.hitos, key=lambda h: h.number)[-1]
    observation = converse(client, MEMBER, str(hito.number))
    assert f"hito {hito.number}" in plain(observation)
    asks_text = converse(client, MEMBER, "atrasado")
    assert "Cuéntanos" in plain(asks_text)
    asks_photo = converse(client, MEMBER, "La obra sigue detenida desde marzo (reporte sintético)")
    assert "foto" in plain(asks_photo)
    before = len(client.sent(MEMBER))
    client.send_photo(_jpeg(), user_id=MEMBER)
    asks_name = client.wait_for(lambda: next((m for m in client.sent(MEMBER)[before:]
                                              if "mostrar tu nombre" in plain(m)), None), what="the name question")
    assert asks_name
    confirm = converse(client, MEMBER, "no")  # "No, anónimo", typed
    assert "Confirma tu reporte" in plain(confirm) and "foto adjunta" in plain(confirm)
    sent = press(client, MEMBER, "Enviar")
    assert "RM-" in plain(sent)


def test_a_stranger_pressing_a_focal_point_button_is_told_it_is_not_for_them(live):
    client, _ = live
    menu = converse(client, STRANGER, "/start")
    query = client.press(STRANGER, data="pa:uh:c1h1", message_id=menu["message_id"], force=True)
    answer = client.wait_for_callback_answer(query["callback_query"]["id"])
    assert "No tienes permiso" in answer["text"] and "/actualizar" not in answer["text"]


def test_no_error_in_the_log(live):
    _client, log_path = live
    assert "Traceback" not in log_path.read_text()
