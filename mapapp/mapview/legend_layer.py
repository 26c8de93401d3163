"""The legend, drawn by js/legend.js: day colours, then every other symbol the map
can show. Partner and HQ names come from the data, so the rows travel as inert
JSON and the JS sets each as text."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar, TypedDict

from mapapp.mapview.elements import JsLayer, inert_json
from mapapp.presentation.palette import day_color

#: Up to this many days the legend lists each; beyond, one row per colour.
LEGEND_MAX_DAYS = 10
#: The payload version js/legend.js reads.
VERSION = 1


@dataclass(frozen=True)
class LegendWords:
    """What the legend says about the non-event layers; None leaves a row out."""

    partners: str | None = None
    capitals: str | None = None
    hq: str | None = None
    links: str | None = None


class LegendRow(TypedDict, total=False):
    """A day row (`color`, `text`) or a symbol row (`cls`, `mark`, `text`)."""

    color: str
    cls: str
    mark: str
    text: str


class LegendPayload(TypedDict):
    v: int
    rows: list[LegendRow]


SYMBOLS: tuple[tuple[str, str, str], ...] = (
    ("mv-num-demo", "1", "event, numbered in visit order (Tab reaches each; Enter opens it)"),
    ("mv-line-demo", "", "the day's route between its events"),
    ("mv-ring", "", "dashed circle: the area the event's place may be in, to scale"),
    ("mv-leader", "", "short line: markers spread apart, drawn from the true spot"),
    ("mv-label-demo", "Aa", "place name, where it fits"),
    ("mv-water", "", "water (basemap)"),
    ("mv-border-major", "", "prefecture or state border"),
    ("mv-border-minor", "", "city, ward or country border"),
)


def legend_rows(days: Mapping[int, str], words: LegendWords) -> list[LegendRow]:
    """Day colours, then the symbols. `days` maps day number to a label (usually the
    date). A long trip gets one row per palette colour ("Days 1, 8, 15, …")."""
    rows: list[LegendRow] = []
    if len(days) <= LEGEND_MAX_DAYS:
        for d, label in sorted(days.items()):
            rows.append({"color": day_color(d), "text": f"Day {d}{': ' + label if label else ''}"})
    else:
        by_color: dict[str, list[int]] = {}
        for d in sorted(days):
            by_color.setdefault(day_color(d), []).append(d)
        for color, ds in by_color.items():
            text = "Days " + ", ".join(map(str, ds[:3])) + (", …" if len(ds) > 3 else "")
            rows.append({"color": color, "text": text})
    optional = (
        ("mv-partner", "", words.partners),
        ("mv-capital", "", words.capitals),
        ("mv-hq", "★", words.hq),
        ("mv-link", "", words.links),
    )
    symbols = [*SYMBOLS, *((cls, mark, text) for cls, mark, text in optional if text)]
    rows += [{"cls": cls, "mark": mark, "text": text} for cls, mark, text in symbols]
    return rows


class LegendLayer(JsLayer):
    """The legend box beside the map."""

    js_file = "legend.js"
    js_function = "legend"
    version: ClassVar[int] = VERSION
    payload_marks = ("/*MV_LEGEND_BEGIN*/", "/*MV_LEGEND_END*/")

    def __init__(self, days: Mapping[int, str], words: LegendWords) -> None:
        self.payload: LegendPayload = {"v": VERSION, "rows": legend_rows(days, words)}
        super().__init__(inert_json(self.payload))
