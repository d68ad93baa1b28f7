"""A local stand-in for AWS CodeStar Connections / CodeConnections, for tests and the demo.

It speaks the AWS JSON 1.0 protocol of both APIs, AWS Organizations' JSON 1.1 and STS's Query
protocol on one endpoint, so boto3 clients and the AWS CLI work against it unchanged through
``AWS_ENDPOINT_URL`` (an org-wide inventory: many accounts, roles to assume, opt-in regions),
and adds a control API under ``/_emulator/``.
"""

from __future__ import annotations

from emulator.server import EmulatorServer

__all__ = ["EmulatorServer"]
