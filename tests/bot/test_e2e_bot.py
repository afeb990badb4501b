"""End to end: the real bot process (`hitobot run`) against the Bot API emulator, over HTTP.

One bot process serves the whole module (each test is a different person), with a database of
its own: SQLite, or PostgreSQL when HITOBOT_TEST_DATABASE_URL is set.  Expected texts come from
the knowledge base itself, never hard-coded.
"""

from __future__ import annotations

import time

import pytest

from knowledge.refs import commitment_ref, hito_ref, to_payload
from tests.bot.live import plain, running_bot
from tests.emulator import EmulatorClient

pytestmark = pytest.mark.e2e
TOKEN = "123456:E2E-synthetic-token"


@pytest.fixture(scope="module")
def knowledge():
    from knowledge.core import Knowledge
    from knowledge.loader import load_data_dir

    return Knowledge(load_data_dir())


@pytest.fixture(scope="module")
def live(tmp_path_factory, fresh_database_url):
    """(EmulatorClient, log path): the emulator in this process, the bot in another."""
    with running_bot(tmp_path_factory.mktemp("e2e"), fresh_database_url, TOKEN) as (client, _env, log_path):
        yield client, log_path



def buttons(message: dict) -> list[dict]:
    return [b for row in (message.get("reply_markup") or {}).get("inline_keyboard", []) for b in row]


def converse(client: EmulatorClient, user: int, text: str, language: str = "es") -> dict:
    before = len(client.sent(user))
    client.send_message(text, user_id=user, language_code=language)
    return client.wait_for_reply(user, before)


def test_start_shows_the_menu_and_the_command_menus_exist(live):
    client, _ = live
    reply = converse(client, 2001, "/start")
    assert "hitobot" in plain(reply)
    assert any(b.get("callback_data") == "v1:pl" for b in buttons(reply))
    menus = {c["language_code"]: [x["command"] for x in c["commands"]] for c in client.commands()}
    assert {"es", "en"} <= set(menus) and "compromisos" in menus["en"]


def test_deep_link_opens_the_hito(live, knowledge):
    client, _ = live
    hito = knowledge.hito(3, 2, "pan6")
    for payload in ("pan6-c3h2", "c3h2"):  # the link shared now, and one shared before refs named their plan
        reply = converse(client, 2002, f"/start {payload}")
        assert " ".join(hito.text.split())[:40] in " ".join(plain(reply).split())
        assert any("start%3Dpan6-c3h2" in b.get("url", "") for b in buttons(reply))


def test_navigation_by_buttons_down_to_a_hito(live, knowledge):
    client, _ = live
    user = 2003
    menu = converse(client, user, "/start")
    plan = next(p for p in knowledge.plans() if p.current)
    commitment = sorted(plan.commitments, key=lambda c: c.number)[0]
    hito = sorted(commitment.hitos, key=lambda h: h.number)[0]
    cref, href = commitment_ref(plan.key, commitment.number), hito_ref(plan.key, commitment.number, hito.number)
    steps = ["v1:pl", f"v1:p:{plan.key}:0", f"v1:c:{cref}:0", f"v1:h:{href}"]
    for expected_edits, data in enumerate(steps, start=1):
        client.press(user, data=data, message_id=menu["message_id"])
        screen = client.wait_for_edit(user, menu["message_id"], expected_edits)
    assert any(b.get("callback_data") == f"v1:c:{cref}:0" for b in buttons(screen))  # back
    assert any(f"start%3D{to_payload(href)}" in b.get("url", "") for b in buttons(screen))


def test_free_text_questions_get_the_cores_answer(live, knowledge):
    client, _ = live
    for question in ("quien es responsable del hito 2 del compromiso 3", "icefi q significa"):
        expected = knowledge.ask(question).text.split("\n")[0]
        reply = converse(client, 2004, question)
        assert expected.strip() in plain(reply)


def test_inline_query_lists_cards_with_deep_links(live):
    client, _ = live
    update = client.inline_query("datos abiertos", user_id=2005)
    answer = client.wait_for_inline_answer(update["inline_query"]["id"])
    assert 0 < len(answer["results"]) <= 50
    card = answer["results"][0]["input_message_content"]["message_text"]
    assert "?start=" in card


def test_idioma_switches_the_language_of_the_next_answer(live):
    client, _ = live
    user = 2006
    spanish = plain(converse(client, user, "/ayuda"))
    confirmation = converse(client, user, "/idioma en")
    assert "English" in plain(confirmation)
    english = plain(converse(client, user, "/ayuda"))
    assert english != spanish and "What I can do" in english


def test_a_429_and_a_5xx_from_the_api_do_not_lose_the_answer(live):
    client, _ = live
    counters = client.counters()
    client.fail_next("sendMessage", "429", count=1, retry_after=1)
    first = converse(client, 2007, "/ayuda")
    client.fail_next("sendMessage", "5xx", count=1, status=502)
    second = converse(client, 2007, "/ayuda")
    assert plain(first) == plain(second) != ""
    after = client.counters()
    assert after["faults:429"] - counters.get("faults:429", 0) == 1
    assert after["faults:5xx"] - counters.get("faults:5xx", 0) == 1


def test_buscar_pages_forward_and_back_in_place(live):
    client, _ = live
    user = 2009
    first = converse(client, user, "/buscar datos")
    pager = [b for b in buttons(first) if b.get("callback_data", "").startswith("v1:s:")]
    assert pager, "a common word should give more than one page"
    client.press(user, data=pager[-1]["callback_data"], message_id=first["message_id"])
    second = client.wait_for_edit(user, first["message_id"], 1)
    assert plain(second) != plain(first)
    back = [b for b in buttons(second) if b.get("callback_data", "").startswith("v1:s:0")]
    client.press(user, data=back[0]["callback_data"], message_id=first["message_id"])
    assert plain(client.wait_for_edit(user, first["message_id"], 2)) == plain(first)


def test_an_answer_is_delivered_after_the_bot_api_was_down_for_seconds(live):
    client, log_path = live
    user = 2010
    expected = plain(converse(client, user, "/ayuda"))
    before = len(client.sent(user))
    client.fail_for("sendMessage", seconds=4)  # longer than the rate limiter's retries
    started = time.monotonic()
    client.send_message("/ayuda", user_id=user)
    reply = client.wait_for_reply(user, before, timeout=40)
    assert time.monotonic() - started >= 3.5  # it really came after the outage...
    assert plain(reply) == expected  # ...and it is the answer itself
    time.sleep(1.5)
    assert len(client.sent(user)) == before + 1  # exactly once
    assert "queued in the outbox" in log_path.read_text()


def test_tampered_and_stale_buttons_get_a_polite_answer(live):
    client, _ = live
    user = 2008
    menu = converse(client, user, "/start")
    for data in ("v1:h:3:999", "v1:h:drop:table", "not-ours-at-all"):
        query = client.press(user, data=data, message_id=menu["message_id"], force=True)
        answer = client.wait_for_callback_answer(query["callback_query"]["id"])
        assert answer.get("show_alert") and answer.get("text")
    assert plain(converse(client, user, "/ayuda"))  # still serving


def test_the_whole_module_was_quick(live):
    client, log_path = live
    assert "Traceback" not in log_path.read_text() or "synthetic" in log_path.read_text()
    assert client.counters().get("errors:400", 0) == 0  # Telegram would have accepted every call
