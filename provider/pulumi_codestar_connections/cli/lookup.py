"""What a command looks up (an ARN or a name) and the calls into the AWS layer that do it.

Every AWS call of the CLI goes through here to :mod:`pulumi_codestar_connections.aws`, which the
Pulumi provider uses too: same clients, retries, error messages and record mapping.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pulumi_codestar_connections.core.arns import ConnectionArn, parse_connection_arn
from pulumi_codestar_connections.core.records import ConnectionRecord
from pulumi_codestar_connections.core.rules import (
    host_arn_reason,
    provider_type_reason,
    status_reason,
)
from pulumi_codestar_connections.core.vocabulary import SERVICES, STATUSES, provider_types

from .debug import DebugLog
from .env import RegionChoice, resolve_region
from .exit import UsageError

__all__ = [
    "AwsOptions",
    "Target",
    "get_by_arn",
    "list_all",
    "look_up",
    "parse_statuses",
    "provider_type_option",
    "target_from",
]


class AwsOptions:
    """The global options every lookup needs; the region is resolved on first use only."""

    def __init__(
        self,
        *,
        profile: str | None,
        region_flag: str | None,
        service: str,
        debug: DebugLog | None,
    ) -> None:
        self.profile = profile
        self.service = service
        self.debug = debug
        self._region_flag = region_flag
        self._region: RegionChoice | None = None

    def region(self) -> str:
        if self._region is None:
            self._region = resolve_region(self._region_flag, profile=self.profile)
            if self.debug:
                self.debug.line(f"region {self._region.region} (from {self._region.source})")
        return self._region.region


@dataclass(frozen=True, slots=True)
class Target:
    """One connection, named by its ARN or by its name (plus optional narrowing filters)."""

    arn: ConnectionArn | None = None
    name: str | None = None
    provider_type: str | None = None
    host_arn: str | None = None


def target_from(
    arn: str | None, *, name: str | None, provider_type: str | None, host_arn: str | None
) -> Target:
    """Validate ``ARN | --name NAME [--provider-type T] [--host-arn H]``."""
    if arn is not None and name is not None:
        raise UsageError("give a connection ARN or --name, not both")
    if arn is None and name is None:
        raise UsageError("give a connection ARN or --name NAME")
    if arn is not None:
        if provider_type is not None or host_arn is not None:
            raise UsageError("--provider-type and --host-arn narrow a --name lookup; not an ARN")
        return Target(arn=parse_connection_arn(arn, field="ARN"))
    assert name is not None
    if not name.strip():
        raise UsageError("--name: the connection name is empty")
    return Target(
        name=name,
        provider_type=provider_type_option(provider_type),
        host_arn=_host_arn_option(host_arn),
    )


def provider_type_option(value: str | None) -> str | None:
    if value is None:
        return None
    if not value.strip():
        raise UsageError("--provider-type: the value is empty")
    # Matched case-insensitively so `--provider-type github` works; anything else is refused
    # here, before a call AWS would refuse anyway.
    every = {known for service in SERVICES for known in provider_types(service)}
    known = {known.lower(): known for known in every}
    if value.lower() not in known:
        raise UsageError(f"--provider-type: {value!r} is not one of {', '.join(sorted(every))}")
    return known[value.lower()]


def _host_arn_option(value: str | None) -> str | None:
    refused = host_arn_reason(value) if value is not None else None
    if refused:  # (the service is checked with the other filters)
        raise UsageError(f"--host-arn: {refused}")
    return value


def _check_filters_for(service: str, provider_type: str | None, host_arn: str | None) -> None:
    """Refuse, before any call, the filters ``service``'s API would refuse."""
    fix = "add --service codeconnections"
    refused = provider_type_reason(provider_type, service) if provider_type is not None else None
    if refused:
        raise UsageError(f"--provider-type: {refused}; {fix}")
    refused = host_arn_reason(host_arn, service) if host_arn is not None else None
    if refused:
        raise UsageError(f"--host-arn: {refused}; {fix}")


def parse_statuses(values: Iterable[str]) -> frozenset[str]:
    """``--status A --status B,C`` → {A, B, C}; case-insensitive; unknown values refused.

    Unknown statuses are usage errors: `wait --status AVAILABEL` would otherwise poll until the
    timeout for a status that cannot happen.
    """
    statuses: set[str] = set()
    for value in values:
        for part in value.split(","):
            status = part.strip().upper()
            if status_reason(status):
                raise UsageError(f"--status: {status_reason(part.strip())}")
            statuses.add(status)
    if not statuses:
        raise UsageError(f"--status: give one of {', '.join(STATUSES)}")
    return frozenset(statuses)


def get_by_arn(arn: ConnectionArn, options: AwsOptions) -> ConnectionRecord:
    """GetConnection in the ARN's own service and region (``--region`` does not apply)."""
    from pulumi_codestar_connections.aws import find_connection_by_arn

    if options.debug:
        options.debug.instrument(arn.service, arn.region, profile=options.profile)
    return find_connection_by_arn(arn, profile=options.profile)


def look_up(target: Target, options: AwsOptions) -> ConnectionRecord:
    if target.arn is not None:
        return get_by_arn(target.arn, options)
    assert target.name is not None
    _check_filters_for(options.service, target.provider_type, target.host_arn)
    from pulumi_codestar_connections.aws import find_connection_by_name

    region = options.region()
    if options.debug:
        options.debug.instrument(options.service, region, profile=options.profile)
    return find_connection_by_name(
        target.name,
        region=region,
        service=options.service,
        profile=options.profile,
        provider_type=target.provider_type,
        host_arn=target.host_arn,
    )


def list_all(
    options: AwsOptions, *, provider_type: str | None, host_arn: str | None
) -> list[ConnectionRecord]:
    from pulumi_codestar_connections.aws import list_connections

    provider_type = provider_type_option(provider_type)
    host_arn = _host_arn_option(host_arn)
    _check_filters_for(options.service, provider_type, host_arn)
    region = options.region()
    if options.debug:
        options.debug.instrument(options.service, region, profile=options.profile)
    return list_connections(
        region=region,
        service=options.service,
        profile=options.profile,
        provider_type=provider_type,
        host_arn=host_arn,
    )
