"""``EmulatorServer``: the CodeStar Connections emulator, in process (the tests' fixtures use it).

``python -m emulator`` runs the same in a process of its own.
"""

from __future__ import annotations

import os
from pathlib import Path

from emulator.codestar_connections import CodestarConnections
from emulator.codestar_connections.backend import Backend
from emulator.core.server import ACCOUNT_PATTERN, Server

__all__ = ["EmulatorServer"]


class EmulatorServer(Server):
    """A CodeStar Connections endpoint on ``host:port`` (port 0: any free port).

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
        super().__init__(
            CodestarConnections(self.backend, account=account),
            host=host,
            port=port,
            account=account,
        )
