"""AWS's opt-in regions, and which accounts have enabled which of them.

An account must enable an opt-in region before it can call anything there; until then AWS turns
its requests away at the front door, as if the credentials did not exist. Every other region is
always enabled. The list below is the one place the emulator names the opt-in regions.
"""

from __future__ import annotations

import threading

__all__ = ["ALL_ACCOUNTS", "OPT_IN_REGIONS", "RegionAccess"]

OPT_IN_REGIONS: frozenset[str] = frozenset(
    {
        "af-south-1",
        "ap-east-1",
        "ap-south-2",
        "ap-southeast-3",
        "ap-southeast-4",
        "ap-southeast-5",
        "ap-southeast-7",
        "ca-west-1",
        "eu-central-2",
        "eu-south-1",
        "eu-south-2",
        "il-central-1",
        "me-central-1",
        "me-south-1",
        "mx-central-1",
    }
)

ALL_ACCOUNTS = "*"
"""Enable (or disable) a region for every account at once."""


class RegionAccess:
    """The opt-in regions each account has enabled (none, until the control API says so)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        # Replaced, never mutated, so reads need no lock: one per request, on every thread.
        self._enabled: frozenset[tuple[str, str]] = frozenset()

    def is_enabled(self, account: str, region: str) -> bool:
        if region not in OPT_IN_REGIONS:
            return True
        enabled = self._enabled
        return (account, region) in enabled or (ALL_ACCOUNTS, region) in enabled

    def set_enabled(self, account: str, region: str, enabled: bool) -> None:
        """Enable or disable ``region`` (an opt-in region) for ``account`` or ALL_ACCOUNTS."""
        if region not in OPT_IN_REGIONS:
            raise ValueError(f"{region} is not an opt-in region")
        with self._lock:
            if enabled:
                self._enabled = self._enabled | {(account, region)}
            else:
                self._enabled = self._enabled - {(account, region)}

    def enabled(self) -> list[tuple[str, str]]:
        """(account, region) pairs enabled so far, sorted."""
        return sorted(self._enabled)

    def reset(self) -> None:
        with self._lock:
            self._enabled = frozenset()
