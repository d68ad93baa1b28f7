"""The JSON documents the CLI prints, shaped as the AWS CLI prints the same API answers.

``get`` → ``{"Connection": {...}}`` like ``aws codestar-connections get-connection``;
``list`` → ``{"Connections": [...]}`` like ``list-connections`` (all pages, no NextToken).
The members come from :meth:`ConnectionRecord.to_api` (the project's one mapping); only their
order is taken from the service model, which is the order the AWS CLI prints them in, so that
both tools print the same bytes.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any

from pulumi_codestar_connections.core.arns import parse_connection_arn
from pulumi_codestar_connections.core.errors import InvalidConnectionArn
from pulumi_codestar_connections.core.records import ConnectionRecord

__all__ = ["connection_document", "connections_document", "ordered_connection"]

_lock = threading.Lock()
_member_orders: dict[str, tuple[str, ...]] = {}


def connection_document(record: ConnectionRecord, *, profile: str | None) -> dict[str, Any]:
    return {"Connection": ordered_connection(record, profile=profile)}


def connections_document(
    records: Iterable[ConnectionRecord], *, profile: str | None
) -> dict[str, Any]:
    return {"Connections": [ordered_connection(record, profile=profile) for record in records]}


def ordered_connection(record: ConnectionRecord, *, profile: str | None) -> dict[str, Any]:
    """``record.to_api()`` with its members in the service model's order."""
    document = record.to_api()
    order = _member_order(record.connection_arn, profile=profile)
    ordered = {member: document[member] for member in order if member in document}
    ordered.update((member, value) for member, value in document.items() if member not in order)
    return ordered


def _member_order(arn: str, *, profile: str | None) -> tuple[str, ...]:
    try:
        parsed = parse_connection_arn(arn)
    except InvalidConnectionArn:
        return ()
    with _lock:
        cached = _member_orders.get(parsed.service)
    if cached is not None:
        return cached
    from pulumi_codestar_connections.aws import client_for

    # The lookup that produced ``record`` made (and cached) this client, so asking for it again
    # costs nothing, and its model is already loaded.
    client = client_for(parsed.service, parsed.region, profile=profile)
    order = tuple(client.meta.service_model.shape_for("Connection").members)
    with _lock:
        _member_orders[parsed.service] = order
    return order
