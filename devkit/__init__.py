"""Developer tooling shared by the demo, the engine tests and the benchmarks.

Nothing here ships to users: it starts the emulator as a process and runs the real Pulumi CLI
on a copy of the project, offline.
"""

from __future__ import annotations

__all__: list[str] = []
