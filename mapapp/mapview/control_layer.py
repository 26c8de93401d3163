"""The layer control, built by js/control.js: Leaflet's own control sets each name
with innerHTML, and the names here come from the data (partners, capitals, HQ,
an upload's file name). The names travel as inert JSON and become text."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar, TypedDict

from branca.element import Element

from mapapp.mapview.elements import JsLayer, inert_json

#: The payload version js/control.js reads.
VERSION = 1


class ControlEntry(TypedDict):
    name: str
    base: bool  # a base layer (radio button), else an overlay (checkbox)


class ControlPayload(TypedDict):
    v: int
    position: str
    collapsed: bool
    entries: list[ControlEntry]


class LayerControl(JsLayer):
    """Add it to the map last: it names layers that must already be in the script."""

    js_file = "control.js"
    js_function = "layerControl"
    version: ClassVar[int] = VERSION
    payload_marks = ("/*MV_CONTROL_BEGIN*/", "/*MV_CONTROL_END*/")

    def __init__(
        self,
        layers: Sequence[tuple[str, Element, bool]],
        *,
        position: str = "topright",
        collapsed: bool = True,
    ) -> None:
        """`layers`: (name, layer element, is a base layer), in the control's order."""
        self.layers = [layer for _, layer, _ in layers]
        self.payload: ControlPayload = {
            "v": VERSION,
            "position": position,
            "collapsed": collapsed,
            "entries": [{"name": name, "base": base} for name, _, base in layers],
        }
        super().__init__(inert_json(self.payload))

    def more_args(self) -> list[str]:
        return [str(layer.get_name()) for layer in self.layers]
