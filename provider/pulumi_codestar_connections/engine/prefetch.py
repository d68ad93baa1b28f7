"""Lookups started before the engine asks for them, each handed out once.

The engine calls Check one resource at a time (and each Check waits for its lookup), so a stack
of N connections pays N round trips end to end. The provider host sees the whole stack config at
its first request; at the first lookup, :class:`Prefetch` starts the lookups it names there,
all at once on a runner (:func:`on_threads` here, up to :data:`DEFAULT_WORKERS` at once; for
many lookups the reader uses :mod:`.lookup_process`'s child process), and each Check takes its
result instead of making the same calls itself. The calls, and their count per resource, stay
the same; they only overlap.

A lookup nobody takes costs its calls and nothing else: results are not kept beyond one take,
errors are raised by the Check that takes them (exactly as that Check would have met them).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Hashable, Iterable
from concurrent.futures import Future
from typing import Generic, TypeAlias, TypeVar

__all__ = ["DEFAULT_WORKERS", "Prefetch", "Runner", "on_threads"]

L = TypeVar("L")
T = TypeVar("T")

Runner: TypeAlias = Callable[[list[L]], list[Future[T]]]
"""Starts every load given; a future for each, in order. A future still pending (not running)
can be cancelled: then the taker makes that lookup itself."""

# Lookups in flight at once (aws/clients.py's OVERLAPPED_CALLS is as many, for their tags; this
# module imports nothing of the AWS layer). At a real region's ~50 ms a round trip, 200 lookups
# take 4 rounds (8 threads took 25, and left preview 1.5x the engine's floor: bench figure 10).
# When AWS throttles, the clients' adaptive retry mode (aws/clients.py) holds every thread
# sharing a client to the rate AWS accepts, so the width never turns into throttling errors.
DEFAULT_WORKERS = 64


class Prefetch(Generic[L, T]):
    """Runs the ``(key, load)`` pairs' loads on ``run`` from the first :meth:`take` (or
    :meth:`start`); :meth:`take` hands each result out once.

    Nothing runs before then: a host that never looks anything up (``pulumi destroy`` deletes
    without a lookup) makes no call.
    """

    def __init__(self, loads: Iterable[tuple[Hashable, L]], run: Runner[L, T]) -> None:
        self._lock = threading.Lock()
        self._loads = list(loads)
        self._run = run
        self._started = False
        self._futures: dict[Hashable, Future[T]] = {}

    def start(self) -> int:
        """Start every load (the first of each key) unless started; returns how many."""
        with self._lock:
            return self._start_locked()

    def take(self, key: Hashable) -> Future[T] | None:
        """The lookup started for ``key`` (running or done), or None: then look it up yourself.

        Starts the others first if nothing has started yet. A lookup still waiting its turn is
        cancelled and None returned: the caller is about to make the same calls, so the runner
        must not make them a second time.
        """
        with self._lock:
            self._start_locked()
            future = self._futures.pop(key, None)
        if future is None or future.cancel():
            return None
        return future

    def pending(self) -> int:
        """Lookups started and not taken yet (for tests and benchmarks)."""
        with self._lock:
            return len(self._futures)

    def _start_locked(self) -> int:
        if self._started:
            return 0
        self._started = True
        first: dict[Hashable, L] = {}
        for key, load in self._loads:
            first.setdefault(key, load)
        self._loads.clear()
        if first:
            self._futures = dict(zip(first, self._run(list(first.values())), strict=True))
        return len(self._futures)


def on_threads(workers: int = DEFAULT_WORKERS) -> Runner[Callable[[], T], T]:
    """A runner calling each load on up to ``workers`` daemon threads, in order.

    Daemon threads: the engine may stop the provider host at any moment (a failed Check, a
    cancelled preview) and a queue of lookups must not hold the process open.
    """

    def run(loads: list[Callable[[], T]]) -> list[Future[T]]:
        work: queue.SimpleQueue[tuple[Future[T], Callable[[], T]]] = queue.SimpleQueue()
        futures: list[Future[T]] = []
        for load in loads:
            future: Future[T] = Future()
            futures.append(future)
            work.put((future, load))
        for index in range(min(workers, len(loads))):
            threading.Thread(
                target=_drain, args=(work,), name=f"codestar-prefetch-{index}", daemon=True
            ).start()
        return futures

    return run


def _drain(work: queue.SimpleQueue[tuple[Future[T], Callable[[], T]]]) -> None:
    while True:
        try:
            future, load = work.get_nowait()
        except queue.Empty:
            return
        if not future.set_running_or_notify_cancel():
            continue  # taken (and cancelled) before its turn
        try:
            future.set_result(load())
        except BaseException as error:  # handed to the Check that takes it
            future.set_exception(error)
