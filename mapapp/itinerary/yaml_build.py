"""Python data from a YAML document's parser events in one pass, the safety checks included.

PyYAML composes a node tree first (a Python object, a tag look-up and two resolver
calls per value), then its SafeConstructor builds the data through generic
machinery (a generator per mapping), and mapapp's safety checks
(mapapp.itinerary.yaml_lines.check_tree) walked the tree once or twice more
before it: together 0.3 s per 1,000 events.

This pass builds the documents curators write, plain mappings and sequences of the
standard scalars, straight from libyaml's events, with what the checks need worked
out on the way: the distinct values, the values once aliases are expanded, and the
deepest nesting. An alias gives the object already built, as PyYAML shares it.
Anything else, and any document a check might refuse (a duplicate key, nesting
past the limit, an alias inside itself, aliases past the budget, or a document
that does not parse), raises NotPlain before any object escapes: the full path
judges it, so its message and line stay the same.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

import yaml
from yaml import (
    AliasEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    ScalarNode,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)

_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
#: Scalar tags built here, by the loader's own constructor for the tag (null, bool,
#: int, float, and timestamps, which mapapp keeps as text). Any other tag (binary,
#: merge keys, the `=` value key, an application's own) goes the full path.
_SCALARS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("null", "bool", "int", "float", "timestamp")
)
_OPEN = object()  # an anchor whose collection is still being built
_NO_KEY = object()  # a mapping waiting for its next key


class NotPlain(Exception):
    """The document needs the full path: PyYAML's composer, the checks, its constructor."""


def build_plain(loader: yaml.SafeLoader, max_depth: int, alias_allowance: int) -> Any:
    """The document's data, as loader.get_single_data() gives it, or NotPlain.

    Refused here (as NotPlain) is everything check_tree refuses: nesting deeper than
    max_depth, with aliases expanded; an alias inside itself; a document that aliases
    expand beyond 2 x its distinct values + alias_allowance; equal keys in a mapping.
    The loader is read from its first event to the stream's end.
    """
    try:
        return _build(loader, max_depth, alias_allowance)
    except yaml.YAMLError as exc:  # malformed: the full path says it, in its words
        raise NotPlain from exc


def _build(loader: yaml.SafeLoader, max_depth: int, alias_allowance: int) -> Any:
    plain_tag = _PlainTags(loader)
    constructors = loader.yaml_constructors
    scalars: dict[tuple[str, str], Any] = {}  # (tag, text) -> value, built once each
    anchors: dict[str, Any] = {}  # anchor -> (data, values, height), or _OPEN
    # One frame per open collection: [data, is a mapping, the key due (or _NO_KEY),
    # values so far (itself included), height of its deepest child, its anchor].
    stack: list[list[Any]] = []
    distinct = 0
    shared = False
    documents = 0
    root: tuple[Any, int, int] | None = None
    # Any: the events are told apart by exact type (fast), which mypy does not narrow.
    get_event: Callable[[], Any] = loader.get_event
    while True:
        event = get_event()
        kind = type(event)
        if kind is ScalarEvent:
            distinct += 1
            tag, text = event.tag, event.value
            if tag is None or tag == "!":
                tag = plain_tag(text) if event.implicit[0] else _STR
            if tag == _STR:
                data: Any = text
            else:
                key = (tag, text)
                data = scalars.get(key, _NO_KEY)
                if data is _NO_KEY:
                    if tag not in _SCALARS:
                        raise NotPlain
                    data = scalars[key] = constructors[tag](loader, ScalarNode(tag, text))
            item: tuple[Any, int, int] = (data, 1, 1)
            if event.anchor is not None:
                if event.anchor in anchors:
                    raise NotPlain  # a second anchor of that name: the composer decides
                anchors[event.anchor] = item
        elif kind is MappingStartEvent or kind is SequenceStartEvent:
            distinct += 1
            if len(stack) + 1 > max_depth:  # early: the height at the end says it too
                raise NotPlain
            mapping = kind is MappingStartEvent
            if event.tag not in (None, "!", _MAP if mapping else _SEQ):
                raise NotPlain
            if event.anchor is not None:
                if event.anchor in anchors:
                    raise NotPlain
                anchors[event.anchor] = _OPEN
            stack.append([{} if mapping else [], mapping, _NO_KEY, 1, 0, event.anchor, 0])
            continue
        elif kind is MappingEndEvent or kind is SequenceEndEvent:
            data, mapping, _, values, height, anchor, pairs = stack.pop()
            if mapping and len(data) != pairs:
                raise NotPlain  # equal keys: refused, or one kept, as the full path decides
            item = (data, values, height + 1)
            if anchor is not None:
                anchors[anchor] = item
        elif kind is AliasEvent:
            shared = True
            found = anchors.get(event.anchor)
            if found is None or found is _OPEN:
                raise NotPlain  # an unknown anchor, or one around this alias
            item = found
        elif kind is StreamEndEvent:
            break
        else:  # the stream's and each document's start and end
            if kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise NotPlain  # more than one document: the composer refuses it
            continue
        if not stack:
            root = item
            continue
        frame = stack[-1]
        frame[3] += item[1]
        if frame[1]:
            if frame[2] is _NO_KEY:
                if isinstance(item[0], (dict, list)):
                    raise NotPlain  # a collection as a key: PyYAML refuses it, in its words
                frame[2] = item[0]
                if frame[4] < 1:
                    frame[4] = 1
                continue
            frame[0][frame[2]] = item[0]
            frame[2] = _NO_KEY
            frame[6] += 1
        else:
            frame[0].append(item[0])
        if item[2] > frame[4]:
            frame[4] = item[2]
    if root is None:
        return None
    data, expanded, height = root
    if height > max_depth:
        raise NotPlain
    if shared and expanded > 2 * distinct + alias_allowance:
        raise NotPlain
    return data


class _PlainTags:
    """A plain scalar's tag by the loader's resolver, once per distinct text."""

    def __init__(self, loader: yaml.SafeLoader) -> None:
        if loader.yaml_path_resolvers:  # a tag would depend on the path too
            raise NotPlain
        self.resolve = cast(
            Callable[[type[yaml.Node], str, tuple[bool, bool]], str], loader.resolve
        )
        self.known: dict[str, str] = {}

    def __call__(self, text: str) -> str:
        tag = self.known.get(text)
        if tag is None:
            tag = self.known[text] = self.resolve(ScalarNode, text, (True, False))
        return tag
