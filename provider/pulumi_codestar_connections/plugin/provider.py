"""``CodestarProvider``: the plugin's engine methods, each one call into :mod:`..engine.steps`.

The same steps as the dynamic provider, so the same guarantees: drift in a plain preview, the
``requireStatus`` gate in Check, Create/Update echo what Check observed (no second lookup),
Read drops a connection only when AWS says it no longer exists, Delete makes no call. What is
the plugin's own:

- the engine's property values (secret, unknown) are converted here (:mod:`.values`); a secret
  input stays secret in the inputs, in ``observed`` when it shows there, and in the outputs;
- messages name inputs as the schema does (``connectionArn``, ``codestar:region``);
- blocking AWS calls run on threads, so that the engine's concurrent invokes overlap;
- Diff names each changed field for the engine to show, and honours ``ignoreChanges``;
- Read answers the inputs it was given (the experimental server always sends inputs, and an
  empty map would replace the stored ones), or, on import, the ones the ARN implies;
- a preview of a resource whose inputs are not known yet answers unknown outputs.

Two functions: ``getConnection`` (the resource's lookup and gate, nothing stored) and
``getConnections`` (ListConnections of one account and region).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from pulumi.provider.experimental.property_value import PropertyValue
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
from pulumi_codestar_connections.core.records import CONNECTION_FIELDS, OUTPUT_FIELDS
from pulumi_codestar_connections.engine import steps
from pulumi_codestar_connections.engine.inputs import is_unknown, parse_listing
from pulumi_codestar_connections.engine.naming import SCHEMA, named
from pulumi_codestar_connections.engine.reader import ConnectionReader
from pulumi_codestar_connections.engine.stack_config import ProviderSettings

from .schema import (
    CONNECTION_TOKEN,
    GET_CONNECTION_TOKEN,
    GET_CONNECTIONS_TOKEN,
    schema,
)
from .values import Plain, plain, wrapped

__all__ = ["CodestarProvider"]

T = TypeVar("T")
# The inputs whose value shows again in ``observed`` (what AWS says the connection is).
_OBSERVED_ECHOES = frozenset(OUTPUT_FIELDS)
# Read's inputs on import: what the ARN and the access settings of the outputs say.
_ACCESS_INPUTS = ("profile", "assumeRoleArn", "externalId", "sessionName")


def _in_schema_words(call: Callable[..., T], *args: Any) -> T:
    """``call(*args)`` with messages naming inputs as the schema does (on this thread)."""
    with named(SCHEMA):
        return call(*args)


async def _on_thread(call: Callable[..., T], *args: Any) -> T:
    return await asyncio.to_thread(_in_schema_words, call, *args)


class CodestarProvider(Provider):
    """Looks CodeStar connections up for every Pulumi language; never writes to AWS."""

    def __init__(self) -> None:
        self._reader = ConnectionReader()
        self._schema = json.dumps(schema())

    async def get_schema(self, request: GetSchemaRequest) -> GetSchemaResponse:
        return GetSchemaResponse(self._schema)

    async def check_config(self, request: CheckRequest) -> CheckResponse:
        # In a preview a setting may be unknown (an output of another resource): the engine
        # configures the provider only once all are known, so only the known ones are checked.
        known = {k: v for k, v in plain(request.new_inputs).items() if not _has_unknown(v)}
        try:
            _in_schema_words(ProviderSettings.from_plugin_config, known)
        except ConfigError as error:
            key = (error.key or "codestar:region").split(":", 1)[-1]
            return CheckResponse(request.new_inputs, [CheckFailure(key, str(error))])
        return CheckResponse(request.new_inputs)

    async def configure(self, request: ConfigureRequest) -> ConfigureResponse:
        settings = _in_schema_words(ProviderSettings.from_plugin_config, plain(request.args))
        self._reader = ConnectionReader.configured(settings)
        # Secrets arrive marked and leave marked (values.py); preview runs Check, which reads.
        return ConfigureResponse(accept_secrets=True, supports_preview=True)

    async def check(self, request: CheckRequest) -> CheckResponse:
        self._expect(request.type)
        olds, news = plain(request.old_inputs), plain(request.new_inputs)
        checked = await _on_thread(steps.check, self._reader, olds, news)
        failures = [CheckFailure(*checked.failure)] if checked.failure else None
        secrets = set(news.secrets)
        if secrets & _OBSERVED_ECHOES:  # a secret name, ARN or host would show in `observed`
            secrets.add(steps.OBSERVED_PROPERTY)
        return CheckResponse(wrapped(checked.inputs, secrets), failures)

    async def diff(self, request: DiffRequest) -> DiffResponse:
        decision = steps.diff(plain(request.old_state), plain(request.new_inputs))
        ignored = set(request.ignore_changes)
        changed = [
            key
            for key in decision.changed
            if not {key, f"{steps.OBSERVED_PROPERTY}.{key}", steps.OBSERVED_PROPERTY} & ignored
        ]
        if decision.changes and not decision.replaces and not changed:
            return DiffResponse(changes=False)  # every change is one the program ignores
        kind = PropertyDiffKind.UPDATE_REPLACE if decision.replaces else PropertyDiffKind.UPDATE
        # Paths into the inputs, where Check keeps what it observed: the engine shows
        # `~ observed: { ~ connectionStatus: "AVAILABLE" => "ERROR" }`.
        detailed = {
            f"{steps.OBSERVED_PROPERTY}.{key}": PropertyDiff(kind, input_diff=True)
            for key in changed
        }
        return DiffResponse(
            changes=decision.changes,
            replaces=list(decision.replaces),
            diffs=[steps.OBSERVED_PROPERTY] if changed else [],
            detailed_diff=detailed,
        )

    async def create(self, request: CreateRequest) -> CreateResponse:
        self._expect(request.type)
        given = plain(request.properties)
        if request.preview and steps.OBSERVED_PROPERTY not in given:
            return CreateResponse(None, _unknown_outputs(given))  # an input is not known yet
        outputs = steps.outputs(given)
        return CreateResponse(outputs[steps.ARN_PROPERTY], wrapped(outputs, given.secrets))

    async def update(self, request: UpdateRequest) -> UpdateResponse:
        self._expect(request.type)
        given = plain(request.news)
        if request.preview and steps.OBSERVED_PROPERTY not in given:
            return UpdateResponse(_unknown_outputs(given))
        return UpdateResponse(wrapped(steps.outputs(given), given.secrets))

    async def read(self, request: ReadRequest) -> ReadResponse:
        self._expect(request.type)
        given = plain(request.properties)
        found = await _on_thread(steps.read, self._reader, request.resource_id, given)
        if found is None:  # gone: an empty id makes the engine drop it from state
            return ReadResponse(None, {}, {})
        outputs = wrapped(found.outputs, given.secrets)
        if request.inputs:  # refresh: the inputs the last `pulumi up` recorded, kept
            return ReadResponse(found.id, outputs, request.inputs)
        # Import: the inputs that look this connection up again, by its ARN.
        inputs = {steps.ARN_PROPERTY: found.id}
        inputs.update({k: found.outputs[k] for k in _ACCESS_INPUTS if k in found.outputs})
        return ReadResponse(found.id, outputs, wrapped(inputs, given.secrets))

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
        unknown = sorted(key for key, value in args.items() if _has_unknown(value))
        if unknown:  # the SDKs wait for known inputs; a hand-made call may not
            return InvokeResponse(
                failures=[CheckFailure(key, f"{key} is not known yet") for key in unknown]
            )
        try:
            answer = await _on_thread(call, args)
        except InvalidInput as error:
            return InvokeResponse(failures=[CheckFailure(error.key, str(error))])
        return InvokeResponse(wrapped(answer, _secret_answers(args)))

    def _get_connection(self, args: Mapping[str, Any]) -> dict[str, Any]:
        """The resource's Check, as a function: validate, look up, gate; nothing stored."""
        checked = steps.check(self._reader, {}, args)
        if checked.failure:
            raise InvalidInput(*checked.failure)
        observed: dict[str, Any] = checked.inputs[steps.OBSERVED_PROPERTY]
        return observed

    def _get_connections(self, args: Mapping[str, Any]) -> dict[str, Any]:
        """ListConnections of one (service, region); an AWS error raises, with its message."""
        spec = parse_listing(args, default_region=self._reader.region_default)
        records = self._reader.list(spec)
        return {
            "connections": [
                {k: v for k, v in record.to_outputs().items() if k in CONNECTION_FIELDS}
                for record in records
            ],
            "arns": [record.connection_arn for record in records],
            "names": [record.connection_name for record in records],
            "region": spec.region,
            "service": spec.service,
        }

    @staticmethod
    def _expect(type_: str) -> None:
        if type_ != CONNECTION_TOKEN:
            raise CodestarConnectionsError(f"unknown resource type {type_}")


def _has_unknown(value: object) -> bool:
    if isinstance(value, Mapping):
        return any(_has_unknown(item) for item in value.values())
    if isinstance(value, list):
        return any(_has_unknown(item) for item in value)
    return is_unknown(value)


def _unknown_outputs(given: Plain) -> dict[str, PropertyValue]:
    """A preview's outputs before the inputs are known: the inputs, and every output unknown."""
    return {
        **wrapped(given, given.secrets),
        **{key: PropertyValue.computed() for key in OUTPUT_FIELDS},
    }


def _secret_answers(args: Plain) -> set[str]:
    """A function's answers that echo a secret argument (a secret name or region stays secret)."""
    return {key for key in args.secrets if key in _OBSERVED_ECHOES}
