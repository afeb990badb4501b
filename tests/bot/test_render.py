"""Long answers are split on paragraph boundaries within Telegram's limit; text is escaped."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from handlers.render import answer_html, esc, split_message
from knowledge.answers import Answer
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
