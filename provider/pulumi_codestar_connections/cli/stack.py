"""``stack-outputs``: every connection ARN in ``pulumi stack output --json``, looked up at once.

Any string value, however deeply nested, that parses as a connection ARN counts; the path of
each output it appears under is kept so people can tell which export is which. Each distinct
ARN costs one GetConnection; the calls run concurrently on a small thread pool (the AWS
layer's client cache is thread-safe).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from pulumi_codestar_connections.core.arns import ConnectionArn, parse_connection_arn
from pulumi_codestar_connections.core.errors import AwsLookupError, InvalidConnectionArn
from pulumi_codestar_connections.core.records import ConnectionRecord

from .exit import UsageError

__all__ = ["FoundArn", "LookupResult", "find_connection_arns", "look_up_all", "read_stack_outputs"]

# Enough to hide the latency of a stack's handful of connections; small enough to stay far
# below GetConnection's request-rate quota.
_MAX_WORKERS = 8


@dataclass(frozen=True, slots=True)
class FoundArn:
    arn: ConnectionArn
    outputs: tuple[str, ...]
    """Where it appears, as JMESPath-like paths (``pipelines[0].source``)."""


@dataclass(frozen=True, slots=True)
class LookupResult:
    found: FoundArn
    record: ConnectionRecord | None
    error: AwsLookupError | None


def read_stack_outputs(source: str | None, *, stdin: TextIO | None = None) -> Any:
    """The parsed JSON of ``source`` (a path; ``-`` or None: standard input)."""
    stdin = stdin if stdin is not None else sys.stdin
    if source is None or source == "-":
        if source is None and stdin.isatty():
            # Reading a terminal would look like a hang; say what to do instead.
            raise UsageError(
                "stack-outputs: give FILE, or pipe `pulumi stack output --json` into it"
            )
        where = "standard input"
        try:
            text = stdin.read()
        except (OSError, UnicodeDecodeError) as error:
            raise UsageError(f"stack-outputs: cannot read {where}: {error}") from None
    else:
        where = source
        try:
            text = Path(source).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            reason = getattr(error, "strerror", None) or str(error)
            raise UsageError(f"stack-outputs: cannot read {source}: {reason}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise UsageError(
            f"stack-outputs: {where} is not JSON ({error.msg} at line {error.lineno}, "
            f"column {error.colno}); expected the output of `pulumi stack output --json`"
        ) from None


def find_connection_arns(document: Any) -> list[FoundArn]:
    """Each distinct connection ARN in ``document``, in the order first seen."""
    paths: dict[str, list[str]] = {}
    parsed: dict[str, ConnectionArn] = {}
    for path, value in _strings(document, ""):
        if not value.startswith("arn:"):
            continue
        try:
            arn = parse_connection_arn(value)
        except InvalidConnectionArn:
            continue  # another kind of ARN (a host, a role, a pipeline): not ours
        parsed.setdefault(value, arn)
        paths.setdefault(value, []).append(path or "(the whole document)")
    return [FoundArn(parsed[value], tuple(where)) for value, where in paths.items()]


def _strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, f"{path}[{index}]")


def look_up_all(
    found: list[FoundArn], get: Callable[[ConnectionArn], ConnectionRecord]
) -> list[LookupResult]:
    """``get`` for every ARN, concurrently; results in the order of ``found``."""

    def one(item: FoundArn) -> LookupResult:
        try:
            return LookupResult(item, get(item.arn), None)
        except AwsLookupError as error:
            return LookupResult(item, None, error)

    if len(found) <= 1:
        return [one(item) for item in found]
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=min(_MAX_WORKERS, len(found))) as pool:
        return list(pool.map(one, found))
