"""The dynamic ResourceProvider behind :class:`provider.Connection`: read-only by design.

Which engine step calls what, and why each method does what it does:

- ``check``  — every preview/up, before anything else. Validates the inputs (no API call for a
  bad one), looks the connection up (GetConnection by ARN, or a shared ListConnections by name;
  with its tags and host) and records everything it saw as ``observed`` in the *inputs*. Why
  inputs: the engine stores inputs as what the last ``pulumi up`` accepted and compares them
  when Diff leaves the decision to it, so drift held only in outputs would read as "same".
  ``require_status`` is enforced here: a connection in another status fails the preview.
  The engine calls Check one resource at a time; the first lookup starts those of every
  connection the stack config names (planned by ``configure``; provider/prefetch.py), and each
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

The class is pickled by reference (dill) into each resource's ``__provider`` input, so it holds
no client, credential or other state at pickling time; ``configure`` runs in the provider host
and reads the stack's ``aws:region`` / ``aws:profile`` there.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Hashable
from typing import TYPE_CHECKING, Any

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

from .access import DEFAULT_SESSION_NAME, AssumeRole
from .arn import parse_connection_arn
from .errors import CodestarConnectionsError, ConnectionNotFound
from .gate import status_gate
from .inputs import Invalid, LookupSpec, is_unknown, normalized, parse_inputs
from .model import OUTPUT_FIELDS, ConnectionDetails, camel_to_snake
from .prefetch import Prefetch

if TYPE_CHECKING:
    from pulumi.dynamic.config import Config

__all__ = ["ARN_PROPERTY", "OBSERVED_PROPERTY", "ConnectionProvider"]

ARN_PROPERTY = "connectionArn"
OBSERVED_PROPERTY = "observed"


class ConnectionProvider(ResourceProvider):
    """Looks a CodeStar connection up by ARN or name; never writes to AWS."""

    # The pickled provider holds no secret (see the module docstring, and the test that
    # unpickles it), so it need not be encrypted in state unless a captured value is secret.
    serialize_as_secret_always = False
    # Class-level defaults: the pickle carries no instance state; configure() sets them.
    _profile: str | None = None
    _region: str | None = None
    _prefetch: Prefetch[ConnectionDetails] | None = None

    def configure(self, req: ConfigureRequest) -> None:
        # Dynamic providers receive the whole stack config, namespaces kept.
        profile, region = req.config.get("aws:profile"), req.config.get("aws:region")
        self._profile = str(profile) if profile else None
        self._region = str(region) if region else None
        # The AWS layer (and botocore) loads here, in the provider host, never in the program.
        from .aws import configure_clients

        configure_clients(
            max_attempts=_attempts(req.config.get("codestar:maxAttempts")),
            connect_timeout=_number(req.config.get("codestar:connectTimeout"), float),
            read_timeout=_number(req.config.get("codestar:readTimeout"), float),
        )
        if _flag(req.config.get("codestar:prefetch"), "codestar:prefetch", default=True):
            self._plan_prefetch(req.config)

    def _plan_prefetch(self, config: Config) -> None:
        """Plan the lookups of every connection the stack config names (see prefetch.py).

        They start at this host's first lookup (Check, or Read in a refresh), when the program
        has registered its resources; the Checks that follow, one at a time, find theirs done.
        """
        from .stack_config import lookups_from_config

        single = config.get("connectionArn")
        try:
            specs = lookups_from_config(
                str(single) if single else None,
                _decoded(config.get("connections")),
                default_region=self._region or _default_region(),
            )
        except CodestarConnectionsError:
            return  # not this program's config, or bad: the program itself reports that
        self._prefetch = Prefetch(
            (self._lookup_key(spec), functools.partial(self._lookup, spec)) for spec in specs
        )

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        given = normalized(news)
        try:
            spec = parse_inputs(news, default_region=self._region or _default_region())
        except Invalid as error:
            return CheckResult(given, [CheckFailure(error.key, str(error))])
        if spec is None:  # an input is known only after other resources exist (preview)
            return CheckResult(given, [])
        try:
            details = self._describe(spec)
        except CodestarConnectionsError as error:
            property_ = ARN_PROPERTY if spec.arn else "connectionName"
            return CheckResult(given, [CheckFailure(property_, self._explain(error, spec, olds))])
        mismatch = _mismatch(details, spec)
        if mismatch:
            return CheckResult(given, [CheckFailure(*mismatch)])
        refused = status_gate(details, spec.require_status)
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
        outputs = self._outputs(props)
        return CreateResult(outputs[ARN_PROPERTY], outputs)

    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        # The SDK's default update returns no outputs, which would wipe them from state.
        return UpdateResult(self._outputs(news))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        arn = parse_connection_arn(id_ or props.get(ARN_PROPERTY))
        echoed = normalized(props)
        spec = LookupSpec(
            arn=arn,
            name=None,
            provider_type=None,
            host_arn=None,
            require_status=(),
            region=arn.region,
            service=arn.service,
            profile=echoed.get("profile"),
            role=_role_from(echoed),
        )
        try:
            details = self._describe(spec)
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

    def _describe(self, spec: LookupSpec) -> ConnectionDetails:
        """The lookup's result: taken from the prefetch when it started this one, else made."""
        started = self._prefetch.take(self._lookup_key(spec)) if self._prefetch else None
        return started.result() if started is not None else self._lookup(spec)

    def _lookup(self, spec: LookupSpec) -> ConnectionDetails:
        from .aws import describe_connection

        return describe_connection(
            arn=spec.arn,
            name=spec.name,
            region=spec.region or "",
            service=spec.service,
            profile=spec.profile or self._profile,
            role=spec.role,
            provider_type=spec.provider_type,
            host_arn=spec.host_arn,
        )

    def _lookup_key(self, spec: LookupSpec) -> Hashable:
        """What decides a lookup's calls: equal keys, same calls with the same credentials."""
        access = (spec.profile or self._profile, spec.role)
        if spec.arn is not None:  # region and service come from the ARN; filters do not apply
            return ("arn", str(spec.arn), *access)
        return (
            "name",
            spec.name,
            spec.region,
            spec.service,
            spec.provider_type,
            spec.host_arn,
            *access,
        )

    def _explain(
        self, error: CodestarConnectionsError, spec: LookupSpec, olds: dict[str, Any]
    ) -> str:
        """The error's message; for a name that no longer resolves, what it resolved to."""
        pinned = (olds.get(OBSERVED_PROPERTY) or {}).get(ARN_PROPERTY)
        if not isinstance(error, ConnectionNotFound) or spec.name is None or not pinned:
            return str(error)
        # AWS has no rename: a name that stopped resolving means the connection was deleted.
        return f"{error} (at the last `pulumi up` it resolved to {pinned})"

    def _outputs(self, inputs: dict[str, Any]) -> dict[str, Any]:
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


def _role_from(echoed: dict[str, Any]) -> AssumeRole | None:
    role_arn = echoed.get("assumeRoleArn")
    if not role_arn:
        return None
    return AssumeRole(
        role_arn, echoed.get("externalId"), echoed.get("sessionName") or DEFAULT_SESSION_NAME
    )


def _number(value: object, kind: type[int] | type[float]) -> float | None:
    """A positive number from stack config (values arrive as strings), or None when unset."""
    if value in (None, ""):
        return None
    try:
        number = kind(str(value))
    except (TypeError, ValueError):
        raise CodestarConnectionsError(
            f"stack config codestar:* must be a number, got {value!r}"
        ) from None
    if number <= 0:
        raise CodestarConnectionsError(f"stack config codestar:* must be positive, got {value!r}")
    return number


def _flag(value: object, key: str, *, default: bool) -> bool:
    """A true/false stack config value (values arrive as strings, or as booleans)."""
    if value in (None, ""):
        return default
    text = str(value).lower()
    if text not in ("true", "false"):
        raise CodestarConnectionsError(f"stack config {key} must be true or false, got {value!r}")
    return text == "true"


def _decoded(value: object) -> object:
    """A structured config value as the program sees it (the host may pass it as JSON text)."""
    if isinstance(value, str) and value[:1] in ("[", "{"):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _attempts(value: object) -> int | None:
    number = _number(value, int)
    return None if number is None else int(number)


@functools.cache
def _default_region() -> str | None:
    """AWS_REGION / AWS_DEFAULT_REGION / the profile's region, as botocore resolves it."""
    import botocore.session

    region = botocore.session.Session().get_config_variable("region")
    return str(region) if region else None
