"""Small folium elements that emit text verbatim.

branca turns each element's rendered `header`/`html`/`script` output into a new
Jinja template (`Element(text)`) and renders it a second time. For large
payloads that is slow, and for data it is dangerous (`{{ ... }}` in a quote
would be evaluated). These elements add plain text instead, and still offer a
`script` macro, which is what streamlit-folium reads.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib.resources import files
from typing import Any, ClassVar

import folium
from branca.element import Element, Figure, MacroElement
from folium.template import Template

from mapapp.presentation.escape import ascii_js


class RawText(Element):  # type: ignore[misc]
    """An element whose rendering is its text, with no templating."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "RawText"
        self.text = text

    def render(self, **kwargs: Any) -> str:
        return self.text


class RawMacro(MacroElement):  # type: ignore[misc]
    """Base for elements that produce their JS/HTML/CSS from Python methods.

    Subclasses override `script_js`, `html_text` and/or `header_text`.
    """

    _template = Template(
        "{% macro header(this, kwargs) %}{{ this.header_text() }}{% endmacro %}"
        "{% macro html(this, kwargs) %}{{ this.html_text() }}{% endmacro %}"
        "{% macro script(this, kwargs) %}{{ this.script_js() }}{% endmacro %}"
    )

    def script_js(self) -> str:
        """JavaScript for the map's script section ('' for none)."""
        return ""

    def html_text(self) -> str:
        """HTML for the page body ('' for none)."""
        return ""

    def header_text(self) -> str:
        """HTML for the page head ('' for none)."""
        return ""

    def html_pieces(self) -> tuple[str, ...]:
        """`html_text` in pieces, joined by the page (see JsLayer)."""
        return (self.html_text(),)

    def script_pieces(self) -> tuple[str, ...]:
        """`script_js` in pieces, joined by the page (see JsLayer)."""
        return (self.script_js(),)

    def render(self, **kwargs: Any) -> str:
        """Place this element's text in the figure; like branca's macros, return ''."""
        figure = self.get_root()
        if not isinstance(figure, Figure):
            raise TypeError("render this element inside a folium Map/Figure")
        name = self.get_name()
        for section, pieces in (
            (figure.header, (self.header_text(),)),
            (figure.html, self.html_pieces()),
            (figure.script, self.script_pieces()),
        ):
            for index, text in enumerate(filter(None, pieces)):
                section.add_child(RawText(text), name=f"{name}_{index}" if index else name)
        for child in self._children.values():
            child.render(**kwargs)
        return ""

    def parent_name(self) -> str:
        """The JS variable of the layer or map this element was added to."""
        if self._parent is None:
            raise TypeError(f"{type(self).__name__} must be added to a map or layer first")
        name: str = self._parent.get_name()
        return name


class _VerbatimHtml(RawMacro):
    """Verbatim HTML, placed by the subclass in the head or the body."""

    def __init__(self, text: str, name: str) -> None:
        super().__init__()
        self._name = name
        self.text = text


class HeadHtml(_VerbatimHtml):
    """Verbatim HTML in the page head (inline assets, CSS)."""

    def header_text(self) -> str:
        return self.text


class BodyHtml(_VerbatimHtml):
    """Verbatim HTML in the page body (the legend)."""

    def html_text(self) -> str:
        return self.text


@lru_cache(maxsize=16)
def js_source(name: str) -> str:
    """The text of mapapp/mapview/js/NAME (read once per process), in ASCII (`ascii_js`:
    one character past U+00FF makes the whole page two bytes a character)."""
    return ascii_js((files("mapapp.mapview") / "js" / name).read_text(encoding="utf-8"))


#: The map's scripts, in load order: the shared library, then each layer's file.
#: Every `JsLayer.js_file` is one of these (a test checks it).
JS_FILES: tuple[str, ...] = (
    "lib.js",
    "basemap.js",
    "context.js",
    "routes.js",
    "events_gl.js",
    "search.js",
    "filter.js",
    "events.js",
    "overlays.js",
    "legend.js",
    "control.js",
    "playback.js",
)

#: Inside a JSON string: what could end a <script>, open a comment, end a JS line,
#: or be taken for a Jinja or streamlit-folium expression.
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_INERT = str.maketrans(
    {
        "<": "\\u003c",
        ">": "\\u003e",
        "&": "\\u0026",
        "{": "\\u007b",
        "}": "\\u007d",
        "\u2028": "\\u2028",
        "\u2029": "\\u2029",
    }
)


def inert_json(value: object) -> str:
    """JSON of a payload, inert in a page: inside its strings `<`, `>`, `&`, braces
    and U+2028/9 are \\u escapes, so no `</script>`, `<!--`, `{{ }}` or `{% %}` from
    the data survives as such; it is ASCII (see `js_source`). JSON.parse and json.loads
    read it back unchanged."""
    text = json.dumps(value, separators=(",", ":"), allow_nan=False)
    return _STRING.sub(lambda m: m.group(0).translate(_INERT), text)


def find_map(element: Element) -> Element:
    """The folium.Map above an element (panes live on the map)."""
    node: Element | None = element
    while node is not None and not isinstance(node, folium.Map):
        node = node._parent
    if node is None:
        raise ValueError(f"{type(element).__name__} must be added to a folium Map or a group")
    return node


class MapScripts(RawMacro):
    """The map's own JavaScript (JS_FILES), once per page, before any layer's call.

    Added to the map before every layer (streamlit-folium and branca both emit
    scripts in the order elements were added).
    """

    def __init__(self) -> None:
        super().__init__()
        self._name = "MapScripts"

    def script_js(self) -> str:
        return "".join(js_source(name) for name in JS_FILES)


class JsLayer(RawMacro):
    """A layer drawn in the browser by `mvLib.draw(js_function, group, map, payload)`.

    The function is registered by mapapp/mapview/js/<js_file> (`mvLib.layer(name,
    version, draw)`), which reads payloads of one `version`: the payload's `v`
    must match, or the page shows a notice instead of drawing garbage. The payload
    is JSON already made inert (`inert_json`, or the layer's own encoder);
    `payload_marks` surround it in the page so tests and tools can find it.
    With `island`, the payload sits in a `<script type="application/json">` data
    block the call reads (`mvLib.island`): a script literal of 100 MB takes V8
    seconds to compile, a data block is only parsed as JSON. Text
    from the data travels only here: never in a Jinja template, never in an HTML
    string Leaflet inserts.
    """

    js_file: ClassVar[str]
    js_function: ClassVar[str]
    version: ClassVar[int]
    payload_marks: ClassVar[tuple[str, str]]

    def __init__(self, payload_text: str, island: bool = False) -> None:
        super().__init__()
        self._name = type(self).__name__
        self.payload_text = payload_text
        self.island = island

    def island_id(self) -> str:
        return f"mv-data-{self.get_name()}"

    def html_text(self) -> str:
        """With `island`, the payload as an inert data block in the body (see script_js)."""
        return "".join(self.html_pieces())

    def html_pieces(self) -> tuple[str, ...]:
        # The payload itself, not a copy with its markers: at a million events it is
        # 130 MB, and the page is made from the pieces.
        if not self.island:
            return ()
        begin, end = self.payload_marks
        start = f'<script type="application/json" id="{self.island_id()}">{begin}'
        return (start, self.payload_text, f"{end}</script>\n")

    def more_args(self) -> list[str]:
        """JS expressions passed after the payload (names of other layers)."""
        return []

    def script_js(self) -> str:
        return "".join(self.script_pieces())

    def script_pieces(self) -> tuple[str, ...]:
        # Names are looked up at render time: streamlit-folium renames every
        # element before it asks for the script.
        begin, end = self.payload_marks
        more = "".join(f", {arg}" for arg in self.more_args())
        names = f"{self.parent_name()}, {find_map(self).get_name()}"
        call = f'mvLib.draw("{self.js_function}", {names}, '
        tail = f"{more});\n"
        if self.island:
            return (f'{call}mvLib.island("{self.island_id()}"){tail}',)
        return (call + begin, self.payload_text, end + tail)
