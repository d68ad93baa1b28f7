"""The dynamic ResourceProvider behind :class:`provider.Connection`: read-only by design.

Which engine step calls what, and why each method does what it does:

- ``check``  — every preview/up, before anything else. Validates the ARN (no API call for a bad
  one) and calls GetConnection once, recording what it saw as ``observed`` in the *inputs*.
  Why inputs: the engine stores inputs as what the last ``pulumi up`` accepted and compares them
  when Diff leaves the decision to it, so drift held only in outputs would read as "same".
- ``diff``   — ARN changed → replace. ``observed`` differs from the stored outputs → update.
  Otherwise no decision (DIFF_UNKNOWN): the engine then compares the inputs, i.e. what AWS says
  now against what the last ``pulumi up`` recorded, and names each changed field
  (``~ observed: { ~ connectionStatus: "AVAILABLE" => "ERROR" }``). This is what makes
  ``pulumi preview --refresh --expect-no-changes`` fail on drift even though the refresh has
  already brought the outputs up to date. No API call.
- ``create`` / ``update`` — build the outputs from the snapshot Check just took (no second
  call: one GetConnection per resource per operation). Never creates or changes anything.
- ``read``   — refresh and ``Connection.get``: GetConnection, returning current outputs and *no*
  inputs, so the engine keeps the inputs the last ``pulumi up`` recorded: a refresh updates
  what Pulumi knows, and the drift stays visible until a ``pulumi up`` accepts it. A connection
  that no longer exists yields an empty id so the engine drops it from state. Any other error
  raises: a throttle or an outage must never make a resource vanish from state.
- ``delete`` — no AWS call. The real connection is never created, changed or deleted here.

The class is pickled by reference (dill) into each resource's ``__provider`` input, so it holds
no client, credential or other state at pickling time; ``configure`` runs in the provider host
and reads the profile there.
"""

from __future__ import annotations

from typing import Any

from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)
from pulumi.output import Unknown
from pulumi.runtime.rpc import UNKNOWN

from .arn import parse_connection_arn
from .aws import find_connection_by_arn
from .errors import CodestarConnectionsError, ConnectionNotFound
from .model import OBSERVED_FIELDS, ConnectionRecord

__all__ = ["ARN_PROPERTY", "OBSERVED_PROPERTY", "ConnectionProvider"]

ARN_PROPERTY = "connectionArn"
OBSERVED_PROPERTY = "observed"


class ConnectionProvider(ResourceProvider):
    """Looks a CodeStar connection up by ARN; never writes to AWS."""

    # The pickled provider holds no secret (see the module docstring, and the test that
    # unpickles it), so it need not be encrypted in state unless a captured value is secret.
    serialize_as_secret_always = False
    # Class-level default: the pickle carries no instance state; configure() sets it in the host.
    _profile: str | None = None

    def configure(self, req: ConfigureRequest) -> None:
        # Dynamic providers receive the whole stack config, namespaces kept.
        profile = req.config.get("aws:profile")
        self._profile = str(profile) if profile else None

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        arn = news.get(ARN_PROPERTY)
        if _is_unknown(arn):
            # Known only after another resource is created (preview): nothing to look up yet.
            return CheckResult({ARN_PROPERTY: arn}, [])
        try:
            parsed = parse_connection_arn(arn)
            record = find_connection_by_arn(parsed, profile=self._profile)
        except CodestarConnectionsError as error:
            return CheckResult({ARN_PROPERTY: arn}, [CheckFailure(ARN_PROPERTY, str(error))])
        return CheckResult(
            {ARN_PROPERTY: record.connection_arn, OBSERVED_PROPERTY: record.observed()}, []
        )

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        arn = news.get(ARN_PROPERTY)
        if _is_unknown(arn) or arn != olds.get(ARN_PROPERTY):
            return DiffResult(changes=True, replaces=[ARN_PROPERTY])
        observed = news.get(OBSERVED_PROPERTY) or {}
        if any(observed.get(key) != olds.get(key) for key in OBSERVED_FIELDS):
            return DiffResult(changes=True, replaces=[])
        # Outputs are current (e.g. just refreshed): let the engine compare inputs, which hold
        # what the last `pulumi up` saw; it reports the changed fields itself.
        return DiffResult(changes=None, replaces=[])

    def create(self, props: dict[str, Any]) -> CreateResult:
        record = self._checked_record(props)
        return CreateResult(record.connection_arn, record.to_outputs())

    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        # The SDK's default update returns no outputs, which would wipe them from state.
        return UpdateResult(self._checked_record(news).to_outputs())

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        try:
            record = find_connection_by_arn(
                id_ or props.get(ARN_PROPERTY, ""), profile=self._profile
            )
        except ConnectionNotFound:
            return ReadResult("", {})
        # No inputs: the engine keeps those the last `pulumi up` recorded (see the docstring).
        return ReadResult(record.connection_arn, record.to_outputs())

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        # Deliberately empty: forgetting a looked-up connection must not touch the real one.
        return None

    def _checked_record(self, inputs: dict[str, Any]) -> ConnectionRecord:
        """The record Check observed; looked up again only if the snapshot is missing."""
        observed = inputs.get(OBSERVED_PROPERTY)
        if isinstance(observed, dict) and all(key in observed for key in OBSERVED_FIELDS):
            return ConnectionRecord.from_outputs({**observed, ARN_PROPERTY: inputs[ARN_PROPERTY]})
        return find_connection_by_arn(inputs[ARN_PROPERTY], profile=self._profile)


def _is_unknown(value: object) -> bool:
    """A value the engine will know only after other resources exist (during preview)."""
    # The host deserializes with keep_unknowns, giving Unknown; the raw sentinel is the string.
    return isinstance(value, Unknown) or value == UNKNOWN
