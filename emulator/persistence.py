"""The ``--state`` file: the emulator's records as JSON, replaced atomically on every change.

Only connections and hosts are kept; faults and the call log are test scaffolding and die with the
process.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from emulator.jsonfields import (
    FieldError,
    optional_str,
    require_list,
    require_object,
    require_str,
    string_map,
)
from emulator.records import Connection, Host, Scope, VpcConfiguration

__all__ = [
    "STATE_VERSION",
    "State",
    "StateFileError",
    "load_state",
    "save_state",
    "state_to_json",
]

STATE_VERSION = 1


class StateFileError(Exception):
    """The state file exists but cannot be used; starting empty would silently lose it."""


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
    document = state_to_json(state)
    # A reader (or a restart after kill -9) must see the old file or the new one, never half of
    # one: write beside the target, then rename over it. No fsync: surviving a process kill is
    # the goal, not surviving a power cut.
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(document, handle, indent=1)
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


def load_state(path: Path) -> State:
    """The state kept in ``path``; an empty state when the file does not exist yet."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return State()
    except OSError as error:
        raise StateFileError(f"cannot read state file {path}: {error}") from error
    try:
        document = require_object(json.loads(text), "the state file")
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
