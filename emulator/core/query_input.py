"""Read an AWS Query request (``Action=…&Version=…&Member=…``) into members, by the input shape.

The reverse of botocore's QuerySerializer: structure members by their serialized names joined
with dots, lists as ``Name.member.N`` (``Name.N`` when flattened, ``Name=`` when empty), maps as
``Name.entry.N.key``/``.value``. Scalars are converted to the types the shape names where they
can be (``"900"`` -> 900, ``"true"`` -> True, ISO 8601 -> seconds since the epoch); a value that
cannot stays a string, so validation against the shape (:mod:`.shapes`) reports it.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Mapping

from botocore.model import ListShape, MapShape, Shape, StructureShape
from botocore.utils import parse_timestamp

from emulator.core.errors import MalformedQueryStringException, ValidationException

__all__ = ["decode_form", "params_from_form"]

_INTEGER = re.compile(r"[+-]?\d+")
# XML 1.0 can carry none of these, not even as character references; an answer that echoed one
# (a RoleSessionName in an ARN) could not be parsed.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def decode_form(body: bytes) -> dict[str, str]:
    """The form's fields (the last value of a repeated name wins, as AWS reads them)."""
    try:
        text = body.decode("utf-8")
        pairs = urllib.parse.parse_qsl(
            text, keep_blank_values=True, strict_parsing=False, errors="strict"
        )
    except (UnicodeDecodeError, ValueError) as error:
        raise MalformedQueryStringException(
            f"The request body is not a valid form: {error}"
        ) from error
    form = dict(pairs)
    for name, value in form.items():
        if _NOT_XML.search(name) or _NOT_XML.search(value):
            raise ValidationException(
                f"Parameter {name!r} contains a character AWS does not accept"
            )
    return form


def params_from_form(shape: StructureShape | None, form: Mapping[str, str]) -> dict[str, object]:
    """The members ``form`` gives for ``shape`` (the input shape of the operation)."""
    if shape is None:
        return {}
    keys = tuple(form)
    structure = _structure(shape, form, keys, "")
    return structure


def _value(shape: Shape, form: Mapping[str, str], keys: tuple[str, ...], name: str) -> object:
    """The member at ``name``; None when the form does not give it."""
    if isinstance(shape, StructureShape):
        prefix = name + "."
        if not any(key.startswith(prefix) for key in keys):
            return None
        return _structure(shape, form, keys, prefix)
    if isinstance(shape, ListShape):
        return _list(shape, form, keys, name)
    if isinstance(shape, MapShape):
        return _map(shape, form, keys, name)
    raw = form.get(name)
    return None if raw is None else _scalar(shape, raw)


def _structure(
    shape: StructureShape, form: Mapping[str, str], keys: tuple[str, ...], prefix: str
) -> dict[str, object]:
    members: dict[str, object] = {}
    for member_name, member in shape.members.items():
        serialized = member.serialization.get("name") or member_name
        value = _value(member, form, keys, prefix + serialized)
        if value is not None:
            members[member_name] = value
    return members


def _list(
    shape: ListShape, form: Mapping[str, str], keys: tuple[str, ...], name: str
) -> list[object] | None:
    if form.get(name) == "":
        return []
    if shape.serialization.get("flattened"):
        element = shape.member.serialization.get("name")
        base = ".".join([*name.split(".")[:-1], element]) if element else name
    else:
        base = f"{name}.{shape.member.serialization.get('name', 'member')}"
    indices = _indices(keys, base)
    if not indices:
        return None
    return [_value(shape.member, form, keys, f"{base}.{index}") for index in indices]


def _map(
    shape: MapShape, form: Mapping[str, str], keys: tuple[str, ...], name: str
) -> dict[str, object] | None:
    base = name if shape.serialization.get("flattened") else f"{name}.entry"
    key_name = shape.key.serialization.get("name", "key")
    value_name = shape.value.serialization.get("name", "value")
    indices = _indices(keys, base)
    if not indices:
        return None
    entries: dict[str, object] = {}
    for index in indices:
        key = form.get(f"{base}.{index}.{key_name}")
        if key is not None:
            entries[key] = _value(shape.value, form, keys, f"{base}.{index}.{value_name}")
    return entries


def _indices(keys: tuple[str, ...], base: str) -> list[int]:
    prefix = base + "."
    found: set[int] = set()
    for key in keys:
        if key.startswith(prefix):
            head = key[len(prefix) :].split(".", 1)[0]
            if head.isdigit():
                found.add(int(head))
    return sorted(found)


def _scalar(shape: Shape, raw: str) -> object:
    kind = shape.type_name
    if kind in ("integer", "long"):
        return int(raw) if _INTEGER.fullmatch(raw) else raw
    if kind == "boolean":
        return {"true": True, "false": False}.get(raw, raw)
    if kind in ("float", "double"):
        try:
            return float(raw)
        except ValueError:
            return raw
    if kind == "timestamp":
        try:
            return parse_timestamp(raw).timestamp()
        except (ValueError, TypeError, OverflowError):
            return raw
    return raw
