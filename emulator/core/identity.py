"""Who a request acts as, and whether AWS's front door lets it in.

moto's convention for long-term keys: a 12-digit access key id stands for that account, any
other key id for the server's default account. Key ids STS issued (:mod:`.sessions`) stand for
the role's account, until they expire. A request from an account into an opt-in region it has
not enabled (:mod:`.regions`) is refused as AWS refuses it: as if the credentials were unknown.

Control routes (documented with the others in control.py)::

    GET    /_emulator/regions      {"OptInRegions": [...], "Enabled": [{"Account", "Region"}]}
    POST   /_emulator/regions      {"Region", "Enabled": bool, "Account"?} -> the same back;
                                   no Account: every account
"""

from __future__ import annotations

import re
import time
from collections.abc import Mapping

from emulator.core.callers import Caller, root_caller
from emulator.core.errors import (
    ExpiredTokenException,
    UnrecognizedClientException,
    ValidationException,
)
from emulator.core.jsonfields import FieldError, optional_str, require_str
from emulator.core.regions import ALL_ACCOUNTS, OPT_IN_REGIONS, RegionAccess
from emulator.core.service import Route
from emulator.core.sessions import SessionStore

__all__ = ["ACCOUNT_PATTERN", "Identity"]

ACCOUNT_PATTERN = re.compile(r"\d{12}")


class Identity:
    """Access key ids to callers, with the sessions issued and the regions enabled."""

    def __init__(self, *, default_account: str) -> None:
        if not ACCOUNT_PATTERN.fullmatch(default_account):
            raise ValueError(f"account must be 12 digits, got {default_account!r}")
        self.default_account = default_account
        self.sessions = SessionStore()
        self.regions = RegionAccess()

    def caller_for(self, access_key_id: str) -> Caller:
        """The principal ``access_key_id`` stands for (no checks yet: see :meth:`admit`)."""
        session = self.sessions.find(access_key_id)
        if session is not None:
            return session.caller()
        account = (
            access_key_id if ACCOUNT_PATTERN.fullmatch(access_key_id) else self.default_account
        )
        return root_caller(account, access_key_id)

    def admit(self, caller: Caller, *, session_token: str | None, region: str) -> None:
        """Raise what AWS answers when ``caller``'s credentials may not be used here and now."""
        if caller.is_session:
            session = self.sessions.find(caller.access_key_id)
            if session is None or session_token != session.session_token:
                raise UnrecognizedClientException()
            if time.time() >= session.expires_at:
                raise ExpiredTokenException()
        if not self.regions.is_enabled(caller.account, region):
            raise UnrecognizedClientException()

    def control_routes(self) -> Mapping[tuple[str, str], Route]:
        return {
            ("GET", "regions"): self._list_regions,
            ("POST", "regions"): self._set_region,
        }

    def reset(self) -> None:
        self.sessions.reset()
        self.regions.reset()

    def _list_regions(self, _: dict[str, object]) -> object:
        return {
            "OptInRegions": sorted(OPT_IN_REGIONS),
            "Enabled": [
                {"Account": None if account == ALL_ACCOUNTS else account, "Region": region}
                for account, region in self.regions.enabled()
            ],
        }

    def _set_region(self, body: dict[str, object]) -> object:
        region = require_str(body, "Region")
        if region not in OPT_IN_REGIONS:
            raise ValidationException(
                f"{region} is not an opt-in region: every account can always use it"
            )
        enabled = body.get("Enabled")
        if not isinstance(enabled, bool):
            raise FieldError("Enabled is required and must be true or false")
        account = optional_str(body, "Account")
        if account is not None and not ACCOUNT_PATTERN.fullmatch(account):
            raise ValidationException("Account must be 12 digits")
        self.regions.set_enabled(account or ALL_ACCOUNTS, region, enabled)
        return {"Account": account, "Region": region, "Enabled": enabled}
