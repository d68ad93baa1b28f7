"""A dynamic provider that makes no call, pickled by reference as the project's is.

Check returns its inputs, Diff says nothing changed, Create returns fixed outputs, Read the
stored state. Its resources hold the outputs a ``Connection`` holds (the same names, values of
the same size), so state, stack outputs and the engine's diffs weigh the same as the project's.
"""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi.dynamic
from pulumi.dynamic import CheckResult, CreateResult, DiffResult, ReadResult, ResourceProvider

__all__ = ["OUTPUT_NAMES", "NoopConnection", "NoopProvider", "outputs_for"]


def outputs_for(arn: str) -> dict[str, Any]:
    """Fixed outputs of a ``Connection``'s shape for ``arn``."""
    return {
        "connectionArn": arn,
        "connectionName": arn.rsplit("/", 1)[-1][:32],
        "providerType": "GitHub",
        "ownerAccountId": "123456789012",
        "connectionStatus": "AVAILABLE",
        "hostArn": "",
        "tags": {},
        "host": {},
        "service": "codestar-connections",
        "region": "eu-west-1",
    }


OUTPUT_NAMES = tuple(
    outputs_for("arn:aws:codestar-connections:eu-west-1:123456789012:connection/x")
)


class NoopProvider(ResourceProvider):
    serialize_as_secret_always = False

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        return CheckResult(news, [])

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        return DiffResult(changes=False)

    def create(self, props: dict[str, Any]) -> CreateResult:
        arn = str(props["connectionArn"])
        return CreateResult(arn, {**props, **outputs_for(arn)})

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> Any:
        return pulumi.dynamic.UpdateResult({**news, **outputs_for(str(news["connectionArn"]))})

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        return ReadResult(id_, props)

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        return None


class NoopConnection(pulumi.dynamic.Resource, module="noop", name="Connection"):
    connectionStatus: pulumi.Output[str]  # (the output's own name, as in state)

    def __init__(self, resource_name: str, connection_arn: str) -> None:
        outputs = dict.fromkeys(outputs_for(connection_arn))
        outputs["connectionArn"] = connection_arn
        super().__init__(NoopProvider(), resource_name, outputs)
