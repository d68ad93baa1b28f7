"""The prefetch's lookups made by a child process, on a core the provider host does not use.

A provider host is one Python process, and botocore spends ~0.65 ms of CPU on each call
(building, signing, sending and parsing it) under that process's interpreter lock, beside the
host's own answers to the engine: at 200 connections, its import, its client and 400 calls were
the whole gap between a refresh and the engine's floor (bench figure 10). So the lookups the
stack config names are made by one child process (:func:`child_argv`), started at the host's
first lookup: the host writes it every lookup's arguments at once, the child makes them as the
host would have (:func:`..aws.describe_connection`, as many at once as the prefetch's threads,
the same clients and retry mode) and writes each result back as it comes. The calls, and their
count per resource, stay the same. The child costs an interpreter start and a botocore import
of its own, so the reader (reader.py) uses it for many lookups only.

A lookup the child does not make is handed back: when the child cannot start, dies, or meets an
error that is not one of this project's (a bug), its lookups left go to ``elsewhere`` (the
host's own threads), which makes them as it would have without the child, meeting the same
errors; a warning says why, with the end of the child's stderr. The child dies with the host:
it stops at once on SIGINT (the engine signals the host's process group), and when its stdin
(which the host holds open) reaches its end, the host is gone. Both ends are in this module;
the child imports only this module and the AWS layer.
"""

from __future__ import annotations

import logging
import os
import pickle
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import IO, Any, TypeAlias

from pulumi_codestar_connections.core.errors import CodestarConnectionsError
from pulumi_codestar_connections.core.records import ConnectionDetails

__all__ = ["Elsewhere", "child_argv", "in_child_process"]

_LOG = logging.getLogger(__name__)

# The directory above the package: appended to the child's import path, after the host's, for a
# package the host imported without it being installed (an installed one is found first).
_PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])
# How much of the child's stderr a warning quotes.
_STDERR_TAIL = 600

Elsewhere: TypeAlias = Callable[[list[dict[str, Any]]], list[Future[ConnectionDetails]]]
"""Makes lookups the child did not make: a future for each, in order."""


class _NotMade(Exception):
    """The child's answer for a lookup it did not make (a bug met there): the host makes it."""


def in_child_process(
    lookups: Sequence[Mapping[str, Any]],
    clients: Mapping[str, Any],
    *,
    workers: int,
    elsewhere: Elsewhere,
) -> list[Future[ConnectionDetails]]:
    """Start the child on ``describe_connection(**lookup)`` for each; a future for each, in order.

    ``clients`` are ``configure_clients``' arguments (attempts, timeouts); ``workers`` how many
    lookups the child runs at once; ``elsewhere`` makes what the child does not. The futures
    are running from the start (cancel does nothing): the child has every lookup at once.
    """
    plain = [dict(lookup) for lookup in lookups]
    futures: list[Future[ConnectionDetails]] = [Future() for _ in plain]
    for future in futures:
        future.set_running_or_notify_cancel()
    run = _Run(plain, futures, elsewhere)
    try:
        request = pickle.dumps((dict(clients), plain, workers))
        threading.Thread(
            target=run.serve, args=(request,), name="codestar-lookups", daemon=True
        ).start()
    except Exception as error:  # an argument that does not pickle, no thread to be had
        run.hand_back(f"the lookup process was not started: {type(error).__name__}: {error}")
    return futures


class _Run:
    """One child: its lookups, their futures, and what is handed back when it fails."""

    def __init__(
        self,
        lookups: list[dict[str, Any]],
        futures: list[Future[ConnectionDetails]],
        elsewhere: Elsewhere,
    ) -> None:
        self._lookups = lookups
        self._futures = futures
        self._elsewhere = elsewhere

    def serve(self, request: bytes) -> None:
        """Start the child, hand it the request, settle each future as its result comes."""
        reason = "the lookup process ended before every result"
        with tempfile.TemporaryFile() as stderr:
            try:
                reason = self._exchange(request, stderr)
            except BaseException as error:  # a Popen that fails in any way, a bad pickle
                reason = f"the lookup process failed: {type(error).__name__}: {error}"
            finally:
                self.hand_back(reason, stderr)

    def _exchange(self, request: bytes, stderr: IO[bytes]) -> str:
        child = subprocess.Popen(
            child_argv(), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr
        )
        assert child.stdin is not None and child.stdout is not None
        try:
            # stdin stays open while the child works: its end tells the child the host is gone.
            child.stdin.write(request)
            child.stdin.flush()
            while True:
                try:
                    index, made, value = pickle.load(child.stdout)
                except EOFError:
                    return f"the lookup process exited ({child.wait()})"
                if made:
                    self._futures[index].set_result(value)
                elif isinstance(value, _NotMade):
                    self._redo([index], str(value))
                else:
                    self._futures[index].set_exception(value)
        finally:
            child.stdin.close()
            child.stdout.close()
            child.wait()

    def hand_back(self, reason: str, stderr: IO[bytes] | None = None) -> None:
        """Every lookup not settled yet goes elsewhere, saying why (once)."""
        left = [index for index, future in enumerate(self._futures) if not future.done()]
        if left:
            self._redo(left, f"{reason}{_tail(stderr)}")

    def _redo(self, indexes: list[int], reason: str) -> None:
        _LOG.warning("%d lookup(s) made in the provider instead: %s", len(indexes), reason)
        redone = self._elsewhere([self._lookups[index] for index in indexes])
        for index, again in zip(indexes, redone, strict=True):
            again.add_done_callback(_copy_to(self._futures[index]))


def _copy_to(target: Future[ConnectionDetails]) -> Callable[[Future[ConnectionDetails]], None]:
    def copy(source: Future[ConnectionDetails]) -> None:
        error = source.exception()
        if error is not None:
            target.set_exception(error)
        else:
            target.set_result(source.result())

    return copy


def _tail(stderr: IO[bytes] | None) -> str:
    if stderr is None:
        return ""
    stderr.seek(0, os.SEEK_END)
    stderr.seek(max(0, stderr.tell() - _STDERR_TAIL))
    text = stderr.read().decode(errors="replace").strip()
    return f"; its stderr ends: {text}" if text else ""


def child_argv() -> list[str]:
    """How the host starts the child: this interpreter, running :func:`_child_main` (``-P``:
    no module of the working directory, the user's project, shadows one the child imports)."""
    code = (
        f"import sys; sys.path.append({_PACKAGE_ROOT!r}); "
        f"from {__name__} import _child_main; _child_main()"
    )
    return [sys.executable, "-P", "-c", code]


def _child_main() -> None:
    # The engine interrupts the provider host's process group to stop it: stop at once too.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    # Results go to the host on the original stdout; whatever else writes to stdout (a library,
    # a site hook) goes to stderr and cannot corrupt them.
    results = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    _serve(sys.stdin.buffer, results)


def _serve(source: IO[bytes], sink: IO[bytes]) -> None:
    """The child: read the request, make every lookup, write each result as it is ready."""
    clients, lookups, workers = pickle.load(source)
    # The rest of stdin is the host's to close: its end means the host is gone.
    threading.Thread(target=_exit_at_end, args=(source,), daemon=True).start()
    from pulumi_codestar_connections.aws import configure_clients, describe_connection

    configure_clients(**clients)
    lock = threading.Lock()

    def look_up(index: int, arguments: dict[str, Any]) -> None:
        try:
            answer: tuple[int, bool, object] = (index, True, describe_connection(**arguments))
        except CodestarConnectionsError as error:  # as the host would have met it
            answer = (index, False, error)
        except Exception as error:  # a bug: the host makes this lookup itself and meets it
            answer = (index, False, _NotMade(f"the lookup process met {error!r}"))
        data = pickle.dumps(answer)
        with lock:
            try:
                sink.write(data)
                sink.flush()
            except OSError:  # the host is gone: nobody wants the rest
                os._exit(0)

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        for index, arguments in enumerate(lookups):
            pool.submit(look_up, index, arguments)


def _exit_at_end(source: IO[bytes]) -> None:
    source.read()
    os._exit(0)
