"""The one-pass YAML build against PyYAML's composer and constructor after mapapp's checks.

The full path (check_tree, then construct_document) is the reference: for every
document the walk builds, it must give equal data, shared where PyYAML shares;
every document the checks refuse, or PyYAML builds another way, it hands back.
"""

from __future__ import annotations

import os
from datetime import timedelta
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mapapp.itinerary.yaml_build import NotPlain, build_plain
from mapapp.itinerary.yaml_lines import (
    ALIAS_ALLOWANCE,
    MAX_DEPTH,
    _Loader,
    check_tree,
    load_with_lines,
)

EXAMPLES = settings(
    max_examples=int(os.environ.get("MAPAPP_HYPOTHESIS_EXAMPLES", "200")),
    deadline=timedelta(seconds=5),
    derandomize=bool(os.environ.get("CI")),
    suppress_health_check=[HealthCheck.too_slow],
)


def walk(text: str, max_depth: int = MAX_DEPTH, allowance: int = ALIAS_ALLOWANCE) -> Any:
    loader = _Loader(text)
    try:
        return build_plain(loader, max_depth, allowance)
    finally:
        loader.dispose()


def full_path(text: str) -> Any:
    """What mapapp did before the walk: the checks, then PyYAML's constructor."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        check_tree(node)
        return loader.construct_document(node)
    finally:
        loader.dispose()


# Text that YAML 1.1 reads as other types, or nearly: each must get PyYAML's tag.
TRICKY = [
    *("", "~", "null", "Null", "NULL", "yes", "No", "on", "OFF", "y", "n", "true", "False"),
    *("0x1F", "0o17", "017", "1_000", "1:30", "-1:30:00", "+1", "1e3", "1.5e-3", "6.8523015e+5"),
    *(".inf", "-.Inf", ".NaN", ".nan", "2023-02-30", "2025-04-08 18:10:00", "2025-04-08T09:10Z"),
    *("<<", "=", "12:34", "0b101", "00:00", "1.", ".5", "-0", "0", "x", "Tokyo", "0.0.1"),
]


@pytest.mark.parametrize("text", TRICKY)
def test_a_plain_scalar_gets_the_value_pyyaml_gives_it(text: str) -> None:
    document = f"as key and value: [{text}, '{text}']\n{text or '~'}: {text}\n"
    try:
        expected = full_path(document)
    except yaml.YAMLError as exc:  # refused, in the same words
        with pytest.raises(yaml.YAMLError) as got:
            load_with_lines(document)
        assert str(got.value) == str(exc)
        return
    assert walk(document) == expected
    assert load_with_lines(document)[0] == expected


@pytest.mark.parametrize("text", TRICKY)
def test_the_resolver_remembers_a_plain_text_s_tag_as_pyyaml_works_it_out(text: str) -> None:
    cached = _Loader("x")
    reference = yaml.SafeLoader("x")
    for _ in range(2):  # the second time from the loader's memory
        for implicit in ((True, False), (False, True)):
            got = cached.resolve(yaml.ScalarNode, text, implicit)
            assert got == reference.resolve(yaml.ScalarNode, text, implicit)


@given(st.text(max_size=12))
@EXAMPLES
def test_the_resolver_matches_pyyaml_on_any_text(text: str) -> None:
    cached = _Loader("x")
    assert cached.resolve(yaml.ScalarNode, text, (True, False)) == yaml.SafeLoader("x").resolve(
        yaml.ScalarNode, text, (True, False)
    )


SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=8),
    st.sampled_from(TRICKY),
)
DATA = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.one_of(st.text(max_size=6), st.integers()), inner, max_size=4)
    ),
    max_leaves=30,
)


@given(DATA, st.booleans(), st.integers(min_value=0, max_value=3))
@EXAMPLES
def test_any_dumped_document_builds_as_pyyaml_builds_it(data: Any, flow: bool, shared: int) -> None:
    # The same object several times: safe_dump writes it once, with an anchor and aliases.
    copies = {f"copy{i}": data for i in range(shared)}
    document = yaml.safe_dump({"data": data, **copies}, default_flow_style=flow, sort_keys=False)
    built = walk(document)
    assert built == full_path(document)
    if shared and isinstance(data, (list, dict)):
        assert built["copy0"] is built["data"]  # aliases share, as PyYAML's do


@pytest.mark.parametrize(
    ("document", "why"),
    [
        ("a: 1\na: 2\n", "a duplicate key"),
        ("1: a\n0x1: b\n", "keys equal once built (PyYAML keeps the last)"),
        ("<<: {a: 1}\nb: 2\n", "a merge key"),
        ("= : 3\n", "the value key"),
        ("a: !!binary aGVsbG8=\n", "a binary scalar"),
        ("!!set {a, b}\n", "a set"),
        ("!!omap [a: 1]\n", "an ordered map"),
        ("a: !mine x\n", "an application's tag"),
        ("? [1]\n: x\n", "a collection as a key"),
        ("a: &a [*a]\n", "an alias inside itself"),
        ("a: &a {b: *a}\n", "an alias inside itself, in a mapping"),
        ("a: 1\n---\nb: 2\n", "two documents"),
        ("a: *nowhere\n", "an alias to no anchor"),
        ("a: &x 1\nb: &x 2\nc: *x\n", "an anchor named twice"),
        ("a: [1, 2\n", "a document that does not parse"),
    ],
)
def test_what_the_walk_does_not_build_goes_the_full_path(document: str, why: str) -> None:
    with pytest.raises(NotPlain):
        walk(document)
    try:
        expected: Any = full_path(document)
    except yaml.YAMLError as exc:
        with pytest.raises(type(exc)) as got:
            load_with_lines(document)
        assert str(got.value) == str(exc), why
    else:
        assert load_with_lines(document)[0] == expected, why


def nested(levels: int) -> str:
    return "[" * (levels - 1) + "x" + "]" * (levels - 1)


def test_nesting_up_to_the_limit_builds_and_one_deeper_is_handed_back() -> None:
    assert walk(nested(MAX_DEPTH)) == full_path(nested(MAX_DEPTH))
    with pytest.raises(NotPlain):
        walk(nested(MAX_DEPTH + 1))


def test_aliases_that_nest_past_the_limit_are_handed_back() -> None:
    # Each half is shallow; an alias puts one under the other.
    half = MAX_DEPTH // 2 + 1
    document = f"a: &a {nested(half)}\nb: {'[' * half}*a{']' * half}\n"
    with pytest.raises(NotPlain):
        walk(document)
    with pytest.raises(yaml.YAMLError, match="more than 64 levels deep"):
        full_path(document)


def aliased(items: int, aliases: int) -> str:
    return f"a: &a [{', '.join(['x'] * items)}]\nb: [{', '.join(['*a'] * aliases)}]\n"


def test_the_alias_budget_is_the_checks_budget() -> None:
    # distinct values: the root, 2 keys, 2 sequences, 10 x's = 15; each alias adds 11.
    allowance = 100
    fits = (2 * 15 + allowance - 15) // 11
    assert walk(aliased(10, fits), allowance=allowance) == full_path(aliased(10, fits))
    with pytest.raises(NotPlain):
        walk(aliased(10, fits + 1), allowance=allowance)


def test_a_shared_scalar_counts_once_per_alias() -> None:
    many = "a: &s x\nb: [" + ", ".join(["*s"] * 200) + "]\n"
    assert walk(many, allowance=200)["b"] == ["x"] * 200
    with pytest.raises(NotPlain):
        walk(many, allowance=190)


@pytest.mark.parametrize(
    ("value", "tag"), [("!!bool maybe", "bool"), ('!!int ""', "int"), ('!!float ""', "float")]
)
def test_a_value_its_explicit_tag_cannot_read_is_a_yaml_error_at_its_line(
    value: str, tag: str
) -> None:
    # PyYAML's own constructors fail with a bare KeyError or IndexError here.
    with pytest.raises(yaml.YAMLError, match=f"cannot be read as !!{tag}") as got:
        load_with_lines(f"a: 1\nb: {value}\n")
    mark = getattr(got.value, "problem_mark", None)
    assert mark is not None and mark.line + 1 == 2
