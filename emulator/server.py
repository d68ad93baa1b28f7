"""``EmulatorServer``: the emulator in process (the tests' fixtures use it).

One endpoint serves CodeStar Connections/CodeConnections, AWS Organizations and STS, wired
together here: the organization is managed by the default account; every account created in it
gets the role OrganizationAccountAccessRole; a role without TrustedAccounts trusts the accounts
of the organization and the default account; the sessions STS issues are the ones every
request's access key id is looked up in. ``python -m emulator`` runs the same in a process of
its own.
"""

from __future__ import annotations

import os
from pathlib import Path

from emulator.codestar_connections import CodestarConnections
from emulator.codestar_connections.backend import Backend
from emulator.core.identity import Identity
from emulator.core.server import ACCOUNT_PATTERN, Server
from emulator.organizations import Organizations
from emulator.organizations.backend import OrganizationBackend
from emulator.sts import SecurityTokenService
from emulator.sts.issuer import TokenIssuer
from emulator.sts.roles import ORGANIZATION_ROLE, RoleStore

__all__ = ["EmulatorServer"]


class EmulatorServer(Server):
    """CodeStar Connections, Organizations and STS on ``host:port`` (port 0: any free port).

    >>> with EmulatorServer() as server:  # doctest: +SKIP
    ...     boto3.client("codestar-connections", endpoint_url=server.url, ...)
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        state_file: str | os.PathLike[str] | None = None,
        account: str = "123456789012",
        connection_limit: int = 250,
    ) -> None:
        if not ACCOUNT_PATTERN.fullmatch(account):
            raise ValueError(f"account must be 12 digits, got {account!r}")
        if connection_limit < 0:
            raise ValueError("connection_limit must not be negative")
        self.backend = Backend(
            connection_limit=connection_limit,
            state_file=None if state_file is None else Path(state_file),
        )
        identity = Identity(default_account=account)
        roles = RoleStore()

        def give_organization_role(created: str) -> None:
            roles.ensure(created, ORGANIZATION_ROLE)

        self.organization = OrganizationBackend(account, on_account_created=give_organization_role)
        organization = self.organization
        self.tokens = TokenIssuer(
            roles,
            identity.sessions,
            identity.regions,
            trusted_by_default=lambda caller: caller == account or organization.is_member(caller),
        )
        super().__init__(
            [
                CodestarConnections(self.backend, account=account),
                Organizations(self.organization),
                SecurityTokenService(self.tokens),
            ],
            host=host,
            port=port,
            account=account,
            identity=identity,
        )
