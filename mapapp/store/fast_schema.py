"""The declared schema (mapapp.store.schema) as msgspec Structs: one fast check for many features.

Nothing is declared here: every property, its type and its bounds are read from
the pydantic models of `schema.py`, so a field added or renamed there is added or
renamed here too. The Structs are at least as strict as pydantic's strict mode
(no text for numbers, no 1.0 for a whole number, no unknown property); what they
cannot express (a bbox, foreign members, polygons) is left to the pydantic
models, feature by feature, which also word every error message.

`gc=False` Structs are never tracked by the garbage collector, and msgspec
checks a list of 100,000 features in one call.
"""

from __future__ import annotations

import types
from functools import cache
from operator import itemgetter
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import annotated_types
import msgspec
from pydantic import ValidationError
from pydantic.fields import FieldInfo

from mapapp.store.schema import MODEL_BY_KIND, PROPS_BY_KIND, Typed

#: A position: [lon, lat] or [lon, lat, altitude], as geojson-pydantic accepts.
Position = Annotated[list[float], msgspec.Meta(min_length=2, max_length=3)]


class PointGeometry(msgspec.Struct, forbid_unknown_fields=True, gc=False):
    type: Literal["Point"]
    coordinates: Position


class LineGeometry(msgspec.Struct, forbid_unknown_fields=True, gc=False):
    type: Literal["LineString"]
    coordinates: Annotated[list[Position], msgspec.Meta(min_length=2)]


#: The kinds checked here, with their geometry (partners' polygons go to pydantic).
GEOMETRY_STRUCT: dict[str, type[msgspec.Struct]] = {
    "event": PointGeometry,
    "route": LineGeometry,
    "hq": PointGeometry,
}


class Unmirrorable(TypeError):
    """A field the Structs cannot express exactly: its kind is checked by pydantic alone."""


def _python_pattern(pattern: str) -> str:
    """pydantic's (Rust) `$` ends the text; Python's also matches before a final newline."""
    return (
        pattern[:-1] + r"\Z" if pattern.endswith("$") and not pattern.endswith(r"\$") else pattern
    )


def _constraints(info: FieldInfo) -> dict[str, Any]:
    meta: dict[str, Any] = {}
    for item in info.metadata:
        if isinstance(item, annotated_types.Ge):
            meta["ge"] = item.ge
        elif isinstance(item, annotated_types.Le):
            meta["le"] = item.le
        elif isinstance(item, annotated_types.Gt):
            meta["gt"] = item.gt
        elif isinstance(item, annotated_types.Lt):
            meta["lt"] = item.lt
        elif isinstance(item, annotated_types.MinLen):
            meta["min_length"] = item.min_length
        elif isinstance(item, annotated_types.MaxLen):
            meta["max_length"] = item.max_length
        elif getattr(item, "pattern", None) is not None:
            meta["pattern"] = _python_pattern(item.pattern)
        elif isinstance(item, Typed) or (
            type(item).__name__ == "_PydanticGeneralMetadata" and not vars(item)
        ):  # how the typed exports type it, or pydantic's empty marker: no constraint
            continue
        else:  # a constraint this mirror cannot express must not be dropped silently
            raise Unmirrorable(f"fast_schema cannot mirror the constraint {item!r}")
    return meta


def _mirror_type(annotation: Any) -> Any:
    """The annotation as msgspec reads it (the same Python types, strictly checked)."""
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        return Union[tuple(_mirror_type(a) for a in get_args(annotation))]  # noqa: UP007
    if origin is list:
        return list[_mirror_type(get_args(annotation)[0])]  # type: ignore[misc]
    if origin is Literal or annotation in (str, int, float, bool, type(None)):
        return annotation
    raise Unmirrorable(f"fast_schema cannot mirror the type {annotation!r}")


def _constrained(annotation: Any, meta: dict[str, Any]) -> Any:
    """Constraints on the value, as pydantic reads them: on `str | None` they bind the
    text (msgspec takes a pattern or a length only on the str itself)."""
    if get_origin(annotation) in (Union, types.UnionType):
        args = get_args(annotation)
        none = type(None)
        return Union[tuple(a if a is none else Annotated[a, msgspec.Meta(**meta)] for a in args)]  # noqa: UP007
    return Annotated[annotation, msgspec.Meta(**meta)]


def _props_struct(kind: str, patterns: bool = True) -> type[msgspec.Struct]:
    """The properties of a kind; without patterns: the same, but a required property's
    pattern is left to `_pattern_types` (checked once per distinct value)."""
    fields: list[tuple[str, Any] | tuple[str, Any, Any]] = []
    for name, info in PROPS_BY_KIND[kind].model_fields.items():
        kind_type = _mirror_type(info.annotation)
        meta = _constraints(info)
        if not patterns and info.is_required():
            meta.pop("pattern", None)
        typ = _constrained(kind_type, meta) if meta else kind_type
        if info.is_required():
            fields.append((name, typ))
        else:
            fields.append((name, typ, msgspec.field(default_factory=info.get_default)))
    return msgspec.defstruct(
        f"{kind.title()}Props", fields, forbid_unknown_fields=True, gc=False, kw_only=True
    )


@cache
def _pattern_types(kind: str) -> dict[str, Any]:
    """Each required property of a kind with a pattern, as a list of its checked type:
    the patterned texts (dates, instants) repeat, so each distinct one is checked once."""
    out: dict[str, Any] = {}
    for name, info in PROPS_BY_KIND[kind].model_fields.items():
        meta = _constraints(info)
        if "pattern" in meta and info.is_required():
            out[name] = list[_constrained(_mirror_type(info.annotation), meta)]  # type: ignore[misc]
    return out


@cache
def feature_struct(kind: str, patterns: bool = True) -> type[msgspec.Struct] | None:
    """A Feature of one kind: exactly type, geometry, properties and a text or whole-number id
    (anything else, such as a bbox or a foreign member, is for pydantic to judge).

    None when a property cannot be mirrored exactly (a type or constraint added to
    schema.py that this module does not know): that kind is then checked by pydantic.
    Without patterns: the same, less its properties' patterns (see check_all).
    """
    try:
        props = _props_struct(kind, patterns)
    except Unmirrorable:
        return None
    return msgspec.defstruct(
        f"{kind.title()}Feature" if patterns else f"{kind.title()}FeatureUnpatterned",
        [
            ("type", Literal["Feature"]),
            ("geometry", GEOMETRY_STRUCT[kind]),
            ("properties", props),
            ("id", Union[str, int, None], None),  # noqa: UP007
        ],
        forbid_unknown_fields=True,
        gc=False,
    )


def passes(kind: str, feature: Any) -> bool:
    """Whether one feature (plain JSON data) passes the mirrored schema of its kind."""
    try:
        check_all(kind, [feature])
    except msgspec.ValidationError:
        return False
    return True


def check_all(kind: str, features: list[Any]) -> None:
    """Check many features of one kind in one call; raise msgspec.ValidationError.

    Everything but the patterns per feature, then each pattern once per distinct text
    (a 100,000-event build has 20,000 dates, not 100,000): the same verdict, as a
    value's check depends on the value alone. Should that fail, the whole check runs
    again with the patterns, feature by feature, so the message names the feature.
    """
    many = _list_of(kind)
    if many is not None:
        try:
            _unpatterned_then_distinct(kind, features)
        except msgspec.ValidationError:
            msgspec.convert(features, many)  # the message, as it always was
            raise
        return
    model = MODEL_BY_KIND[kind]
    for feature in features:
        # geojson-pydantic admits a null geometry; mapapp's store never does.
        if not isinstance(feature, dict) or not isinstance(feature.get("geometry"), dict):
            raise msgspec.ValidationError(f"a {kind} feature needs a geometry")
        try:
            model.model_validate(feature, strict=True)
        except ValidationError as exc:
            raise msgspec.ValidationError(str(exc)) from exc


def _unpatterned_then_distinct(kind: str, features: list[Any]) -> None:
    msgspec.convert(features, _list_of(kind, patterns=False))
    # Every feature passed: a dict whose properties are a dict holding every required one.
    props = [feature["properties"] for feature in features]
    for name, many in _pattern_types(kind).items():
        values = list(map(itemgetter(name), props))
        if not set(map(type, values)) <= _TEXT_OR_NONE:  # a subclass: check each
            msgspec.convert(values, many)
            continue
        msgspec.convert(list(set(values)), many)


_TEXT_OR_NONE = {str, type(None)}


@cache
def _list_of(kind: str, patterns: bool = True) -> Any:
    struct = feature_struct(kind, patterns)
    return None if struct is None else list[struct]  # type: ignore[valid-type]
