"""Typed reads from decoded JSON (control API bodies, the state file).

Everything decoded from JSON is ``object`` until checked; these helpers do the checking once and
raise ``FieldError`` with the key's name, which the caller turns into its own error.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = [
    "FieldError",
    "optional_bool",
    "optional_int",
    "optional_str",
    "require_list",
    "require_object",
    "require_str",
    "string_map",
]


class FieldError(ValueError):
    """A JSON value is missing or has the wrong type."""


def require_object(value: object, what: str) -> dict[str, object]:
    if not isinstance(value, dict) or not all(isinstance(key, str) for key in value):
        raise FieldError(f"{what} must be a JSON object")
    return {str(key): item for key, item in value.items()}


def require_list(value: object, what: str) -> list[object]:
    if not isinstance(value, list):
        raise FieldError(f"{what} must be a JSON array")
    return list(value)


def require_str(obj: Mapping[str, object], key: str) -> str:
    value = obj.get(key)
    if not isinstance(value, str):
        raise FieldError(f"{key} is required and must be a string")
    return value


def optional_str(obj: Mapping[str, object], key: str) -> str | None:
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise FieldError(f"{key} must be a string")
    return value


def optional_int(obj: Mapping[str, object], key: str) -> int | None:
    value = obj.get(key)
    if value is None:
        return None
    # bool is an int subclass in Python, but true/false is not a number in JSON.
    if isinstance(value, bool) or not isinstance(value, int):
        raise FieldError(f"{key} must be an integer")
    return value


def optional_bool(obj: Mapping[str, object], key: str) -> bool | None:
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, bool):
        raise FieldError(f"{key} must be true or false")
    return value


def string_map(value: object, what: str) -> dict[str, str]:
    """Tags given either as ``{"k": "v"}`` or in the AWS form ``[{"Key": k, "Value": v}]``."""
    if isinstance(value, list):
        tags: dict[str, str] = {}
        for item in value:
            tag = require_object(item, f"each entry of {what}")
            tags[require_str(tag, "Key")] = require_str(tag, "Value")
        return tags
    obj = require_object(value, what)
    if not all(isinstance(item, str) for item in obj.values()):
        raise FieldError(f"{what} values must be strings")
    return {key: str(item) for key, item in obj.items()}
