"""The six commands. Each returns an :class:`Outcome`; printing and exiting are main.py's job."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TextIO

from pulumi_codestar_connections.core.arns import ConnectionArn, parse_connection_arn
from pulumi_codestar_connections.core.errors import ConnectionNotFound
from pulumi_codestar_connections.core.records import ConnectionRecord

from .documents import connection_document, connections_document, ordered_connection
from .exit import CliError, ExitCode, UsageError
from .lookup import (
    AwsOptions,
    Target,
    get_by_arn,
    list_all,
    look_up,
    parse_statuses,
    target_from,
)
from .stack import find_connection_arns, look_up_all, read_stack_outputs
from .wait import Backoff, LogProgress, Progress, TerminalProgress, describe_statuses
from .wait import wait_for as poll_until

__all__ = ["COMMANDS", "Command", "Outcome"]


@dataclass(frozen=True, slots=True)
class Outcome:
    document: Any
    """The JSON document to print on stdout (after --query), or None for nothing."""
    exit_code: ExitCode = ExitCode.OK
    problems: tuple[str, ...] = ()
    """Lines for stderr: why the exit code is not 0."""


Command = Callable[[argparse.Namespace, AwsOptions, TextIO, TextIO], Outcome]


def _target(args: argparse.Namespace) -> Target:
    return target_from(
        args.arn, name=args.name, provider_type=args.provider_type, host_arn=args.host_arn
    )


def get(args: argparse.Namespace, aws: AwsOptions, stdin: TextIO, stderr: TextIO) -> Outcome:
    record = look_up(_target(args), aws)
    return Outcome(connection_document(record, profile=aws.profile))


def list_(args: argparse.Namespace, aws: AwsOptions, stdin: TextIO, stderr: TextIO) -> Outcome:
    records = list_all(aws, provider_type=args.provider_type, host_arn=args.host_arn)
    return Outcome(connections_document(records, profile=aws.profile))


def check(args: argparse.Namespace, aws: AwsOptions, stdin: TextIO, stderr: TextIO) -> Outcome:
    wanted = parse_statuses(args.status)
    record = look_up(_target(args), aws)
    document = connection_document(record, profile=aws.profile)
    if record.connection_status in wanted:
        return Outcome(document)
    return Outcome(
        document,
        ExitCode.STATUS_NOT_AS_REQUIRED,
        (
            f"connection {record.connection_arn} is {record.connection_status}, "
            f"not {describe_statuses(wanted)}",
        ),
    )


def wait(args: argparse.Namespace, aws: AwsOptions, stdin: TextIO, stderr: TextIO) -> Outcome:
    wanted = parse_statuses(args.status)
    if args.timeout < 0:
        raise UsageError(f"--timeout: {args.timeout:g} is negative")
    for flag, value in (("--interval", args.interval), ("--max-interval", args.max_interval)):
        if value <= 0:
            raise UsageError(f"{flag}: {value:g} is not a positive number of seconds")
    target = _target(args)
    resolved: list[ConnectionArn] = [] if target.arn is None else [target.arn]

    def poll() -> ConnectionRecord:
        if resolved:
            return get_by_arn(resolved[0], aws)
        # A name is resolved once (one paged listing); later polls are single GetConnections.
        record = look_up(target, aws)
        resolved.append(parse_connection_arn(record.connection_arn))
        return record

    progress: Progress = (
        TerminalProgress(stderr, wanted) if stderr.isatty() else LogProgress(stderr, wanted)
    )
    subject = str(target.arn) if target.arn is not None else repr(target.name)
    outcome = poll_until(
        poll,
        wanted,
        subject=subject,
        timeout=args.timeout,
        backoff=Backoff(args.interval, cap=args.max_interval),
        progress=progress,
    )
    if outcome.record is None:
        # Not one poll succeeded: the AWS error says more than "timed out".
        assert outcome.last_error is not None
        raise outcome.last_error
    document = connection_document(outcome.record, profile=aws.profile)
    if outcome.matched:
        return Outcome(document)
    still = f"it is {outcome.record.connection_status}"
    if outcome.last_error is not None:
        still = f"the last check failed ({outcome.last_error.code}); before that {still}"
    return Outcome(
        document,
        ExitCode.TIMEOUT,
        (
            f"timed out after {args.timeout:g}s waiting for {outcome.record.connection_arn} "
            f"to be {describe_statuses(wanted)}: {still}",
        ),
    )


def stack_outputs(
    args: argparse.Namespace, aws: AwsOptions, stdin: TextIO, stderr: TextIO
) -> Outcome:
    wanted = parse_statuses(args.status) if args.status else None
    found = find_connection_arns(read_stack_outputs(args.file, stdin=stdin))
    if not found:
        raise CliError(
            "no connection ARN in the stack outputs (looked at every string value, nested too)",
            exit_code=ExitCode.NOT_FOUND,
        )
    results = look_up_all(found, lambda arn: get_by_arn(arn, aws))
    rows: list[dict[str, Any]] = []
    problems: list[tuple[ExitCode, str]] = []
    for result in results:
        row: dict[str, Any] = {"Outputs": list(result.found.outputs)}
        if result.record is not None:
            row.update(ordered_connection(result.record, profile=aws.profile))
            status = result.record.connection_status
            if wanted is not None and status not in wanted:
                problems.append(
                    (
                        ExitCode.STATUS_NOT_AS_REQUIRED,
                        f"connection {result.found.arn} ({', '.join(result.found.outputs)}) "
                        f"is {status}, not {describe_statuses(wanted)}",
                    )
                )
        else:
            error = result.error
            assert error is not None
            row.update(
                {"ConnectionArn": str(result.found.arn), "Error": error.code, "Message": str(error)}
            )
            code = (
                ExitCode.NOT_FOUND if isinstance(error, ConnectionNotFound) else ExitCode.AWS_ERROR
            )
            problems.append((code, str(error)))
        rows.append(row)
    # The worst problem decides: an AWS error leaves statuses unknown, a missing connection is
    # worse than one in the wrong status.
    severity = (ExitCode.AWS_ERROR, ExitCode.NOT_FOUND, ExitCode.STATUS_NOT_AS_REQUIRED)
    exit_code = next(
        (code for code in severity if any(found_code == code for found_code, _ in problems)),
        ExitCode.OK,
    )
    return Outcome({"Connections": rows}, exit_code, tuple(message for _, message in problems))


def inventory(args: argparse.Namespace, aws: AwsOptions, stdin: TextIO, stderr: TextIO) -> Outcome:
    # Imported on use: the other commands never pay for the inventory's modules.
    from .inventory import inventory as run

    return run(args, aws, stdin, stderr)


COMMANDS: dict[str, Command] = {
    "get": get,
    "list": list_,
    "check": check,
    "wait": wait,
    "stack-outputs": stack_outputs,
    "inventory": inventory,
}
