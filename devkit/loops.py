"""Run a coroutine to completion on a private event loop.

``asyncio.run()`` leaves the main thread without an event loop when it returns, which breaks
Pulumi's mocks (they ask for the current loop) in whatever test runs next.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

__all__ = ["run_in_private_loop"]

T = TypeVar("T")


def run_in_private_loop(coroutine: Coroutine[Any, Any, T]) -> T:
    """``coroutine``'s result, on a loop of its own that is closed after (the current loop of
    the thread, if any, is left as it was)."""
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(coroutine)
    finally:
        loop.close()
