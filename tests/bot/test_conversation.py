"""Offline conversations with the whole Application (synthetic knowledge base, local transport)."""

from __future__ import annotations

import json

from tests.emulator import html_to_plain


def buttons(params: dict) -> list[dict]:
    markup = params.get("reply_markup") or {}
    if isinstance(markup, str):
        markup = json.loads(markup)
    return [b for row in markup.get("inline_keyboard", []) for b in row]


def last(bot, endpoint: str = "sendMessage") -> dict:
    return bot.request.of(endpoint)[-1]


async def test_start_shows_the_menu_with_buttons_and_escapes_the_name(offline_bot):
    await offline_bot.say("/start")
    sent = last(offline_bot)
    assert "&lt;1001&gt;" in sent["text"]  # the person's name is escaped
    assert any(b.get("callback_data") == "v1:pl" for b in buttons(sent))


async def test_deep_link_opens_the_hito(offline_bot):
    await offline_bot.say("/start pan9-c2h3")
    sent = last(offline_bot)
    assert "Hito sintético 2.3" in sent["text"]
    assert any("start%3Dpan9-c2h3" in b.get("url", "") for b in buttons(sent))  # the share button


async def test_an_old_deep_link_without_the_plan_opens_the_same_hito(offline_bot):
    await offline_bot.say("/start c2h3")
    sent = last(offline_bot)
    assert "Hito sintético 2.3" in sent["text"]
    assert any("start%3Dpan9-c2h3" in b.get("url", "") for b in buttons(sent))  # shared with its plan now


async def test_navigation_down_to_a_hito_and_back(offline_bot):
    await offline_bot.press("v1:pl")
    assert "Plan sintético" in last(offline_bot, "editMessageText")["text"]
    await offline_bot.press("v1:p:pan9:0")
    commitments = buttons(last(offline_bot, "editMessageText"))
    assert [b["callback_data"] for b in commitments[:3]] == ["v1:c:pan9.c1:0", "v1:c:pan9.c2:0", "v1:c:pan9.c3:0"]
    await offline_bot.press("v1:c:pan9.c2:0")
    screen = last(offline_bot, "editMessageText")
    assert "&lt;de prueba&gt; &amp; más" in screen["text"]
    assert {"v1:h:pan9.c2h1", "v1:g:pan9.c2", "v1:p:pan9:0"} <= {b.get("callback_data") for b in buttons(screen)}
    await offline_bot.press("v1:h:pan9.c2h1")
    assert "Hito sintético 2.1" in last(offline_bot, "editMessageText")["text"]


async def test_buttons_sent_before_plans_were_named_still_open_their_screens(offline_bot):
    await offline_bot.press("v1:c:2:0")  # as the bot wrote them until refs named their plan
    assert "&lt;de prueba&gt; &amp; más" in last(offline_bot, "editMessageText")["text"]
    await offline_bot.press("v1:h:2:1")
    assert "Hito sintético 2.1" in last(offline_bot, "editMessageText")["text"]
    await offline_bot.press("v1:g:2")
    assert "Tema sintético 2" in last(offline_bot, "sendPhoto")["caption"]


async def test_tampered_and_stale_buttons_get_a_polite_answer(offline_bot):
    await offline_bot.press("v1:h:2:'; drop table")
    await offline_bot.press("v1:h:2:99")  # well formed but no such hito
    await offline_bot.press("something else entirely")
    answers = offline_bot.request.of("answerCallbackQuery")
    assert len(answers) == 3
    assert all(a.get("show_alert") and a.get("text") for a in answers)
    assert not offline_bot.request.of("sendMessage")  # no crash apology


async def test_free_text_choices_become_buttons_and_no_answer_suggests(offline_bot):
    await offline_bot.say("cual hito")
    assert [b["callback_data"] for b in buttons(last(offline_bot))] == ["v1:r:pan9.c1h2", "v1:r:pan9.c2h1"]
    await offline_bot.say("nada de esto")
    sent = last(offline_bot)
    assert "no dicen" in sent["text"] and buttons(sent)[0]["callback_data"] == "v1:r:pan9.c1"


async def test_user_text_is_escaped_in_answers(offline_bot):
    await offline_bot.say("<b>hola</b> & <script>")
    text = last(offline_bot)["text"]
    assert "&lt;script&gt;" in text
    html_to_plain(text)  # Telegram would accept it


async def test_language_switch_changes_the_next_answer(offline_bot):
    await offline_bot.say("/ayuda")
    spanish = last(offline_bot)["text"]
    await offline_bot.say("/idioma en")
    assert "English" in last(offline_bot)["text"]
    await offline_bot.say("/ayuda")
    english = last(offline_bot)["text"]
    assert english != spanish and "What I can do" in english
    await offline_bot.say("pregunta")
    assert offline_bot.knowledge.questions[-1][1] == "en"  # the core is asked in English


async def test_an_exception_gets_a_kind_reply_and_the_bot_keeps_going(offline_bot):
    await offline_bot.say("boom")
    assert "algo falló" in last(offline_bot)["text"]
    await offline_bot.say("hola")
    assert "Eco: hola" in last(offline_bot)["text"]


async def test_progress_chart_is_a_png_with_the_same_facts_in_words(offline_bot):
    await offline_bot.say("/avance 1")
    photo = last(offline_bot, "sendPhoto")
    caption = photo["caption"]
    assert all(f"Hito {n}" in caption for n in range(1, 5))
    assert "Avance general" in caption
    html_to_plain(caption)


async def test_inline_query_pages_of_fifty(offline_bot):
    await offline_bot.inline("sintetico")
    first = last(offline_bot, "answerInlineQuery")
    assert len(first["results"]) == 50 and first["next_offset"] == "50"
    await offline_bot.inline("sintetico", offset="100")
    final = last(offline_bot, "answerInlineQuery")
    assert len(final["results"]) == 20 and not final.get("next_offset")
    card = final["results"][0]["input_message_content"]["message_text"]
    assert "?start=pan9-c" in card


def _pager(sent: dict) -> dict[str, str]:
    return {b["text"]: b["callback_data"] for b in buttons(sent) if b["callback_data"].startswith("v1:s:")}


async def test_buscar_pages_through_the_results_in_place(offline_bot):
    await offline_bot.say("/buscar ciudadanía")
    first = last(offline_bot)
    assert "1. <b>" in first["text"] and "11. <b>" not in first["text"]
    pager = _pager(first)
    assert list(pager) == ["Siguiente ▶️"]  # no "previous" on the first page
    await offline_bot.press(pager["Siguiente ▶️"])
    second = last(offline_bot, "editMessageText")
    assert "11. <b>" in second["text"] and "ciudadanía" in second["text"]
    assert set(_pager(second)) == {"◀️ Anterior", "Siguiente ▶️"}
    await offline_bot.press(_pager(second)["◀️ Anterior"])
    assert last(offline_bot, "editMessageText")["text"] == first["text"]


async def test_buscar_last_page_has_no_next_button(offline_bot):
    from handlers.flood import FLOOD_KEY, FloodControl

    offline_bot.app.bot_data[FLOOD_KEY] = FloodControl(burst=100)  # a dozen presses in a row
    await offline_bot.say("/buscar x")
    data = _pager(last(offline_bot))["Siguiente ▶️"]
    pages = 0
    while data is not None and pages < 30:
        await offline_bot.press(data)
        pages += 1
        data = _pager(last(offline_bot, "editMessageText")).get("Siguiente ▶️")
    total = len(offline_bot.knowledge.search("x", limit=10_000))
    assert pages == -(-total // 10) - 1  # every page was reachable, and then it stopped


async def test_buscar_with_long_words_pages_from_the_last_search(offline_bot):
    words = "transparencia presupuestaria municipal " * 2
    await offline_bot.say(f"/buscar {words}")
    data = _pager(last(offline_bot))["Siguiente ▶️"]
    assert words.strip() not in data  # did not fit in the button
    await offline_bot.press(data)
    assert "11. <b>" in last(offline_bot, "editMessageText")["text"]
