"""Python data from a composed YAML node tree in one walk, the safety checks included.

PyYAML's SafeConstructor builds a document through generic machinery (a
generator per mapping, a tag lookup per scalar), and mapapp's safety checks
(mapapp.itinerary.yaml_lines.check_tree) walked the tree once or twice more
before it: together most of a YAML load, 0.3 s per 1,000 events.

This walk builds the documents curators write, plain mappings and sequences of
the standard scalars, with what the checks need worked out on the way: the
distinct values, the values once aliases are expanded, and the deepest nesting.
An alias gives the object already built, as PyYAML shares it. Anything else, and
any document a check might refuse (a duplicate key, nesting past the limit, an
alias inside itself, aliases past the budget), raises NotPlain before any
object escapes: the full path judges it, so its message and line stay the same.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml import MappingNode, ScalarNode, SequenceNode

_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
#: Scalar tags built here, by the loader's own constructor for the tag (null, bool,
#: int, float, and timestamps, which mapapp keeps as text). Any other tag (binary,
#: merge keys, the `=` value key, an application's own) goes the full path.
_SCALARS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("null", "bool", "int", "float", "timestamp")
)


class NotPlain(Exception):
    """The document needs the full path: PyYAML's constructor after the checks."""


def build_plain(
    loader: yaml.SafeLoader, root: yaml.Node, max_depth: int, alias_allowance: int
) -> Any:
    """The document's data, as loader.construct_document(root) gives it, or NotPlain.

    Refused here (as NotPlain) is everything check_tree refuses: nesting deeper than
    max_depth, with aliases expanded; an alias inside itself; a document that aliases
    expand beyond 2 x its distinct values + alias_allowance; equal keys in a mapping.
    """
    walk = _Walk(loader, max_depth)
    data, expanded, height = walk.node(root, 1)
    if height > max_depth:
        raise NotPlain
    if walk.shared and expanded > 2 * len(walk.seen) + alias_allowance:
        raise NotPlain
    return data


class _Walk:
    """One depth-first walk; each distinct node is built once (aliases share it)."""

    def __init__(self, loader: yaml.SafeLoader, max_depth: int) -> None:
        self.loader = loader
        self.max_depth = max_depth
        self.seen: set[int] = set()  # every distinct node met
        self.built: dict[int, tuple[Any, int, int]] = {}  # container -> data, values, height
        self.open: set[int] = set()  # containers being built (an alias to one recurses)
        self.scalars: dict[tuple[str, str], Any] = {}  # (tag, text) -> value, once each
        self.shared = False

    def node(self, node: yaml.Node, depth: int) -> tuple[Any, int, int]:
        """(data, values once aliases are expanded, nesting height) of one node."""
        ident = id(node)
        if ident in self.seen:
            self.shared = True
            found = self.built.get(ident)
            if found is not None:
                return found
            if ident in self.open:
                raise NotPlain  # an alias to a node that contains it
            return self.scalar(node), 1, 1  # type: ignore[arg-type]  # a shared scalar
        self.seen.add(ident)
        if depth > self.max_depth:
            raise NotPlain
        kind = type(node)
        if kind is ScalarNode:
            return self.scalar(node), 1, 1  # type: ignore[arg-type]
        self.open.add(ident)
        if kind is MappingNode and node.tag == _MAP:
            made = self.mapping(node, depth)  # type: ignore[arg-type]
        elif kind is SequenceNode and node.tag == _SEQ:
            made = self.sequence(node, depth)  # type: ignore[arg-type]
        else:
            raise NotPlain
        self.open.discard(ident)
        self.built[ident] = made
        return made

    # The loops build a scalar in line (most nodes are text): a call per node was
    # half of the walk's time.

    def mapping(self, node: MappingNode, depth: int) -> tuple[Any, int, int]:
        data: dict[Any, Any] = {}
        seen = self.seen
        values, height = 1, 1 if node.value else 0
        for key_node, value_node in node.value:
            if type(key_node) is not ScalarNode:
                raise NotPlain  # a collection as a key: PyYAML refuses it, in its words
            ident = id(key_node)
            if ident in seen:
                self.shared = True
            else:
                seen.add(ident)
            key = key_node.value if key_node.tag == _STR else self.scalar(key_node)
            if type(value_node) is ScalarNode and value_node.tag == _STR:
                ident = id(value_node)
                if ident in seen:
                    self.shared = True
                else:
                    seen.add(ident)
                data[key] = value_node.value
                values += 2
            else:
                data[key], value_values, value_height = self.node(value_node, depth + 1)
                values += 1 + value_values
                if value_height > height:
                    height = value_height
        if len(data) != len(node.value):
            raise NotPlain  # equal keys: refused, or one kept, as the full path decides
        return data, values, height + 1

    def sequence(self, node: SequenceNode, depth: int) -> tuple[Any, int, int]:
        data: list[Any] = []
        seen = self.seen
        values, height = 1, 1 if node.value else 0
        for item in node.value:
            if type(item) is ScalarNode and item.tag == _STR:
                ident = id(item)
                if ident in seen:
                    self.shared = True
                else:
                    seen.add(ident)
                data.append(item.value)
                values += 1
            else:
                value, item_values, item_height = self.node(item, depth + 1)
                data.append(value)
                values += item_values
                if item_height > height:
                    height = item_height
        return data, values, height + 1

    def scalar(self, node: ScalarNode) -> Any:
        tag = node.tag
        if tag == _STR:
            return node.value
        key = (tag, node.value)
        found = self.scalars.get(key, self)
        if found is self:
            if tag not in _SCALARS:
                raise NotPlain
            found = self.scalars[key] = self.loader.yaml_constructors[tag](self.loader, node)
        return found
