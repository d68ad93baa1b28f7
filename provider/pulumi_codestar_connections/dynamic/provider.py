"""The dynamic ResourceProviders behind ``Connection`` and ``Connections``: read-only by design.

Each engine method turns its arguments into one call of its resource's steps
(:mod:`..engine.steps`: ``Connection``'s, and :mod:`..engine.listing`: ``Connections``'),
where what every step does (and why) is written once for every kind, this host and the plugin:
``check`` looks up and gates, ``diff`` decides without an API call, ``create`` / ``update``
echo what Check observed, ``read`` looks it up again (refresh), ``delete`` does nothing at all.

- ``configure`` — once per provider host, before the rest: reads the stack config
  (``aws:region``, ``aws:profile``, ``codestar:*``; engine/stack_config.py) and sets up the
  reader (engine/reader.py) that every lookup goes through. The engine calls Check one resource
  at a time; the first lookup starts those of every connection the stack config names
  (engine/prefetch.py; from 100 on, in a child process: engine/lookup_process.py), and each
  Check takes its own result from there.

Each class is pickled by reference (dill) into each of its resources' ``__provider`` input, so
its module path is stored in every user's state: both stay importable, under these names, in
every later release (tests/compat pins them):

    pulumi_codestar_connections.dynamic.provider.ConnectionProvider    (Connection, 0.1.0)
    pulumi_codestar_connections.dynamic.provider.ConnectionsProvider   (Connections)

They hold no client, credential or other state at pickling time.
"""

from __future__ import annotations

from typing import Any, ClassVar

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

from pulumi_codestar_connections.core.errors import CodestarConnectionsError
from pulumi_codestar_connections.engine import steps
from pulumi_codestar_connections.engine.listing import LISTING
from pulumi_codestar_connections.engine.reader import ConnectionReader
from pulumi_codestar_connections.engine.stack_config import ProviderSettings

__all__ = ["ARN_PROPERTY", "OBSERVED_PROPERTY", "ConnectionProvider", "ConnectionsProvider"]

ARN_PROPERTY = steps.ARN_PROPERTY
OBSERVED_PROPERTY = steps.OBSERVED_PROPERTY


class _ReadOnlyProvider(ResourceProvider):
    """The engine's methods, each one call into ``_steps``, the steps of the resource's kind."""

    _steps: ClassVar[steps.Steps[Any]]
    # The pickled provider holds no secret (see the module docstring, and the test that
    # unpickles it), so it need not be encrypted in state unless a captured value is secret.
    serialize_as_secret_always = False
    # A class-level default: the pickle carries no instance state; configure() sets its own.
    _reader = ConnectionReader()

    def configure(self, req: ConfigureRequest) -> None:
        # Dynamic providers receive the whole stack config, namespaces kept.
        self._reader = ConnectionReader.configured(ProviderSettings.from_config(req.config))

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        checked = self._steps.check(self._reader, olds, news)
        failures = [CheckFailure(*checked.failure)] if checked.failure else []
        return CheckResult(checked.inputs, failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        decision = self._steps.diff(olds, news)
        return DiffResult(changes=decision.changes, replaces=list(decision.replaces))

    def create(self, props: dict[str, Any]) -> CreateResult:
        outputs = self._steps.outputs(props)
        return CreateResult(self._steps.id_of(outputs), outputs)

    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        # The SDK's default update returns no outputs, which would wipe them from state.
        return UpdateResult(self._steps.outputs(news))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        try:
            found = self._steps.read(self._reader, id_, props)
        except CodestarConnectionsError as error:
            # Pulumi's dynamic provider host reports any exception from Read with its whole
            # traceback (Check alone has CheckFailure). The message is what matters; the
            # frames of the AWS layer below this one are noise in `pulumi refresh`.
            raise error.with_traceback(None) from None
        if found is None:  # gone: an empty id makes the engine drop it from state
            return ReadResult("", {})
        # No inputs: the engine keeps those the last `pulumi up` recorded (see engine/steps.py).
        return ReadResult(found.id, found.outputs)

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        # Deliberately empty: forgetting a looked-up connection must not touch the real one.
        return None


class ConnectionProvider(_ReadOnlyProvider):
    """Looks a CodeStar connection up by ARN or name; never writes to AWS."""

    _steps = steps.CONNECTION


class ConnectionsProvider(_ReadOnlyProvider):
    """Lists every CodeStar connection of one account and region; never writes to AWS.

    Its Read never drops the resource: a listing that fails raises, an empty one is recorded.
    """

    _steps = LISTING
