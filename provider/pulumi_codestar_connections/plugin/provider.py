"""``CodestarProvider``: the plugin's engine methods, each one call into :mod:`..engine.steps`.

The same steps as the dynamic provider, so the same guarantees: drift in a plain preview, the
``requireStatus`` gate in Check, Create/Update echo what Check observed (no second lookup),
Read drops a connection only when AWS says it no longer exists, Delete makes no call. What is
the plugin's own: the engine's property values (secret, unknown) are converted here
(:mod:`.values`), blocking AWS calls run on threads so that the engine's concurrent Checks and
invokes overlap, and Diff names each changed field for the engine to show.

Two functions: ``getConnection`` (the resource's lookup and gate, nothing stored) and
``getConnections`` (ListConnections of one account and region).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from typing import Any

from pulumi.provider.experimental.provider import (
    CheckFailure,
    CheckRequest,
    CheckResponse,
    ConfigureRequest,
    ConfigureResponse,
    CreateRequest,
    CreateResponse,
    DeleteRequest,
    DiffRequest,
    DiffResponse,
    GetSchemaRequest,
    GetSchemaResponse,
    InvokeRequest,
    InvokeResponse,
    PropertyDiff,
    PropertyDiffKind,
    Provider,
    ReadRequest,
    ReadResponse,
    UpdateRequest,
    UpdateResponse,
)

from pulumi_codestar_connections.core.errors import (
    CodestarConnectionsError,
    ConfigError,
    InvalidInput,
)
from pulumi_codestar_connections.core.records import CONNECTION_FIELDS
from pulumi_codestar_connections.engine import steps
from pulumi_codestar_connections.engine.inputs import parse_listing
from pulumi_codestar_connections.engine.reader import ConnectionReader
from pulumi_codestar_connections.engine.stack_config import PLUGIN_NAMESPACE, ProviderSettings

from .schema import (
    CONNECTION_TOKEN,
    GET_CONNECTION_TOKEN,
    GET_CONNECTIONS_TOKEN,
    schema,
)
from .values import plain, wrapped

__all__ = ["CodestarProvider"]


class CodestarProvider(Provider):
    """Looks CodeStar connections up for every Pulumi language; never writes to AWS."""

    def __init__(self) -> None:
        self._reader = ConnectionReader()
        self._schema = json.dumps(schema())

    async def get_schema(self, request: GetSchemaRequest) -> GetSchemaResponse:
        return GetSchemaResponse(self._schema)

    async def check_config(self, request: CheckRequest) -> CheckResponse:
        try:
            ProviderSettings.from_plugin_config(plain(request.new_inputs))
        except ConfigError as error:
            return CheckResponse(request.new_inputs, [CheckFailure(_config_key(error), str(error))])
        return CheckResponse(request.new_inputs)

    async def diff_config(self, request: DiffRequest) -> DiffResponse:
        # Settings change how lookups are made, never what a connection is: no replacement.
        return DiffResponse(changes=plain(request.old_state) != plain(request.new_inputs))

    async def configure(self, request: ConfigureRequest) -> ConfigureResponse:
        settings = ProviderSettings.from_plugin_config(plain(request.args))
        self._reader = ConnectionReader.configured(settings)
        # Secrets arrive marked and leave marked (values.py); preview runs Check, which reads.
        return ConfigureResponse(accept_secrets=True, supports_preview=True)

    async def check(self, request: CheckRequest) -> CheckResponse:
        self._expect(request.type)
        olds, news = plain(request.old_inputs), plain(request.new_inputs)
        checked = await asyncio.to_thread(steps.check, self._reader, olds, news)
        failures = [CheckFailure(*checked.failure)] if checked.failure else None
        return CheckResponse(wrapped(checked.inputs, news.secrets), failures)

    async def diff(self, request: DiffRequest) -> DiffResponse:
        decision = steps.diff(plain(request.old_state), plain(request.new_inputs))
        kind = PropertyDiffKind.UPDATE_REPLACE if decision.replaces else PropertyDiffKind.UPDATE
        # Paths into the inputs, where Check keeps what it observed: the engine shows
        # `~ observed: { ~ connectionStatus: "AVAILABLE" => "ERROR" }`.
        detailed = {
            f"{steps.OBSERVED_PROPERTY}.{key}": PropertyDiff(kind, input_diff=True)
            for key in decision.changed
        }
        return DiffResponse(
            changes=decision.changes,
            replaces=list(decision.replaces),
            diffs=[steps.OBSERVED_PROPERTY] if decision.changed else [],
            detailed_diff=detailed,
        )

    async def create(self, request: CreateRequest) -> CreateResponse:
        self._expect(request.type)
        given = plain(request.properties)
        outputs = steps.outputs(given)
        return CreateResponse(outputs[steps.ARN_PROPERTY], wrapped(outputs, given.secrets))

    async def update(self, request: UpdateRequest) -> UpdateResponse:
        given = plain(request.news)
        return UpdateResponse(wrapped(steps.outputs(given), given.secrets))

    async def read(self, request: ReadRequest) -> ReadResponse:
        given = plain(request.properties)
        found = await asyncio.to_thread(steps.read, self._reader, request.resource_id, given)
        if found is None:  # gone: an empty id makes the engine drop it from state
            return ReadResponse(None, {}, {})
        # No inputs: the engine keeps those the last `pulumi up` recorded (see engine/steps.py).
        return ReadResponse(found.id, wrapped(found.outputs, given.secrets))

    async def delete(self, request: DeleteRequest) -> None:
        # Deliberately empty: forgetting a looked-up connection must not touch the real one.
        return None

    async def invoke(self, request: InvokeRequest) -> InvokeResponse:
        args = plain(request.args)
        if request.tok == GET_CONNECTION_TOKEN:
            call = self._get_connection
        elif request.tok == GET_CONNECTIONS_TOKEN:
            call = self._get_connections
        else:
            raise CodestarConnectionsError(f"unknown function {request.tok}")
        try:
            answer = await asyncio.to_thread(call, args)
        except InvalidInput as error:
            return InvokeResponse(failures=[CheckFailure(error.key, str(error))])
        return InvokeResponse(wrapped(answer, args.secrets))

    def _get_connection(self, args: Mapping[str, Any]) -> dict[str, Any]:
        """The resource's Check, as a function: validate, look up, gate; nothing stored."""
        checked = steps.check(self._reader, {}, args)
        if checked.failure:
            raise InvalidInput(*checked.failure)
        observed = checked.inputs.get(steps.OBSERVED_PROPERTY)
        if not isinstance(observed, dict):  # an unknown input: only during a preview
            raise InvalidInput(steps.ARN_PROPERTY, "getConnection's inputs must be known")
        return observed

    def _get_connections(self, args: Mapping[str, Any]) -> dict[str, Any]:
        from pulumi_codestar_connections.aws import list_connections

        spec = parse_listing(args, default_region=self._reader.default_region)
        try:
            records = list_connections(
                region=spec.region,
                service=spec.service,
                profile=spec.profile or self._reader.profile,
                role=spec.role or self._reader.role,
                provider_type=spec.provider_type,
                host_arn=spec.host_arn,
            )
        except CodestarConnectionsError as error:
            raise InvalidInput("region", str(error)) from None
        connections = [
            {key: value for key, value in record.to_outputs().items() if key in CONNECTION_FIELDS}
            for record in records
        ]
        return {
            "connections": connections,
            "arns": [record.connection_arn for record in records],
            "names": [record.connection_name for record in records],
            "region": spec.region,
            "service": spec.service,
        }

    @staticmethod
    def _expect(type_: str) -> None:
        if type_ != CONNECTION_TOKEN:
            raise CodestarConnectionsError(f"unknown resource type {type_}")


def _config_key(error: ConfigError) -> str:
    """The provider input a config error names (``codestar:maxAttempts`` → ``maxAttempts``)."""
    text = str(error).removeprefix("stack config ")
    key = text.split(" ", 1)[0].split(":", 2)
    return key[1].rstrip(":") if len(key) > 1 and key[0] == PLUGIN_NAMESPACE else "region"
