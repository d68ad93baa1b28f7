"""What each engine step does to a ``Connection``, written once for both provider hosts.

The dynamic provider (:mod:`..dynamic.provider`) and the plugin (:mod:`..plugin.provider`) are
adapters: they turn the engine's request into plain values, call one function here, and turn
the answer into their host's result type. So a rule about drift, the status gate or refresh
is decided in one place, and both hosts keep the same guarantees:

- :func:`check`   — every preview/up, before anything else. Validates the inputs (no API call
  for a bad one), looks the connection up and records everything it saw as ``observed`` in the
  *inputs*. Why inputs: the engine stores inputs as what the last ``pulumi up`` accepted and
  compares them when Diff leaves the decision to it, so drift held only in outputs would read
  as "same". ``requireStatus`` is enforced here: another status fails the preview.
- :func:`diff`    — the looked-up ARN changed → replace; ``observed`` differs from the stored
  outputs → update (naming each changed field); otherwise no decision, and the engine compares
  the inputs: what AWS says now against what the last ``pulumi up`` recorded. No API call.
- :func:`outputs` — Create and Update: the snapshot Check just took plus the inputs. Never
  creates or changes anything in AWS.
- :func:`read`    — refresh (and the plugin's import): the connection again by its ARN, with
  the same credentials (profile and role are echoed in the outputs for this), as current
  outputs; the inputs stay those the last ``pulumi up`` recorded, so the drift stays visible
  until an up accepts it (each host says how it keeps them). ``None`` when the connection no
  longer exists, so the engine drops it; any other error raises: a throttle or an outage must
  never make a resource vanish.
- Delete makes no call at all (each host's ``delete`` is empty).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pulumi_codestar_connections.core.arns import parse_connection_arn
from pulumi_codestar_connections.core.errors import (
    CodestarConnectionsError,
    ConnectionNotFound,
    InvalidInput,
)
from pulumi_codestar_connections.core.records import OUTPUT_FIELDS, ConnectionDetails
from pulumi_codestar_connections.core.rules import required_status_reason

from .inputs import LookupSpec, is_unknown, normalized, parse_inputs, role_of
from .naming import label
from .reader import ConnectionReader

__all__ = [
    "ARN_PROPERTY",
    "OBSERVED_PROPERTY",
    "Checked",
    "Decision",
    "Read",
    "check",
    "diff",
    "outputs",
    "read",
]

ARN_PROPERTY = "connectionArn"
OBSERVED_PROPERTY = "observed"


@dataclass(frozen=True, slots=True)
class Checked:
    """Check's answer: the inputs to store, or the one property that failed and why."""

    inputs: dict[str, Any]
    failure: tuple[str, str] | None = None


@dataclass(frozen=True, slots=True)
class Decision:
    """Diff's answer. ``changes`` None leaves the decision to the engine (it compares inputs);
    ``changed`` names the observed fields that differ from the stored outputs."""

    changes: bool | None
    replaces: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Read:
    """Read's answer: the resource's id and its current outputs."""

    id: str
    outputs: dict[str, Any]


def check(reader: ConnectionReader, olds: Mapping[str, Any], news: Mapping[str, Any]) -> Checked:
    """Validate, look up, gate: the inputs with ``observed`` added, or the failing property."""
    given = normalized(news)
    try:
        spec = parse_inputs(news, default_region=reader.default_region)
    except InvalidInput as error:
        return Checked(given, (error.key, str(error)))
    if spec is None:  # an input is known only after other resources exist (preview)
        return Checked(given)
    try:
        details = reader.describe(spec)
    except CodestarConnectionsError as error:
        property_ = ARN_PROPERTY if spec.arn else "connectionName"
        return Checked(given, (property_, _explained(error, spec, olds)))
    mismatch = _mismatch(details, spec)
    if mismatch:
        return Checked(given, mismatch)
    refused = required_status_reason(details, spec.require_status, field=label("requireStatus"))
    if refused:
        return Checked(given, ("requireStatus", refused))
    return Checked({**given, OBSERVED_PROPERTY: details.to_outputs()})


def diff(olds: Mapping[str, Any], news: Mapping[str, Any]) -> Decision:
    """Replace, update or leave it to the engine (see the module docstring). No API call."""
    observed = news.get(OBSERVED_PROPERTY)
    arn = news.get(ARN_PROPERTY)
    if is_unknown(arn) or not isinstance(observed, Mapping):
        # Still unknown (preview), or not looked up: the ARN may change.
        return Decision(changes=True, replaces=(ARN_PROPERTY,))
    if observed.get(ARN_PROPERTY) != olds.get(ARN_PROPERTY):
        return Decision(changes=True, replaces=(ARN_PROPERTY,), changed=(ARN_PROPERTY,))
    changed = tuple(key for key in OUTPUT_FIELDS if observed.get(key) != olds.get(key))
    if changed:
        return Decision(changes=True, changed=changed)
    # Outputs are current (e.g. just refreshed): let the engine compare inputs, which hold
    # what the last `pulumi up` saw; it reports the changed fields itself.
    return Decision(changes=None)


def outputs(inputs: Mapping[str, Any]) -> dict[str, Any]:
    """The inputs echoed, then everything Check observed (observed wins on shared keys)."""
    observed = inputs.get(OBSERVED_PROPERTY)
    if not isinstance(observed, Mapping):
        raise CodestarConnectionsError(
            "internal: Create/Update without the snapshot Check takes; run `pulumi up` again"
        )
    return {**normalized(inputs), **observed}


def read(reader: ConnectionReader, id_: str, props: Mapping[str, Any]) -> Read | None:
    """The connection by its ARN, as now; None when it no longer exists. Other errors raise."""
    echoed = normalized(props)  # the outputs echo the inputs' profile and role for this
    spec = LookupSpec.by_arn(
        parse_connection_arn(id_ or props.get(ARN_PROPERTY)),
        profile=echoed.get("profile"),
        role=role_of(echoed),
    )
    try:
        details = reader.describe(spec)
    except ConnectionNotFound:
        return None
    return Read(details.connection.connection_arn, {**echoed, **details.to_outputs()})


def _explained(error: CodestarConnectionsError, spec: LookupSpec, olds: Mapping[str, Any]) -> str:
    """The error's message; for a name that no longer resolves, what it resolved to."""
    pinned = (olds.get(OBSERVED_PROPERTY) or {}).get(ARN_PROPERTY)
    if not isinstance(error, ConnectionNotFound) or spec.name is None or not pinned:
        return str(error)
    # AWS has no rename: a name that stopped resolving means the connection was deleted.
    return f"{error} (at the last `pulumi up` it resolved to {pinned})"


def _mismatch(details: ConnectionDetails, spec: LookupSpec) -> tuple[str, str] | None:
    """With an ARN, provider_type / host_arn are assertions: (property, reason) if one fails."""
    record = details.connection
    for key, wanted, actual in (
        ("providerType", spec.provider_type, record.provider_type),
        ("hostArn", spec.host_arn, record.host_arn),
    ):
        if spec.arn is not None and wanted is not None and wanted != actual:
            return key, (
                f"connection {record.connection_arn} has {label(key)} "
                f"{actual or 'none'}, not {wanted} as given: fix or drop {label(key)}"
            )
    return None
