"""A bare article uploaded alone (.txt): drafted (`mapapp draft`), built and shown.

The draft names its article by the uploaded file's name, so the YAML the user
downloads, fixes and uploads again with the article loads as any itinerary.
Everything resolves offline, from the draft's pins: an upload never reaches
the network.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from mapapp.app.uploads import Dataset, trip_summary
from mapapp.draft.run import draft_text
from mapapp.itinerary.load import parse_itinerary
from mapapp.pipeline import build, cache_path
from mapapp.safe_files import decode_utf8

DRAFT_NOTICE = (
    "This map is a DRAFT made from the article alone: every event marked "
    "'draft, needs review' holds inferred places, dates or people. Download the draft "
    "itinerary (sidebar), check and fix it, then upload it again with the article."
)


def draft_dataset(name: str, raw: bytes, default_itinerary: Path, key: str) -> Dataset:
    """Draft, check with the loader, build offline; InputError when it is no itinerary."""
    text = decode_utf8(raw, name, keep_bom=True)
    file_name = PurePosixPath(name).name or "article.txt"
    draft = draft_text(text, file_name, article={"path": file_name})
    loaded = parse_itinerary(
        draft.yaml_text.encode("utf-8"),
        f"{PurePosixPath(file_name).stem}.draft.yaml",
        base_dir=Path(file_name).parent,
        find_article=lambda _article: text,
    )
    result = build(loaded, cache=cache_path(default_itinerary), offline=True, write=False)
    notices = (DRAFT_NOTICE, *draft.warnings, *result.summary.warnings)
    trip = trip_summary(loaded.itinerary)
    return Dataset(name, result.collection, text, trip, key, notices, draft.yaml_text)
