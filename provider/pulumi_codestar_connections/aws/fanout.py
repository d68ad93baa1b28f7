"""An inventory spread over processes: botocore's per-call work is CPU under one GIL.

Measured (bench figure 9): each (account, region) pair costs ~20 ms of CPU in botocore
(making its client, then signing, sending and parsing ListConnections and a tags call per
connection), so one process tops out at ~50 pairs a second however many calls it has in
flight. :func:`read_inventory` gives each of ``processes`` workers a share of the accounts
(whole accounts: an account's role is assumed once, and the opt-in rule needs all its
regions together), runs an :class:`~.inventory.InventoryReader` in each, and joins their
reports. With one process it runs the reader right here.

Workers are started with ``spawn``: the parent may already hold botocore clients and
threads, which ``fork`` would copy half-made.
"""

from __future__ import annotations

import multiprocessing
import queue
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from pulumi_codestar_connections.core.inventory import Failure, Report, Skip

from .inventory import Identity, InventoryProgress, InventoryReader

__all__ = ["read_inventory", "worker_count"]

# Below this many pairs a second process costs more (its start, ~0.5 s) than it saves.
_PAIRS_PER_PROCESS = 200


def worker_count(requested: int | None, pairs: int) -> int:
    """``requested`` processes, or (None) one per CPU core when the run is big enough."""
    if requested is not None:
        return max(1, requested)
    cores = len(_available_cpus())
    return max(1, min(cores, pairs // _PAIRS_PER_PROCESS))


def _available_cpus() -> set[int]:
    import os

    try:
        return os.sched_getaffinity(0)
    except AttributeError:  # pragma: no cover - not Linux
        return set(range(os.cpu_count() or 1))


def read_inventory(
    *,
    accounts: Sequence[str],
    regions: Sequence[str],
    processes: int,
    progress: Callable[[InventoryProgress], None] | None,
    **reader: Any,
) -> Report:
    """Read every pair with ``processes`` workers; ``reader`` is InventoryReader's settings.

    ``concurrency`` (in ``reader``) stays the whole run's: each worker gets its share.
    """
    ordered = sorted(accounts)
    shares = [ordered[index::processes] for index in range(processes)]
    shares = [share for share in shares if share]
    if len(shares) <= 1:
        return InventoryReader(progress=progress, **reader).read(ordered, regions)
    concurrency = int(reader.pop("concurrency", 128))
    context = multiprocessing.get_context("spawn")
    updates: multiprocessing.Queue[tuple[int, dict[str, Any]]] = context.Queue()
    started = time.monotonic()
    total = len(ordered) * len(regions)
    latest: dict[int, dict[str, Any]] = {}
    report = Report(accounts=ordered, regions=list(regions))
    with ProcessPoolExecutor(
        len(shares), mp_context=context, initializer=_start_worker, initargs=(updates,)
    ) as pool:
        futures = [
            pool.submit(
                _read_share,
                index,
                share,
                list(regions),
                {**reader, "concurrency": max(1, -(-concurrency // len(shares)))},
            )
            for index, share in enumerate(shares)
        ]
        while not all(future.done() for future in futures):
            try:
                index, snapshot = updates.get(timeout=1.0)
                latest[index] = snapshot
            except queue.Empty:
                pass
            if progress is not None:
                progress(_summed(latest, total, started))
        for future in futures:
            part = future.result()
            report.connections.extend(part["Connections"])
            report.failures.extend(Failure(**failure) for failure in part["Failures"])
            report.skipped.extend(Skip(**skip) for skip in part["Skipped"])
            report.attempts += int(part["Attempts"])
    report.finished_at = datetime.now(UTC)
    if progress is not None:
        final = InventoryProgress(
            done=total,
            total=total,
            connections=len(report.connections),
            failed=len({(f.account_id, f.region) for f in report.failures}),
            elapsed=time.monotonic() - started,
        )
        progress(final)
    return report


def _summed(latest: dict[int, dict[str, Any]], total: int, started: float) -> InventoryProgress:
    return InventoryProgress(
        done=sum(snapshot["done"] for snapshot in latest.values()),
        total=total,
        connections=sum(snapshot["connections"] for snapshot in latest.values()),
        failed=sum(snapshot["failed"] for snapshot in latest.values()),
        elapsed=time.monotonic() - started,
    )


# -- in the worker ------------------------------------------------------------------------------


class _Worker:
    """The worker process's end of the progress queue (set once, when the process starts)."""

    updates: multiprocessing.Queue[tuple[int, dict[str, Any]]] | None = None


def _start_worker(updates: multiprocessing.Queue[tuple[int, dict[str, Any]]]) -> None:
    _Worker.updates = updates


def _read_share(
    index: int, accounts: list[str], regions: list[str], reader: dict[str, Any]
) -> dict[str, Any]:
    def send(snapshot: InventoryProgress) -> None:
        if _Worker.updates is not None:
            _Worker.updates.put((index, asdict(snapshot)))

    caller = reader.pop("caller")
    if isinstance(caller, dict):  # pragma: no cover - defensive: callers pass an Identity
        caller = Identity(**caller)
    part = InventoryReader(caller=caller, progress=send, **reader).read(accounts, regions)
    return {
        "Connections": part.connections,
        "Failures": [asdict(failure) for failure in part.failures],
        "Skipped": [asdict(skip) for skip in part.skipped],
        "Attempts": part.attempts,
    }
