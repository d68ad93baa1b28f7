"""Credentials a test plants or has moto's STS issue, and the check that none of them leaked."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

__all__ = ["assert_no_secret", "assumed_role_secrets"]


def assumed_role_secrets() -> set[str]:
    """Every temporary credential moto's STS has issued in this process (key, secret, token)."""
    from moto.sts.models import sts_backends

    secrets: set[str] = set()
    for account in sts_backends:
        for backend in sts_backends[account].values():
            for role in backend.assumed_roles:
                secrets |= {role.access_key_id, role.secret_access_key, role.session_token}
    return secrets


def assert_no_secret(texts: Mapping[str, str], secrets: Iterable[str]) -> None:
    """None of ``secrets`` appears in any of ``texts`` (named by where they come from)."""
    for where, text in texts.items():
        for secret in secrets:
            assert secret not in text, f"a credential ({secret[:6]}…) leaked into {where}"
