"""Small folium elements that emit text verbatim.

branca turns each element's rendered `header`/`html`/`script` output into a new
Jinja template (`Element(text)`) and renders it a second time. For large
payloads that is slow, and for data it is dangerous (`{{ ... }}` in a quote
would be evaluated). These elements add plain text instead, and still offer a
`script` macro, which is what streamlit-folium reads.
"""

from __future__ import annotations

from typing import Any

from branca.element import Element, Figure, MacroElement
from folium.template import Template


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

    def render(self, **kwargs: Any) -> str:
        """Place this element's text in the figure; like branca's macros, return ''."""
        figure = self.get_root()
        if not isinstance(figure, Figure):
            raise TypeError("render this element inside a folium Map/Figure")
        name = self.get_name()
        for section, text in (
            (figure.header, self.header_text()),
            (figure.html, self.html_text()),
            (figure.script, self.script_js()),
        ):
            if text:
                section.add_child(RawText(text), name=name)
        for child in self._children.values():
            child.render(**kwargs)
        return ""

    def parent_name(self) -> str:
        """The JS variable of the layer or map this element was added to."""
        if self._parent is None:
            raise TypeError(f"{type(self).__name__} must be added to a map or layer first")
        name: str = self._parent.get_name()
        return name


class HeadHtml(RawMacro):
    """Verbatim HTML in the page head (inline assets, CSS)."""

    def __init__(self, text: str, name: str = "HeadHtml") -> None:
        super().__init__()
        self._name = name
        self.text = text

    def header_text(self) -> str:
        return self.text


class BodyHtml(RawMacro):
    """Verbatim HTML in the page body (the legend)."""

    def __init__(self, text: str, name: str = "BodyHtml") -> None:
        super().__init__()
        self._name = name
        self.text = text

    def html_text(self) -> str:
        return self.text
