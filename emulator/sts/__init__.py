"""AWS STS: AssumeRole and GetCallerIdentity over the AWS Query protocol.

The roles it lets callers assume (roles.py, created through the control API or, for accounts
created in the organization, automatically), the operations (operations.py), the API from
botocore's model (apis.py), and the service the plumbing in ``emulator.core`` drives
(service.py). The credentials it issues are kept by ``emulator.core.sessions``, where every
request's access key id is looked up.
"""

from __future__ import annotations

from emulator.sts.service import SecurityTokenService

__all__ = ["SecurityTokenService"]
