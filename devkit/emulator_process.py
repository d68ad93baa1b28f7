"""The emulator as a separate process (``python -m emulator``), as the demo and engine use it."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path
from types import TracebackType
from typing import IO

__all__ = ["REPO_ROOT", "EmulatorProcess"]

REPO_ROOT = Path(__file__).resolve().parents[1]
_BANNER = "listening on "


class EmulatorProcess:
    """Start ``python -m emulator`` and learn its URL from the first line it prints."""

    def __init__(self, *, state_file: Path | None = None, extra_args: tuple[str, ...] = ()) -> None:
        self.state_file = state_file
        self.extra_args = extra_args
        self._process: subprocess.Popen[str] | None = None
        self.url = ""
        self.output: list[str] = []

    def start(self) -> str:
        args = [sys.executable, "-u", "-m", "emulator", "--port", "0", *self.extra_args]
        if self.state_file is not None:
            args += ["--state", str(self.state_file)]
        self._process = subprocess.Popen(
            args, cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        assert self._process.stdout is not None
        first = self._process.stdout.readline().strip()
        if not first.startswith(_BANNER):
            self.kill()
            raise RuntimeError(f"the emulator did not start: {first!r}")
        self.url = first.removeprefix(_BANNER)
        # Keep reading both pipes so the emulator never blocks on a full one.
        for stream in (self._process.stdout, self._process.stderr):
            threading.Thread(target=self._drain, args=(stream,), daemon=True).start()
        return self.url

    def _drain(self, stream: IO[str]) -> None:
        # The thread owns the pipe: it closes it at end of file (the process ended), so no
        # ResourceWarning for an unclosed pipe follows a kill() or stop().
        with stream:
            for line in stream:
                self.output.append(line)

    def kill(self) -> None:
        """SIGKILL: what a crash looks like (state must survive through --state)."""
        if self._process is not None:
            self._process.kill()
            self._process.wait()
            self._process = None

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            self._process = None

    def __enter__(self) -> EmulatorProcess:
        self.start()
        return self

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _value: BaseException | None,
        _traceback: TracebackType | None,
    ) -> None:
        self.stop()
