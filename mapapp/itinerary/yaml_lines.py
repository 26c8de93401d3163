"""YAML that remembers where each value stood, so errors can name the line."""

from __future__ import annotations

from typing import Any

import yaml

Path = tuple[str | int, ...]


def load_with_lines(text: str) -> tuple[Any, LineIndex]:
    """Parse YAML; return the data and an index from field path to 1-based line.

    Raises yaml.YAMLError on malformed input (its problem_mark holds the line).
    """
    return yaml.load(text, Loader=_LOADER), LineIndex(text)


# libyaml when present: pure-Python PyYAML is about 20 times slower.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class LineIndex:
    """Field path -> line, built only when a problem needs a line.

    Valid files (the common case) never pay for the node tree, which for a large
    itinerary costs more time and memory than the data itself.
    """

    def __init__(self, text: str | None) -> None:
        self._text = text
        self._lines: dict[Path, int] | None = None

    def line(self, path: Path) -> int | None:
        """The line of the deepest existing prefix of path (a missing field has none)."""
        if self._lines is None:
            self._lines = _line_map(self._text)
        for end in range(len(path), -1, -1):
            if path[:end] in self._lines:
                return self._lines[path[:end]]
        return None


def _line_map(text: str | None) -> dict[Path, int]:
    lines: dict[Path, int] = {}
    node = yaml.compose(text, Loader=_LOADER) if text else None
    if node is not None:
        _walk(node, (), lines)
    return lines


def _walk(node: yaml.Node, path: Path, lines: dict[Path, int]) -> None:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = (*path, str(key_node.value))
            lines[key] = key_node.start_mark.line + 1
            _walk(value_node, key, lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*path, index), lines)


def dotted(path: Path) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out
