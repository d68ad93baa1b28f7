"""The engine's property values as plain Python, and back, keeping secrets secret.

The engine steps (:mod:`..engine.steps`) work on plain dicts, as the dynamic provider hands
them. The plugin receives :class:`PropertyValue` maps: a value may be secret, or unknown during
a preview. :func:`plain` unwraps a map into a dict (unknowns become the marker
:func:`..engine.inputs.is_unknown` recognises) and says which top-level keys were secret;
:func:`wrapped` wraps a dict again and marks those keys secret, so a secret input (externalId)
stays secret in every output and in state.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from pulumi.provider.experimental.property_value import Computed, PropertyValue
from pulumi.runtime.rpc import UNKNOWN

from pulumi_codestar_connections.engine.inputs import is_unknown

__all__ = ["Plain", "plain", "wrapped"]


class Plain(dict[str, Any]):
    """A property map as plain values; ``secrets`` names the keys whose value was secret."""

    secrets: frozenset[str]

    def __init__(self, values: Mapping[str, Any], secrets: Collection[str] = ()) -> None:
        super().__init__(values)
        self.secrets = frozenset(secrets)


def plain(properties: Mapping[str, PropertyValue]) -> Plain:
    """Unwrap ``properties``: nested maps and lists too; secret keys remembered."""
    return Plain(
        {key: _value(value) for key, value in properties.items()},
        {key for key, value in properties.items() if value.contains_secret()},
    )


def wrapped(values: Mapping[str, Any], secrets: Collection[str] = ()) -> dict[str, PropertyValue]:
    """Wrap plain ``values``; each key in ``secrets`` (when present) is marked secret."""
    return {key: _wrap(value).with_secret(key in secrets) for key, value in values.items()}


def _value(value: PropertyValue) -> Any:
    inner = value.value
    if isinstance(inner, Computed):
        return UNKNOWN
    if isinstance(inner, Mapping):
        return {key: _value(item) for key, item in inner.items()}
    if isinstance(inner, tuple):
        return [_value(item) for item in inner]
    return inner


def _wrap(value: Any) -> PropertyValue:
    if isinstance(value, PropertyValue):
        return value
    if is_unknown(value):
        return PropertyValue.computed()
    if isinstance(value, Mapping):
        return PropertyValue({key: _wrap(item) for key, item in value.items()})
    if isinstance(value, list | tuple):
        return PropertyValue([_wrap(item) for item in value])
    if isinstance(value, int) and not isinstance(value, bool):
        return PropertyValue(float(value))
    return PropertyValue(value)
