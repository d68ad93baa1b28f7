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
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

from pulumi_codestar_connections.core.errors import CodestarConnectionsError
from pulumi_codestar_connections.core.records import ConnectionDetails, ConnectionRecord
from pulumi_codestar_connections.core.roles import AssumeRole

from .inputs import ListingSpec, LookupSpec
from .prefetch import Prefetch
from .stack_config import ProviderSettings, lookups_from_config

__all__ = ["ConnectionReader"]


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
    prefetch: Prefetch[ConnectionDetails] | None = None

    @classmethod
    def configured(cls, settings: ProviderSettings) -> ConnectionReader:
        """Set up the AWS layer as ``settings`` say, and plan the prefetch (see prefetch.py).

        The planned lookups start at this host's first lookup (Check, or Read in a refresh),
        when the program has registered its resources; the Checks that follow, one at a time,
        find theirs done.
        """
        from pulumi_codestar_connections.aws import configure_clients

        configure_clients(
            max_attempts=settings.max_attempts,
            connect_timeout=settings.connect_timeout,
            read_timeout=settings.read_timeout,
        )
        reader = cls(settings.profile, settings.region, settings.role)
        if not settings.prefetch:
            return reader
        try:
            specs = lookups_from_config(
                settings.connection_arn, settings.connections, default_region=reader.default_region
            )
        except CodestarConnectionsError:
            return reader  # not this program's config, or bad: the program itself reports that
        planned = Prefetch(
            (reader.key(spec), functools.partial(reader.look_up, spec)) for spec in specs
        )
        return cls(settings.profile, settings.region, settings.role, planned)

    @property
    def default_region(self) -> str | None:
        """``aws:region`` (``codestar:region``), else the region botocore resolves from the
        environment (AWS_DEFAULT_REGION, else the default profile's)."""
        return self.region or _environment_region()

    def describe(self, spec: LookupSpec) -> ConnectionDetails:
        """The lookup's result: taken from the prefetch when it started this one, else made."""
        started = self.prefetch.take(self.key(spec)) if self.prefetch else None
        return started.result() if started is not None else self.look_up(spec)

    def look_up(self, spec: LookupSpec) -> ConnectionDetails:
        """GetConnection (or the shared listing), the tags and the host, with these defaults."""
        from pulumi_codestar_connections.aws import describe_connection

        return describe_connection(
            arn=spec.arn,
            name=spec.name,
            region=spec.region or "",
            service=spec.service,
            profile=spec.profile or self.profile,
            role=spec.role or self.role,
            provider_type=spec.provider_type,
            host_arn=spec.host_arn,
        )

    def survey(self, spec: ListingSpec) -> list[ConnectionDetails]:
        """The listing with every connection's tags and host, with these defaults."""
        from pulumi_codestar_connections.aws import describe_connections

        return describe_connections(**self._listing(spec))

    def list(self, spec: ListingSpec) -> list[ConnectionRecord]:
        """ListConnections (every page, AWS's filters) with these defaults."""
        from pulumi_codestar_connections.aws import list_connections

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


@functools.cache
def _environment_region() -> str | None:
    import botocore.session

    region = botocore.session.Session().get_config_variable("region")
    return str(region) if region else None
