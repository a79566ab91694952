"""explain and compare take the Korean firm first; the other way round, the error says
so and gives the order that works (QA round 2, 12c)."""

from __future__ import annotations

import pytest

from clirun import run


@pytest.mark.parametrize(
    "args",
    [
        ("explain", "toyota", "lg-energy-solution"),
        ("compare", "toyota", "lg-energy-solution", "sk-hynix", "namics"),
    ],
)
def test_swapped_firms_get_the_order_that_works(args: tuple[str, ...]) -> None:
    code, out, err = run(*args)
    assert code == 2 and out == ""
    assert "'toyota' is Japanese and 'lg-energy-solution' Korean" in err
    assert "(lg-energy-solution toyota)" in err


def test_two_korean_firms_name_the_wrong_side() -> None:
    code, out, err = run("explain", "lg-energy-solution", "sk-on")
    assert code == 2 and out == ""
    assert "'sk-on' is not a Japanese player" in err
