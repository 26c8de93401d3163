"""Helping curators find the offsets of the article's words."""

from __future__ import annotations

from pathlib import Path

from mapapp.errors import InputError, Problem
from mapapp.itinerary.load import load_itinerary


def find_quote(itinerary: Path, text: str, root: Path | None = None) -> tuple[int, int]:
    """Code-point offsets of text in the itinerary's article; it must occur exactly once."""
    article = load_itinerary(itinerary, root=root).article_text
    first = article.find(text)
    if first < 0:
        raise InputError([Problem(str(itinerary), "quote", f"not in the article: {text!r}")])
    if article.find(text, first + 1) >= 0:
        msg = f"occurs more than once in the article; quote more words: {text!r}"
        raise InputError([Problem(str(itinerary), "quote", msg)])
    return first, first + len(text)
