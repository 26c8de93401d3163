"""Which country codes are real, and which have an offline outline to draw and check against."""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def known_codes() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes the offline country data (countryinfo) knows."""
    import countryinfo

    codes = set()
    for country in countryinfo.all_countries():
        try:
            code = country.iso(2)
        except (KeyError, ValueError, AttributeError):
            continue
        if isinstance(code, str) and len(code) == 2:
            codes.add(code.upper())
    return frozenset(codes)


@lru_cache(maxsize=256)
def has_outline(code: str) -> bool:
    """Some small states and territories (Monaco, Singapore, ...) come without an outline."""
    from mapapp.geodata import country_outline

    try:
        country_outline(code)
    except (KeyError, IndexError, TypeError, ValueError):
        return False
    return True
