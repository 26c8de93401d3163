"""What a placemark or waypoint says about an event: the map's own wording.

Every line comes from `EventView` (the one event wording the map popup, the
details panel and the table show): heading, when, the place line with its
precision label and radius, the location note, the quote, who was there, the
sources (the location's source marked as such) and any discrepancy.
"""

from __future__ import annotations

import re
from typing import Any

from mapapp.presentation import escape
from mapapp.presentation.wording import EventView, SourceLink, event_view

#: Characters XML 1.0 forbids (C0 controls but tab and newlines, lone surrogates,
#: U+FFFE/U+FFFF): an XML writer copies them, and the file no longer parses.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """Text an XML file can hold: forbidden characters become U+FFFD."""
    return _NOT_XML.sub("\ufffd", text)


def xml_text(text: str) -> str:
    """A value as XML character data (the writers run `xml_safe` on the whole file)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def xml_attr(text: str) -> str:
    """A value inside a double-quoted XML attribute."""
    return xml_text(text).replace('"', "&quot;")


def event_name(props: dict[str, Any]) -> str:
    """The visit number and title, as shown on the map's markers."""
    return event_view(props).heading


def event_lines(view: EventView) -> list[tuple[str, str]]:
    """(label, text) pairs, in the popup's order; empty parts are left out."""
    lines = [("When", view.when), ("Where", view.place)]
    if view.place_note:
        lines.append(("Location", view.place_note))
    if view.quote:
        lines.append(("Quote", f"“{view.quote}”"))
    if view.actors:
        lines.append(("Actors", "; ".join(view.actors)))
    if view.sources:
        lines.append(("Sources", " ".join(_source_text(s) for s in view.sources)))
    if view.discrepancies:
        lines.append(("Discrepancies", " ".join(view.discrepancies)))
    return lines


def _source_text(source: SourceLink) -> str:
    return f"{source.text} ({source.note})" if source.note else source.text


def event_text(props: dict[str, Any]) -> str:
    """Plain-text description (GPX)."""
    return event_text_of(event_view(props))


def event_text_of(view: EventView) -> str:
    return "\n".join(f"{label}: {text}" for label, text in event_lines(view))


def event_html(props: dict[str, Any]) -> str:
    """HTML description (KML balloons), every value escaped; sources as links."""
    return event_html_of(event_view(props))


def event_html_of(view: EventView) -> str:
    parts = []
    for label, text in event_lines(view):
        if label == "Sources":
            parts.append(sources_html(view.sources))
        else:
            parts.append(f"<p><b>{label}</b>: {escape.html(text)}</p>")
    return "".join(parts)


def sources_html(sources: tuple[SourceLink, ...] | list[SourceLink]) -> str:
    """The sources as links, by the map's one URL rule: what fails it stays text."""
    items = []
    for source in sources:
        text = escape.html(source.text)
        item = f'<a href="{escape.html(source.href)}">{text}</a>' if source.href else text
        items.append(f"{item} ({escape.html(source.note)})" if source.note else item)
    return f"<p><b>Sources</b>: {', '.join(items)}</p>"
