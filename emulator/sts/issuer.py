"""AssumeRole's rules: which caller may assume which role, and for how long.

A role is assumed when it exists in its account, trusts the caller's account, and gets the
ExternalId it demands (if it demands one); otherwise the answer is AccessDenied with AWS's
wording. The credentials live for DurationSeconds (default 3600), or for the lifetime the
control API sets (``session_seconds``), so tests can watch them expire; the expiry answered is
the one enforced. A role's account must have enabled an opt-in region for STS to issue there.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable

from emulator.core.callers import Caller
from emulator.core.errors import ValidationException
from emulator.core.regions import RegionAccess
from emulator.core.sessions import Session, SessionStore
from emulator.sts.errors import AccessDenied, RegionDisabledException
from emulator.sts.roles import Role, RoleStore, parse_role_arn

__all__ = ["CHAINED_MAX_SECONDS", "DEFAULT_DURATION_SECONDS", "TokenIssuer"]

DEFAULT_DURATION_SECONDS = 3600
CHAINED_MAX_SECONDS = 3600
"""AWS caps sessions assumed with session credentials (role chaining) at one hour."""


class TokenIssuer:
    """Issues session credentials into ``sessions`` for roles kept in ``roles``."""

    def __init__(
        self,
        roles: RoleStore,
        sessions: SessionStore,
        regions: RegionAccess,
        *,
        trusted_by_default: Callable[[str], bool],
    ) -> None:
        self.roles = roles
        self._sessions = sessions
        self._regions = regions
        self._trusted_by_default = trusted_by_default
        self._lock = threading.Lock()
        self._session_seconds: int | None = None

    @property
    def session_seconds(self) -> int | None:
        """The lifetime every new session gets whatever it asks for; None: what it asks for."""
        return self._session_seconds

    @session_seconds.setter
    def session_seconds(self, seconds: int | None) -> None:
        with self._lock:
            self._session_seconds = seconds

    def assume_role(
        self,
        caller: Caller,
        *,
        region: str,
        role_arn: str,
        session_name: str,
        duration_seconds: int | None,
        external_id: str | None,
    ) -> tuple[Role, Session]:
        duration = DEFAULT_DURATION_SECONDS if duration_seconds is None else duration_seconds
        if caller.is_session and duration > CHAINED_MAX_SECONDS:
            raise ValidationException(
                "The requested DurationSeconds exceeds the 1 hour session limit for roles "
                "assumed by role chaining."
            )
        parsed = parse_role_arn(role_arn)
        if parsed is None:
            raise ValidationException(f"{role_arn} is not a valid role ARN")
        role = self.roles.find(*parsed)
        if role is None or not self._may_assume(caller, role, external_id):
            raise AccessDenied(
                f"User: {caller.arn} is not authorized to perform: sts:AssumeRole on resource: "
                f"{role_arn}"
            )
        if not self._regions.is_enabled(role.account, region):
            raise RegionDisabledException(
                f"STS is not activated in this region for account:{role.account}. Your account "
                "administrator can activate STS in this region using the IAM Console."
            )
        granted = self._session_seconds or duration
        session = self._sessions.issue(
            account=role.account,
            role_name=role.name,
            role_id=role.role_id,
            session_name=session_name,
            # Whole seconds, as AWS answers them: the Expiration answered is the one enforced.
            expires_at=float(math.ceil(time.time() + granted)),
        )
        return role, session

    def reset(self) -> None:
        self.roles.reset()
        self.session_seconds = None

    def _may_assume(self, caller: Caller, role: Role, external_id: str | None) -> bool:
        if role.external_id is not None and external_id != role.external_id:
            return False
        if role.trusted_accounts is not None:
            return caller.account in role.trusted_accounts
        return self._trusted_by_default(caller.account)
