"""Drive Pulumi's real dynamic provider host (``python -m pulumi.dynamic``) over gRPC.

The host is the same process the engine starts through ``pulumi-resource-pulumi-python``; this
client plays the engine's part with Pulumi's own proto stubs, in the orders the engine uses
(up: Check → Create; preview: Check → Diff; refresh: Read; destroy: Delete).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc
from pulumi.dynamic import ResourceProvider
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.runtime import rpc
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

from pulumi_codestar_connections.dynamic.provider import ConnectionProvider

from .loops import run_in_private_loop

__all__ = ["PROVIDER_KEY", "URN", "Diff", "DynamicHost"]

ROOT = Path(__file__).resolve().parents[1]
PROVIDER_KEY = "__provider"
URN = "urn:pulumi:test::codestar-connections::pulumi-python:dynamic/codestar:Connection::conn"


@dataclass(frozen=True)
class Diff:
    changes: int  # provider_pb2.DiffResponse.DIFF_NONE / DIFF_SOME / DIFF_UNKNOWN
    replaces: list[str]


def _struct(props: Mapping[str, Any]) -> Any:
    # A private loop, as the host itself does (see loops.py).
    return run_in_private_loop(rpc.serialize_properties(dict(props), {}))


def _props(struct: Any) -> dict[str, Any]:
    props: dict[str, Any] = rpc.deserialize_properties(struct, keep_unknowns=True)
    props.pop(PROVIDER_KEY, None)
    return props


class DynamicHost:
    """A running ``python -m pulumi.dynamic`` process and a client for it.

    Every request carries ``provider`` (default: a ``Connection``'s) pickled, as the engine
    sends each resource's ``__provider`` input.
    """

    def __init__(
        self,
        env: Mapping[str, str],
        config: Mapping[str, str] | None = None,
        *,
        provider: ResourceProvider | None = None,
    ) -> None:
        self.serialized_provider = serialize_provider(provider or ConnectionProvider())
        self._process = subprocess.Popen(
            [sys.executable, "-u", "-m", "pulumi.dynamic", "127.0.0.1:1"],
            cwd=ROOT,
            env={**os.environ, **env, "PYTHONPATH": str(ROOT)},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert self._process.stdout is not None
        port = self._process.stdout.readline().strip()
        if not port.isdigit():
            self.close()
            raise RuntimeError(f"dynamic provider host did not print a port: {port!r}")
        self._channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        self.stub = provider_pb2_grpc.ResourceProviderStub(self._channel)
        # The engine always configures a provider before using it.
        self.stub.Configure(
            provider_pb2.ConfigureRequest(args=_struct(config or {}), acceptSecrets=False)
        )

    def close(self) -> str:
        """Stop the host; return what it wrote to stderr (for leak checks)."""
        if hasattr(self, "_channel"):
            self._channel.close()
        self._process.terminate()
        try:
            _, stderr = self._process.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            _, stderr = self._process.communicate()
        return stderr or ""

    def _with_provider(self, props: Mapping[str, Any]) -> Any:
        return _struct({**props, PROVIDER_KEY: self.serialized_provider})

    def check(
        self, news: Mapping[str, Any], olds: Mapping[str, Any] | None = None
    ) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        answer = self.stub.Check(
            provider_pb2.CheckRequest(
                urn=URN, olds=self._with_provider(olds or {}), news=self._with_provider(news)
            )
        )
        return _props(answer.inputs), [(f.property, f.reason) for f in answer.failures]

    def up(self, news: Mapping[str, Any]) -> tuple[dict[str, Any], str, dict[str, Any]]:
        """``pulumi up`` of a new resource: Check (which must pass) → Create.

        Returns (the inputs Check gave, the id, the outputs).
        """
        inputs, failures = self.check(news)
        assert failures == [], failures
        id_, outputs = self.create(inputs)
        return inputs, id_, outputs

    def diff(self, id_: str, olds: Mapping[str, Any], news: Mapping[str, Any]) -> Diff:
        answer = self.stub.Diff(
            provider_pb2.DiffRequest(
                id=id_, urn=URN, olds=self._with_provider(olds), news=self._with_provider(news)
            )
        )
        return Diff(answer.changes, list(answer.replaces))

    def create(self, inputs: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
        answer = self.stub.Create(
            provider_pb2.CreateRequest(urn=URN, properties=self._with_provider(inputs))
        )
        return answer.id, _props(answer.properties)

    def update(self, id_: str, olds: Mapping[str, Any], news: Mapping[str, Any]) -> dict[str, Any]:
        answer = self.stub.Update(
            provider_pb2.UpdateRequest(
                id=id_, urn=URN, olds=self._with_provider(olds), news=self._with_provider(news)
            )
        )
        return _props(answer.properties)

    def read(
        self, id_: str, props: Mapping[str, Any], inputs: Mapping[str, Any] | None = None
    ) -> tuple[str, dict[str, Any], dict[str, Any]]:
        answer = self.stub.Read(
            provider_pb2.ReadRequest(
                id=id_,
                urn=URN,
                properties=self._with_provider(props),
                inputs=self._with_provider(inputs or {}),
            )
        )
        return answer.id, _props(answer.properties), _props(answer.inputs)

    def delete(self, id_: str, props: Mapping[str, Any]) -> None:
        self.stub.Delete(
            provider_pb2.DeleteRequest(id=id_, urn=URN, properties=self._with_provider(props))
        )
