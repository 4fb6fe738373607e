"""``wait``'s conditions and ``--interval`` as podman parses them."""

from __future__ import annotations

import pytest

from hutch.api.errors import InvalidArgument
from hutch.engine import waiting


def test_conditions_default_to_stopped_and_refuse_with_podmans_words() -> None:
    assert waiting.conditions(()) == {"stopped"}
    assert waiting.conditions(("healthy", "removing")) == {"healthy", "removing"}
    with pytest.raises(InvalidArgument, match=r"^unknown container state: foo: invalid argument$"):
        waiting.conditions(("running", "foo"))


@pytest.mark.parametrize(
    ("text", "seconds"), [("250ms", 0.25), ("2s", 2.0), ("1m", 60.0), ("500", 0.5), ("0", 0.0)]
)
def test_interval_is_a_go_duration_or_milliseconds(text: str, seconds: float) -> None:
    assert waiting.interval(text) == pytest.approx(seconds)


@pytest.mark.parametrize(
    ("text", "message"),
    [("5x", 'time: unknown unit "x" in duration "5x"'), ("abc", 'time: invalid duration "abc"')],
)
def test_bad_interval_has_gos_message(text: str, message: str) -> None:
    with pytest.raises(InvalidArgument) as err:
        waiting.interval(text)
    assert str(err.value) == message
