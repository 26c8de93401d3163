"""Reading the article and cutting it into sentences with their code-point offsets.

Offsets count the text exactly as stored (a BOM, CR LF), as the itinerary
loader does, so a sentence's offsets are a quote the loader accepts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from mapapp.errors import InputError, Problem
from mapapp.safe_files import decode_utf8, read_regular

#: A long news story is under 50 KB; longer files are books or dumps, refused at once
#: (the draft of a 256 KB text stays within its 10-second budget).
MAX_DRAFT_BYTES = 256 * 1024
_ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "st",
        "gen",
        "lt",
        "col",
        "sgt",
        "capt",
        "prof",
        "rev",
        "jr",
        "sr",
        "no",
        "vs",
        "etc",
        "inc",
        "ltd",
        "co",
        "corp",
        "u.s",
        "u.k",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
    ]
)
_END = re.compile(r"[.!?][\"”’')\]]*(?=\s+[\"“‘(\[]?[A-Z0-9])|\n\s*\n|\n(?=[A-Z\"“])")


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str
    paragraph: int


def read_article(path: Path) -> str:
    """The article's text; refuses non-files, huge files, non-UTF-8 and empty text."""
    raw = read_regular(path, MAX_DRAFT_BYTES, what="the article")
    text = decode_utf8(raw, str(path), keep_bom=True)
    check_text(text, str(path))
    return text


def check_text(text: str, name: str) -> None:
    if not text.strip("\ufeff \t\r\n"):
        raise InputError([Problem(name, "", "the article is empty: nothing to draft")])
    if len(text.encode("utf-8")) > MAX_DRAFT_BYTES:
        msg = f"the article is over {MAX_DRAFT_BYTES // 1024:,} KB; a news story is far shorter"
        raise InputError([Problem(name, "", msg)])


def sentences(text: str) -> list[Sentence]:
    """Sentences in order, each trimmed, with its paragraph number."""
    out: list[Sentence] = []
    start, paragraph = 0, 0
    for match in _END.finditer(text):
        end = match.end()
        if match.group().startswith((".", "!", "?")) and _is_abbreviation(text, match.start()):
            continue
        _add(out, text, start, end, paragraph)
        if "\n" in text[match.start() : _next_word(text, end)]:
            paragraph += 1
        start = end
    _add(out, text, start, len(text), paragraph)
    return out


def _is_abbreviation(text: str, dot: int) -> bool:
    word = re.search(r"([A-Za-z.]+)$", text[max(0, dot - 12) : dot])
    if word is None:
        return False
    token = word.group(1).lower()
    return token in _ABBREVIATIONS or len(token) == 1


def _next_word(text: str, pos: int) -> int:
    match = re.compile(r"\S").search(text, pos)
    return match.start() if match else len(text)


def _add(out: list[Sentence], text: str, start: int, end: int, paragraph: int) -> None:
    chunk = text[start:end]
    left = len(chunk) - len(chunk.lstrip("\ufeff \t\r\n"))
    right = len(chunk.rstrip(" \t\r\n"))
    if right > left:
        out.append(Sentence(start + left, start + right, chunk[left:right], paragraph))
