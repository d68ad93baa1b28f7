"""What a process and every process below it use, read from /proc while it runs (Linux).

Figure 9 samples the resident memory of the inventory and its workers; figure 10 the CPU time
of each process a ``pulumi`` command starts (the engine, the language host, the program, the
provider host or plugin), named by role. Sampled, so a process's last few milliseconds before
it exits may be missed: good enough to say where the time goes, not to time anything.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = ["ROLES", "TreeSample", "cpu_by_role", "role_of", "sample_tree"]

_TICKS = os.sysconf("SC_CLK_TCK")
_PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024
# The processes of a `pulumi` run, by a piece of their command line (first match wins).
ROLES: tuple[tuple[str, str], ...] = (
    # First: the child's command line names the package, which the plugin's marker might too.
    ("engine.lookup_process", "lookup process (prefetch)"),
    ("-m pulumi.dynamic", "provider host (dynamic)"),
    ("--monitor", "program"),
    ("pulumi_codestar_connections.plugin", "provider plugin"),
    ("pulumi-resource-codestar", "provider plugin"),
    ("pulumi-resource-noop", "provider plugin"),
    ("pulumi-language", "language host"),
    ("langhost", "language host"),
)


@dataclass(frozen=True, slots=True)
class TreeSample:
    """One look at a process tree: each process's command line, CPU seconds and RSS (KB)."""

    commands: dict[int, str]
    cpu_seconds: dict[int, float]
    rss_kb: dict[int, int]


def sample_tree(root: int) -> TreeSample:
    """``root`` and every process below it, as /proc shows them now."""
    parents: dict[int, int] = {}
    stats: dict[int, list[str]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry.name)
        parents[pid] = int(fields[1])
        stats[pid] = fields
    tree = {root}
    grew = True
    while grew:
        grew = False
        for pid, parent in parents.items():
            if parent in tree and pid not in tree:
                tree.add(pid)
                grew = True
    commands: dict[int, str] = {}
    cpu: dict[int, float] = {}
    rss: dict[int, int] = {}
    for pid in tree & stats.keys():
        fields = stats[pid]
        # stat's fields after the command name, from 0: 11 utime, 12 stime, 21 rss (pages);
        # proc(5) numbers them 14, 15 and 24.
        cpu[pid] = (int(fields[11]) + int(fields[12])) / _TICKS
        rss[pid] = int(fields[21]) * _PAGE_KB
        try:
            raw = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            raw = b""
        commands[pid] = raw.replace(b"\0", b" ").decode(errors="replace").strip()
    return TreeSample(commands, cpu, rss)


def role_of(command: str) -> str:
    """What a process of a ``pulumi`` run is, from its command line."""
    for marker, role in ROLES:
        if marker in command:
            return role
    program = command.split(" ", 1)[0]
    if program.endswith("/pulumi"):
        return "engine (pulumi CLI)"
    return "other"


def cpu_by_role(
    argv: Sequence[str], cwd: Path, env: Mapping[str, str], interval: float = 0.02
) -> tuple[float, dict[str, float]]:
    """Run ``argv`` (it must succeed); its seconds and the CPU seconds of each role below it.

    The polling costs CPU of its own: time runs without it, and use this to divide the time.
    """
    last: dict[int, tuple[str, float]] = {}
    # stderr to a file: a pipe nobody reads while polling would fill and stall the run.
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        process = subprocess.Popen(
            list(argv),
            cwd=cwd,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=errors,
        )
        while process.poll() is None:
            sample = sample_tree(process.pid)
            for pid, seconds in sample.cpu_seconds.items():
                command = sample.commands.get(pid) or last.get(pid, ("", 0.0))[0]
                last[pid] = (command, seconds)
            time.sleep(interval)
        seconds = time.perf_counter() - started
        if process.returncode != 0:
            errors.seek(0)
            said = errors.read()[-2000:].decode(errors="replace")
            raise RuntimeError(f"{' '.join(argv)} exited {process.returncode}: {said}")
    by_role: dict[str, float] = {}
    for command, cpu in last.values():
        role = role_of(command)
        by_role[role] = by_role.get(role, 0.0) + cpu
    return seconds, by_role
