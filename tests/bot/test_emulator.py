"""The Bot API emulator answers python-telegram-bot 22 as Telegram would (over real HTTP)."""

from __future__ import annotations

import asyncio
import io

import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeDefault,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
)
from telegram.error import BadRequest, NetworkError, RetryAfter
from telegram.request import HTTPXRequest

TOKEN = "123456:TEST-token"


def make_bot(emulator) -> Bot:
    return Bot(TOKEN, base_url=emulator.base_url, base_file_url=emulator.base_file_url,
               request=HTTPXRequest(), get_updates_request=HTTPXRequest())


async def test_get_me_describes_an_inline_capable_bot(emulator):
    async with make_bot(emulator) as bot:
        me = await bot.get_me()
    assert me.is_bot and me.supports_inline_queries and me.username


async def test_a_person_message_arrives_through_long_polling(emulator, emu):
    async with make_bot(emulator) as bot:
        assert await bot.get_updates(timeout=0) == ()
        poll = asyncio.create_task(bot.get_updates(timeout=5))
        await asyncio.sleep(0.1)
        await asyncio.to_thread(emu.send_message, "/start c3", 42, "es")
        (update,) = await poll
        assert update.message.text == "/start c3"
        assert update.message.entities[0].type == "bot_command"
        assert update.effective_user.language_code == "es"
        # confirming the offset empties the queue
        assert await bot.get_updates(offset=update.update_id + 1, timeout=0) == ()


async def test_sent_message_keeps_its_keyboard_and_can_be_pressed_and_edited(emulator, emu):
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Compromiso 3", callback_data="v1:c:3")]])
    async with make_bot(emulator) as bot:
        sent = await bot.send_message(42, "<b>Hola</b> &amp; bienvenida", parse_mode="HTML",
                                      reply_markup=markup)
        assert sent.text == "Hola & bienvenida"
        await asyncio.to_thread(emu.press, 42, "Compromiso 3")
        (update,) = await bot.get_updates(timeout=1)
        query = update.callback_query
        assert query.data == "v1:c:3" and query.chat_instance and query.message.message_id == sent.message_id
        assert await bot.answer_callback_query(query.id, text="ok")
        with pytest.raises(BadRequest):  # a query is answered once
            await bot.answer_callback_query(query.id)
        edited = await bot.edit_message_text("Nuevo", chat_id=42, message_id=sent.message_id)
        assert edited.text == "Nuevo" and edited.edit_date is not None
        with pytest.raises(BadRequest, match="not modified"):
            await bot.edit_message_text("Nuevo", chat_id=42, message_id=sent.message_id)
    (record,) = emu.sent(42)
    assert record["text"] == "Nuevo" and record["_emu"]["edits"] == 1


async def test_bad_html_and_long_text_and_long_callback_data_are_refused(emulator):
    async with make_bot(emulator) as bot:
        with pytest.raises(BadRequest, match="parse entities"):
            await bot.send_message(1, "a <script>x</script>", parse_mode="HTML")
        with pytest.raises(BadRequest, match="too long"):
            await bot.send_message(1, "x" * 4097)
        markup = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="y" * 65)]])
        with pytest.raises(BadRequest):
            await bot.send_message(1, "hola", reply_markup=markup)


async def test_photo_upload_is_stored_and_downloadable(emulator, emu):
    png = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + (640).to_bytes(4, "big") + (480).to_bytes(4, "big") + b"rest"
    async with make_bot(emulator) as bot:
        msg = await bot.send_photo(7, io.BytesIO(png), caption="Avance")
        assert msg.photo[-1].width == 640 and msg.caption == "Avance"
        tg_file = await bot.get_file(msg.photo[-1].file_id)
        assert bytes(await tg_file.download_as_bytearray()) == png
        doc = await bot.send_document(7, io.BytesIO(b"a,b\n1,2\n"), filename="datos.csv")
        assert doc.document.file_name == "datos.csv"
    kinds = [m["_emu"]["method"] for m in emu.sent(7)]
    assert kinds == ["sendPhoto", "sendDocument"]


async def test_faults_429_and_5xx_then_recovery(emulator, emu):
    emu.fail_next("sendMessage", "429", count=1, retry_after=3)
    emu.fail_next("sendMessage", "5xx", count=1)
    async with make_bot(emulator) as bot:
        with pytest.raises(RetryAfter) as err:
            await bot.send_message(5, "uno")
        assert "Retry in 3 seconds" in str(err.value)
        with pytest.raises(NetworkError):
            await bot.send_message(5, "dos")
        await bot.send_message(5, "tres")
    assert [m["text"] for m in emu.sent(5)] == ["tres"]
    assert emu.counters()["faults:429"] == 1


async def test_allowed_rate_answers_429_above_it(emulator, emu):
    emu.set_rate(5)
    async with make_bot(emulator) as bot:
        results = await asyncio.gather(*(bot.send_message(9, f"m{i}") for i in range(8)),
                                       return_exceptions=True)
    assert sum(isinstance(r, RetryAfter) for r in results) == 3
    assert emu.counters()["rate_limited"] == 3


async def test_commands_menu_per_language(emulator, emu):
    async with make_bot(emulator) as bot:
        await bot.set_my_commands([BotCommand("ayuda", "Ayuda")], scope=BotCommandScopeDefault())
        await bot.set_my_commands([BotCommand("ayuda", "Help")], language_code="en")
        assert (await bot.get_my_commands(language_code="en"))[0].description == "Help"
        assert (await bot.get_my_commands())[0].description == "Ayuda"
    assert {c["language_code"] for c in emu.commands()} == {"", "en"}


async def test_inline_query_answer_is_recorded(emulator, emu):
    from telegram import InlineQueryResultArticle, InputTextMessageContent

    async with make_bot(emulator) as bot:
        await asyncio.to_thread(emu.inline_query, "datos abiertos")
        (update,) = await bot.get_updates(timeout=1)
        results = [InlineQueryResultArticle(str(i), f"R{i}", InputTextMessageContent("x")) for i in range(3)]
        await update.inline_query.answer(results, next_offset="3")
    (answer,) = emu.inline_answers(update.inline_query.id)
    assert answer["next_offset"] == "3" and len(answer["results"]) == 3


def test_runs_as_a_subprocess():
    import subprocess
    import sys

    from tests.bot.conftest import ROOT  # noqa: F401  (the repo root is on sys.path)
    proc = subprocess.Popen([sys.executable, "-m", "tests.emulator", "--port", "0"], cwd=str(ROOT),
                            stdout=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        assert "listening on http://127.0.0.1:" in line
        import httpx

        url = line.rsplit(" ", 1)[1].strip()
        assert httpx.get(f"{url}{TOKEN}/getMe").json()["ok"] is True
    finally:
        proc.terminate()
        proc.wait(5)
