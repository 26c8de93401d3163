"""A place's uncertainty radius in metres, measured or derived from its 1-3 precision.

Itineraries written before places had a radius keep loading: their radius is
derived from the precision level, and the note says so.
"""

from __future__ import annotations

from mapapp.itinerary.models import Place

#: precision -> radius in metres when no measured radius is given.
DERIVED_RADIUS_M: dict[int, int] = {1: 100, 2: 2_000, 3: 25_000}
#: precision -> what the level means (the one table: the map's place line uses it too).
PRECISION_LABEL: dict[int, str] = {1: "exact site", 2: "neighbourhood or town", 3: "region"}


def uncertainty_of(place: Place, precision: int) -> tuple[int, str]:
    """(radius in metres, note: reason and source) for a place resolved at `precision`."""
    measured = place.uncertainty
    if measured is not None:
        note = measured.reason
        if measured.source is not None:
            note = f"{note} Source: {measured.source.url}"
        return measured.radius_m, note
    return derived(precision)


def derived(precision: int) -> tuple[int, str]:
    """The radius and note for a place known only by its level (the one table of
    defaults: the build, the version-1 upgrade and the map all use it)."""
    radius = DERIVED_RADIUS_M[precision]
    return radius, (
        f"Derived from precision {precision} ({PRECISION_LABEL[precision]}): about {radius:,} m; "
        "no measured radius recorded."
    )
