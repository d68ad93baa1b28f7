"""``require_status``: refuse to wire a pipeline to a connection nobody has authorised.

The message says what the status is, what it means, and where a person fixes it.
"""

from __future__ import annotations

from .model import ConnectionDetails

__all__ = ["MEANING", "status_gate"]

MEANING = {
    "PENDING": (
        "the handshake with the provider was never completed: a person must open the "
        "connection and choose 'Update pending connection' to authorise the app"
    ),
    "AVAILABLE": "the connection is authorised and usable",
    "ERROR": (
        "the provider-side app was removed or lost access (uninstalled, suspended, or its "
        "permissions revoked): reinstall or re-authorise it, then update the connection"
    ),
}


def status_gate(details: ConnectionDetails, required: tuple[str, ...]) -> str | None:
    """None when the status is one of ``required`` (or nothing is required), else the reason."""
    record = details.connection
    if not required or record.connection_status in required:
        return None
    wanted = " or ".join(required)
    return (
        f"connection {record.connection_name!r} ({record.connection_arn}) is "
        f"{record.connection_status}, not {wanted} as required: "
        f"{MEANING.get(record.connection_status, 'unknown status')}. Fix it in the AWS console "
        f"under Developer Tools > Settings > Connections ({details.region}), or "
        "drop require_status to accept it"
    )
