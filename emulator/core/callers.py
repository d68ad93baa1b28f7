"""Who signed a request: the account it acts in, and the principal AWS would name in messages."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Caller", "assumed_role_arn", "root_caller"]


@dataclass(frozen=True)
class Caller:
    """The principal behind an access key id, as GetCallerIdentity describes it."""

    account: str
    access_key_id: str
    arn: str
    """``arn:aws:iam::ACCOUNT:root``, or ``arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION``."""
    user_id: str
    """The account id for the root user; ``ROLE_ID:SESSION`` for an assumed role."""
    is_session: bool = False
    """Signed with credentials STS issued (role chaining rules apply to what it assumes)."""


def root_caller(account: str, access_key_id: str) -> Caller:
    """The account's root user: what long-term keys stand for in the emulator."""
    return Caller(
        account=account,
        access_key_id=access_key_id,
        arn=f"arn:aws:iam::{account}:root",
        user_id=account,
    )


def assumed_role_arn(account: str, role_name: str, session_name: str) -> str:
    return f"arn:aws:sts::{account}:assumed-role/{role_name}/{session_name}"
