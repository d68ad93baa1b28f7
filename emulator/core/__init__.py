"""The emulator's plumbing, which knows no service: an AWS JSON 1.0 endpoint and its controls.

An HTTP server (server.py) hands requests to the AWS surface (protocol.py: authentication,
targets, faults, the call log, validation against botocore's shapes) or to the control API
(control.py); a service (service.py) supplies its APIs, operations and control routes. Also
here: the wire format (wire.py), AWS's error shapes (errors.py), faults, the call log, paging,
typed JSON reads and the state file.
"""

from __future__ import annotations

__all__: list[str] = []
