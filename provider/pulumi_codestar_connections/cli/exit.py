"""The CLI's exit codes and the errors that carry them.

Pipelines branch on these numbers, so they are a contract: documented in ``--help`` and the
README, and never reused for something else.
"""

from __future__ import annotations

import enum

from pulumi_codestar_connections.core.errors import (
    AmbiguousConnectionName,
    AwsLookupError,
    CodestarConnectionsError,
    ConnectionNotFound,
    InvalidConnectionArn,
)

__all__ = [
    "EXIT_CODE_TABLE",
    "CliError",
    "ExitCode",
    "UsageError",
    "exit_code_for",
]


class ExitCode(enum.IntEnum):
    OK = 0
    AWS_ERROR = 1
    USAGE = 2
    NOT_FOUND = 3
    STATUS_NOT_AS_REQUIRED = 4
    TIMEOUT = 5


EXIT_CODE_TABLE: tuple[tuple[ExitCode, str], ...] = (
    (ExitCode.OK, "ok (check/wait: the status is one of --status)"),
    (ExitCode.AWS_ERROR, "AWS or network error (credentials, access denied, throttling, ...)"),
    (ExitCode.USAGE, "usage: bad flag/value/ARN/--query/file, or a --name several share"),
    (ExitCode.NOT_FOUND, "not found: no such connection (or no connection ARN in the outputs)"),
    (ExitCode.STATUS_NOT_AS_REQUIRED, "status not as required (check, stack-outputs --status)"),
    (ExitCode.TIMEOUT, "timeout: wait ran out of time"),
)


class CliError(CodestarConnectionsError):
    """An error the CLI reports as one line on stderr, exiting with ``exit_code``."""

    exit_code: ExitCode = ExitCode.AWS_ERROR

    def __init__(self, message: str, *, exit_code: ExitCode | None = None) -> None:
        super().__init__(message)
        if exit_code is not None:
            self.exit_code = exit_code


class UsageError(CliError):
    """Bad input: a flag, a value, a file. Found before (or instead of) any AWS call."""

    exit_code = ExitCode.USAGE


def exit_code_for(error: BaseException) -> ExitCode:
    """The exit code of an error raised while running a command."""
    if isinstance(error, CliError):
        return error.exit_code
    if isinstance(error, InvalidConnectionArn):
        return ExitCode.USAGE
    # A name that matches several connections is a question the caller must make precise
    # (pass the ARN, or narrow by provider type / host); 3 would tell a script "it is missing".
    if isinstance(error, AmbiguousConnectionName):
        return ExitCode.USAGE
    if isinstance(error, ConnectionNotFound):
        return ExitCode.NOT_FOUND
    # AWS refused the request itself (e.g. an unknown --provider-type): the input is wrong.
    if isinstance(error, AwsLookupError) and error.code == "ValidationException":
        return ExitCode.USAGE
    # Every other lookup error, and anything unexpected (reported as an internal error).
    return ExitCode.AWS_ERROR
