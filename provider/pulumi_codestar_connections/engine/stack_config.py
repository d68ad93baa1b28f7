"""The stack config: connections it names, and the provider's settings, validated early.

The program reads the connections before any resource (or API call) exists; the provider host
reads the same config, and the ``aws:*`` / ``codestar:*`` settings, when the engine configures
it (:class:`ProviderSettings`). Connections come in two shapes, usable together::

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
Every error is a :class:`ConfigError` that starts with the exact key.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from pulumi_codestar_connections.core.arns import ARN_EXAMPLE, parse_connection_arn
from pulumi_codestar_connections.core.errors import ConfigError, InvalidConnectionArn, InvalidInput
from pulumi_codestar_connections.core.records import camel_to_snake
from pulumi_codestar_connections.core.roles import AssumeRole
from pulumi_codestar_connections.core.rules import region_reason

from .inputs import INPUT_FIELDS, LookupSpec, RegionDefault, parse_inputs, role_of
from .naming import Naming, named

__all__ = [
    "PLUGIN_NAMESPACE",
    "ConnectionEntry",
    "ProviderSettings",
    "StackConfig",
    "entries_from_config",
    "lookups_from_config",
]

# An entry's keys: the resource's inputs, with arn/name short for connectionArn/connectionName.
_ALIASES = {"arn": "connectionArn", "name": "connectionName"}
_ENTRY_KEYS = ("key", *_ALIASES, *(k for k in INPUT_FIELDS if k not in _ALIASES.values()))


@dataclass(frozen=True, slots=True)
class ConnectionEntry:
    """One connection to look up: its stack output name and its inputs (state names)."""

    key: str
    inputs: dict[str, Any]

    @property
    def arguments(self) -> dict[str, Any]:
        """The inputs as :class:`pulumi_codestar_connections.Connection` keyword arguments."""
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


def _entries(connections: object, name: str = "connections") -> list[ConnectionEntry]:
    if connections in (None, "", []):
        return []
    if not isinstance(connections, Sequence) or isinstance(connections, str):
        raise ConfigError(f"stack config {name} must be a list of objects", key=name)
    entries: list[ConnectionEntry] = []
    for index, raw in enumerate(connections):
        where = f"stack config {name}[{index}]"
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
        except InvalidInput as error:
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
    connection_arn: str | None, connections: object, *, default_region: RegionDefault
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
        except InvalidInput:
            continue
        if spec is not None:
            specs.append(spec)
    return specs


class StackConfig(Protocol):
    """What the engine hands a dynamic provider (``pulumi.dynamic.config.Config``)."""

    def get(self, key: str) -> Any: ...


@dataclass(frozen=True, slots=True)
class ProviderSettings:
    """The stack config a provider host reads when the engine configures it.

    The dynamic provider's (:meth:`from_config`): ``aws:profile`` / ``aws:region`` are the
    defaults of every lookup; the ``codestar:*`` keys tune botocore (attempts in adaptive retry
    mode, timeouts in seconds) and the prefetch; the program's own ``connectionArn`` /
    ``connections`` name what the prefetch looks up. The plugin's
    (:meth:`from_plugin_config`): its own ``codestar:*`` settings, ``codestar:region`` /
    ``codestar:profile`` / ``codestar:assumeRole`` as the defaults, ``codestar:connections``
    for the prefetch.
    """

    profile: str | None = None
    region: str | None = None
    role: AssumeRole | None = None
    max_attempts: int | None = None
    connect_timeout: float | None = None
    read_timeout: float | None = None
    prefetch: bool = True
    connection_arn: str | None = None
    connections: object = None

    @classmethod
    def from_config(cls, config: StackConfig) -> ProviderSettings:
        """Read and check every setting; a bad one raises :class:`ConfigError` naming its key."""
        profile, region, arn = (
            config.get(k) for k in ("aws:profile", "aws:region", "connectionArn")
        )
        return cls(
            profile=str(profile) if profile else None,
            region=str(region) if region else None,
            max_attempts=_whole(config, "codestar:maxAttempts"),
            connect_timeout=_seconds(config, "codestar:connectTimeout"),
            read_timeout=_seconds(config, "codestar:readTimeout"),
            prefetch=_flag(config, "codestar:prefetch", default=True),
            connection_arn=str(arn) if arn else None,
            connections=_decoded(config.get("connections")),
        )

    @classmethod
    def from_plugin_config(cls, values: Mapping[str, Any]) -> ProviderSettings:
        """The provider plugin's settings (``codestar:region``, ``codestar:assumeRole``, …).

        ``values`` are the provider's inputs as plain values (numbers may arrive as floats or
        as config strings). A bad one raises :class:`ConfigError` naming ``codestar:<key>``.
        ``codestar:connections`` (entries as the program's ``connections``) names what the
        stack looks up: the first lookup starts them all (prefetch.py), as the dynamic
        provider does from the program's own stack config.
        """
        config = _PluginConfig(values)
        connections = _decoded(values.get("connections"))
        try:
            planned = _entries(connections, f"{PLUGIN_NAMESPACE}:connections")
        except ConfigError as error:
            raise ConfigError(str(error), key=f"{PLUGIN_NAMESPACE}:connections") from None
        return cls(
            profile=_plugin_text(values, "profile"),
            region=_plugin_region(values),
            role=_plugin_role(values.get("assumeRole")),
            max_attempts=_whole(config, f"{PLUGIN_NAMESPACE}:maxAttempts"),
            connect_timeout=_seconds(config, f"{PLUGIN_NAMESPACE}:connectTimeout"),
            read_timeout=_seconds(config, f"{PLUGIN_NAMESPACE}:readTimeout"),
            prefetch=bool(planned),
            connections=connections if planned else None,
        )


# The plugin's config namespace (its package name), and its assumeRole keys as inputs.
PLUGIN_NAMESPACE = "codestar"
_ROLE_KEYS = {"roleArn": "assumeRoleArn"}
# codestar:assumeRole's own words: roleArn where the resource says assumeRoleArn.
PLUGIN_CONFIG = Naming(
    lambda key: {v: k for k, v in _ROLE_KEYS.items()}.get(key, key), "{key}: {value}", ""
)


def _plugin_text(values: Mapping[str, Any], key: str) -> str | None:
    value = values.get(key)
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        where = f"{PLUGIN_NAMESPACE}:{key}"
        raise ConfigError(f"stack config {where} must be a string, got {value!r}", key=where)
    return value


def _plugin_region(values: Mapping[str, Any]) -> str | None:
    region = _plugin_text(values, "region")
    refused = region_reason(region) if region is not None else None
    if refused:
        where = f"{PLUGIN_NAMESPACE}:region"
        raise ConfigError(f"stack config {where}: region {refused}", key=where)
    return region


def _plugin_role(value: object) -> AssumeRole | None:
    """``codestar:assumeRole`` ({roleArn, externalId, sessionName}), validated as the inputs are."""
    if value is None:
        return None
    where = f"{PLUGIN_NAMESPACE}:assumeRole"
    value = _decoded(value)  # SDKs send an object setting as JSON text
    if not isinstance(value, Mapping) or "roleArn" not in value:
        raise ConfigError(
            f"stack config {where} must be an object with roleArn, got {value!r}", key=where
        )
    given = {_ROLE_KEYS.get(str(k), str(k)): v for k, v in value.items()}
    try:
        with named(PLUGIN_CONFIG):
            return role_of(given)
    except InvalidInput as error:
        raise ConfigError(f"stack config {where}: {error}", key=where) from None


@dataclass(frozen=True, slots=True)
class _PluginConfig:
    """The plugin's provider inputs read as stack config keys (``codestar:maxAttempts``)."""

    values: Mapping[str, Any]

    def get(self, key: str) -> Any:
        value = self.values.get(key.removeprefix(f"{PLUGIN_NAMESPACE}:"))
        # The engine's numbers are floats; a whole one is a whole number (3.0 → "3").
        if isinstance(value, float) and value.is_integer():
            return int(value)
        return value


def _seconds(config: StackConfig, key: str) -> float | None:
    """A positive number of seconds (values arrive as strings), or None when unset."""
    value = config.get(key)
    if value in (None, ""):
        return None
    try:
        number = float(str(value))
    except ValueError:
        message = f"stack config {key} must be a number, got {value!r}"
        raise ConfigError(message, key=key) from None
    if not number > 0:  # (also refuses nan)
        raise ConfigError(f"stack config {key} must be positive, got {value!r}", key=key)
    return number


def _whole(config: StackConfig, key: str) -> int | None:
    """A positive whole number, or None when unset."""
    value = config.get(key)
    if value in (None, ""):
        return None
    try:
        number = int(str(value))
    except ValueError:
        message = f"stack config {key} must be a whole number, got {value!r}"
        raise ConfigError(message, key=key) from None
    if number <= 0:
        raise ConfigError(f"stack config {key} must be positive, got {value!r}", key=key)
    return number


def _flag(config: StackConfig, key: str, *, default: bool) -> bool:
    """A true/false value (values arrive as strings, or as booleans)."""
    value = config.get(key)
    if value in (None, ""):
        return default
    text = str(value).lower()
    if text not in ("true", "false"):
        raise ConfigError(f"stack config {key} must be true or false, got {value!r}", key=key)
    return text == "true"


def _decoded(value: object) -> object:
    """A structured config value as the program sees it (the host may pass it as JSON text)."""
    if isinstance(value, str) and value[:1] in ("[", "{"):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value
