"""The input rules msgspec cannot express, on their own."""

from __future__ import annotations

import pytest

from inventory.service import checks
from unison_web import Invalid


def test_text_is_trimmed_and_keeps_every_printable_character() -> None:
    assert checks.text("  WO-4711 / Bohrung Ø12 ", "/reference", 100) == "WO-4711 / Bohrung Ø12"


@pytest.mark.parametrize("value", ["WO\t1", "WO\n1", "WO\x001", "WO\x1f1"])
def test_text_with_a_control_character_is_refused(value: str) -> None:
    with pytest.raises(Invalid, match="control characters"):
        checks.text(value, "/reference", 100)


def test_text_that_is_empty_or_too_long_is_refused() -> None:
    with pytest.raises(Invalid, match="must not be empty"):
        checks.text("   ", "/reference", 100)
    with pytest.raises(Invalid, match="at most 3 characters"):
        checks.text("ABCD", "/reference", 3)
