"""Long answers are split on paragraph boundaries within Telegram's limit; text is escaped."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from knowledge.answers import Answer
from participation.render import answer_html, esc, split_message
from tests.emulator import html_to_plain


def test_short_text_is_one_message():
    assert split_message("Hola\n\nmundo") == ["Hola\n\nmundo"]


def test_paragraphs_stay_whole_when_they_fit():
    paragraphs = [f"Párrafo {i}: " + "palabra " * 60 for i in range(40)]
    chunks = split_message("\n\n".join(paragraphs), limit=1000)
    assert len(chunks) > 1
    assert all(len(c) <= 1000 for c in chunks)
    for p in paragraphs:  # each paragraph appears intact in exactly one chunk
        assert sum(p.strip() in c for c in chunks) == 1


def test_a_giant_paragraph_is_cut_between_words_not_inside_entities():
    text = " ".join(["&amp;"] * 3000)
    chunks = split_message(text, limit=4096)
    assert all(len(c) <= 4096 for c in chunks)
    assert all(html_to_plain(c).replace("&", "").strip() == "" for c in chunks)
    assert sum(c.count("&amp;") for c in chunks) == 3000


@given(st.text(min_size=0, max_size=3000), st.integers(min_value=50, max_value=500))
def test_nothing_is_lost_and_no_chunk_is_too_long(text, limit):
    chunks = split_message(text, limit)
    assert all(0 < len(c) <= limit for c in chunks)
    assert "".join("".join(c.split()) for c in chunks) == "".join(text.split())


def test_escaped_answers_are_valid_telegram_html():
    answer = Answer("answer", "<b>x</b> & <script>alert(1)</script>\n\nfin < 3", "es", source="a&b")
    html = answer_html(answer)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert html_to_plain(html).startswith("<b>x</b> & <script>")
    assert esc("<i>") == "&lt;i&gt;"


def _tags_balance(html: str) -> bool:
    import re

    stack = []
    for closing, name in re.findall(r"<(/?)([a-z][a-z0-9-]*)[^>]*>", html):
        if not closing:
            stack.append(name)
        elif not stack or stack.pop() != name:
            return False
    return not stack


def test_a_long_html_answer_arrives_whole_in_several_valid_messages():
    # synthetic: 10,000+ characters of bold headings, long bold paragraphs, links and entities
    paragraphs = []
    for i in range(40):
        paragraphs.append(f"<b>Sección sintética {i} &amp; más</b>\n"
                          f"<b>{'negrita larga ' * 30}</b> <a href=\"https://example.org/a b\">enlace {i}</a> "
                          + "texto &lt;sintético&gt; " * 10)
    paragraphs[20] = "<i>Una cita sintética más larga que un mensaje: " + "palabra citada " * 400 + "</i>"
    text = "\n\n".join(paragraphs)
    assert len(text) > 10_000
    chunks = split_message(text)
    assert len(chunks) >= 3
    assert all(len(c) <= 4096 for c in chunks)
    assert all(_tags_balance(c) for c in chunks)  # no tag cut, none left open
    assert all(html_to_plain(c) for c in chunks)  # each parses as Telegram HTML on its own
    pieces = "".join(html_to_plain(c) for c in chunks)
    assert "".join(pieces.split()) == "".join(html_to_plain(text).split())  # nothing lost


def test_a_bold_paragraph_longer_than_a_message_is_closed_and_reopened_at_the_cut():
    text = "<b>" + "palabra " * 1500 + "</b>"
    chunks = split_message(text)
    assert len(chunks) >= 3
    assert all(c.startswith("<b>") and c.endswith("</b>") and len(c) <= 4096 for c in chunks)
