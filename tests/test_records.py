"""`Record` must behave as the frozen, keyword-only dataclass it replaces."""

from __future__ import annotations

import dataclasses
import pickle
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kjmatch.records import Record


class Point(Record):
    """A test record."""

    x: int
    label: str = "p"
    tags: tuple[str, ...] = ()
    extra: dict[str, int] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True, kw_only=True)
class Reference:
    x: int
    label: str = "p"
    tags: tuple[str, ...] = ()


class Point3(Point):
    """A subclass adds a field, as StrengthEntry does."""

    z: int


def test_is_a_dataclass_with_the_declared_fields() -> None:
    assert dataclasses.is_dataclass(Point)
    assert [f.name for f in dataclasses.fields(Point)] == ["x", "label", "tags", "extra"]
    assert [f.name for f in dataclasses.fields(Point3)] == ["x", "label", "tags", "extra", "z"]


def test_defaults_and_factories() -> None:
    a, b = Point(x=1), Point(x=2)
    assert (a.label, a.tags, a.extra) == ("p", (), {})
    assert a.extra is not b.extra  # a fresh value per instance


def test_missing_and_unknown_arguments_are_refused() -> None:
    with pytest.raises(TypeError, match=r"missing required keyword argument.*'x'"):
        Point()  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="unexpected keyword argument 'y'"):
        Point(x=1, y=2)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="'z'"):
        Point3(x=1)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Point(1)  # type: ignore[call-arg]


def test_frozen() -> None:
    p = Point(x=1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.x = 2  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        del p.x
    assert p.x == 1


def test_replace_and_pickle() -> None:
    p = Point(x=1, tags=("a",))
    q = dataclasses.replace(p, label="q")
    assert (q.x, q.label, q.tags) == (1, "q", ("a",))
    assert pickle.loads(pickle.dumps(p)) == p


def test_other_classes_never_compare_equal() -> None:
    assert Point(x=1) != Point3(x=1, z=0)
    assert Point(x=1) != Reference(x=1)
    assert Point(x=1) != (1, "p", (), {})


values = st.fixed_dictionaries(
    {"x": st.integers()},
    optional={"label": st.text(max_size=5), "tags": st.tuples(st.text(max_size=3))},
)


@given(values, values)
def test_equality_hash_and_repr_match_a_frozen_dataclass(
    a: dict[str, Any], b: dict[str, Any]
) -> None:
    ra, rb = Reference(**a), Reference(**b)
    pa, pb = Point(**a), Point(**b)
    assert (pa == pb) == (ra == rb)
    if ra == rb:
        assert hash(Reference(**a)) == hash(Reference(**b))
        assert Point(**a) == Point(**b)
    # the same text as the dataclass repr, with the extra field last
    assert repr(pa) == repr(ra).replace("Reference(", "Point(")[:-1] + ", extra={})"


def test_pydantic_validates_into_a_record() -> None:
    from pydantic import TypeAdapter

    p = TypeAdapter(Point).validate_python({"x": 3, "tags": ["a"]})
    assert p == Point(x=3, tags=("a",))
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.x = 4  # type: ignore[misc]
