"""YAML that remembers where each value stood, so errors can name the line."""

from __future__ import annotations

from typing import Any

import yaml

Path = tuple[str | int, ...]


def load_with_lines(text: str) -> tuple[Any, dict[Path, int]]:
    """Parse YAML; return the data and a map from field path to 1-based line.

    Raises yaml.YAMLError on malformed input (its problem_mark holds the line).
    """
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    lines: dict[Path, int] = {}
    if node is not None:
        _walk(node, (), lines)
    return yaml.safe_load(text), lines


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


def line_for(lines: dict[Path, int], path: Path) -> int | None:
    """The line of the deepest existing prefix of path (a missing field has none)."""
    for end in range(len(path), -1, -1):
        if path[:end] in lines:
            return lines[path[:end]]
    return None


def dotted(path: Path) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out
