"""The one HTML escaper: every character folium or branca could read as code becomes an entity."""

from __future__ import annotations

import html as stdlib_html
import json

from hypothesis import given
from hypothesis import strategies as st

from mapapp.presentation import escape

TRICKY = "<>&\"'`${}\\ \u2028é€\n"
ENTITIES = {"`": "&#96;", "$": "&#36;", "\\": "&#92;", "{": "&#123;", "}": "&#125;"}


def reference(value: str) -> str:
    """What escape.html means: html.escape, then each of folium's code characters mapped."""
    return stdlib_html.escape(value, quote=True).translate(str.maketrans(ENTITIES))


@given(st.text(alphabet=st.sampled_from(TRICKY) | st.characters(), max_size=200))
def test_html_escapes_as_the_reference_does(value: str) -> None:
    assert escape.html(value) == reference(value)


def test_nothing_of_a_template_or_a_tag_survives() -> None:
    out = escape.html("{{ 7*191 }} ${x} `a` \\ <script>'\"&")
    for code in ("{", "}", "$", "`", "\\", "<", ">", "'", '"'):
        assert code not in out
    assert stdlib_html.unescape(out) == "{{ 7*191 }} ${x} `a` \\ <script>'\"&"


@given(st.text(st.characters(exclude_categories=())))
def test_script_json_is_ascii_and_reads_back_the_same(value: str) -> None:
    """Any text, astral characters and lone surrogates included, in JSON for a <script>."""
    text = escape.script(json.dumps(value, ensure_ascii=False))
    assert text.isascii() and not any(c in text for c in "<>&")
    assert json.loads(text) == value
