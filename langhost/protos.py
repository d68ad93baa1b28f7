"""Pulumi's gRPC stubs for the language host, loaded without the rest of the Pulumi SDK.

The stubs live in ``pulumi.runtime.proto``; importing them the usual way runs
``pulumi/__init__.py`` and ``pulumi/runtime/__init__.py`` first, which load the whole SDK
(asyncio, the automation API, mocks, …): ~0.3 s of the host's start-up, paid twice per
``pulumi`` command (the engine starts the language host for plugin discovery and again to run
the program). The stub modules import one another relatively only, so their parent packages
can stand in as bare namespace modules while they load; the stand-ins are removed afterwards.
The language host never uses the SDK itself: programs run in their own interpreter.
"""

from __future__ import annotations

import importlib.util
import sys
import types
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["engine_pb2", "engine_pb2_grpc", "language_pb2", "language_pb2_grpc", "plugin_pb2"]


@contextmanager
def _bare_parent_packages() -> Iterator[None]:
    """``pulumi`` and ``pulumi.runtime`` as empty packages while the stubs load (if not loaded)."""
    if "pulumi" in sys.modules:  # the SDK is here already (an in-process test): nothing to save
        yield
        return
    spec = importlib.util.find_spec("pulumi")
    assert spec is not None and spec.submodule_search_locations, "the Pulumi SDK is not installed"
    root = Path(spec.submodule_search_locations[0])
    stand_ins = {"pulumi": root, "pulumi.runtime": root / "runtime"}
    for name, path in stand_ins.items():
        module = types.ModuleType(name)
        module.__path__ = [str(path)]
        sys.modules[name] = module
    try:
        yield
    finally:
        for name in stand_ins:
            del sys.modules[name]


with _bare_parent_packages():
    from pulumi.runtime.proto import (
        engine_pb2,
        engine_pb2_grpc,
        language_pb2,
        language_pb2_grpc,
        plugin_pb2,
    )
