"""``ConnectionProvider``, the dynamic ResourceProvider behind ``Connection``: read-only by design.

Which engine step calls what, and why each method does what it does:

- ``check``  — every preview/up, before anything else. Validates the inputs (no API call for a
  bad one), looks the connection up (GetConnection by ARN, or a shared ListConnections by name;
  with its tags and host) and records everything it saw as ``observed`` in the *inputs*. Why
  inputs: the engine stores inputs as what the last ``pulumi up`` accepted and compares them
  when Diff leaves the decision to it, so drift held only in outputs would read as "same".
  ``require_status`` is enforced here: a connection in another status fails the preview.
  The engine calls Check one resource at a time; the first lookup starts those of every
  connection the stack config names (planned by ``configure``; prefetch.py), and each
  Check takes its own result from there: the same calls, made concurrently.
- ``diff``   — the looked-up ARN changed (new ARN input, or a name now resolving to a recreated
  connection) → replace. ``observed`` differs from the stored outputs → update. Otherwise no
  decision (DIFF_UNKNOWN): the engine compares the inputs, i.e. what AWS says now against what
  the last ``pulumi up`` recorded, and names each changed field
  (``~ observed: { ~ connectionStatus: "AVAILABLE" => "ERROR" }``). This is what makes
  ``pulumi preview --refresh --expect-no-changes`` fail on drift even though the refresh has
  already brought the outputs up to date. No API call.
- ``create`` / ``update`` — outputs are the snapshot Check just took plus the inputs (no second
  round of calls). Never creates or changes anything in AWS.
- ``read``   — refresh and ``Connection.get``: looks the connection up by its ARN again, with the
  same credentials (profile / role are echoed in the outputs for this), returning current
  outputs and *no* inputs, so the engine keeps the inputs the last ``pulumi up`` recorded: a
  refresh updates what Pulumi knows, and the drift stays visible until a ``pulumi up`` accepts
  it. A connection that no longer exists yields an empty id so the engine drops it from state.
  Any other error raises: a throttle or an outage must never make a resource vanish.
- ``delete`` — no AWS call. The real connection is never created, changed or deleted here.

- ``configure`` — once per provider host, before the rest: reads the stack config
  (``aws:region``, ``aws:profile``, ``codestar:*``; stack_config.py) and sets up the reader
  (reader.py) that every lookup goes through.

The class is pickled by reference (dill) into each resource's ``__provider`` input, so its
module path, ``pulumi_codestar_connections.dynamic.provider``, is stored in every user's state:
it must stay importable in every later release. It holds no client, credential or other state
at pickling time.
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

from pulumi_codestar_connections.core.arns import parse_connection_arn
from pulumi_codestar_connections.core.errors import (
    CodestarConnectionsError,
    ConnectionNotFound,
    InvalidInput,
)
from pulumi_codestar_connections.core.records import (
    OUTPUT_FIELDS,
    ConnectionDetails,
    camel_to_snake,
)
from pulumi_codestar_connections.core.rules import required_status_reason

from .inputs import LookupSpec, is_unknown, normalized, parse_inputs, role_of
from .reader import ConnectionReader
from .stack_config import ProviderSettings

__all__ = ["ARN_PROPERTY", "OBSERVED_PROPERTY", "ConnectionProvider"]

ARN_PROPERTY = "connectionArn"
OBSERVED_PROPERTY = "observed"


class ConnectionProvider(ResourceProvider):
    """Looks a CodeStar connection up by ARN or name; never writes to AWS."""

    # The pickled provider holds no secret (see the module docstring, and the test that
    # unpickles it), so it need not be encrypted in state unless a captured value is secret.
    serialize_as_secret_always = False
    # A class-level default: the pickle carries no instance state; configure() sets its own.
    _reader = ConnectionReader()

    def configure(self, req: ConfigureRequest) -> None:
        # Dynamic providers receive the whole stack config, namespaces kept.
        self._reader = ConnectionReader.configured(ProviderSettings.from_config(req.config))

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        given = normalized(news)
        try:
            spec = parse_inputs(news, default_region=self._reader.default_region)
        except InvalidInput as error:
            return CheckResult(given, [CheckFailure(error.key, str(error))])
        if spec is None:  # an input is known only after other resources exist (preview)
            return CheckResult(given, [])
        try:
            details = self._reader.describe(spec)
        except CodestarConnectionsError as error:
            property_ = ARN_PROPERTY if spec.arn else "connectionName"
            return CheckResult(given, [CheckFailure(property_, _explained(error, spec, olds))])
        mismatch = _mismatch(details, spec)
        if mismatch:
            return CheckResult(given, [CheckFailure(*mismatch)])
        refused = required_status_reason(details, spec.require_status)
        if refused:
            return CheckResult(given, [CheckFailure("requireStatus", refused)])
        return CheckResult({**given, OBSERVED_PROPERTY: details.to_outputs()}, [])

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        observed = news.get(OBSERVED_PROPERTY)
        arn = news.get(ARN_PROPERTY)
        if is_unknown(arn) or observed is None:
            # Still unknown (preview), or not looked up: the ARN may change.
            return DiffResult(changes=True, replaces=[ARN_PROPERTY])
        if observed.get(ARN_PROPERTY) != olds.get(ARN_PROPERTY):
            return DiffResult(changes=True, replaces=[ARN_PROPERTY])
        if any(observed.get(key) != olds.get(key) for key in OUTPUT_FIELDS):
            return DiffResult(changes=True, replaces=[])
        # Outputs are current (e.g. just refreshed): let the engine compare inputs, which hold
        # what the last `pulumi up` saw; it reports the changed fields itself.
        return DiffResult(changes=None, replaces=[])

    def create(self, props: dict[str, Any]) -> CreateResult:
        outputs = _outputs(props)
        return CreateResult(outputs[ARN_PROPERTY], outputs)

    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        # The SDK's default update returns no outputs, which would wipe them from state.
        return UpdateResult(_outputs(news))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        echoed = normalized(props)  # the outputs echo the inputs' profile and role for this
        try:
            spec = LookupSpec.by_arn(
                parse_connection_arn(id_ or props.get(ARN_PROPERTY)),
                profile=echoed.get("profile"),
                role=role_of(echoed),
            )
            details = self._reader.describe(spec)
        except ConnectionNotFound:
            return ReadResult("", {})
        except CodestarConnectionsError as error:
            # Pulumi's dynamic provider host reports any exception from Read with its whole
            # traceback (Check alone has CheckFailure). The message is what matters; the
            # frames of the AWS layer below this one are noise in `pulumi refresh`.
            raise error.with_traceback(None) from None
        # No inputs: the engine keeps those the last `pulumi up` recorded (see the docstring).
        return ReadResult(details.connection.connection_arn, {**echoed, **details.to_outputs()})

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        # Deliberately empty: forgetting a looked-up connection must not touch the real one.
        return None


def _explained(error: CodestarConnectionsError, spec: LookupSpec, olds: dict[str, Any]) -> str:
    """The error's message; for a name that no longer resolves, what it resolved to."""
    pinned = (olds.get(OBSERVED_PROPERTY) or {}).get(ARN_PROPERTY)
    if not isinstance(error, ConnectionNotFound) or spec.name is None or not pinned:
        return str(error)
    # AWS has no rename: a name that stopped resolving means the connection was deleted.
    return f"{error} (at the last `pulumi up` it resolved to {pinned})"


def _outputs(inputs: dict[str, Any]) -> dict[str, Any]:
    """The inputs echoed, then everything Check observed (observed wins on shared keys)."""
    observed = inputs.get(OBSERVED_PROPERTY)
    if not isinstance(observed, dict):
        raise CodestarConnectionsError(
            "internal: Create/Update without the snapshot Check takes; run `pulumi up` again"
        )
    return {**normalized(inputs), **observed}


def _mismatch(details: ConnectionDetails, spec: LookupSpec) -> tuple[str, str] | None:
    """With an ARN, provider_type / host_arn are assertions: (property, reason) if one fails."""
    record = details.connection
    for key, wanted, actual in (
        ("providerType", spec.provider_type, record.provider_type),
        ("hostArn", spec.host_arn, record.host_arn),
    ):
        if spec.arn is not None and wanted is not None and wanted != actual:
            return key, (
                f"connection {record.connection_arn} has {camel_to_snake(key)} "
                f"{actual or 'none'}, not {wanted} as given: fix or drop {camel_to_snake(key)}"
            )
    return None
