"""Scoring `mapapp draft` against hand-made ground truth (tests/draft/articles/*.truth.yaml).

Each article is drafted and built through the real CLI, offline, and the built
events are compared with the truth:
- place recall: share of true places with a drafted event within 10 km (a site)
  or 25 km (a city);
- precision: share of drafted events within 50 km of some true place;
- date accuracy: share of true events matched by a drafted event on the same
  date at the right place (the same 10/25 km);
- actor recall: share of the true people met whom some drafted event names.

Run as a script to print the table the README reports.
"""

from __future__ import annotations

import datetime as dt
import json
import resource
import subprocess
import sys
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from mapapp.geocode.checks import distance_km

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = ROOT / "tests" / "draft" / "articles"
SEED_ARTICLE = ROOT / "seeds" / "000_569ba02fe5449170.txt"
SEED_ITINERARY = ROOT / "data" / "itinerary.yaml"
#: The seed has no dateline; The Japan Times report it follows is of 8 April 2025:
#: https://www.japantimes.co.jp/news/2025/04/08/japan/politics/nato-mark-rutte-yokosuka/
SEED_PUBLISHED = "2025-04-08"
SITE_KM, CITY_KM, PRECISION_KM = 10.0, 25.0, 50.0
TARGETS = {"place_recall": 0.8, "precision": 0.8, "date_accuracy": 0.7, "actor_recall": 0.9}


@dataclass(frozen=True)
class TruthPlace:
    id: str
    kind: str
    lat: float
    lon: float

    @property
    def km(self) -> float:
        return SITE_KM if self.kind == "site" else CITY_KM


@dataclass(frozen=True)
class Truth:
    name: str
    article: Path
    published: str | None
    places: dict[str, TruthPlace]
    events: list[tuple[dt.date, str]]
    actors: list[str]


@dataclass(frozen=True)
class Score:
    name: str
    place_recall: float
    precision: float
    date_accuracy: float
    actor_recall: float
    events: int
    seconds: float
    peak_mb: float

    def below_target(self) -> list[str]:
        return [k for k, v in TARGETS.items() if getattr(self, k) < v]


def truths() -> list[Truth]:
    """The four articles of our own, then the seed with the curated itinerary."""
    out = []
    for path in sorted(ARTICLES.glob("*.truth.yaml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        places = {
            p["id"]: TruthPlace(p["id"], p["kind"], float(p["lat"]), float(p["lon"]))
            for p in raw["places"]
        }
        events = [(e["date"], e["place"]) for e in raw["events"]]
        published = str(raw["published"]) if raw.get("published") else None
        actors = [a["name"] for a in raw["actors"]]
        out.append(Truth(path.name.split(".")[0], ARTICLES / raw["article"], published, places,
                         events, actors))  # fmt: skip
    out.append(seed_truth())
    return out


def seed_truth() -> Truth:
    from mapapp.itinerary.load import load_itinerary

    it = load_itinerary(SEED_ITINERARY).itinerary
    places = {}
    for p in it.places:
        lat, lon = (p.pin.lat, p.pin.lon) if p.pin else (p.locality.lat, p.locality.lon)
        places[p.id] = TruthPlace(p.id, "site" if p.precision == 1 else "city", lat, lon)
    people = [a.name for a in it.actors if a.kind == "person" and a.id != it.trip.visitor]
    events = [(e.date, e.place) for e in it.events]
    return Truth("seed (000_569ba02fe5449170)", SEED_ARTICLE, SEED_PUBLISHED, places, events,
                 people)  # fmt: skip


def mapapp(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mapapp.cli", *args], cwd=cwd, capture_output=True, text=True
    )


def draft_and_build(truth: Truth, work: Path) -> tuple[list[dict[str, Any]], float, float]:
    """The built event features, the draft's wall time and its peak memory (MB)."""
    out = work / f"{truth.article.stem}.yaml"
    args = ["draft", str(truth.article), "-o", str(out)]
    if truth.published:
        args += ["--published", truth.published]
    before = time.perf_counter()
    drafted = mapapp(*args, cwd=work)
    seconds = time.perf_counter() - before
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    assert drafted.returncode == 0, drafted.stderr
    built = mapapp("build", "-i", str(out), "--offline", cwd=work)
    assert built.returncode == 0, built.stderr
    collection = json.loads(out.with_suffix(".geojson").read_text(encoding="utf-8"))
    events = [f for f in collection["features"] if f["properties"]["kind"] == "event"]
    return events, seconds, peak_mb


def score(truth: Truth, events: list[dict[str, Any]], seconds: float, peak_mb: float) -> Score:
    def near(p: TruthPlace, e: dict[str, Any], km: float) -> bool:
        lon, lat = e["geometry"]["coordinates"]
        return distance_km(p.lat, p.lon, lat, lon) <= km

    places = list(truth.places.values())
    recall = _share(places, lambda p: any(near(p, e, p.km) for e in events))
    precision = _share(events, lambda e: any(near(p, e, PRECISION_KM) for p in places))

    def dated(item: tuple[dt.date, str]) -> bool:
        date, place = item
        p = truth.places[place]
        return any(e["properties"]["date"] == date.isoformat() and near(p, e, p.km) for e in events)

    names = {_norm(n) for e in events for n in e["properties"]["actors"]}
    surnames = {n.split()[-1] for n in names if n}
    actors = _share(truth.actors, lambda a: _norm(a) in names or _norm(a).split()[-1] in surnames)
    return Score(truth.name, recall, precision, _share(truth.events, dated), actors, len(events),
                 seconds, peak_mb)  # fmt: skip


def _share(items: list[Any], test: Any) -> float:
    return sum(1 for item in items if test(item)) / len(items) if items else 1.0


def _norm(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return " ".join(plain.lower().split())


def table(scores: list[Score]) -> str:
    rows = [
        "| article | place recall | precision | date accuracy | actor recall | events | "
        "draft time (s) |",
        "|---|---|---|---|---|---|---|",
    ]
    for s in scores:
        rows.append(
            f"| {s.name} | {s.place_recall:.2f} | {s.precision:.2f} | {s.date_accuracy:.2f} | "
            f"{s.actor_recall:.2f} | {s.events} | {s.seconds:.1f} |"
        )
    total = totals(scores)
    rows.append(
        f"| **total** | {total.place_recall:.2f} | {total.precision:.2f} | "
        f"{total.date_accuracy:.2f} | {total.actor_recall:.2f} | {total.events} | "
        f"{total.seconds:.1f} |"
    )
    return "\n".join(rows)


def totals(scores: list[Score]) -> Score:
    """The mean over articles (each article counts once)."""
    n = len(scores)
    return Score(
        "total",
        sum(s.place_recall for s in scores) / n,
        sum(s.precision for s in scores) / n,
        sum(s.date_accuracy for s in scores) / n,
        sum(s.actor_recall for s in scores) / n,
        sum(s.events for s in scores),
        max(s.seconds for s in scores),
        max(s.peak_mb for s in scores),
    )


def main() -> None:
    import tempfile

    scores = []
    with tempfile.TemporaryDirectory() as folder:
        for truth in truths():
            events, seconds, peak = draft_and_build(truth, Path(folder))
            scores.append(score(truth, events, seconds, peak))
    print(table(scores))
    print(f"peak memory of a draft: {max(s.peak_mb for s in scores):.0f} MB")


if __name__ == "__main__":
    main()
