"""The prefetch's lookups made by a child process, on a core the provider host does not use.

A provider host is one Python process, and botocore spends ~0.65 ms of CPU on each call
(building, signing, sending and parsing it) under that process's interpreter lock, beside the
host's own answers to the engine: at 200 connections, its import, its client and 400 calls were
the whole gap between a refresh and the engine's floor (bench figure 10). So the lookups the
stack config names are made by one child process (:func:`child_argv`), started at the
host's first lookup: the host writes it every lookup's arguments at once, the child makes them
as the host would have (:func:`..aws.describe_connection`, as many at once as the prefetch's
threads, the same clients and retry mode) and writes each result back as it comes. The calls,
and their count per resource, stay the same. The child costs an interpreter start and a
botocore import of its own, so the reader (reader.py) uses it for many lookups only.

The host never waits on the child for anything it cannot do itself: a child that cannot start,
dies, or meets an error that is not one of this project's (a bug) leaves that lookup
:class:`LookupLost`, and the Check that takes it makes the lookup itself, meeting the same
error in-process. The child dies with its pipe: when the host is gone, its next write fails.
Both ends are in this module: the child imports only this module and the AWS layer.
"""

from __future__ import annotations

import os
import pickle
import signal
import subprocess
import sys
import threading
from collections.abc import Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import IO, Any

from pulumi_codestar_connections.core.errors import CodestarConnectionsError
from pulumi_codestar_connections.core.records import ConnectionDetails

__all__ = ["LookupLost", "child_argv", "in_child_process"]

# The directory above the package, for the child's import path (the host may have found the
# package there without it being installed).
_PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])


class LookupLost(Exception):
    """The child did not make this lookup (it did not start, died, or met a bug): make it here."""


def in_child_process(
    lookups: Sequence[Mapping[str, Any]], clients: Mapping[str, Any], *, workers: int
) -> list[Future[ConnectionDetails]]:
    """Start the child on ``describe_connection(**lookup)`` for each; a future for each, in order.

    ``clients`` are ``configure_clients``' arguments (attempts, timeouts); ``workers`` how many
    lookups the child runs at once. The futures are running from the start (cancel does
    nothing): the child has every lookup as soon as it starts.
    """
    futures: list[Future[ConnectionDetails]] = [Future() for _ in lookups]
    for future in futures:
        future.set_running_or_notify_cancel()
    request = pickle.dumps((dict(clients), [dict(lookup) for lookup in lookups], workers))
    threading.Thread(
        target=_run_child, args=(request, futures), name="codestar-lookups", daemon=True
    ).start()
    return futures


def _run_child(request: bytes, futures: list[Future[ConnectionDetails]]) -> None:
    """Start the child, hand it the request, settle each future as its result comes back."""
    try:
        child = subprocess.Popen(
            child_argv(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=_child_environment(),
        )
    except (OSError, ValueError) as error:
        _lose(futures, f"the lookup process did not start: {error}")
        return
    assert child.stdin is not None and child.stdout is not None
    try:
        with child.stdin:
            child.stdin.write(request)
        while True:
            index, ok, value = pickle.load(child.stdout)
            if ok:
                futures[index].set_result(value)
            else:
                futures[index].set_exception(value)
    except Exception as error:  # EOF (the child is done, or died), a broken pipe, a bad pickle
        _lose(futures, f"the lookup process stopped: {error!r}")
    finally:
        child.stdout.close()
        child.wait()


def child_argv() -> list[str]:
    """How the host starts the child: this interpreter, running :func:`_child_main` (``-P``:
    no module of the working directory, the user's project, shadows one the child imports)."""
    return [sys.executable, "-P", "-c", f"from {__name__} import _child_main; _child_main()"]


def _child_main() -> None:
    # The engine interrupts the provider host's process group to stop it: stop at once too.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    _serve(sys.stdin.buffer, sys.stdout.buffer)


def _lose(futures: list[Future[ConnectionDetails]], reason: str) -> None:
    for future in futures:
        if not future.done():
            future.set_exception(LookupLost(reason))


def _child_environment() -> dict[str, str]:
    path = os.environ.get("PYTHONPATH")
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([_PACKAGE_ROOT, path] if path else [_PACKAGE_ROOT]),
    }


def _serve(source: IO[bytes], sink: IO[bytes]) -> None:
    """The child: read the request, make every lookup, write each result as it is ready."""
    clients, lookups, workers = pickle.load(source)
    from pulumi_codestar_connections.aws import configure_clients, describe_connection

    configure_clients(**clients)
    lock = threading.Lock()

    def look_up(index: int, arguments: dict[str, Any]) -> None:
        try:
            answer: tuple[int, bool, object] = (index, True, describe_connection(**arguments))
        except CodestarConnectionsError as error:  # as the host would have met it
            answer = (index, False, error)
        except Exception as error:  # a bug: the host makes this lookup itself and meets it
            answer = (index, False, LookupLost(f"the lookup process met {error!r}"))
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
