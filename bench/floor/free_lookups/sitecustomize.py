"""Figure 10's runs with free lookups: the project's provider, its lookups answered from memory.

This folder is on PYTHONPATH for those runs only, so every Python process of the run imports
this module at start-up. It does nothing until a process imports the provider's reader
(``pulumi_codestar_connections.engine.reader``: the dynamic provider host or the plugin, and the
dynamic provider's program, which imports it and never looks anything up); then the reader's
prefetch runner and its own lookups hand out the answers the benchmark recorded before the run
(:data:`ANSWERS`: a pickle of ARN -> ``ConnectionDetails``, what the real lookups return, read
at the first lookup), with no child process and no call. Everything else is the project's: its
program, its steps, its state. So the run costs what the engine, the program and our host cost
when AWS costs nothing. With :data:`ONE_REAL` set to 1, the prefetch first makes its first
lookup for real, in this process (botocore imported, a client made, its two calls), and hands
out the answers after it. A lookup with no recorded answer fails its Check; a reader this module
cannot patch fails the import, so a run never passes for free while it paid.
"""

from __future__ import annotations

import functools
import importlib.abc
import importlib.machinery
import os
import pickle
import sys
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from types import ModuleType
from typing import Any

__all__ = ["ANSWERS", "ONE_REAL"]

ANSWERS = "CODESTAR_BENCH_ANSWERS"
ONE_REAL = "CODESTAR_BENCH_ONE_REAL_LOOKUP"
_READER = "pulumi_codestar_connections.engine.reader"


class _AfterReaderLoads(importlib.abc.MetaPathFinder):
    """Finds the reader as the path finder does, and answers its lookups once it has loaded."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != _READER:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        loader = spec.loader if spec is not None else None
        if spec is None or not isinstance(loader, importlib.machinery.SourceFileLoader):
            raise ImportError(f"free lookups: cannot patch {fullname} (found {spec!r})")
        load = loader.exec_module

        def exec_module(module: ModuleType) -> None:
            load(module)
            _answer_lookups(module)

        loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


@functools.cache
def _recorded() -> dict[str, Any]:
    with open(os.environ[ANSWERS], "rb") as recorded:
        answers: dict[str, Any] = pickle.load(recorded)
    return answers


def _answer_lookups(reader: ModuleType) -> None:
    made_for_real: Callable[[dict[str, Any]], Any] = reader._described
    one_real = os.environ.get(ONE_REAL) == "1"

    def answer(arguments: dict[str, Any]) -> Any:
        return _recorded()[str(arguments["arn"])]

    def answered(_clients: object, lookups: list[dict[str, Any]]) -> list[Future[Any]]:
        futures: list[Future[Any]] = [Future() for _ in lookups]
        for future in futures:  # running from the start, as the child's: taken, never cancelled
            future.set_running_or_notify_cancel()

        def settle() -> None:
            first: BaseException | None = None
            try:
                if one_real and lookups:
                    made_for_real(lookups[0])
            except BaseException as error:  # every Check meets it
                first = error
            for future, lookup in zip(futures, lookups, strict=True):
                if first is not None:
                    future.set_exception(first)
                    continue
                try:
                    future.set_result(answer(lookup))
                except BaseException as error:  # that Check meets it
                    future.set_exception(error)

        if one_real:
            threading.Thread(target=settle, daemon=True).start()
        else:
            settle()
        return futures

    reader._prefetched = answered  # type: ignore[attr-defined]
    reader._described = answer  # type: ignore[attr-defined]


if os.environ.get(ANSWERS):
    sys.meta_path.insert(0, _AfterReaderLoads())
