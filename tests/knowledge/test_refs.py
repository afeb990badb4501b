"""Refs name the plan of every commitment, hito and activity; the old form without it still reads."""

from __future__ import annotations

import pytest

from knowledge.refs import (
    SHIPPED_PLANS,
    activity_ref,
    canonical,
    commitment_of,
    commitment_ref,
    from_payload,
    hito_ref,
    parse_ref,
    qualify,
    to_payload,
    within,
)


def test_a_record_ref_names_its_plan_and_fits_a_deep_link():
    ref = hito_ref("pan6", 3, 2)
    assert ref == "pan6.c3h2" and to_payload(ref) == "pan6-c3h2"
    assert from_payload(to_payload(ref)) == parse_ref(ref)
    assert str(parse_ref(activity_ref("pan4", 10, 1, 2))) == "pan4.c10h1a2"
    assert commitment_of("pan4.c10h1a2") == commitment_ref("pan4", 10) == "pan4.c10"


@pytest.mark.parametrize(("old", "new"), [("c3", "pan6.c3"), ("c3h2", "pan6.c3h2"), ("c10h1a2", "pan4.c10h1a2"),
                                          ("pan6.c3", "pan6.c3"), ("i:sesan", "i:sesan"), ("c77", "c77")])
def test_an_old_ref_gets_the_plan_that_numbered_it_then(old, new):
    assert canonical(old) == new
    assert from_payload(old) == parse_ref(old)  # an old deep link's payload reads as the old ref


def test_an_old_ref_of_another_numbering_gets_the_plan_asked_for():
    assert str(qualify("c20h1", {20: "pan8"}.get)) == "pan8.c20h1"
    assert canonical("not a ref") is None


def test_within_follows_the_tree_not_the_spelling():
    assert within("pan7.c1h2", "pan7.c1") and within("pan7.c1", "pan7.c1")
    assert not within("pan7.c10h2", "pan7.c1")  # "pan7.c1" is a prefix of it, not its commitment
    assert not within("pan6.c1h2", "pan7.c1")
    assert not within("i:sesan", "pan7.c1")


def test_the_shipped_numbering_is_what_the_shipped_plans_say(shipped_data):
    old_plans = set(SHIPPED_PLANS.values())  # the plans shipped while refs had no plan
    numbered = [(c.number, p.key) for p in shipped_data.plans if p.key in old_plans for c in p.commitments]
    assert sorted(SHIPPED_PLANS.items()) == sorted(numbered)  # each number once: what an old ref meant
