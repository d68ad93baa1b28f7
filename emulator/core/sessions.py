"""Session credentials STS has issued: key id, secret and token, the role behind them, expiry.

STS (emulator/sts) issues them on AssumeRole; the AWS surface (:mod:`.identity`) looks every
``ASIA…`` key id up here, so a request signed with one acts in the role's account until the
expiry, and is refused after it.
"""

from __future__ import annotations

import secrets
import string
import threading
from dataclasses import dataclass

from emulator.core.callers import Caller, assumed_role_arn

__all__ = ["MAX_SESSIONS", "Session", "SessionStore"]

# Bounded so a long benchmark cannot grow the process without limit; the oldest go first.
MAX_SESSIONS = 200_000

_KEY_ALPHABET = string.ascii_uppercase + string.digits
_SECRET_ALPHABET = string.ascii_letters + string.digits + "+/"


@dataclass(frozen=True)
class Session:
    access_key_id: str
    secret_access_key: str
    session_token: str
    account: str
    role_name: str
    role_id: str
    """The role's unique id (``AROA…``), the first half of the session's user id."""
    session_name: str
    expires_at: float
    """Seconds since the epoch; the credentials work strictly before it."""

    @property
    def arn(self) -> str:
        return assumed_role_arn(self.account, self.role_name, self.session_name)

    def caller(self) -> Caller:
        return Caller(
            account=self.account,
            access_key_id=self.access_key_id,
            arn=self.arn,
            user_id=f"{self.role_id}:{self.session_name}",
            is_session=True,
        )


class SessionStore:
    """Every issued session, by access key id (expired ones too, so they can be refused)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sessions: dict[str, Session] = {}

    def issue(
        self,
        *,
        account: str,
        role_name: str,
        role_id: str,
        session_name: str,
        expires_at: float,
    ) -> Session:
        session = Session(
            access_key_id="ASIA" + _random_text(_KEY_ALPHABET, 16),
            secret_access_key=_random_text(_SECRET_ALPHABET, 40),
            session_token="IQoJb3JpZ2luX2VjE" + secrets.token_urlsafe(180),
            account=account,
            role_name=role_name,
            role_id=role_id,
            session_name=session_name,
            expires_at=expires_at,
        )
        with self._lock:
            self._sessions[session.access_key_id] = session
            while len(self._sessions) > MAX_SESSIONS:
                del self._sessions[next(iter(self._sessions))]
        return session

    def find(self, access_key_id: str) -> Session | None:
        # A single dict read: atomic under the GIL, so the hot path takes no lock.
        return self._sessions.get(access_key_id)

    def __len__(self) -> int:
        return len(self._sessions)

    def reset(self) -> None:
        with self._lock:
            self._sessions.clear()


def _random_text(alphabet: str, length: int) -> str:
    # One read of the system's randomness, not one per character (secrets.choice): AssumeRole is
    # on a benchmark's hot path. The modulo's slight bias does not matter for a stand-in key.
    return "".join(alphabet[byte % len(alphabet)] for byte in secrets.token_bytes(length))
