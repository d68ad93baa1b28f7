"""A signal to one thread of another process: how the kernel may deliver the engine's SIGINT.

The engine stops a plugin by signalling its process group; the kernel runs the signal on any
thread of the process that does not block it, often one of gRPC's. ``tgkill(2)`` picks a thread
other than the main one on purpose (no Python API signals a thread of another process).
"""

from __future__ import annotations

import ctypes
import errno
import os
import platform
import signal
import sys

import pytest

__all__ = ["needs_tgkill", "signal_another_thread"]

_TGKILL = {"x86_64": 234, "aarch64": 131}.get(platform.machine())

needs_tgkill = pytest.mark.skipif(
    sys.platform != "linux" or _TGKILL is None, reason="tgkill(2) on Linux x86_64 / aarch64 only"
)


def signal_another_thread(pid: int, signum: signal.Signals = signal.SIGINT) -> int:
    """Send ``signum`` to a thread of process ``pid`` other than its main thread; its id.

    The oldest such thread that still exists (a thread may end between listing and signal).
    """
    libc = ctypes.CDLL(None, use_errno=True)
    others = sorted(int(task) for task in os.listdir(f"/proc/{pid}/task") if int(task) != pid)
    for thread in others:
        if libc.syscall(_TGKILL, pid, thread, signum) == 0:
            return thread
        if ctypes.get_errno() != errno.ESRCH:
            raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()))
    raise AssertionError(f"process {pid} runs no thread besides its main one")
