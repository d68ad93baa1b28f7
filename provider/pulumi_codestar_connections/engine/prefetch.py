"""Lookups started before the engine asks for them, each handed out once.

The engine calls Check one resource at a time (and each Check waits for its lookup), so a stack
of N connections pays N round trips end to end. The provider host sees the whole stack config at
its first request; at the first lookup, :class:`Prefetch` starts the lookups it names there,
up to :data:`DEFAULT_WORKERS` at once, and each Check takes its result instead of making the
same calls itself. The calls, and their count per resource, stay the same; they only overlap.

A lookup nobody takes costs its calls and nothing else: results are not kept beyond one take,
errors are raised by the Check that takes them (exactly as that Check would have met them).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Hashable, Iterable
from concurrent.futures import Future
from typing import Generic, TypeVar

__all__ = ["DEFAULT_WORKERS", "Prefetch"]

T = TypeVar("T")

# Lookups in flight at once (aws/clients.py's OVERLAPPED_CALLS is as many, for their tags; this
# module imports nothing of the AWS layer). At a real region's ~50 ms a round trip, 200 lookups
# take 4 rounds (8 threads took 25, and left preview 1.5x the engine's floor: bench figure 10).
# When AWS throttles, the clients' adaptive retry mode (aws/clients.py) holds every thread
# sharing a client to the rate AWS accepts, so the width never turns into throttling errors.
DEFAULT_WORKERS = 64


class Prefetch(Generic[T]):
    """Runs ``(key, load)`` pairs on daemon threads from the first :meth:`take` (or
    :meth:`start`); :meth:`take` hands each result out once.

    Nothing runs before then: a host that never looks anything up (``pulumi destroy`` deletes
    without a lookup) makes no call. Daemon threads: the engine may stop the provider host at
    any moment (a failed Check, a cancelled preview) and a queue of lookups must not hold the
    process open.
    """

    def __init__(
        self, loads: Iterable[tuple[Hashable, Callable[[], T]]], workers: int = DEFAULT_WORKERS
    ) -> None:
        self._lock = threading.Lock()
        self._loads = list(loads)
        self._workers = workers
        self._started = False
        self._futures: dict[Hashable, Future[T]] = {}

    def start(self) -> int:
        """Queue every load (the first of each key) unless started; returns how many."""
        with self._lock:
            return self._start_locked()

    def take(self, key: Hashable) -> Future[T] | None:
        """The lookup started for ``key`` (running or done), or None: then look it up yourself.

        Starts the others first if nothing has started yet. A lookup still waiting in the queue
        is cancelled and None returned: the caller is about to make the same calls, so the
        queue must not make them a second time.
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
        work: queue.SimpleQueue[tuple[Future[T], Callable[[], T]]] = queue.SimpleQueue()
        for key, load in self._loads:
            if key not in self._futures:
                future: Future[T] = Future()
                self._futures[key] = future
                work.put((future, load))
        self._loads.clear()
        for index in range(min(self._workers, len(self._futures))):
            threading.Thread(
                target=_drain, args=(work,), name=f"codestar-prefetch-{index}", daemon=True
            ).start()
        return len(self._futures)


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
