"""The emulator's state and the operations on it, kept per (account, region) like AWS does.

Both APIs (``codestar-connections`` and ``codeconnections``) read and write the same records: AWS
treats them as one service under two names, and an ARN minted by one is accepted by the other.
Every public method takes the one lock, so request threads never see half an update, and writes
the state file (when there is one) before it returns.
"""

from __future__ import annotations

import dataclasses
import threading
from dataclasses import dataclass, field
from pathlib import Path

from emulator.codestar_connections.arns import connection_arn, host_arn, parse_arn
from emulator.codestar_connections.persistence import State, load_state, save_state
from emulator.codestar_connections.records import (
    CONNECTION_STATUSES,
    HOST_PROVIDER_TYPES,
    HOST_STATUSES,
    Connection,
    ConnectionSeed,
    Host,
    Scope,
    VpcConfiguration,
)
from emulator.core.errors import (
    LimitExceededException,
    ResourceNotFoundException,
    ResourceUnavailableException,
    ValidationException,
)

__all__ = ["MAX_TAGS_PER_RESOURCE", "Backend"]

MAX_TAGS_PER_RESOURCE = 200

# A host that is still setting up or tearing down its VPC link cannot be deleted.
_HOST_STATUSES_BLOCKING_DELETE = ("VPC_CONFIG_INITIALIZING", "VPC_CONFIG_DELETING")


@dataclass
class _ScopeState:
    connections: dict[str, Connection] = field(default_factory=dict)
    hosts: dict[str, Host] = field(default_factory=dict)


class Backend:
    """All connections and hosts. Methods return copies, so callers may render them unlocked."""

    def __init__(self, *, connection_limit: int = 250, state_file: Path | None = None) -> None:
        self.connection_limit = connection_limit
        self._state_file = state_file
        self._lock = threading.RLock()
        self._scopes: dict[Scope, _ScopeState] = {}
        self._next_sequence = 1
        if state_file is not None:
            self._restore(load_state(state_file))

    # Connections

    def create_connection(
        self,
        scope: Scope,
        *,
        service: str,
        name: str,
        provider_type: str | None,
        host_arn: str | None = None,
        provider_endpoint: str | None = None,
        tags: dict[str, str] | None = None,
        status: str = "PENDING",
        enforce_limit: bool = True,
    ) -> Connection:
        with self._lock:
            record = self._add_connection(
                scope,
                service=service,
                name=name,
                provider_type=provider_type,
                host_arn=host_arn,
                provider_endpoint=provider_endpoint,
                tags=tags,
                status=status,
                enforce_limit=enforce_limit,
            )
            self._persist()
            return _copy_connection(record)

    def seed_connections(self, seeds: list[ConnectionSeed]) -> list[Connection]:
        """Create every connection of ``seeds`` or none (no quota), writing the state file once."""
        with self._lock:
            created: list[tuple[Scope, Connection]] = []
            try:
                for seed in seeds:
                    record = self._add_connection(
                        seed.scope,
                        service=seed.service,
                        name=seed.name,
                        provider_type=seed.provider_type,
                        host_arn=seed.host_arn,
                        tags=seed.tags,
                        status=seed.status,
                        enforce_limit=False,
                    )
                    created.append((seed.scope, record))
            except Exception:
                for scope, record in created:
                    del self._scope(scope).connections[record.connection_arn]
                raise
            self._persist()
            return [_copy_connection(record) for _, record in created]

    def get_connection(self, scope: Scope, arn: str) -> Connection:
        with self._lock:
            return _copy_connection(self._find_connection(scope, arn))

    def list_connections(
        self, scope: Scope, *, provider_type: str | None = None, host_arn: str | None = None
    ) -> list[Connection]:
        with self._lock:
            state = self._scopes.get(scope, _ScopeState())
            return [
                _copy_connection(record)
                for record in sorted(state.connections.values(), key=lambda item: item.sequence)
                if (provider_type is None or record.provider_type == provider_type)
                and (host_arn is None or record.host_arn == host_arn)
            ]

    def delete_connection(self, scope: Scope, arn: str) -> None:
        with self._lock:
            self._find_connection(scope, arn)
            del self._scope(scope).connections[arn]
            self._persist()

    def set_connection_status(self, arn: str, status: str) -> Connection:
        """Play the console's part: a human completing (or breaking) the provider handshake."""
        if status not in CONNECTION_STATUSES:
            raise ValidationException(
                f"ConnectionStatus must be one of {', '.join(CONNECTION_STATUSES)}"
            )
        with self._lock:
            record = self._find_connection(_scope_of(arn, "Connection"), arn)
            record.connection_status = status
            self._persist()
            return _copy_connection(record)

    # Hosts

    def create_host(
        self,
        scope: Scope,
        *,
        service: str,
        name: str,
        provider_type: str,
        provider_endpoint: str,
        vpc_configuration: VpcConfiguration | None = None,
        tags: dict[str, str] | None = None,
    ) -> Host:
        if provider_type not in HOST_PROVIDER_TYPES:
            raise ValidationException(
                f"ProviderType {provider_type} does not support hosts; use one of "
                f"{', '.join(HOST_PROVIDER_TYPES)}"
            )
        _check_tag_count(tags or {})
        with self._lock:
            record = Host(
                host_arn=host_arn(service, scope[1], scope[0], name),
                name=name,
                provider_type=provider_type,
                provider_endpoint=provider_endpoint,
                # A new host waits in PENDING until a human finishes the setup in the console
                # (here: the control API). AWS passes through VPC_CONFIG_INITIALIZING first for
                # VPC hosts; nothing here would ever move it on, so that step is skipped.
                status="PENDING",
                vpc_configuration=vpc_configuration,
                tags=dict(tags or {}),
                sequence=self._take_sequence(),
            )
            self._scope(scope).hosts[record.host_arn] = record
            self._persist()
            return _copy_host(record)

    def get_host(self, scope: Scope, arn: str) -> Host:
        with self._lock:
            return _copy_host(self._find_host(scope, arn))

    def list_hosts(self, scope: Scope) -> list[Host]:
        with self._lock:
            state = self._scopes.get(scope, _ScopeState())
            return [
                _copy_host(record)
                for record in sorted(state.hosts.values(), key=lambda item: item.sequence)
            ]

    def delete_host(self, scope: Scope, arn: str) -> None:
        with self._lock:
            record = self._find_host(scope, arn)
            if record.status in _HOST_STATUSES_BLOCKING_DELETE:
                raise ResourceUnavailableException(
                    f"Host {arn} cannot be deleted while its status is {record.status}"
                )
            del self._scope(scope).hosts[arn]
            self._persist()

    def set_host_status(self, arn: str, status: str, message: str | None = None) -> Host:
        if status not in HOST_STATUSES:
            raise ValidationException(f"HostStatus must be one of {', '.join(HOST_STATUSES)}")
        with self._lock:
            record = self._find_host(_scope_of(arn, "Host"), arn)
            record.status = status
            record.status_message = message
            self._persist()
            return _copy_host(record)

    # Tags

    def tag_resource(self, scope: Scope, arn: str, tags: dict[str, str]) -> None:
        with self._lock:
            record = self._find_taggable(scope, arn)
            merged = {**record.tags, **tags}
            _check_tag_count(merged, arn)
            record.tags = merged
            self._persist()

    def untag_resource(self, scope: Scope, arn: str, keys: list[str]) -> None:
        with self._lock:
            record = self._find_taggable(scope, arn)
            # Keys that are not there are ignored, as AWS does.
            record.tags = {key: value for key, value in record.tags.items() if key not in keys}
            self._persist()

    def list_tags(self, scope: Scope, arn: str) -> dict[str, str]:
        with self._lock:
            return dict(self._find_taggable(scope, arn).tags)

    # Whole state

    def reset(self) -> None:
        with self._lock:
            self._scopes.clear()
            self._next_sequence = 1
            self._persist()

    def snapshot(self) -> State:
        with self._lock:
            return State(
                connections=[
                    (scope, _copy_connection(record))
                    for scope, state in self._scopes.items()
                    for record in state.connections.values()
                ],
                hosts=[
                    (scope, _copy_host(record))
                    for scope, state in self._scopes.items()
                    for record in state.hosts.values()
                ],
                next_sequence=self._next_sequence,
            )

    # Internals (caller holds the lock)

    def _add_connection(
        self,
        scope: Scope,
        *,
        service: str,
        name: str,
        provider_type: str | None,
        host_arn: str | None,
        provider_endpoint: str | None = None,
        tags: dict[str, str] | None,
        status: str,
        enforce_limit: bool,
    ) -> Connection:
        state = self._scope(scope)
        if host_arn is not None:
            host = self._find_host(scope, host_arn)
            if provider_type is not None and provider_type != host.provider_type:
                raise ValidationException(
                    f"ProviderType {provider_type} does not match the provider type "
                    f"{host.provider_type} of host {host_arn}"
                )
            provider_type = host.provider_type
        if provider_type is None:
            raise ValidationException("Either ProviderType or HostArn must be specified")
        if enforce_limit and len(state.connections) >= self.connection_limit:
            raise LimitExceededException(
                f"Connection limit exceeded: account {scope[0]} already has "
                f"{self.connection_limit} connections in {scope[1]}"
            )
        _check_tag_count(tags or {})
        record = Connection(
            connection_arn=connection_arn(service, scope[1], scope[0]),
            connection_name=name,
            provider_type=provider_type,
            owner_account_id=scope[0],
            connection_status=status,
            host_arn=host_arn,
            provider_endpoint=provider_endpoint,
            tags=dict(tags or {}),
            sequence=self._take_sequence(),
        )
        state.connections[record.connection_arn] = record
        return record

    def _scope(self, scope: Scope) -> _ScopeState:
        return self._scopes.setdefault(scope, _ScopeState())

    def _take_sequence(self) -> int:
        sequence = self._next_sequence
        self._next_sequence += 1
        return sequence

    def _find_connection(self, scope: Scope, arn: str) -> Connection:
        record = self._scopes.get(scope, _ScopeState()).connections.get(arn)
        if record is None:
            raise ResourceNotFoundException(f"Connection {arn} does not exist")
        return record

    def _find_host(self, scope: Scope, arn: str) -> Host:
        record = self._scopes.get(scope, _ScopeState()).hosts.get(arn)
        if record is None:
            raise ResourceNotFoundException(f"Host {arn} does not exist")
        return record

    def _find_taggable(self, scope: Scope, arn: str) -> Connection | Host:
        state = self._scopes.get(scope, _ScopeState())
        record = state.connections.get(arn) or state.hosts.get(arn)
        if record is None:
            raise ResourceNotFoundException(f"Resource {arn} does not exist")
        return record

    def _persist(self) -> None:
        if self._state_file is not None:
            save_state(self._state_file, self.snapshot())

    def _restore(self, state: State) -> None:
        for scope, connection in state.connections:
            self._scope(scope).connections[connection.connection_arn] = connection
        for scope, host in state.hosts:
            self._scope(scope).hosts[host.host_arn] = host
        self._next_sequence = state.next_sequence


def _scope_of(arn: str, kind: str) -> Scope:
    """Where an ARN's record lives, for callers (the control API) that have no request scope."""
    parsed = parse_arn(arn)
    if parsed is None or parsed.resource_type != kind.lower():
        raise ResourceNotFoundException(f"{kind} {arn} does not exist")
    return (parsed.account, parsed.region)


def _check_tag_count(tags: dict[str, str], arn: str | None = None) -> None:
    if len(tags) > MAX_TAGS_PER_RESOURCE:
        where = f" on resource {arn}" if arn else ""
        raise LimitExceededException(
            f"Tag limit exceeded: at most {MAX_TAGS_PER_RESOURCE} tags are allowed{where}"
        )


def _copy_connection(record: Connection) -> Connection:
    return dataclasses.replace(record, tags=dict(record.tags))


def _copy_host(record: Host) -> Host:
    return dataclasses.replace(record, tags=dict(record.tags))
