"""Whatever people type, press or paste, the bot answers without an unhandled exception, and
every reply is valid Telegram HTML of at most 4,096 characters (1,024 for a caption).

Inputs (hypothesis, synthetic): unicode of every category except lone surrogates (which
Telegram cannot carry), right-to-left text and direction marks, emoji with joiners and skin
tones, 10,000-character messages, HTML- and SQL-looking strings, random /start payloads,
/buscar queries, tampered callback data and inline queries.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.robustness.conftest import OfflineBot, reply_problems, telegram_html_problems

ANY_CHAR = st.characters(blacklist_categories=("Cs",))
RTL = ["مرحبا بالعالم", "שלום עולם", "\u202eevil\u202c", "\u200fالتزام 3\u200e", "سلام c3h2 دنیا"]
EMOJI = ["🇬🇹", "👩🏽‍💻", "🏳️‍🌈", "👨‍👩‍👧‍👦", "❤️‍🔥", "\U0001f600" * 50, "🙂\ufe0f\u200d"]
HOSTILE = [
    "<b>negrita</b>", "</i>", "<a href='javascript:alert(1)'>x</a>", "<script>alert(1)</script>",
    "&amp; &lt; &#0; &bogus;", "<<>>", "<tg-spoiler>", "'; DROP TABLE hitos; --", "' OR 1=1 --",
    "%s %d {0} {name}", "\\x00\\n", "\x00", "c3h2", "c99h99", "p-1", "i:", "\u00a0\u2028\u2029",
    "\u0301\u0301\u0301a", "Z̵̡̢a̶l̸g̷o̵", "ﷺ" * 40, "\t\n\r ",
]
PIECES = st.sampled_from(RTL + EMOJI + HOSTILE) | st.text(ANY_CHAR, max_size=40)
TEXTS = st.one_of(
    st.text(ANY_CHAR, min_size=1, max_size=300),
    st.lists(PIECES, min_size=1, max_size=12).map(" ".join),
    st.builds(lambda piece, n: (piece * n)[:10_000], PIECES.filter(bool), st.integers(1, 10_000)),
    st.just("á" * 10_000), st.just("🇬🇹" * 5_000),
)
COMMANDS = st.sampled_from(["/start", "/buscar", "/compromisos", "/avance", "/siglas", "/catalogo",
                            "/idioma", "/ayuda", "/cancelar", "/plan", "/search", "/nosuch",
                            "/start@hitobot_test_bot", "/START"])
LANGUAGES = st.sampled_from(["es", "en", None, "ar", "he", "pt-br", "zz"])
EXAMPLES = settings(max_examples=150, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def person(user_id: int, language_code: str | None) -> dict:
    user = {"id": user_id, "is_bot": False, "first_name": "Persona <sintética> & cía"}
    if language_code:
        user["language_code"] = language_code
    return user


def text_message(bot: OfflineBot, text: str, language_code: str | None) -> dict:
    user_id = next(bot.users)
    message = {"message_id": bot.next_id(), "date": 1_700_000_000, "text": text,
               "from": person(user_id, language_code), "chat": {"id": user_id, "type": "private"}}
    if text.startswith("/"):
        command = text.split(maxsplit=1)[0] if text.strip() else text
        message["entities"] = [{"type": "bot_command", "offset": 0,
                                "length": len(command.encode("utf-16-le")) // 2}]
    return {"message": message}


async def assert_robust(bot: OfflineBot, payload: dict, answered_by: set[str] | None = None) -> None:
    """No unhandled exception, valid replies, and (when given) an answer by one of `answered_by`."""
    await bot.feed(payload)
    calls = bot.take_calls()
    assert bot.errors == [], f"unhandled: {bot.errors!r} for {str(payload)[:300]}"
    problems = reply_problems(calls)
    assert problems == [], f"{problems[:5]} for {str(payload)[:300]}"
    if answered_by:
        assert answered_by & {method for method, _ in calls}, f"no answer to {str(payload)[:300]}"


SPOKEN = {"sendMessage", "sendPhoto", "sendDocument", "editMessageText"}


@pytest.mark.slow
@EXAMPLES
@given(text=TEXTS, language=LANGUAGES)
async def test_free_text(offline_bot: OfflineBot, text: str, language: str | None):
    await assert_robust(offline_bot, text_message(offline_bot, text, language), SPOKEN)


@pytest.mark.slow
@EXAMPLES
@given(command=COMMANDS, argument=st.one_of(st.just(""), TEXTS), language=LANGUAGES)
async def test_commands_with_any_argument(offline_bot: OfflineBot, command: str, argument: str,
                                          language: str | None):
    await assert_robust(offline_bot, text_message(offline_bot, f"{command} {argument}".rstrip(), language))


@pytest.mark.slow
@EXAMPLES
@given(payload=st.one_of(st.text(ANY_CHAR, max_size=64),
                         st.text(st.characters(min_codepoint=33, max_codepoint=126), max_size=64)),
       language=LANGUAGES)
async def test_start_deep_link_payloads(offline_bot: OfflineBot, payload: str, language: str | None):
    await assert_robust(offline_bot, text_message(offline_bot, f"/start {payload}".rstrip(), language),
                        SPOKEN)


def _fits_64_bytes(data: str) -> bool:
    return 1 <= len(data.encode()) <= 64


CALLBACK_DATA = st.one_of(
    st.text(ANY_CHAR, min_size=1, max_size=64),
    st.builds(lambda prefix, rest: prefix + rest,
              st.sampled_from(["v1:", "v1:h:", "v1:c:", "v1:p:", "v1:g:", "v1:pl", "pa:", "pa:s:", "v0:"]),
              st.text(st.characters(min_codepoint=32, max_codepoint=0x2FFF), max_size=40)),
).filter(_fits_64_bytes)


@pytest.mark.slow
@EXAMPLES
@given(data=CALLBACK_DATA, language=LANGUAGES, message_text=TEXTS)
async def test_tampered_button_presses(offline_bot: OfflineBot, data: str, language: str | None,
                                       message_text: str):
    user_id = next(offline_bot.users)
    message = {"message_id": 1, "date": 1_700_000_000, "text": message_text[:4096],
               "chat": {"id": user_id, "type": "private"}}
    await assert_robust(offline_bot, {"callback_query": {
        "id": f"cq{offline_bot.next_id()}", "data": data, "chat_instance": "synthetic",
        "from": person(user_id, language), "message": message}}, {"answerCallbackQuery"})


@pytest.mark.slow
@EXAMPLES
@given(query=st.one_of(TEXTS.map(lambda t: t[:256]), st.sampled_from(RTL + EMOJI + HOSTILE)),
       offset=st.one_of(st.just(""), st.text(ANY_CHAR, max_size=12), st.integers(-5, 10**6).map(str)),
       language=LANGUAGES)
async def test_inline_queries(offline_bot: OfflineBot, query: str, offset: str, language: str | None):
    await assert_robust(offline_bot, {"inline_query": {
        "id": f"iq{offline_bot.next_id()}", "query": query, "offset": offset,
        "from": person(next(offline_bot.users), language)}}, {"answerInlineQuery"})


@pytest.mark.slow
@EXAMPLES
@given(caption=TEXTS.map(lambda t: t[:1024]), language=LANGUAGES)
async def test_photos_with_captions(offline_bot: OfflineBot, caption: str, language: str | None):
    user_id = next(offline_bot.users)
    await assert_robust(offline_bot, {"message": {
        "message_id": offline_bot.next_id(), "date": 1_700_000_000, "caption": caption,
        "photo": [{"file_id": "P1", "file_unique_id": "P1", "width": 10, "height": 10}],
        "from": person(user_id, language), "chat": {"id": user_id, "type": "private"}}})


@pytest.mark.parametrize("text, expected_problem", [
    ("<b>a</i>", "closes"), ("<div>a</div>", "not allowed"), ("a < b", "unescaped"),
    ("a & b", "unescaped"), ("<b>a", "unclosed"), ("&nbsp;", "entity"), ("x" * 4097, "> 4096"),
    ("<a>x</a>", "without href"), ("<b class='x'>a</b>", "attributes"),
])
def test_the_html_check_catches_what_telegram_rejects(text: str, expected_problem: str):
    assert any(expected_problem in p for p in telegram_html_problems(text, 4096))


def test_the_html_check_accepts_what_telegram_accepts():
    ok = '<b>Compromiso 3</b> &lt;de prueba&gt; &amp; <a href="https://t.me/x?start=c3">más</a> 🇬🇹'
    assert telegram_html_problems(ok, 4096) == []
