"""Connections named in stack config, validated before any resource (or API call) exists.

Two shapes, usable together::

    config:
      codestar-connections:connectionArn: arn:aws:codestar-connections:…   # one connection
      codestar-connections:connections:                                       # any number
        - key: github                   # stack output name (default: name, or the ARN's id)
          arn: arn:aws:codestar-connections:…
          requireStatus: AVAILABLE
        - name: gitlab-main             # looked up with ListConnections
          providerType: GitLab
          region: eu-west-1

An entry takes ``arn`` or ``name`` and any of the resource's other inputs in camelCase.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .arn import ARN_EXAMPLE, parse_connection_arn
from .errors import CodestarConnectionsError, InvalidConnectionArn
from .inputs import INPUT_FIELDS, Invalid, LookupSpec, parse_inputs
from .model import camel_to_snake

__all__ = ["ConfigError", "ConnectionEntry", "entries_from_config", "lookups_from_config"]

# An entry's keys: the resource's inputs, with arn/name short for connectionArn/connectionName.
_ALIASES = {"arn": "connectionArn", "name": "connectionName"}
_ENTRY_KEYS = ("key", *_ALIASES, *(k for k in INPUT_FIELDS if k not in _ALIASES.values()))


class ConfigError(CodestarConnectionsError):
    """Stack config that names no connection, or a malformed one (the message names the key)."""


@dataclass(frozen=True, slots=True)
class ConnectionEntry:
    """One connection to look up: its stack output name and its inputs (state names)."""

    key: str
    inputs: dict[str, Any]

    @property
    def arguments(self) -> dict[str, Any]:
        """The inputs as :class:`provider.Connection` keyword arguments."""
        return {camel_to_snake(k): v for k, v in self.inputs.items()}


def entries_from_config(
    connection_arn: str | None, connections: object
) -> tuple[ConnectionEntry | None, list[ConnectionEntry]]:
    """(the single ``connectionArn`` entry or None, the ``connections`` entries), validated."""
    fix = "set it with `pulumi config set connectionArn <arn>`"
    single = None
    if connection_arn:
        try:
            parse_connection_arn(connection_arn, field="stack config connectionArn")
        except InvalidConnectionArn as error:
            raise ConfigError(f"{error}; {fix}") from None
        single = ConnectionEntry("connection", {"connectionArn": connection_arn})
    listed = _entries(connections)
    if single is None and not listed:
        raise ConfigError(
            "stack config names no connection: set connectionArn (`pulumi config set "
            "connectionArn <arn>`) or a list under connections (`pulumi config set --path "
            f"'connections[0].name' <name>`); expected {ARN_EXAMPLE}"
        )
    return single, listed


def _entries(connections: object) -> list[ConnectionEntry]:
    if connections in (None, "", []):
        return []
    if not isinstance(connections, Sequence) or isinstance(connections, str):
        raise ConfigError("stack config connections must be a list of objects")
    entries: list[ConnectionEntry] = []
    for index, raw in enumerate(connections):
        where = f"stack config connections[{index}]"
        if not isinstance(raw, Mapping):
            raise ConfigError(f"{where} must be an object with arn or name, got {raw!r}")
        unknown = sorted(set(raw) - set(_ENTRY_KEYS))
        if unknown:
            # A plain key as is; an odd one quoted, so the message stays on one line.
            shown = ", ".join(key if key.isidentifier() else repr(key) for key in unknown)
            raise ConfigError(
                f"{where} has unknown key(s) {shown}; known: {', '.join(_ENTRY_KEYS)}"
            )
        inputs: dict[str, Any] = {
            _ALIASES.get(str(k), str(k)): v for k, v in raw.items() if k != "key"
        }
        try:
            spec = parse_inputs(inputs, default_region=None, require_region=False)
        except Invalid as error:
            shown = next((a for a, s in _ALIASES.items() if s == error.key), error.key)
            raise ConfigError(f"{where}.{shown}: {error}") from None
        assert spec is not None  # config values are always known
        key = raw.get("key") or spec.name or (spec.arn.connection_id if spec.arn else "")
        if not isinstance(key, str) or not key:
            raise ConfigError(f"{where}.key must be a non-empty string")
        if key in {entry.key for entry in entries}:
            raise ConfigError(f"{where}: key {key!r} is used twice; give each entry its own key")
        entries.append(ConnectionEntry(key, inputs))
    return entries


def lookups_from_config(
    connection_arn: str | None, connections: object, *, default_region: str | None
) -> list[LookupSpec]:
    """What each entry's Check will look up (raises :class:`ConfigError` as above).

    An entry that needs a region and has none (no ``region``, no default) is left out: its
    Check reports that, with the fix.
    """
    single, listed = entries_from_config(connection_arn, connections)
    specs = []
    for entry in [single, *listed] if single else listed:
        try:
            spec = parse_inputs(entry.inputs, default_region=default_region)
        except Invalid:
            continue
        if spec is not None:
            specs.append(spec)
    return specs
