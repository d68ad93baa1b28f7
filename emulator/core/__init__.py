"""The emulator's plumbing, which knows no service: AWS endpoints for many services, and controls.

An HTTP server (server.py) hands each request to the AWS JSON surface (protocol.py: 1.0 and
1.1, routed by X-Amz-Target), to the AWS Query surface (query.py: form-encoded, routed by
Action and the SigV4 scope, answered in XML by xml_output.py from botocore's shapes, read by
query_input.py) or to the control API (control.py). Both AWS surfaces share surface.py: the call
log, faults, and who the caller is (sigv4.py reads the credential scope; identity.py maps the
access key id to a caller, callers.py, through the sessions STS issued, sessions.py, and refuses
opt-in regions an account has not enabled, regions.py). A service (service.py) supplies its
APIs, operations and control routes. Also here: the wire format (wire.py), AWS's error shapes
(errors.py), faults, the call log, paging, typed JSON reads and the state file.
"""

from __future__ import annotations

__all__: list[str] = []
