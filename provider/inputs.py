"""The resource's inputs, validated into a typed lookup before any API call.

Every rule here rejects a value with a message that names the input and what a valid one looks
like; Check turns each into a failure on that property. Nothing in this module does I/O beyond
reading botocore's bundled service models.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pulumi.output import Unknown
from pulumi.runtime.rpc import UNKNOWN

from .access import DEFAULT_SESSION_NAME, AssumeRole
from .arn import (
    HOST_ARN_EXAMPLE,
    ConnectionArn,
    host_arn_refused,
    host_arn_service,
    parse_connection_arn,
    partition_of_region,
)
from .errors import InvalidConnectionArn
from .model import STATUSES, camel_to_snake, provider_types

__all__ = [
    "INPUT_FIELDS",
    "STATUSES",
    "Invalid",
    "LookupSpec",
    "is_unknown",
    "normalized",
    "parse_inputs",
    "provider_types",
]

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
_SERVICES = ("codestar-connections", "codeconnections")
# The service models' own patterns (RoleSessionName, ExternalId) and IAM's role ARN, read as
# AWS (Java) reads them: \w is ASCII.
_ROLE_ARN = re.compile(r"arn:aws(-\w+)*:iam::[0-9]{12}:role/[\w+=,.@/-]{1,512}", re.ASCII)
_SESSION_NAME = re.compile(r"[\w+=,.@-]{2,64}", re.ASCII)
_EXTERNAL_ID = re.compile(r"[\w+=,.@:/-]{2,1224}", re.ASCII)


class Invalid(Exception):
    """One input is wrong; ``key`` is its state name, the message says why and what to do."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key


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


def is_unknown(value: object) -> bool:
    """A value the engine will know only after other resources exist (during preview)."""
    # The host deserializes with keep_unknowns, giving Unknown; the raw sentinel is the string.
    return isinstance(value, Unknown) or value == UNKNOWN


def normalized(news: Mapping[str, Any]) -> dict[str, Any]:
    """The inputs the user set (None and absent alike dropped), by state name."""
    return {key: news[key] for key in INPUT_FIELDS if news.get(key) is not None}


def parse_inputs(
    news: Mapping[str, Any], *, default_region: str | None, require_region: bool = True
) -> LookupSpec | None:
    """Validate the inputs; None when a value is still unknown (preview), raise :class:`Invalid`.

    ``require_region=False`` lets a program validate before the provider, which knows the
    default region, has run.
    """
    given = normalized(news)
    if any(is_unknown(value) for value in given.values()):
        return None
    arn_value, name = given.get("connectionArn"), given.get("connectionName")
    if arn_value is not None and name is not None:
        raise Invalid("connectionName", "give connection_arn or connection_name, not both")
    if arn_value is None and name is None:
        raise Invalid(
            "connectionArn",
            "one of connection_arn or connection_name is required, and neither was given",
        )
    service = _choice(given, "service", _SERVICES) or "codestar-connections"
    arn = None
    if arn_value is not None:
        try:
            arn = parse_connection_arn(arn_value)
        except InvalidConnectionArn as error:
            raise Invalid("connectionArn", str(error)) from None
        if "service" in given and given["service"] != arn.service:
            raise Invalid(
                "service",
                f"service {given['service']!r} differs from the ARN's {arn.service!r}; "
                "leave it out",
            )
        service = arn.service
    else:
        name = _text(given, "connectionName", 1, 32)
    region = _region(given, arn, default_region, require_region)
    provider_type = _choice(given, "providerType", provider_types(service))
    host_arn = _host_arn(given.get("hostArn"), service)
    return LookupSpec(
        arn=arn,
        name=name,
        provider_type=provider_type,
        host_arn=host_arn,
        require_status=_statuses(given.get("requireStatus")),
        region=region,
        service=service,
        profile=_text(given, "profile", 1, 256) if "profile" in given else None,
        role=_role(given),
    )


def _label(key: str) -> str:
    """The Python keyword people wrote (messages name what they typed)."""
    return camel_to_snake(key)


def _text(given: Mapping[str, Any], key: str, shortest: int, longest: int) -> str:
    value = given.get(key)
    if not isinstance(value, str) or not shortest <= len(value) <= longest:
        shown = repr(value) if isinstance(value, str) else f"a {type(value).__name__}"
        raise Invalid(
            key,
            f"{_label(key)} must be a string of {shortest} to {longest} characters, got {shown}",
        )
    return value


def _choice(given: Mapping[str, Any], key: str, allowed: tuple[str, ...]) -> str | None:
    value = given.get(key)
    if value is None:
        return None
    if value not in allowed:
        hint = ""
        if key == "providerType" and value in provider_types("codeconnections"):
            hint = (
                " (that provider type exists only in codeconnections: use a codeconnections ARN"
                " or service='codeconnections')"
            )
        raise Invalid(key, f"{_label(key)} {value!r} is not one of {', '.join(allowed)}{hint}")
    return str(value)


def _region(
    given: Mapping[str, Any], arn: ConnectionArn | None, default: str | None, required: bool
) -> str | None:
    region = given.get("region")
    if region is not None and (not isinstance(region, str) or partition_of_region(region) is None):
        raise Invalid("region", f"region {region!r} is not an AWS region (e.g. eu-west-1)")
    if arn is not None:
        if region is not None and region != arn.region:
            raise Invalid(
                "region", f"region {region!r} differs from the ARN's {arn.region!r}; leave it out"
            )
        return arn.region
    region = region or default
    if region is None and required:
        raise Invalid(
            "region",
            "a connection_name lookup needs a region: pass region=, or run "
            "`pulumi config set aws:region <region>`",
        )
    return str(region) if region else None


def _host_arn(value: object, service: str) -> str | None:
    if value is None:
        return None
    if host_arn_service(value) is None:
        raise Invalid("hostArn", f"{value!r} is not a host ARN; expected {HOST_ARN_EXAMPLE}")
    refused = host_arn_refused(str(value), service)
    if refused:
        raise Invalid("hostArn", f"{refused}: use service='codeconnections' (or its ARN)")
    return str(value)


def _statuses(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    statuses = [value] if isinstance(value, str) else value
    if (
        not isinstance(statuses, list | tuple)
        or not statuses
        or not all(isinstance(s, str) and s in STATUSES for s in statuses)
    ):
        raise Invalid(
            "requireStatus",
            f"require_status must be one of {', '.join(STATUSES)} or a non-empty list of "
            f"them, got {value!r}",
        )
    return tuple(statuses)


def _role(given: Mapping[str, Any]) -> AssumeRole | None:
    role_arn = given.get("assumeRoleArn")
    if role_arn is None:
        for key in ("externalId", "sessionName"):
            if key in given:
                raise Invalid(key, f"{_label(key)} needs assume_role_arn")
        return None
    if not isinstance(role_arn, str) or not _ROLE_ARN.fullmatch(role_arn):
        raise Invalid(
            "assumeRoleArn",
            f"{role_arn!r} is not an IAM role ARN; expected "
            "arn:aws:iam::<12-digit account>:role/<name>",
        )
    external_id = given.get("externalId")
    if external_id is not None and (
        not isinstance(external_id, str) or not _EXTERNAL_ID.fullmatch(external_id)
    ):
        raise Invalid(
            "externalId",
            "external_id must be 2 to 1224 characters of letters, digits and +=,.@:/-_",
        )
    session_name = given.get("sessionName", DEFAULT_SESSION_NAME)
    if not isinstance(session_name, str) or not _SESSION_NAME.fullmatch(session_name):
        raise Invalid(
            "sessionName", "session_name must be 2 to 64 characters of letters, digits and +=,.@-_"
        )
    return AssumeRole(role_arn, external_id, session_name)
