"""STS as a service the emulator's plumbing answers (over the AWS Query protocol).

Its API comes from botocore's model (apis.py), its operations from operations.py over the
TokenIssuer (issuer.py) and its roles (roles.py). Control routes::

    POST   /_emulator/roles            {"Account", "RoleName", "ExternalId"?, "TrustedAccounts"?}
                                       -> {"Arn", "RoleId"} (replaces a role of that name)
    GET    /_emulator/roles            {"Roles": [{"Account", "RoleName", "Arn", "RoleId",
                                                   "ExternalId", "TrustedAccounts"}]}
    POST   /_emulator/session-lifetime {"Seconds": 1..43200 | null} -> {"Seconds"}: the lifetime
                                       AssumeRole grants from now on, whatever DurationSeconds
                                       asks (null: as asked)
    GET    /_emulator/session-lifetime {"Seconds"}

Without TrustedAccounts a role trusts the default trust (see emulator/server.py: the accounts of
the organization and the default account).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from emulator.core.errors import ValidationException
from emulator.core.jsonfields import (
    FieldError,
    optional_int,
    optional_str,
    require_list,
    require_str,
)
from emulator.core.service import RequestContext, Route, ServiceApi
from emulator.sts.apis import apis
from emulator.sts.issuer import TokenIssuer
from emulator.sts.operations import HANDLERS
from emulator.sts.roles import ROLE_NAME

__all__ = ["MAX_SESSION_SECONDS", "SecurityTokenService"]

MAX_SESSION_SECONDS = 43_200
_ACCOUNT = re.compile(r"\d{12}")
_EXTERNAL_ID = re.compile(r"[\w+=,.@:/-]{2,1224}")


class SecurityTokenService:
    """The service over one TokenIssuer."""

    title = "STS"
    apis_title = "STS"
    arn_members: tuple[str, ...] = ("RoleArn",)

    def __init__(self, issuer: TokenIssuer) -> None:
        self.issuer = issuer

    @property
    def apis(self) -> tuple[ServiceApi, ...]:
        return apis()

    def supports(self, operation: str) -> bool:
        return operation in HANDLERS

    def call(
        self, operation: str, context: RequestContext, params: dict[str, object]
    ) -> dict[str, object]:
        return HANDLERS[operation](self.issuer, context, params)

    def control_routes(self) -> Mapping[tuple[str, str], Route]:
        return {
            ("POST", "roles"): self._create_role,
            ("GET", "roles"): lambda _: {"Roles": [r.to_json() for r in self.issuer.roles.all()]},
            ("POST", "session-lifetime"): self._set_session_seconds,
            ("GET", "session-lifetime"): lambda _: {"Seconds": self.issuer.session_seconds},
        }

    def reset(self) -> None:
        self.issuer.reset()

    def _create_role(self, body: dict[str, object]) -> object:
        account = require_str(body, "Account")
        if not _ACCOUNT.fullmatch(account):
            raise ValidationException("Account must be 12 digits")
        name = require_str(body, "RoleName")
        if not ROLE_NAME.fullmatch(name):
            raise ValidationException("RoleName must be 1 to 64 letters, digits or any of _+=,.@-")
        external_id = optional_str(body, "ExternalId")
        if external_id is not None and not _EXTERNAL_ID.fullmatch(external_id):
            raise ValidationException(
                "ExternalId must be 2 to 1224 letters, digits or any of _+=,.@:/-"
            )
        trusted: frozenset[str] | None = None
        if body.get("TrustedAccounts") is not None:
            items = require_list(body["TrustedAccounts"], "TrustedAccounts")
            if not all(isinstance(item, str) and _ACCOUNT.fullmatch(item) for item in items):
                raise ValidationException("TrustedAccounts must hold 12-digit account ids")
            trusted = frozenset(str(item) for item in items)
        role = self.issuer.roles.put(
            account, name, external_id=external_id, trusted_accounts=trusted
        )
        return {"Arn": role.arn, "RoleId": role.role_id}

    def _set_session_seconds(self, body: dict[str, object]) -> object:
        if "Seconds" not in body:
            raise FieldError("Seconds is required (a number of seconds, or null)")
        seconds = optional_int(body, "Seconds")
        if seconds is not None and not 1 <= seconds <= MAX_SESSION_SECONDS:
            raise ValidationException(f"Seconds must be between 1 and {MAX_SESSION_SECONDS}")
        self.issuer.session_seconds = seconds
        return {"Seconds": seconds}
