"""Button data is short, versioned and validated: a tampered or stale button never crashes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import handlers.callback_data as cb
from handlers.callback_data import parse_callback


def test_every_button_kind_round_trips():
    press = parse_callback(cb.hito("pan6.c3h2"))
    assert (press.action, press.plan_key, press.commitment, press.hito, press.ref) == ("hito", "pan6", 3, 2, "pan6.c3h2")
    assert parse_callback(cb.plan("pan6", 2)).plan_key == "pan6"
    assert parse_callback(cb.plan("pan6", 2)).page == 2
    press = parse_callback(cb.commitment("pan4.c10", 1))
    assert (press.ref, press.commitment, press.page) == ("pan4.c10", 10, 1)
    assert parse_callback(cb.chart("pan6.c4")).action == "chart"
    assert parse_callback(cb.chart("pan6.c4")).ref == "pan6.c4"
    assert parse_callback(cb.ref("i:sesan")).ref == "i:sesan"
    assert parse_callback(cb.ref("cat")).ref == "cat"
    assert parse_callback(cb.language("en")).locale == "en"
    assert parse_callback(cb.menu()).action == "menu"


def test_search_pages_carry_the_words_when_they_fit():
    press = parse_callback(cb.search(3, "datos abiertos: salud"))
    assert (press.action, press.page, press.words) == ("search", 3, "datos abiertos: salud")
    long_words = "transparencia " * 10
    data = cb.search(1, long_words)
    assert len(data.encode()) <= 64
    assert parse_callback(data).words == ""  # taken from the person's last search instead
    assert len(cb.search(2, "ñandú " * 12).encode()) <= 64  # bytes, not characters, count


def test_buttons_fit_in_telegrams_64_bytes():
    longest_ref = "pan12.c999h999a999"
    for data in (cb.hito("pan99.c999h999"), cb.plan("pan99", 999), cb.ref(longest_ref),
                 cb.commitment("pan99.c999", 999), cb.chart("pan99.c999")):
        assert len(data.encode()) <= 64


def test_tampered_or_stale_data_is_rejected():
    for data in ["", "h:3:2", "v0:h:3:2", "v2:h:3:2", "v1:h:3", "v1:h:3:2:1", "v1:h:x:2",
                 "v1:h:-1:2", "v1:h:0:2", "v1:h:3:1000", "v1:p:drop table:0", "v1:l:fr",
                 "v1:r:<script>", "v1:zz", "v1:m:extra", "v1:s", "v1:s:x:datos", "v1:s:-1", "v1:" + "9" * 70, None, 42, b"v1:m",
                 "v1:h:pan6.c3", "v1:h:c3h2", "v1:c:pan6.c3h2:0", "v1:c:c3:0", "v1:g:pan6.c3h2", "v1:h:pan6.c0h2",
                 "v1:c:pan6.c3", "v1:h:pan6.c3h2:1"]:
        assert parse_callback(data) is None, data
    for not_qualified in ("c3h2", "pan6.c3"):
        with pytest.raises(ValueError):
            cb.hito(not_qualified)


def test_buttons_sent_before_plans_were_named_still_parse():
    """v1:c:3:0, v1:h:3:2 and v1:g:3 are in people's chats: they name commitment 3 without a plan."""
    old = {data: parse_callback(data) for data in ("v1:c:3:0", "v1:h:3:2", "v1:g:3")}
    assert [(p.action, p.plan_key, p.ref) for p in old.values()] == [
        ("commitment", None, "c3"), ("hito", None, "c3h2"), ("chart", None, "c3")]


@given(st.text(max_size=80))
def test_parser_never_raises(data):
    parse_callback(data)


def test_catalogue_buttons_round_trip_and_fit():
    assert parse_callback(cb.catalogue()).action == "catalogue"
    assert parse_callback(cb.catalogue("a")).group == "a"
    press = parse_callback(cb.catalogue("i", page=2))
    assert (press.group, press.key, press.page) == ("i", None, 2)
    press = parse_callback(cb.catalogue("i", "0bf2cf5a", 3))
    assert (press.group, press.key, press.page) == ("i", "0bf2cf5a", 3)
    assert parse_callback(cb.catalogue("o", 16, 1)).key == "16"
    assert parse_callback(cb.catalogue("e", cb.sphere_code("ambiental"), 0)).key == "amb"
    assert len(cb.catalogue("i", "ffffffff", 999).encode()) <= 64
    for data in ("v1:k:o:18:0", "v1:k:o:04:0", "v1:k:o:0:0", "v1:k:i:XYZ:0", "v1:k:i:0bf2cf5a\n:0",
                 "v1:k:e:mar:0", "v1:k:a:1", "v1:k:z:0", "v1:k:i", "v1:k:i:0bf2cf5a:0:1"):
        assert parse_callback(data) is None, data
