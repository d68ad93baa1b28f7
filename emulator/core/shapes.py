"""Check request values against botocore shapes, and trim response values to them.

Messages follow the wording AWS services use for constraint failures, e.g.
``1 validation error detected: Value null at 'connectionArn' failed to satisfy constraint: Member
must not be null``, with member paths in lower camel case and list positions counted from 1.
"""

from __future__ import annotations

import functools
import json
import re

from botocore.model import ListShape, MapShape, Shape, StringShape, StructureShape

from emulator.core.errors import ValidationException

__all__ = ["conform_to_shape", "validate_input"]


def validate_input(shape: StructureShape | None, params: dict[str, object]) -> None:
    """Raise ValidationException listing every way ``params`` breaks ``shape``."""
    if shape is None:
        return
    problems: list[str] = []
    _check(shape, params, "", problems)
    if problems:
        noun = "error" if len(problems) == 1 else "errors"
        raise ValidationException(
            f"{len(problems)} validation {noun} detected: {'; '.join(problems)}"
        )


def conform_to_shape(shape: Shape | None, value: object) -> object:
    """``value`` without members the shape does not have, and without nulls.

    The two APIs share records, but their shapes differ (only codeconnections has
    ``ProviderEndpoint``); trimming here keeps every response exactly to the model of the API it
    was asked through.
    """
    if shape is None:
        return {}
    if isinstance(shape, StructureShape) and isinstance(value, dict):
        return {
            name: conform_to_shape(shape.members[name], item)
            for name, item in value.items()
            if name in shape.members and item is not None
        }
    if isinstance(shape, ListShape) and isinstance(value, list):
        return [conform_to_shape(shape.member, item) for item in value]
    if isinstance(shape, MapShape) and isinstance(value, dict):
        return {key: conform_to_shape(shape.value, item) for key, item in value.items()}
    return value


def _check(shape: Shape, value: object, path: str, problems: list[str]) -> None:
    if isinstance(shape, StructureShape):
        _check_structure(shape, value, path, problems)
    elif isinstance(shape, ListShape):
        _check_list(shape, value, path, problems)
    elif isinstance(shape, MapShape):
        _check_map(shape, value, path, problems)
    elif isinstance(shape, StringShape):
        _check_string(shape, value, path, problems)
    elif shape.type_name in ("integer", "long"):
        _check_integer(shape, value, path, problems)
    elif shape.type_name == "boolean":
        if not isinstance(value, bool):
            problems.append(_problem(value, path, "Member must be a boolean"))
    elif shape.type_name in ("float", "double", "timestamp"):
        if isinstance(value, bool) or not isinstance(value, int | float):
            problems.append(_problem(value, path, f"Member must be a {shape.type_name}"))
    elif shape.type_name == "blob" and not isinstance(value, str):
        problems.append(_problem(value, path, "Member must be a base64-encoded string"))


def _check_structure(shape: StructureShape, value: object, path: str, problems: list[str]) -> None:
    if not isinstance(value, dict):
        problems.append(_problem(value, path, "Member must be a structure"))
        return
    for name in shape.required_members:
        if value.get(name) is None:
            problems.append(_problem(None, _join(path, name), "Member must not be null"))
    # Members the model does not know are ignored, as AWS ignores them.
    for name, member in shape.members.items():
        item = value.get(name)
        if item is not None:
            _check(member, item, _join(path, name), problems)


def _check_list(shape: ListShape, value: object, path: str, problems: list[str]) -> None:
    if not isinstance(value, list):
        problems.append(_problem(value, path, "Member must be a list"))
        return
    _check_length(shape, value, len(value), path, problems)
    for index, item in enumerate(value, start=1):
        _check(shape.member, item, f"{path}.{index}.member", problems)


def _check_map(shape: MapShape, value: object, path: str, problems: list[str]) -> None:
    if not isinstance(value, dict):
        problems.append(_problem(value, path, "Member must be a map"))
        return
    _check_length(shape, value, len(value), path, problems)
    for key, item in value.items():
        _check(shape.key, key, f"{path}.key", problems)
        _check(shape.value, item, f"{path}.{key}", problems)


def _check_string(shape: StringShape, value: object, path: str, problems: list[str]) -> None:
    if not isinstance(value, str):
        problems.append(_problem(value, path, "Member must be a string"))
        return
    if shape.enum and value not in shape.enum:
        allowed = ", ".join(shape.enum)
        problems.append(_problem(value, path, f"Member must satisfy enum value set: [{allowed}]"))
        return
    _check_length(shape, value, len(value), path, problems)
    pattern = shape.metadata.get("pattern")
    # Smithy patterns are not anchored: a match anywhere in the value satisfies them.
    if isinstance(pattern, str) and _compiled(pattern).search(value) is None:
        problems.append(
            _problem(value, path, f"Member must satisfy regular expression pattern: {pattern}")
        )


def _check_integer(shape: Shape, value: object, path: str, problems: list[str]) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        problems.append(_problem(value, path, "Member must be an integer"))
        return
    minimum = shape.metadata.get("min")
    maximum = shape.metadata.get("max")
    if isinstance(minimum, int) and value < minimum:
        problems.append(
            _problem(value, path, f"Member must have value greater than or equal to {minimum}")
        )
    if isinstance(maximum, int) and value > maximum:
        problems.append(
            _problem(value, path, f"Member must have value less than or equal to {maximum}")
        )


def _check_length(shape: Shape, value: object, length: int, path: str, problems: list[str]) -> None:
    minimum = shape.metadata.get("min")
    maximum = shape.metadata.get("max")
    if isinstance(minimum, int) and length < minimum:
        problems.append(
            _problem(value, path, f"Member must have length greater than or equal to {minimum}")
        )
    if isinstance(maximum, int) and length > maximum:
        problems.append(
            _problem(value, path, f"Member must have length less than or equal to {maximum}")
        )


@functools.cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _join(path: str, member: str) -> str:
    # AWS names members in lower camel case in these messages: ConnectionArn -> connectionArn.
    name = member[:1].lower() + member[1:]
    return f"{path}.{name}" if path else name


def _problem(value: object, path: str, constraint: str) -> str:
    return f"Value {_render(value)} at '{path}' failed to satisfy constraint: {constraint}"


def _render(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, str):
        return f"'{value}'"
    return json.dumps(value)
