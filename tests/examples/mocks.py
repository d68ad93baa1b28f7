"""An example's ``__main__.py`` under Pulumi's mocks, with our provider live against the emulator.

The mocks register each resource the way ``pulumi up`` would: a ``Connection`` (or
``Connections``) goes through the real ``ConnectionProvider`` (``ConnectionsProvider``): Check,
then Create, so a failed Check — say the require_status gate — stops the program with the
provider's own message; any other resource (pulumi-aws) gets its
inputs back as outputs, plus an id, an ARN and a physical name; a ``StackReference`` gets the
outputs given for that stack. Every registration is recorded for the test to inspect.

Importable from both virtualenvs: it needs only pulumi, the provider and the standard library.
"""

from __future__ import annotations

import json
import logging
import runpy
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi

from devkit.mocks import CONNECTION_TYPE, PROVIDERS, CheckFailed, check_then_create
from pulumi_codestar_connections.aws import clear_client_cache

__all__ = [
    "CONNECTION_TYPE",
    "EXAMPLES",
    "MOCK_ACCOUNT",
    "CheckFailed",
    "ExampleMocks",
    "Registered",
    "project_name",
    "run_example",
]

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
STACK_REFERENCE_TYPE = "pulumi:pulumi:StackReference"
MOCK_ACCOUNT = "123456789012"


class _UnretrievedCheckFailures(logging.Filter):
    """Drop asyncio's "Future exception was never retrieved" for a refused Check.

    Every output of the refused resource holds the exception in a future that nothing awaits
    once the program has stopped; asyncio reports each one when it is collected (often at
    interpreter exit, as a wall of identical tracebacks). run_example raises it already.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], CheckFailed))


logging.getLogger("asyncio").addFilter(_UnretrievedCheckFailures())


@dataclass(frozen=True)
class Registered:
    """One resource the program registered: its type, name, inputs and the outputs it got."""

    type_: str
    name: str
    inputs: dict[str, Any]
    outputs: dict[str, Any]


class ExampleMocks(pulumi.runtime.Mocks):
    def __init__(self, stack_outputs: Mapping[str, Mapping[str, Any]] | None = None) -> None:
        self.registered: list[Registered] = []
        self.stack_outputs = dict(stack_outputs or {})

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        inputs = dict(args.inputs)
        if args.typ in PROVIDERS:
            id_, outputs = check_then_create(inputs, args.typ)
        elif args.typ == STACK_REFERENCE_TYPE:
            stack = str(inputs["name"])
            if stack not in self.stack_outputs:
                raise CheckFailed(f"unknown stack {stack!r} (the mocks know {self.stack_outputs})")
            id_, outputs = stack, {"name": stack, "outputs": dict(self.stack_outputs[stack])}
        else:
            id_, outputs = f"{args.name}-id", _echoed(args.typ, args.name, inputs)
        self.registered.append(Registered(args.typ, args.name, inputs, outputs))
        return id_, outputs

    def call(
        self, args: pulumi.runtime.MockCallArgs
    ) -> tuple[dict[Any, Any], list[tuple[str, str]] | None]:
        raise AssertionError(f"the example made an unexpected call: {args.token}")

    def of_type(self, type_: str) -> list[Registered]:
        return [r for r in self.registered if r.type_ == type_]

    def one(self, type_: str) -> Registered:
        [registered] = self.of_type(type_)
        return registered


def _echoed(type_: str, name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    """What a pulumi-aws resource would report: its inputs, a physical name and an ARN."""
    module, kind = type_.split(":")[1].split("/")  # "aws:iam/role:Role" -> iam, role
    physical = inputs.get("name") or f"{name}-mock"
    if module == "s3":
        physical = inputs.get("bucket") or physical
        arn = f"arn:aws:s3:::{physical}"
    else:
        region = "" if module == "iam" else "us-east-1"
        arn = f"arn:aws:{module}:{region}:{MOCK_ACCOUNT}:{kind.lower()}/{physical}"
    extra = {"bucket": physical} if module == "s3" else {}
    return {"name": physical, "arn": arn, **extra, **inputs}


def project_name(example: Path) -> str:
    """The ``name:`` of the example's Pulumi.yaml (stack config keys are namespaced by it)."""
    for line in (example / "Pulumi.yaml").read_text().splitlines():
        if line.startswith("name:"):
            return line.split(":", 1)[1].strip()
    raise AssertionError(f"{example / 'Pulumi.yaml'} has no name")


@contextmanager
def _exports_captured() -> Iterator[dict[str, Any]]:
    exports: dict[str, Any] = {}

    def export(name: str, value: Any) -> None:
        exports[name] = value

    original = pulumi.export
    pulumi.export = export  # the program calls pulumi.export at module level
    try:
        yield exports
    finally:
        pulumi.export = original


def run_example(
    example: Path, mocks: ExampleMocks, config: Mapping[str, object] | None = None
) -> dict[str, Any]:
    """Run ``example/__main__.py`` under ``mocks`` and return its stack outputs, resolved.

    ``config`` values that are not strings are JSON-encoded, as the engine passes objects.
    Raises what the program (or a refused Check) raised.
    """
    project = project_name(example)
    clear_client_cache()  # the endpoint and credentials are read when a client is made
    pulumi.runtime.set_mocks(mocks, project=project, stack="test", preview=False)
    pulumi.runtime.set_all_config(
        {
            f"{project}:{key}" if ":" not in key else key: (
                value if isinstance(value, str) else json.dumps(value)
            )
            for key, value in (config or {}).items()
        }
    )
    resolved: dict[str, Any] = {}

    @pulumi.runtime.test  # type: ignore[untyped-decorator]
    def program() -> pulumi.Output[None]:
        with _exports_captured() as exports:
            runpy.run_path(str(example / "__main__.py"), run_name="__main__")
        return pulumi.Output.all(*exports.values()).apply(
            lambda values: resolved.update(zip(exports, values, strict=True))
        )

    try:
        program()
    finally:
        clear_client_cache()
    return resolved
