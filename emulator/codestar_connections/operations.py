"""The supported operations: validated request members in, response members out.

Each handler turns the request's members into a call on the Backend and the result into the
operation's output members. Input has already been checked against the service model, so the
reads below only narrow types for mypy.
"""

from __future__ import annotations

from collections.abc import Callable

from emulator.codestar_connections.backend import Backend
from emulator.codestar_connections.records import Connection, Host, VpcConfiguration
from emulator.core.jsonfields import optional_int, optional_str, require_str, string_map
from emulator.core.paging import page
from emulator.core.service import RequestContext

__all__ = ["HANDLERS", "Handler"]


Handler = Callable[[Backend, RequestContext, dict[str, object]], dict[str, object]]


def _create_connection(
    backend: Backend, context: RequestContext, params: dict[str, object]
) -> dict[str, object]:
    tags = _tags_in(params)
    record = backend.create_connection(
        context.scope,
        service=context.service,
        name=require_str(params, "ConnectionName"),
        provider_type=optional_str(params, "ProviderType"),
        host_arn=optional_str(params, "HostArn"),
        provider_endpoint=optional_str(params, "ProviderEndpoint"),
        tags=tags,
    )
    return {"ConnectionArn": record.connection_arn, "Tags": _tags_out(tags) if tags else None}


def _get_connection(
    backend: Backend, context: RequestContext, params: dict[str, object]
) -> dict[str, object]:
    record = backend.get_connection(context.scope, require_str(params, "ConnectionArn"))
    return {"Connection": _connection_out(record)}


def _list_connections(
    backend: Backend, context: RequestContext, params: dict[str, object]
) -> dict[str, object]:
    provider_type = optional_str(params, "ProviderTypeFilter")
    host_arn = optional_str(params, "HostArnFilter")
    records, next_token = page(
        backend.list_connections(context.scope, provider_type=provider_type, host_arn=host_arn),
        position=lambda record: record.sequence,
        query=f"ListConnections|{context.account}|{context.region}|{provider_type}|{host_arn}",
        max_results=optional_int(params, "MaxResults"),
        next_token=optional_str(params, "NextToken"),
    )
    return {"Connections": [_connection_out(record) for record in records], "NextToken": next_token}


def _delete_connection(
    backend: Backend, context: RequestContext, params: dict[str, object]
) -> dict[str, object]:
    backend.delete_connection(context.scope, require_str(params, "ConnectionArn"))
    return {}


def _create_host(
    backend: Backend, context: RequestContext, params: dict[str, object]
) -> dict[str, object]:
    tags = _tags_in(params)
    record = backend.create_host(
        context.scope,
        service=context.service,
        name=require_str(params, "Name"),
        provider_type=require_str(params, "ProviderType"),
        provider_endpoint=require_str(params, "ProviderEndpoint"),
        vpc_configuration=_vpc_in(params.get("VpcConfiguration")),
        tags=tags,
    )
    return {"HostArn": record.host_arn, "Tags": _tags_out(tags) if tags else None}


def _get_host(
    backend: Backend, context: RequestContext, params: dict[str, object]
) -> dict[str, object]:
    record = backend.get_host(context.scope, require_str(params, "HostArn"))
    described = _host_out(record)
    # GetHost describes the host it was asked about, so it leaves out the ARN and status message.
    del described["HostArn"], described["StatusMessage"]
    return described


def _list_hosts(
    backend: Backend, context: RequestContext, params: dict[str, object]
) -> dict[str, object]:
    records, next_token = page(
        backend.list_hosts(context.scope),
        position=lambda record: record.sequence,
        query=f"ListHosts|{context.account}|{context.region}",
        max_results=optional_int(params, "MaxResults"),
        next_token=optional_str(params, "NextToken"),
    )
    return {"Hosts": [_host_out(record) for record in records], "NextToken": next_token}


def _delete_host(
    backend: Backend, context: RequestContext, params: dict[str, object]
) -> dict[str, object]:
    backend.delete_host(context.scope, require_str(params, "HostArn"))
    return {}


def _tag_resource(
    backend: Backend, context: RequestContext, params: dict[str, object]
) -> dict[str, object]:
    backend.tag_resource(context.scope, require_str(params, "ResourceArn"), _tags_in(params))
    return {}


def _untag_resource(
    backend: Backend, context: RequestContext, params: dict[str, object]
) -> dict[str, object]:
    keys = params.get("TagKeys")
    backend.untag_resource(
        context.scope,
        require_str(params, "ResourceArn"),
        [key for key in keys if isinstance(key, str)] if isinstance(keys, list) else [],
    )
    return {}


def _list_tags_for_resource(
    backend: Backend, context: RequestContext, params: dict[str, object]
) -> dict[str, object]:
    tags = backend.list_tags(context.scope, require_str(params, "ResourceArn"))
    return {"Tags": _tags_out(tags)}


HANDLERS: dict[str, Handler] = {
    "CreateConnection": _create_connection,
    "GetConnection": _get_connection,
    "ListConnections": _list_connections,
    "DeleteConnection": _delete_connection,
    "CreateHost": _create_host,
    "GetHost": _get_host,
    "ListHosts": _list_hosts,
    "DeleteHost": _delete_host,
    "TagResource": _tag_resource,
    "UntagResource": _untag_resource,
    "ListTagsForResource": _list_tags_for_resource,
}


def _connection_out(record: Connection) -> dict[str, object]:
    return {
        "ConnectionName": record.connection_name,
        "ConnectionArn": record.connection_arn,
        "ProviderType": record.provider_type,
        "OwnerAccountId": record.owner_account_id,
        "ConnectionStatus": record.connection_status,
        "HostArn": record.host_arn,
        "ProviderEndpoint": record.provider_endpoint,
    }


def _host_out(record: Host) -> dict[str, object]:
    vpc = record.vpc_configuration
    return {
        "Name": record.name,
        "HostArn": record.host_arn,
        "ProviderType": record.provider_type,
        "ProviderEndpoint": record.provider_endpoint,
        "VpcConfiguration": None if vpc is None else vpc.to_json(),
        "Status": record.status,
        "StatusMessage": record.status_message,
    }


def _tags_in(params: dict[str, object]) -> dict[str, str]:
    tags = params.get("Tags")
    return {} if tags is None else string_map(tags, "Tags")


def _tags_out(tags: dict[str, str]) -> list[dict[str, str]]:
    return [{"Key": key, "Value": value} for key, value in tags.items()]


def _vpc_in(value: object) -> VpcConfiguration | None:
    if not isinstance(value, dict):
        return None
    return VpcConfiguration(
        vpc_id=str(value["VpcId"]),
        subnet_ids=tuple(str(item) for item in value["SubnetIds"]),
        security_group_ids=tuple(str(item) for item in value["SecurityGroupIds"]),
        tls_certificate=None
        if value.get("TlsCertificate") is None
        else str(value["TlsCertificate"]),
    )
