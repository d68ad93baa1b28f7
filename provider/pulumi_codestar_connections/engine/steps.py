"""What each engine step does to a read-only resource, written once for both provider hosts.

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

Those are the steps of a ``Connection`` (:data:`CONNECTION`; the module's functions). The same
rules hold for every read-only resource, so they are written once, in :class:`Steps`, and a
kind of resource says only what is its own: its inputs, its lookup and gate, its outputs and
what identifies it. The other kind is the ``Connections`` listing (:mod:`.listing`): every
connection of one account and region, its ``observed`` keyed by ARN, so that a connection
that appears, disappears or changes status since the last ``pulumi up`` shows in a plain
``pulumi preview`` by its ARN; its Read never drops it (an empty account is still a listing).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pulumi_codestar_connections.core.arns import parse_connection_arn
from pulumi_codestar_connections.core.errors import (
    CodestarConnectionsError,
    ConnectionNotFound,
    InvalidInput,
)
from pulumi_codestar_connections.core.records import OUTPUT_FIELDS, ConnectionDetails
from pulumi_codestar_connections.core.rules import required_status_reason

from .inputs import LookupSpec, RegionDefault, is_unknown, normalized, parse_inputs, role_of
from .naming import label
from .reader import ConnectionReader

__all__ = [
    "ARN_PROPERTY",
    "CONNECTION",
    "OBSERVED_PROPERTY",
    "Checked",
    "ConnectionSteps",
    "Decision",
    "Failure",
    "Read",
    "Steps",
    "check",
    "diff",
    "outputs",
    "read",
]

ARN_PROPERTY = "connectionArn"
OBSERVED_PROPERTY = "observed"

Failure = tuple[str, str]
"""A property and why Check refuses it (``""``: the resource as a whole, no one input)."""

Spec = TypeVar("Spec")


@dataclass(frozen=True, slots=True)
class Checked:
    """Check's answer: the inputs to store, or the one property that failed and why."""

    inputs: dict[str, Any]
    failure: Failure | None = None


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


class Steps(ABC, Generic[Spec]):
    """The engine steps of one kind of read-only resource (see the module docstring).

    The four steps are written here, once; a subclass answers the abstract methods, what its
    kind holds of its own. ``Spec`` is its validated inputs.
    """

    identity: tuple[str, ...]
    """The properties (inputs or outputs) that say *which* thing the resource is: a change of
    one is a replacement, since the id follows from them. The first is the one a preview
    names when an input is not known yet and none of these is the unknown one."""
    output_fields: tuple[str, ...]
    """The outputs a snapshot gives (:meth:`rendered`); Diff compares them with the stored ones."""

    @abstractmethod
    def given(self, news: Mapping[str, Any]) -> dict[str, Any]:
        """The inputs the user set, by state name (what Check stores beside ``observed``)."""

    @abstractmethod
    def parse(self, given: Mapping[str, Any], *, default_region: RegionDefault) -> Spec | None:
        """The inputs validated; None when one is not known yet (preview). Raises
        :class:`InvalidInput` naming the input, before any API call."""

    @abstractmethod
    def observe(
        self, reader: ConnectionReader, spec: Spec, olds: Mapping[str, Any]
    ) -> dict[str, Any] | Failure:
        """Check's lookup and gates: the snapshot to record as ``observed``, or a failure (an
        AWS error included: Check shows it on the property it concerns)."""

    @abstractmethod
    def rendered(self, observed: Mapping[str, Any]) -> dict[str, Any]:
        """The outputs a snapshot gives (:attr:`output_fields`)."""

    @abstractmethod
    def id_of(self, outputs: Mapping[str, Any]) -> str:
        """The resource's id, from its outputs."""

    @abstractmethod
    def reread(
        self, reader: ConnectionReader, id_: str, echoed: Mapping[str, Any]
    ) -> dict[str, Any]:
        """Read's lookup, from the id and the inputs the outputs echo: the snapshot as now.
        Raises :class:`ConnectionNotFound` only when what the resource stands for is gone."""

    def check(
        self, reader: ConnectionReader, olds: Mapping[str, Any], news: Mapping[str, Any]
    ) -> Checked:
        """Validate, look up, gate: the inputs with ``observed`` added, or the failing property."""
        given = self.given(news)
        try:
            spec = self.parse(given, default_region=reader.region_default)
        except InvalidInput as error:
            return Checked(given, (error.key, str(error)))
        if spec is None:  # an input is known only after other resources exist (preview)
            return Checked(given)
        observed = self.observe(reader, spec, olds)
        if isinstance(observed, tuple):
            return Checked(given, observed)
        return Checked({**given, OBSERVED_PROPERTY: observed})

    def diff(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> Decision:
        """Replace, update or leave it to the engine (see the module docstring). No API call."""
        observed = news.get(OBSERVED_PROPERTY)
        unknown = tuple(key for key in self.identity if is_unknown(news.get(key)))
        if unknown or not isinstance(observed, Mapping):
            # Still unknown (preview), or not looked up: what it stands for may change.
            return Decision(changes=True, replaces=unknown or self.identity[:1])
        snapshot = self.rendered(observed)
        now = {**self.given(news), **snapshot}  # the outputs this Check's snapshot gives
        moved = tuple(key for key in self.identity if now.get(key) != olds.get(key))
        if moved:
            return Decision(changes=True, replaces=moved, changed=moved)
        changed = tuple(key for key in self.output_fields if snapshot.get(key) != olds.get(key))
        if changed:
            return Decision(changes=True, changed=changed)
        # Outputs are current (e.g. just refreshed): let the engine compare inputs, which hold
        # what the last `pulumi up` saw; it reports the changed fields itself.
        return Decision(changes=None)

    def outputs(self, inputs: Mapping[str, Any]) -> dict[str, Any]:
        """The inputs echoed, then everything Check observed (observed wins on shared keys)."""
        observed = inputs.get(OBSERVED_PROPERTY)
        if not isinstance(observed, Mapping):
            raise CodestarConnectionsError(
                "internal: Create/Update without the snapshot Check takes; run `pulumi up` again"
            )
        return {**self.given(inputs), **self.rendered(observed)}

    def read(self, reader: ConnectionReader, id_: str, props: Mapping[str, Any]) -> Read | None:
        """The resource as now; None when it no longer exists. Other errors raise."""
        echoed = self.given(props)  # the outputs echo the inputs' profile and role for this
        try:
            observed = self.reread(reader, id_, echoed)
        except ConnectionNotFound:
            return None
        current = {**echoed, **self.rendered(observed)}
        return Read(self.id_of(current), current)


class ConnectionSteps(Steps[LookupSpec]):
    """A ``Connection``: one connection, by ARN or by name; its id is its ARN."""

    identity = (ARN_PROPERTY,)
    output_fields = OUTPUT_FIELDS

    def given(self, news: Mapping[str, Any]) -> dict[str, Any]:
        return normalized(news)

    def parse(
        self, given: Mapping[str, Any], *, default_region: RegionDefault
    ) -> LookupSpec | None:
        return parse_inputs(given, default_region=default_region)

    def observe(
        self, reader: ConnectionReader, spec: LookupSpec, olds: Mapping[str, Any]
    ) -> dict[str, Any] | Failure:
        try:
            details = reader.describe(spec)
        except CodestarConnectionsError as error:
            property_ = ARN_PROPERTY if spec.arn else "connectionName"
            return property_, _explained(error, spec, olds)
        mismatch = _mismatch(details, spec)
        if mismatch:
            return mismatch
        refused = required_status_reason(details, spec.require_status, field=label("requireStatus"))
        if refused:
            return "requireStatus", refused
        return details.to_outputs()

    def rendered(self, observed: Mapping[str, Any]) -> dict[str, Any]:
        return dict(observed)

    def id_of(self, outputs: Mapping[str, Any]) -> str:
        return str(outputs[ARN_PROPERTY])

    def reread(
        self, reader: ConnectionReader, id_: str, echoed: Mapping[str, Any]
    ) -> dict[str, Any]:
        """The connection by its ARN (ConnectionNotFound when it no longer exists)."""
        spec = LookupSpec.by_arn(
            parse_connection_arn(id_ or echoed.get(ARN_PROPERTY)),
            profile=echoed.get("profile"),
            role=role_of(echoed),
        )
        return reader.describe(spec).to_outputs()


CONNECTION = ConnectionSteps()
"""A ``Connection``'s steps; :func:`check`, :func:`diff`, :func:`outputs` and :func:`read` are
its methods, as both hosts call them."""

check = CONNECTION.check
diff = CONNECTION.diff
outputs = CONNECTION.outputs
read = CONNECTION.read


def _explained(error: CodestarConnectionsError, spec: LookupSpec, olds: Mapping[str, Any]) -> str:
    """The error's message; for a name that no longer resolves, what it resolved to."""
    pinned = (olds.get(OBSERVED_PROPERTY) or {}).get(ARN_PROPERTY)
    if not isinstance(error, ConnectionNotFound) or spec.name is None or not pinned:
        return str(error)
    # AWS has no rename: a name that stopped resolving means the connection was deleted.
    return f"{error} (at the last `pulumi up` it resolved to {pinned})"


def _mismatch(details: ConnectionDetails, spec: LookupSpec) -> Failure | None:
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
