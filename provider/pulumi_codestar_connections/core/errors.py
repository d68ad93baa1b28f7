"""The one exception hierarchy of the package.

    CodestarConnectionsError          base: every error we raise on purpose
    ├── InvalidConnectionArn          a value is not a connection ARN (also a ValueError)
    ├── InvalidInput                  a resource input is wrong; ``key`` names it (Check shows it)
    ├── ConfigError                   stack config: no connection, a bad entry or codestar:* key
    ├── AmbiguousConnectionName       a name matched more than one connection (names the ARNs)
    ├── AwsLookupError                an AWS call failed; carries the operation and AWS's code
    │   ├── ConnectionNotFound        GetConnection's ResourceNotFoundException, or no such name
    │   ├── ConnectionAccessDenied    AccessDenied*: the caller lacks the IAM action
    │   ├── ConnectionUnavailable     ResourceUnavailableException
    │   ├── CredentialsNotFound       no usable credentials (none, rejected, role not assumed)
    │   └── EndpointUnreachable       no answer from the endpoint (DNS, refused, timeouts)
    └── CliError                      the CLI's one-line errors with their exit code (defined
        │                             in cli/exit.py, beside the exit codes)
        └── UsageError                a bad flag, value or file: exit 2

The first three are raised before any API call. Messages are for people: what was asked, what
AWS said, what to do.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "AmbiguousConnectionName",
    "AwsLookupError",
    "CodestarConnectionsError",
    "ConfigError",
    "ConnectionAccessDenied",
    "ConnectionNotFound",
    "ConnectionUnavailable",
    "CredentialsNotFound",
    "EndpointUnreachable",
    "InvalidConnectionArn",
    "InvalidInput",
]


class CodestarConnectionsError(Exception):
    """Base class of every error this project raises on purpose."""

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled as its message and attributes, whatever its class's __init__ takes: lookups
        # made by the prefetch's child process raise in the provider host
        # (engine/lookup_process.py).
        return (_rebuilt, (type(self), self.args, self.__dict__))


def _rebuilt(
    cls: type[CodestarConnectionsError], args: tuple[Any, ...], attributes: dict[str, Any]
) -> CodestarConnectionsError:
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(attributes)
    return error


class InvalidConnectionArn(CodestarConnectionsError, ValueError):
    """A value that is not a CodeStar connection ARN; found before any API call."""


class InvalidInput(CodestarConnectionsError):
    """One resource input is wrong: ``key`` is its state name; the message says why, and what to
    do."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key


class ConfigError(CodestarConnectionsError):
    """Stack config that names no connection, a malformed entry, or a bad ``codestar:*`` setting.

    The message starts with the key (``stack config connections[1].requireStatus: …``); ``key``
    holds a setting's own key (``codestar:maxAttempts``) when one setting is wrong.
    """

    def __init__(self, message: str, *, key: str | None = None) -> None:
        super().__init__(message)
        self.key = key


class AmbiguousConnectionName(CodestarConnectionsError):
    """More than one connection has the name asked for; ``arns`` lists them."""

    def __init__(self, message: str, *, arns: list[str]) -> None:
        super().__init__(message)
        self.arns = arns


class AwsLookupError(CodestarConnectionsError):
    """An AWS call failed.

    ``code`` is AWS's error code (``ThrottlingException``) or a botocore error class name,
    ``attempts`` how many HTTP attempts botocore made (retries included) when it is known.
    """

    def __init__(
        self,
        message: str,
        *,
        operation: str,
        code: str,
        attempts: int | None = None,
    ) -> None:
        super().__init__(message)
        self.operation = operation
        self.code = code
        self.attempts = attempts


class ConnectionNotFound(AwsLookupError):
    """The connection does not exist (AWS said ResourceNotFoundException)."""


class ConnectionAccessDenied(AwsLookupError):
    """The credentials lack the IAM action the lookup needs."""


class ConnectionUnavailable(AwsLookupError):
    """AWS said ResourceUnavailableException."""


class CredentialsNotFound(AwsLookupError):
    """botocore found no credentials in the environment, profile or instance metadata."""


class EndpointUnreachable(AwsLookupError):
    """The endpoint did not answer: DNS failure, refused connection, connect or read timeout."""
