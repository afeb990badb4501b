"""Dates and source references are immutable values: equal ones share one object (memory)."""

from __future__ import annotations

import copy

import pytest
from pydantic import ValidationError

from knowledge.schema import Hito, PartialDate, Source

SRC = {"document": "999_0000000000000000.txt", "section": "synthetic"}


def test_equal_dates_are_one_object_and_cannot_change() -> None:
    assert PartialDate.parse("2025-06") is PartialDate.parse(" 2025-06")
    assert PartialDate.parse(2020) is PartialDate.parse("2020")
    assert PartialDate.parse("2025-06") != PartialDate.parse("2025-06-30")
    with pytest.raises(ValidationError):
        PartialDate.parse("2025-06").year = 2024
    with pytest.raises(ValueError):
        PartialDate.parse("2025-13")


def test_a_deep_copy_of_a_record_shares_its_values_but_not_its_lists() -> None:
    hito = Hito.model_validate({"number": 1, "text": "t", "start": "2024-01", "end": "2025-06",
                                "responsible": ["~a"], "source": SRC})
    clone = hito.model_copy(deep=True)
    assert clone == hito
    assert clone.start is hito.start and clone.source is hito.source
    clone.responsible.append("~b")
    assert hito.responsible == ["~a"]
    assert copy.deepcopy(hito).source is hito.source


def test_a_values_own_copy_with_changes_leaves_the_original_alone() -> None:
    source = Source(**SRC)
    changed = source.model_copy(deep=True, update={"section": "other"})
    assert (source.section, changed.section) == ("synthetic", "other")
    with pytest.raises(ValidationError):
        source.section = "x"
    assert hash(source) == hash(Source(**SRC))
