"""How a provider host reads connections: the stack's defaults, the prefetch, one lookup each.

:class:`ConnectionReader` is what the engine steps (:mod:`.steps`) ask for every connection
a provider host checks or reads, for every listing a ``Connections`` resource surveys, and what
the plugin's ``getConnections`` lists through.
Configured from :class:`.stack_config.ProviderSettings`, it sets up the AWS layer (botocore
loads here, in the provider host, never in the program), plans the prefetch of every
connection the stack config names, and serves each lookup from there when it was started
early, else makes it.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Hashable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

from pulumi_codestar_connections.core.errors import CodestarConnectionsError
from pulumi_codestar_connections.core.records import ConnectionDetails, ConnectionRecord
from pulumi_codestar_connections.core.roles import AssumeRole

from .inputs import ListingSpec, LookupSpec
from .lookup_process import in_child_process
from .prefetch import DEFAULT_WORKERS, Prefetch, Runner, on_threads
from .stack_config import ProviderSettings, lookups_from_config

__all__ = ["CHILD_PROCESS_FROM", "ConnectionReader"]

# From how many lookups the prefetch runs in a child process (lookup_process.py). The child
# costs an interpreter start and a botocore import of its own (~0.15 s of CPU, on the other
# core) and saves the host ~0.65 ms of CPU a call, two calls a lookup: at 200 lookups it made
# preview, up and refresh 1-6% faster (bench figure 10); at 50 and 10, 0-8% slower.
CHILD_PROCESS_FROM = 100


@dataclass(frozen=True, slots=True)
class ConnectionReader:
    """Looks connections up for one provider host (unconfigured: no defaults, no prefetch)."""

    profile: str | None = None
    """``aws:profile`` (plugin: ``codestar:profile``): the credentials of a lookup that names
    no profile of its own."""
    region: str | None = None
    """``aws:region`` (plugin: ``codestar:region``): the region of a name lookup that names
    none."""
    role: AssumeRole | None = None
    """The plugin's ``codestar:assumeRole``: the role of a lookup that names none."""
    prefetch: Prefetch[dict[str, Any], ConnectionDetails] | None = None

    @classmethod
    def configured(cls, settings: ProviderSettings) -> ConnectionReader:
        """Set up the AWS layer as ``settings`` say, and plan the prefetch (see prefetch.py).

        The planned lookups start at this host's first lookup (Check, or Read in a refresh),
        when the program has registered its resources: on this host's threads, or from
        :data:`CHILD_PROCESS_FROM` lookups on, in a child process (lookup_process.py), and
        then botocore loads in the host only for a lookup of its own (or a name lookup's
        default region: :meth:`region_default`). The Checks that follow, one at a time, find
        theirs done.
        """
        clients = {
            "max_attempts": settings.max_attempts,
            "connect_timeout": settings.connect_timeout,
            "read_timeout": settings.read_timeout,
        }
        _Clients.configure(clients)
        reader = cls(settings.profile, settings.region, settings.role)
        if not settings.prefetch:
            return reader
        try:
            specs = lookups_from_config(
                settings.connection_arn, settings.connections, default_region=reader.region_default
            )
        except CodestarConnectionsError:
            return reader  # not this program's config, or bad: the program itself reports that
        planned = Prefetch(
            ((reader.key(spec), reader.arguments(spec)) for spec in specs),
            functools.partial(_prefetched, clients),
        )
        return cls(settings.profile, settings.region, settings.role, planned)

    def region_default(self) -> str | None:
        """``aws:region`` (``codestar:region``), else the region botocore resolves from the
        environment (AWS_DEFAULT_REGION, else the default profile's). Only a name lookup or a
        listing that names no region asks (botocore loads then)."""
        return self.region or _environment_region()

    def describe(self, spec: LookupSpec) -> ConnectionDetails:
        """The lookup's result: taken from the prefetch when it started this one, else made."""
        started = self.prefetch.take(self.key(spec)) if self.prefetch else None
        return started.result() if started is not None else self.look_up(spec)

    def look_up(self, spec: LookupSpec) -> ConnectionDetails:
        """GetConnection (or the shared listing), the tags and the host, with these defaults."""
        return _described(self.arguments(spec))

    def arguments(self, spec: LookupSpec) -> dict[str, Any]:
        """The lookup's arguments to the AWS layer's ``describe_connection``, with these
        defaults (plain values: the prefetch's child process receives them pickled)."""
        return {
            "arn": spec.arn,
            "name": spec.name,
            "region": spec.region or "",
            "service": spec.service,
            "profile": spec.profile or self.profile,
            "role": spec.role or self.role,
            "provider_type": spec.provider_type,
            "host_arn": spec.host_arn,
        }

    def survey(self, spec: ListingSpec) -> list[ConnectionDetails]:
        """The listing with every connection's tags and host, with these defaults."""
        from pulumi_codestar_connections.aws import describe_connections

        _Clients.apply()
        return describe_connections(**self._listing(spec))

    def list(self, spec: ListingSpec) -> list[ConnectionRecord]:
        """ListConnections (every page, AWS's filters) with these defaults."""
        from pulumi_codestar_connections.aws import list_connections

        _Clients.apply()
        return list_connections(**self._listing(spec))

    def _listing(self, spec: ListingSpec) -> dict[str, Any]:
        """A listing's arguments: where, the filters, and these defaults for credentials."""
        return {
            "region": spec.region,
            "service": spec.service,
            "profile": spec.profile or self.profile,
            "role": spec.role or self.role,
            "provider_type": spec.provider_type,
            "host_arn": spec.host_arn,
        }

    def key(self, spec: LookupSpec) -> Hashable:
        """What decides a lookup's calls: equal keys, same calls with the same credentials."""
        access = (spec.profile or self.profile, spec.role or self.role)
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


def _prefetched(
    clients: dict[str, Any], lookups: list[dict[str, Any]]
) -> list[Future[ConnectionDetails]]:
    """The prefetch's runner: a child process for many lookups (what it does not make, this
    host's threads make), else this host's threads."""
    if len(lookups) >= CHILD_PROCESS_FROM:
        return in_child_process(
            lookups, clients, workers=DEFAULT_WORKERS, elsewhere=_on_host_threads
        )
    return _on_host_threads(lookups)


def _on_host_threads(lookups: list[dict[str, Any]]) -> list[Future[ConnectionDetails]]:
    here: Runner[Callable[[], ConnectionDetails], ConnectionDetails] = on_threads()
    return here([functools.partial(_described, lookup) for lookup in lookups])


def _described(arguments: dict[str, Any]) -> ConnectionDetails:
    """``describe_connection`` in this process, under the latest Configure's client settings."""
    from pulumi_codestar_connections.aws import describe_connection

    _Clients.apply()
    return describe_connection(**arguments)


class _Clients:
    """The AWS layer's client settings (attempts, timeouts) from the latest Configure, applied
    before this process's first lookup of its own: until then botocore need not load."""

    _lock = threading.Lock()
    _pending: dict[str, Any] | None = None

    @classmethod
    def configure(cls, settings: dict[str, Any]) -> None:
        with cls._lock:
            cls._pending = settings

    @classmethod
    def apply(cls) -> None:
        with cls._lock:
            if cls._pending is not None:
                from pulumi_codestar_connections.aws import configure_clients

                configure_clients(**cls._pending)
                cls._pending = None  # (kept when it raises: the next lookup meets it again)


@functools.cache
def _environment_region() -> str | None:
    import botocore.session

    region = botocore.session.Session().get_config_variable("region")
    return str(region) if region else None
