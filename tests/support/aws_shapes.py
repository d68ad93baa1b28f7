"""Check a raw AWS JSON response body against the output shape in botocore's service model.

boto3 parsing a response proves little: its parser drops members the model does not know and
never checks constraints. This checker reports extra members, missing required members, wrong
types, enum values, lengths and patterns, so the emulator's answers can be held to the model.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from typing import Any

import botocore.loaders
from botocore.model import (
    ListShape,
    MapShape,
    ServiceModel,
    Shape,
    StringShape,
    StructureShape,
)

__all__ = ["RawResponses", "assert_matches_output", "output_problems"]


@functools.cache
def _service_model(service: str) -> ServiceModel:
    # Straight from the loader: a botocore session would read (and trip over) the AWS profile.
    loader = botocore.loaders.create_loader()
    return ServiceModel(loader.load_service_model(service, "service-2"), service)


def output_problems(service: str, operation: str, body: Mapping[str, Any]) -> list[str]:
    """Every way ``body`` (the decoded JSON of a response) departs from the operation's output."""
    model = _service_model(service)
    shape = model.operation_model(operation).output_shape
    problems: list[str] = []
    if shape is None:
        if body:
            problems.append(f"{operation} has no output, but the body is {dict(body)!r}")
        return problems
    _check(shape, body, operation, problems)
    return problems


def assert_matches_output(service: str, operation: str, body: Mapping[str, Any]) -> None:
    problems = output_problems(service, operation, body)
    assert not problems, f"{service} {operation} response breaks the model:\n" + "\n".join(problems)


class RawResponses:
    """Records the raw JSON body of every response a boto3 client receives."""

    def __init__(self, client: Any) -> None:
        self.service: str = client.meta.service_model.service_name
        self.responses: list[tuple[str, int, dict[str, Any]]] = []
        client.meta.events.register("before-parse", self._record)

    def _record(self, operation_model: Any, response_dict: Mapping[str, Any], **_: Any) -> None:
        body = response_dict.get("body") or b"{}"
        self.responses.append(
            (operation_model.name, int(response_dict["status_code"]), json.loads(body))
        )

    def assert_all_match(self) -> None:
        """Successful responses match their output shapes."""
        for operation, status, body in self.responses:
            if status == 200:
                assert_matches_output(self.service, operation, body)


def _check(shape: Shape, value: object, path: str, problems: list[str]) -> None:
    if isinstance(shape, StructureShape):
        if not isinstance(value, dict):
            problems.append(f"{path}: expected an object, got {value!r}")
            return
        for name in value:
            if name not in shape.members:
                problems.append(f"{path}.{name}: not a member of {shape.name}")
        for name in shape.required_members:
            if value.get(name) is None:
                problems.append(f"{path}.{name}: required member missing")
        for name, item in value.items():
            if name in shape.members:
                _check(shape.members[name], item, f"{path}.{name}", problems)
    elif isinstance(shape, ListShape):
        if not isinstance(value, list):
            problems.append(f"{path}: expected a list, got {value!r}")
            return
        _check_length(shape, len(value), path, problems)
        for index, item in enumerate(value):
            _check(shape.member, item, f"{path}[{index}]", problems)
    elif isinstance(shape, MapShape):
        if not isinstance(value, dict):
            problems.append(f"{path}: expected a map, got {value!r}")
            return
        for key, item in value.items():
            _check(shape.key, key, f"{path} key", problems)
            _check(shape.value, item, f"{path}[{key!r}]", problems)
    elif isinstance(shape, StringShape):
        _check_string(shape, value, path, problems)
    elif shape.type_name in ("integer", "long"):
        if isinstance(value, bool) or not isinstance(value, int):
            problems.append(f"{path}: expected an integer, got {value!r}")
    elif shape.type_name == "boolean":
        if not isinstance(value, bool):
            problems.append(f"{path}: expected a boolean, got {value!r}")
    elif shape.type_name in ("timestamp", "float", "double") and (
        isinstance(value, bool) or not isinstance(value, int | float)
    ):
        problems.append(f"{path}: expected a number, got {value!r}")


def _check_string(shape: StringShape, value: object, path: str, problems: list[str]) -> None:
    if not isinstance(value, str):
        problems.append(f"{path}: expected a string, got {value!r}")
        return
    if shape.enum and value not in shape.enum:
        problems.append(f"{path}: {value!r} is not one of {shape.enum}")
    _check_length(shape, len(value), path, problems)
    pattern = shape.metadata.get("pattern")
    if pattern and re.search(pattern, value) is None:
        problems.append(f"{path}: {value!r} does not match {pattern}")


def _check_length(shape: Shape, length: int, path: str, problems: list[str]) -> None:
    minimum = shape.metadata.get("min")
    maximum = shape.metadata.get("max")
    if minimum is not None and length < minimum:
        problems.append(f"{path}: length {length} is under the minimum {minimum}")
    if maximum is not None and length > maximum:
        problems.append(f"{path}: length {length} is over the maximum {maximum}")
