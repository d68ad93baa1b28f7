"""The resources' inputs, validated into a typed lookup (or listing) before any API call.

Each input is checked by its rule (:mod:`..core.rules`) and a refusal becomes an
:class:`InvalidInput` naming the input as the program wrote it and what a valid one looks like;
Check turns each into a failure on that property. Nothing here does I/O beyond reading
botocore's bundled service models.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeAlias

from pulumi.output import Unknown
from pulumi.runtime.rpc import UNKNOWN

from pulumi_codestar_connections.core.arns import ConnectionArn, parse_connection_arn
from pulumi_codestar_connections.core.errors import InvalidConnectionArn, InvalidInput
from pulumi_codestar_connections.core.roles import DEFAULT_SESSION_NAME, AssumeRole
from pulumi_codestar_connections.core.rules import (
    external_id_reason,
    host_arn_reason,
    provider_type_reason,
    region_reason,
    role_arn_reason,
    service_reason,
    session_name_reason,
    status_reason,
)
from pulumi_codestar_connections.core.vocabulary import (
    DEFAULT_SERVICE,
    NEWER_SERVICE,
    STATUSES,
    provider_types,
)

from .naming import assignment, label, region_setting

__all__ = [
    "INPUT_FIELDS",
    "LISTING_INPUT_FIELDS",
    "ListingSpec",
    "LookupSpec",
    "RegionDefault",
    "is_unknown",
    "normalized",
    "parse_inputs",
    "parse_listing",
    "required_statuses",
    "role_of",
]

RegionDefault: TypeAlias = str | Callable[[], str | None] | None
"""The region of a lookup that names none, or what resolves it (called only when needed)."""

# Every input by state name, in the order people read them.
INPUT_FIELDS = (
    "connectionArn",
    "connectionName",
    "providerType",
    "hostArn",
    "requireStatus",
    "region",
    "service",
    "profile",
    "assumeRoleArn",
    "externalId",
    "sessionName",
)
# Every input of a listing (the Connections resource) by state name: ListConnections' filters,
# the status gate, where to list and with which credentials.
LISTING_INPUT_FIELDS = (
    "providerTypeFilter",
    "hostArnFilter",
    "requireStatus",
    "region",
    "service",
    "profile",
    "assumeRoleArn",
    "externalId",
    "sessionName",
)


@dataclass(frozen=True, slots=True)
class LookupSpec:
    """What to look up, where, and with which credentials."""

    arn: ConnectionArn | None
    name: str | None
    provider_type: str | None
    host_arn: str | None
    require_status: tuple[str, ...]
    region: str | None
    service: str
    profile: str | None
    role: AssumeRole | None

    @classmethod
    def by_arn(
        cls, arn: ConnectionArn, *, profile: str | None = None, role: AssumeRole | None = None
    ) -> LookupSpec:
        """Look ``arn`` up in its own service and region, with no filter and no status gate."""
        return cls(
            arn=arn,
            name=None,
            provider_type=None,
            host_arn=None,
            require_status=(),
            region=arn.region,
            service=arn.service,
            profile=profile,
            role=role,
        )


def is_unknown(value: object) -> bool:
    """A value the engine will know only after other resources exist (during preview)."""
    # The host deserializes with keep_unknowns, giving Unknown; the raw sentinel is the string.
    return isinstance(value, Unknown) or value == UNKNOWN


def normalized(news: Mapping[str, Any], fields: tuple[str, ...] = INPUT_FIELDS) -> dict[str, Any]:
    """The inputs the user set (None and absent alike dropped), by state name.

    ``fields`` are the resource's inputs: a ``Connection``'s by default, or
    :data:`LISTING_INPUT_FIELDS`.
    """
    return {key: news[key] for key in fields if news.get(key) is not None}


def parse_inputs(
    news: Mapping[str, Any], *, default_region: RegionDefault, require_region: bool = True
) -> LookupSpec | None:
    """Validate the inputs; None when a value is still unknown (preview); raise InvalidInput.

    ``require_region=False`` lets a program validate before the provider, which knows the
    default region, has run.
    """
    given = normalized(news)
    if any(is_unknown(value) for value in given.values()):
        return None
    arn_value, name = given.get("connectionArn"), given.get("connectionName")
    if arn_value is not None and name is not None:
        raise InvalidInput(
            "connectionName",
            f"give {label('connectionArn')} or {label('connectionName')}, not both",
        )
    if arn_value is None and name is None:
        raise InvalidInput(
            "connectionArn",
            f"one of {label('connectionArn')} or {label('connectionName')} is required, and "
            "neither was given",
        )
    service = _service(given)
    arn = None
    if arn_value is not None:
        try:
            arn = parse_connection_arn(arn_value)
        except InvalidConnectionArn as error:
            raise InvalidInput("connectionArn", str(error)) from None
        if "service" in given and given["service"] != arn.service:
            raise InvalidInput(
                "service",
                f"service {given['service']!r} differs from the ARN's {arn.service!r}; "
                "leave it out",
            )
        service = arn.service
    else:
        name = _text(given, "connectionName", 1, 32)
    return LookupSpec(
        arn=arn,
        name=name,
        provider_type=_provider_type(given.get("providerType"), service),
        host_arn=_host_arn(given.get("hostArn"), service),
        require_status=required_statuses(given.get("requireStatus")),
        region=_region(given, arn, default_region, require_region),
        service=service,
        profile=_text(given, "profile", 1, 256) if "profile" in given else None,
        role=role_of(given),
    )


@dataclass(frozen=True, slots=True)
class ListingSpec:
    """Every connection of one (service, region), with ListConnections' filters."""

    region: str
    service: str
    provider_type: str | None
    host_arn: str | None
    profile: str | None
    role: AssumeRole | None
    require_status: tuple[str, ...] = ()
    """The ``Connections`` resource's gate: every connection in one of these (none: no gate)."""


# A listing's filters, by the name they have as inputs → the lookup input they validate as.
_FILTERS = {"providerTypeFilter": "providerType", "hostArnFilter": "hostArn"}


def parse_listing(
    given: Mapping[str, Any], *, default_region: RegionDefault, subject: str | None = None
) -> ListingSpec:
    """Validate a listing's inputs (``region``, ``service``, the filters, the access ones).

    ``subject`` is what a missing region is missing for, in its message (default: a name
    lookup's words). The gate, ``requireStatus``, is the caller's: :func:`required_statuses`.
    """
    given = {key: value for key, value in given.items() if value is not None}
    service = _service(given)
    try:
        provider_type = _provider_type(given.get("providerTypeFilter"), service)
        host_arn = _host_arn(given.get("hostArnFilter"), service)
    except InvalidInput as error:
        key = next(k for k, v in _FILTERS.items() if v == error.key)
        raise InvalidInput(key, str(error).replace(label(error.key), label(key), 1)) from None
    region = _region(given, None, default_region, True, subject)
    assert region is not None  # required=True
    return ListingSpec(
        region=region,
        service=service,
        provider_type=provider_type,
        host_arn=host_arn,
        profile=_text(given, "profile", 1, 256) if "profile" in given else None,
        role=role_of(given),
    )


def _text(given: Mapping[str, Any], key: str, shortest: int, longest: int) -> str:
    value = given.get(key)
    if not isinstance(value, str) or not shortest <= len(value) <= longest:
        shown = repr(value) if isinstance(value, str) else f"a {type(value).__name__}"
        raise InvalidInput(
            key,
            f"{label(key)} must be a string of {shortest} to {longest} characters, got {shown}",
        )
    return value


def _service(given: Mapping[str, Any]) -> str:
    value = given.get("service")
    if value is None:
        return DEFAULT_SERVICE
    refused = service_reason(value)
    if refused:
        raise InvalidInput("service", f"service {refused}")
    return str(value)


def _provider_type(value: object, service: str) -> str | None:
    if value is None:
        return None
    refused = provider_type_reason(value, service)
    if refused is None:
        return str(value)
    elsewhere = value in provider_types(NEWER_SERVICE)
    fix = f": use a {NEWER_SERVICE} ARN or {assignment('service', NEWER_SERVICE)}"
    fix = fix if elsewhere else ""
    raise InvalidInput("providerType", f"{label('providerType')} {refused}{fix}")


def _region(
    given: Mapping[str, Any],
    arn: ConnectionArn | None,
    default: RegionDefault,
    required: bool,
    subject: str | None = None,
) -> str | None:
    region = given.get("region")
    refused = region_reason(region) if region is not None else None
    if refused:
        raise InvalidInput("region", f"region {refused}")
    if arn is not None:
        if region is not None and region != arn.region:
            raise InvalidInput(
                "region", f"region {region!r} differs from the ARN's {arn.region!r}; leave it out"
            )
        return arn.region
    region = region or (default() if callable(default) else default)
    if region is None and required:
        subject = subject or f"a {label('connectionName')} lookup"
        raise InvalidInput(
            "region",
            f"{subject} needs a region: set {label('region')}, or run "
            f"`pulumi config set {region_setting()} <region>`",
        )
    return str(region) if region else None


def _host_arn(value: object, service: str) -> str | None:
    if value is None:
        return None
    malformed = host_arn_reason(value)
    if malformed:
        raise InvalidInput("hostArn", malformed)
    refused = host_arn_reason(value, service)  # well-formed, but the other API's
    if refused:
        raise InvalidInput(
            "hostArn", f"{refused}: use {assignment('service', NEWER_SERVICE)} (or its ARN)"
        )
    return str(value)


def required_statuses(value: object) -> tuple[str, ...]:
    """``requireStatus`` validated: a status or a non-empty list of them (None: no gate)."""
    if value is None:
        return ()
    statuses = [value] if isinstance(value, str) else value
    if (
        not isinstance(statuses, list | tuple)
        or not statuses
        or any(status_reason(s) for s in statuses)
    ):
        raise InvalidInput(
            "requireStatus",
            f"{label('requireStatus')} must be one of {', '.join(STATUSES)} or a non-empty list of "
            f"them, got {value!r}",
        )
    return tuple(statuses)


def role_of(given: Mapping[str, Any]) -> AssumeRole | None:
    """The role a lookup reads through (``assumeRoleArn`` and the rest), validated; or None.

    Check reads it from the inputs; Read from the outputs, which echo the inputs for this.
    """
    role_arn = given.get("assumeRoleArn")
    if role_arn is None:
        for key in ("externalId", "sessionName"):
            if key in given:
                raise InvalidInput(key, f"{label(key)} needs {label('assumeRoleArn')}")
        return None
    refused = role_arn_reason(role_arn)
    if refused:
        raise InvalidInput("assumeRoleArn", refused)
    external_id = given.get("externalId")
    refused = external_id_reason(external_id) if external_id is not None else None
    if refused:
        raise InvalidInput("externalId", f"{label('externalId')} {refused}")
    session_name = given.get("sessionName", DEFAULT_SESSION_NAME)
    refused = session_name_reason(session_name)
    if refused:
        raise InvalidInput("sessionName", f"{label('sessionName')} {refused}")
    return AssumeRole(str(role_arn), external_id, str(session_name))
