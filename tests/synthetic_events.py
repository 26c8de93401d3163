"""Synthetic itineraries of any size, for benchmarks and scale tests.

Replicates the real event features with jittered coordinates, varied days
and titles, and quotes drawn from a pool (150-250 characters, like real
article excerpts), so string sharing behaves as it would on real data.
"""

from __future__ import annotations

import copy
import random
from collections.abc import Mapping
from typing import Any

_QUOTE_WORDS = [
    "minister",
    "defence",
    "alliance",
    "partners",
    "security",
    "cooperation",
    "maritime",
    "industrial",
    "capacity",
    "Indo-Pacific",
    "Euro-Atlantic",
    "deterrence",
    "talks",
    "visit",
    "agreed",
    "strengthen",
    "shared",
    "concern",
    "rapid",
    "build-up",
    "navy",
    "exercises",
    "production",
    "support",
    "Ukraine",
    "interoperability",
    "dialogue",
    "region",
    "stability",
    "rules-based",
    "order",
    "technology",
]


def quote_pool(size: int = 200, seed: int = 7) -> list[str]:
    """`size` distinct quote-like strings of 150-250 characters."""
    rng = random.Random(seed)
    pool = []
    for i in range(size):
        target = rng.randint(150, 250)
        words = [f"“Quote {i}:"]
        while sum(len(w) + 1 for w in words) < target:
            words.append(rng.choice(_QUOTE_WORDS))
        pool.append((" ".join(words))[: target - 1] + "”")
    return pool


def synthetic_collection(
    base: Mapping[str, Any], n_events: int, *, seed: int = 1, quotes: int = 200
) -> dict[str, Any]:
    """`base` (a real FeatureCollection) with its events replaced by `n_events`
    jittered copies; routes, partners and HQ are kept as they are."""
    rng = random.Random(seed)
    features = base["features"]
    events = [f for f in features if f["properties"]["kind"] == "event"]
    others = [f for f in features if f["properties"]["kind"] != "event"]
    pool = quote_pool(quotes, seed)
    days = max(1, n_events // 25)
    out = []
    for i in range(n_events):
        src = events[i % len(events)]
        f = copy.deepcopy(src)
        p = f["properties"]
        lon, lat = src["geometry"]["coordinates"]
        lat += rng.uniform(-2.0, 2.0)
        lon += rng.uniform(-3.0, 3.0)
        f["geometry"]["coordinates"] = [round(lon, 6), round(lat, 6)]
        f["id"] = p["event_id"] = f"{p['event_id']}-{i}"
        p["seq"] = i + 1
        p["day"] = 1 + (i * days) // n_events
        p["title"] = f"{p['title']} (#{i + 1})"
        p["lat"], p["lon"] = round(lat, 6), round(lon, 6)
        p["geo_precision"] = rng.choice((1, 1, 1, 2, 3))
        p["quote"] = rng.choice(pool)
        out.append(f)
    return {"type": "FeatureCollection", "features": [*out, *others]}
