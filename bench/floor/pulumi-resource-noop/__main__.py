"""The no-op provider plugin ``noop``: ``noop:Connection`` with a Connection's outputs, no call.

Served on Pulumi's experimental provider server, as the ``codestar`` plugin is, so that what
it costs is what the engine, the YAML host and that server cost per resource (bench figure 10).
Check returns its inputs, Diff says nothing changed, Create returns fixed outputs of a
``codestar:Connection``'s shape and Read the stored state.
"""

from __future__ import annotations

import asyncio
import json
import sys

import grpc.aio
from pulumi.provider.experimental.property_value import PropertyValue
from pulumi.provider.experimental.provider import (
    CheckRequest,
    CheckResponse,
    CreateRequest,
    CreateResponse,
    DiffRequest,
    DiffResponse,
    GetSchemaRequest,
    GetSchemaResponse,
    Provider,
    ReadRequest,
    ReadResponse,
    UpdateRequest,
    UpdateResponse,
)
from pulumi.provider.experimental.server import ProviderServicer
from pulumi.runtime._grpc_settings import _GRPC_CHANNEL_OPTIONS
from pulumi.runtime.proto import provider_pb2_grpc

_STRING = {"type": "string"}
_OUTPUTS = {
    "connectionArn": _STRING,
    "connectionName": _STRING,
    "providerType": _STRING,
    "ownerAccountId": _STRING,
    "connectionStatus": _STRING,
    "hostArn": _STRING,
    "tags": {"type": "object", "additionalProperties": _STRING},
    "host": {"type": "object", "additionalProperties": _STRING},
    "service": _STRING,
    "region": _STRING,
}
SCHEMA = {
    "name": "noop",
    "version": "0.0.1",
    "resources": {
        "noop:index:Connection": {
            "inputProperties": {"connectionArn": _STRING},
            "requiredInputs": ["connectionArn"],
            "properties": _OUTPUTS,
            "required": list(_OUTPUTS),
        }
    },
}


def _outputs(arn: str) -> dict[str, PropertyValue]:
    text = {
        "connectionArn": arn,
        "connectionName": arn.rsplit("/", 1)[-1][:32],
        "providerType": "GitHub",
        "ownerAccountId": "123456789012",
        "connectionStatus": "AVAILABLE",
        "hostArn": "",
        "service": "codestar-connections",
        "region": "eu-west-1",
    }
    values = {key: PropertyValue(value) for key, value in text.items()}
    return {**values, "tags": PropertyValue({}), "host": PropertyValue({})}


class NoopProvider(Provider):
    async def get_schema(self, request: GetSchemaRequest) -> GetSchemaResponse:
        return GetSchemaResponse(json.dumps(SCHEMA))

    async def check(self, request: CheckRequest) -> CheckResponse:
        return CheckResponse(request.new_inputs)

    async def diff(self, request: DiffRequest) -> DiffResponse:
        return DiffResponse(changes=False)

    async def create(self, request: CreateRequest) -> CreateResponse:
        arn = str(request.properties["connectionArn"].value)
        return CreateResponse(arn, {**request.properties, **_outputs(arn)})

    async def update(self, request: UpdateRequest) -> UpdateResponse:
        return UpdateResponse(
            {**request.news, **_outputs(str(request.news["connectionArn"].value))}
        )

    async def read(self, request: ReadRequest) -> ReadResponse:
        return ReadResponse(request.resource_id, request.properties, request.inputs)


async def _serve(engine: str) -> None:
    server = grpc.aio.server(options=_GRPC_CHANNEL_OPTIONS)  # as the codestar plugin's
    provider_pb2_grpc.add_ResourceProviderServicer_to_server(
        ProviderServicer(sys.argv[1:], "0.0.1", NoopProvider(), engine_address=engine), server
    )
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    sys.stdout.write(f"{port}\n")  # the engine reads the port from the first line
    sys.stdout.flush()
    await server.wait_for_termination()


asyncio.run(_serve(next(arg for arg in sys.argv[1:] if not arg.startswith("-"))))
