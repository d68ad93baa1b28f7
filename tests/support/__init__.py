"""Helpers shared by the test suites: the emulator's control client and AWS shape checks."""

from __future__ import annotations

from emulator.client import EmulatorClient, EmulatorControlError

__all__ = ["EmulatorClient", "EmulatorControlError"]
