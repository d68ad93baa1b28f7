"""The ``--state`` file's document: connections and hosts as JSON (core/persistence.py keeps the
file itself safe, replacing it atomically on every change).

Only connections and hosts are kept; faults and the call log are test scaffolding and die with the
process.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from emulator.codestar_connections.records import Connection, Host, Scope, VpcConfiguration
from emulator.core.jsonfields import (
    FieldError,
    optional_str,
    require_list,
    require_object,
    require_str,
    string_map,
)
from emulator.core.persistence import StateFileError, read_document, write_document

__all__ = [
    "STATE_VERSION",
    "State",
    "load_state",
    "save_state",
    "state_to_json",
]

STATE_VERSION = 1


@dataclass
class State:
    connections: list[tuple[Scope, Connection]] = field(default_factory=list)
    hosts: list[tuple[Scope, Host]] = field(default_factory=list)
    next_sequence: int = 1


def state_to_json(state: State) -> dict[str, object]:
    return {
        "Version": STATE_VERSION,
        "NextSequence": state.next_sequence,
        "Connections": [_connection_to_json(scope, record) for scope, record in state.connections],
        "Hosts": [_host_to_json(scope, record) for scope, record in state.hosts],
    }


def save_state(path: Path, state: State) -> None:
    write_document(path, state_to_json(state))


def load_state(path: Path) -> State:
    """The state kept in ``path``; an empty state when the file does not exist yet."""
    document = read_document(path)
    if document is None:
        return State()
    try:
        document = require_object(document, "the state file")
        if document.get("Version") != STATE_VERSION:
            raise FieldError(f"Version must be {STATE_VERSION}")
        next_sequence = document.get("NextSequence")
        if isinstance(next_sequence, bool) or not isinstance(next_sequence, int):
            raise FieldError("NextSequence must be an integer")
        return State(
            connections=[
                _connection_from_json(require_object(item, "a connection"))
                for item in require_list(document.get("Connections"), "Connections")
            ],
            hosts=[
                _host_from_json(require_object(item, "a host"))
                for item in require_list(document.get("Hosts"), "Hosts")
            ],
            next_sequence=next_sequence,
        )
    except (ValueError, FieldError) as error:
        raise StateFileError(f"state file {path} is not valid: {error}") from error


def _connection_to_json(scope: Scope, record: Connection) -> dict[str, object]:
    return {
        "Account": scope[0],
        "Region": scope[1],
        "Sequence": record.sequence,
        "ConnectionArn": record.connection_arn,
        "ConnectionName": record.connection_name,
        "ProviderType": record.provider_type,
        "OwnerAccountId": record.owner_account_id,
        "ConnectionStatus": record.connection_status,
        "HostArn": record.host_arn,
        "ProviderEndpoint": record.provider_endpoint,
        "Tags": record.tags,
    }


def _connection_from_json(item: dict[str, object]) -> tuple[Scope, Connection]:
    scope = (require_str(item, "Account"), require_str(item, "Region"))
    return scope, Connection(
        connection_arn=require_str(item, "ConnectionArn"),
        connection_name=require_str(item, "ConnectionName"),
        provider_type=require_str(item, "ProviderType"),
        owner_account_id=require_str(item, "OwnerAccountId"),
        connection_status=require_str(item, "ConnectionStatus"),
        host_arn=optional_str(item, "HostArn"),
        provider_endpoint=optional_str(item, "ProviderEndpoint"),
        tags=string_map(item.get("Tags", {}), "Tags"),
        sequence=_sequence(item),
    )


def _host_to_json(scope: Scope, record: Host) -> dict[str, object]:
    vpc = record.vpc_configuration
    return {
        "Account": scope[0],
        "Region": scope[1],
        "Sequence": record.sequence,
        "HostArn": record.host_arn,
        "Name": record.name,
        "ProviderType": record.provider_type,
        "ProviderEndpoint": record.provider_endpoint,
        "Status": record.status,
        "StatusMessage": record.status_message,
        "VpcConfiguration": None if vpc is None else vpc.to_json(),
        "Tags": record.tags,
    }


def _host_from_json(item: dict[str, object]) -> tuple[Scope, Host]:
    scope = (require_str(item, "Account"), require_str(item, "Region"))
    vpc_json = item.get("VpcConfiguration")
    vpc = None
    if vpc_json is not None:
        vpc_obj = require_object(vpc_json, "VpcConfiguration")
        vpc = VpcConfiguration(
            vpc_id=require_str(vpc_obj, "VpcId"),
            subnet_ids=_strings(vpc_obj.get("SubnetIds"), "SubnetIds"),
            security_group_ids=_strings(vpc_obj.get("SecurityGroupIds"), "SecurityGroupIds"),
            tls_certificate=optional_str(vpc_obj, "TlsCertificate"),
        )
    return scope, Host(
        host_arn=require_str(item, "HostArn"),
        name=require_str(item, "Name"),
        provider_type=require_str(item, "ProviderType"),
        provider_endpoint=require_str(item, "ProviderEndpoint"),
        status=require_str(item, "Status"),
        status_message=optional_str(item, "StatusMessage"),
        vpc_configuration=vpc,
        tags=string_map(item.get("Tags", {}), "Tags"),
        sequence=_sequence(item),
    )


def _sequence(item: dict[str, object]) -> int:
    value = item.get("Sequence")
    if isinstance(value, bool) or not isinstance(value, int):
        raise FieldError("Sequence must be an integer")
    return value


def _strings(value: object, what: str) -> tuple[str, ...]:
    items = require_list(value, what)
    if not all(isinstance(item, str) for item in items):
        raise FieldError(f"{what} must hold strings")
    return tuple(str(item) for item in items)
