"""YAML that is safe to parse whatever its size, and that remembers where each value stood.

libyaml (when present) parses. mapapp refuses duplicate keys (PyYAML keeps the
last silently), nesting deeper than MAX_DEPTH, an alias that contains itself,
and aliases that would expand the document beyond a budget (a "billion laughs"
bomb). Aliases within the budget (the seed itinerary shares a locality with
`*tokyo`) keep working. A plain document is built and checked in one pass over
libyaml's events (mapapp.itinerary.yaml_build), with no node tree; any other,
refused or not, is composed again and checked by check_tree before PyYAML's own
constructor builds anything from it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

import yaml

from mapapp.itinerary.yaml_build import NotPlain, build_plain

Path = tuple[str | int, ...]

MAX_DEPTH = 64
# Aliases may at most double a document, plus this much: ample for shared sources
# or localities, far below what a bomb of a few hundred bytes expands to.
ALIAS_ALLOWANCE = 100_000

# libyaml when present: pure-Python PyYAML is about 20 times slower.
_BASE: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BASE):  # type: ignore[valid-type,misc]
    """The safe loader, with dates kept as text so the schema checks them (2023-02-30).

    A plain scalar's tag is worked out once per distinct text (an itinerary repeats
    its keys thousands of times; each was matched against the resolver's patterns).
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        # Only while no path resolver is added: with one, a tag depends on the path too.
        self._plain_tags: dict[str, str] | None = None if self.yaml_path_resolvers else {}

    def resolve(self, kind: type[yaml.Node], value: Any, implicit: tuple[bool, bool]) -> str:
        known = self._plain_tags
        if kind is not _SCALAR or known is None:
            return cast(str, super().resolve(kind, value, implicit))
        if not implicit[0]:  # quoted: text, as BaseResolver.resolve says
            return cast(str, self.DEFAULT_SCALAR_TAG)
        tag = known.get(value)
        if tag is None:
            tag = known[value] = super().resolve(kind, value, implicit)
        return tag


_SCALAR = yaml.ScalarNode


def _as_text(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    return loader.construct_scalar(node)  # type: ignore[arg-type]


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _as_text)


def _strict(tag: str) -> Any:
    """PyYAML's constructor for a scalar tag, failing on a value the tag cannot read
    with a ConstructorError at the value's line: `!!bool maybe` raised a bare
    KeyError and `!!int ""` an IndexError, which reached users as a bug report."""
    construct = _BASE.yaml_constructors[tag]
    name = tag.rsplit(":", 1)[-1]

    def checked(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
        try:
            return construct(loader, node)
        except (KeyError, IndexError) as exc:
            raise yaml.constructor.ConstructorError(
                problem=f"{node.value!r} cannot be read as !!{name}",
                problem_mark=node.start_mark,
            ) from exc

    return checked


for _tag in ("bool", "int", "float"):
    _Loader.add_constructor(f"tag:yaml.org,2002:{_tag}", _strict(f"tag:yaml.org,2002:{_tag}"))


class UnsafeYAML(yaml.MarkedYAMLError):
    """A document PyYAML would accept but mapapp refuses; problem_mark gives the line."""

    def __init__(self, problem: str, node: yaml.Node | yaml.Event) -> None:
        mark = node.start_mark  # libyaml's marks have the same fields as PyYAML's
        super().__init__(problem=problem, problem_mark=cast(yaml.Mark | None, mark))


def load_with_lines(text: str, max_nodes: int | None = None) -> tuple[Any, LineIndex]:
    """Parse YAML; return the data and an index from field path to 1-based line.

    max_nodes bounds the values the document may hold before any is built (a node
    costs about 0.5 KB, so 10 MB of "- x" lines would cost 1.2 GB). Raises
    yaml.YAMLError on malformed or refused input (its problem_mark holds the line).
    """
    if max_nodes is not None and len(text) > 2 * max_nodes:
        _count_nodes(text, max_nodes)
    return _load(text), LineIndex(text, max_nodes)


_NODE_EVENTS = (yaml.ScalarEvent, yaml.SequenceStartEvent, yaml.MappingStartEvent, yaml.AliasEvent)


def _count_nodes(text: str, max_nodes: int) -> None:
    """Stream the parser's events (each freed at once) and stop past max_nodes."""
    count = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, _NODE_EVENTS):
            count += 1
            if count > max_nodes:
                raise UnsafeYAML(
                    f"more than {max_nodes:,} values; an upload may hold at most that many",
                    event,
                )


def _load(text: str) -> Any:
    loader = _Loader(text)
    try:
        return build_plain(loader, MAX_DEPTH, ALIAS_ALLOWANCE)
    except NotPlain:  # PyYAML's own path, the checks before its constructor, judges it
        pass
    finally:
        loader.dispose()
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        check_tree(node)
        return loader.construct_document(node)
    finally:
        loader.dispose()


def check_tree(root: yaml.Node) -> None:
    """Refuse duplicate keys, deep nesting, recursive aliases and alias bombs."""
    distinct, aliased = _distinct_nodes(root)
    if aliased:
        _expanded_walk(root, budget=2 * distinct + ALIAS_ALLOWANCE)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _distinct_nodes(root: yaml.Node) -> tuple[int, bool]:
    """Each node once: duplicate keys and depth. Returns the count and whether any is shared."""
    seen: set[int] = set()
    aliased = False
    stack: list[tuple[yaml.Node, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if id(node) in seen:
            aliased = True
            continue
        seen.add(id(node))
        if depth > MAX_DEPTH:
            raise UnsafeYAML(f"nested more than {MAX_DEPTH} levels deep", node)
        if isinstance(node, yaml.MappingNode):
            _check_keys(node)
        stack.extend((child, depth + 1) for child in _children(node))
    return len(seen), aliased


def _check_keys(node: yaml.MappingNode) -> None:
    first: dict[tuple[str, str], int] = {}
    for key, _ in node.value:
        if not isinstance(key, yaml.ScalarNode):
            continue
        ident = (key.tag, key.value)
        if ident in first:
            raise UnsafeYAML(
                f"duplicate key {key.value!r} (first at line {first[ident]}): "
                "the second would silently replace the first",
                key,
            )
        first[ident] = key.start_mark.line + 1


def _expanded_walk(root: yaml.Node, budget: int) -> None:
    """Walk every alias path, within a budget; refuse an alias inside itself."""
    on_path: set[int] = set()
    visits = 0
    stack: list[tuple[yaml.Node, int, bool]] = [(root, 1, False)]
    while stack:
        node, depth, leaving = stack.pop()
        if leaving:
            on_path.discard(id(node))
            continue
        if id(node) in on_path:
            raise UnsafeYAML("an alias refers to the node that contains it (recursive alias)", node)
        visits += 1
        if visits > budget:
            raise UnsafeYAML(
                f"aliases expand the document beyond {budget:,} values (an alias bomb?); "
                "write the repeated values out, or use fewer aliases",
                node,
            )
        if depth > MAX_DEPTH:
            raise UnsafeYAML(f"aliases nest values more than {MAX_DEPTH} levels deep", node)
        children = _children(node)
        if children:
            on_path.add(id(node))
            stack.append((node, depth, True))
            stack.extend((child, depth + 1, False) for child in children)


class LineIndex:
    """Field path -> line, worked out only when a problem needs a line.

    Valid files (the common case) never pay for it. JSON is read as YAML for this
    purpose (a JSON document is YAML), so JSON errors get lines too. A small text's
    lines come from its node tree, all at once; a large text's (over STREAM_ABOVE
    characters) from the parser's event stream, for the paths asked only, so the
    memory needed stays that of the paths (the node tree of an 82 MB itinerary
    took 2.3 GB). Ask for many paths at once with `prefetch`: one pass for all.

    An index may cover one top-level section only (`section`): a loaded itinerary
    keeps the lines of its places (what geocoding reports), not a copy of the
    whole file (82 MB at 100,000 events, 0.8 GB at a million).
    """

    def __init__(
        self,
        text: str | bytes | None,
        max_nodes: int | None = None,
        *,
        under: Path = (),
        first_line: int = 1,
    ) -> None:
        """text: the file's text, or its UTF-8 bytes (decoded only when a line is needed);
        or, with under, the text of the section at that path, starting at first_line."""
        self._text = text
        self._max_nodes = max_nodes
        self._under = under
        self._first_line = first_line
        self._lines: dict[Path, int] | None = None
        self._whole = False  # whether _lines is the whole map (a small text's)
        self._asked: set[Path] = set()  # paths a stream pass has looked for

    def line(self, path: Path) -> int | None:
        """The line of the deepest existing prefix of path (a missing field has none)."""
        if path[: len(self._under)] != self._under:
            return None  # outside the section this index covers
        path = path[len(self._under) :]
        lines = self._resolve([path])
        for end in range(len(path), -1, -1):
            if path[:end] in lines:
                return lines[path[:end]] + self._first_line - 1
        return None

    def prefetch(self, paths: Iterable[Path]) -> None:
        """Work out the lines of many paths in one pass (before asking `line` for each)."""
        under = len(self._under)
        self._resolve([p[under:] for p in paths if p[:under] == self._under])

    def _resolve(self, paths: list[Path]) -> dict[Path, int]:
        if not paths:  # nothing asked (a valid file): the text is not even decoded
            return self._lines or {}
        if self._lines is not None and (self._whole or self._asked.issuperset(paths)):
            return self._lines
        text = self._text
        if isinstance(text, bytes):
            text = text.decode("utf-8-sig", errors="replace")
        if text is None or len(text) <= STREAM_ABOVE:
            self._lines, self._whole = _line_map(text, self._max_nodes), True
            return self._lines
        wanted = set(paths) - self._asked
        self._lines = {**(self._lines or {}), **_stream_lines(text, wanted)}
        self._asked |= wanted
        return self._lines

    def section(self, key: str, text: bytes) -> LineIndex:
        """An index of the top-level section key alone, whose JSON text (a slice of this
        index's bytes) is given; this index itself when the slice is not found."""
        whole = self._text
        start = whole.find(text) if isinstance(whole, bytes) and not self._under else -1
        if start < 0 or not isinstance(whole, bytes):
            return self
        first_line = whole.count(b"\n", 0, start) + 1
        return LineIndex(text, self._max_nodes, under=(key,), first_line=first_line)


#: Above this many characters, lines come from the event stream (see LineIndex).
STREAM_ABOVE = 1_000_000


def _stream_lines(text: str, wanted: set[Path]) -> dict[Path, int]:
    """The lines of the wanted paths and their prefixes, from the parser's events, each
    freed at once: no node tree, whatever the size of the text.

    The same lines as the node tree's map (_walk): a mapping member's is its key's
    (the last of equal keys), any other node's its start. Aliases are not followed:
    an alias's path has the alias's line, and nothing under it has one.
    """
    prefixes = {path[:end] for path in wanted for end in range(len(path) + 1)}
    lines: dict[Path, int] = {}
    if not wanted:
        return lines
    # One frame per open container: [its path (None: nothing under it is wanted),
    # is a mapping, next index or whether a key is due, the path of the value due].
    stack: list[list[Any]] = []
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, _ENDS):
                stack.pop()
                continue
            if not isinstance(event, _NODE_EVENTS):
                continue
            mark = event.start_mark
            assert mark is not None  # the parser marks every node event
            line = mark.line + 1
            path: Path | None = ()
            if stack:
                frame = stack[-1]
                parent = frame[0]
                if not frame[1]:  # a sequence item
                    path = None if parent is None else (*parent, frame[2])
                    frame[2] += 1
                elif frame[2]:  # a key
                    frame[2] = False
                    key = (
                        (*parent, str(event.value))
                        if parent is not None and isinstance(event, yaml.ScalarEvent)
                        else None
                    )
                    if key is not None and key in prefixes:
                        lines[key] = line
                    frame[3] = key
                    path = None  # nothing under a key is asked for
                else:  # a value: its line is its key's
                    frame[2] = True
                    path = frame[3]
            if path is not None and path in prefixes:
                lines.setdefault(path, line)
            else:
                path = None
            if isinstance(event, yaml.MappingStartEvent):
                stack.append([path, True, True, None])
            elif isinstance(event, yaml.SequenceStartEvent):
                stack.append([path, False, 0, None])
    except yaml.YAMLError:
        pass  # JSON that YAML 1.1 reads differently: the lines found so far
    return lines


_ENDS = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


def _line_map(text: str | None, max_nodes: int | None) -> dict[Path, int]:
    lines: dict[Path, int] = {}
    if not text:
        return lines
    loader = _Loader(text)
    try:
        if max_nodes is not None and len(text) > 2 * max_nodes:
            _count_nodes(text, max_nodes)  # a huge JSON upload: no lines, not 2 GB of nodes
        node = loader.get_single_node()
    except yaml.YAMLError:
        return lines  # JSON that YAML 1.1 reads differently: no lines, still the message
    finally:
        loader.dispose()
    if node is not None:
        _walk(node, lines)
    return lines


def _walk(root: yaml.Node, lines: dict[Path, int]) -> None:
    """Iterative, and never into a node twice: aliases are not expanded."""
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, Path]] = [(root, ())]
    while stack:
        node, path = stack.pop()
        lines.setdefault(path, node.start_mark.line + 1)
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                key = (*path, str(key_node.value))
                lines[key] = key_node.start_mark.line + 1
                stack.append((value_node, key))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, (*path, index)) for index, item in enumerate(node.value))


def dotted(path: Path) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out
