"""Every update type python-telegram-bot knows, carrying Unicode digits, through every handler:
nothing raises, and channel posts are ignored (no reply, no apology posted to the channel).

Unicode digits: "²" (category No: str.isdigit() is true, int() fails), "٣" (Nd: int() works),
"Ⅻ" (Nl), mixed with ASCII digits, after every command the bot registers.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from telegram import Update
from telegram.ext import CommandHandler, ConversationHandler

from tests.robustness.conftest import OfflineBot
from tests.robustness.updates import update_of

KINDS = [str(kind) for kind in Update.ALL_TYPES]
DIGITS = st.text(st.characters(categories=("Nd", "No", "Nl")), min_size=1, max_size=6) | \
    st.sampled_from(["²", "٣", "Ⅻ", "¹²", "3²", "c3h²", "c²", "-²", "¾", "𝟗", "០"])
EXAMPLES = settings(max_examples=300, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def registered_commands(application) -> list[str]:
    names: set[str] = set()

    def walk(handler) -> None:
        if isinstance(handler, CommandHandler):
            names.update(handler.commands)
        elif isinstance(handler, ConversationHandler):
            for inner in (*handler.entry_points, *handler.fallbacks,
                          *(h for hs in handler.states.values() for h in hs)):
                walk(inner)

    for handlers in application.handlers.values():
        for handler in handlers:
            walk(handler)
    return sorted(names)


def test_the_synthetic_updates_cover_every_type_ptb_knows():
    for kind in KINDS:
        update = Update.de_json({"update_id": 1, **update_of(kind, "/avance ²", 5)}, None)
        assert getattr(update, kind) is not None, kind


@pytest.mark.slow
@EXAMPLES
@given(kind=st.sampled_from(KINDS), digits=DIGITS, command=st.integers(0, 10_000),
       with_command=st.booleans())
async def test_every_update_type_with_unicode_digits(offline_bot: OfflineBot, kind: str, digits: str,
                                                     command: int, with_command: bool):
    commands = registered_commands(offline_bot.app)
    text = f"/{commands[command % len(commands)]} {digits}" if with_command else digits
    offline_bot.errors.clear()
    offline_bot.take_calls()
    await offline_bot.feed(update_of(kind, text, next(offline_bot.users), offline_bot.next_id()))
    calls = offline_bot.take_calls()
    assert offline_bot.errors == [], f"{kind} {text!r}: {offline_bot.errors!r}"
    if kind in ("channel_post", "edited_channel_post"):
        assert calls == [], f"a channel post was answered: {calls}"


@pytest.mark.parametrize("command", ["/avance ²", "/avance c²", "/avance ٣", "/suscripciones ²",
                                     "/admin ²", "/enlace ² SESAN", "/start ²", "/buscar ²"])
async def test_commands_with_unicode_digits(offline_bot: OfflineBot, command: str):
    await offline_bot.feed(update_of("message", command, next(offline_bot.users), offline_bot.next_id()))
    assert offline_bot.errors == []
    assert offline_bot.take_calls(), "no answer"


async def test_channel_posts_are_ignored(offline_bot: OfflineBot):
    for kind in ("channel_post", "edited_channel_post"):
        for text in ("hola", "/start", "/avance ²", "quien es responsable del hito 2"):
            await offline_bot.feed(update_of(kind, text, 1, offline_bot.next_id()))
    assert offline_bot.errors == [] and offline_bot.take_calls() == []


async def _inline_with_offset(offline_bot: OfflineBot, offset: str) -> None:
    payload = update_of("inline_query", "hito", next(offline_bot.users), offline_bot.next_id())
    payload["inline_query"]["offset"] = offset
    await offline_bot.feed(payload)
    assert offline_bot.errors == []


@pytest.mark.parametrize("offset", ["٣", "Ⅻ", "50", "", "-1", "x"])
async def test_inline_query_offsets(offline_bot: OfflineBot, offset: str):
    await _inline_with_offset(offline_bot, offset)


@pytest.mark.parametrize("offset", ["²", "5²"])  # str.isdigit() is true for '²', int() is not
async def test_inline_query_offsets_with_superscript_digits(offline_bot: OfflineBot, offset: str):
    await _inline_with_offset(offline_bot, offset)
