"""The one exception hierarchy of the project.

    CodestarConnectionsError          base: every error we raise on purpose
    ├── InvalidConnectionArn          bad input, raised before any API call (also a ValueError)
    ├── AmbiguousConnectionName       a name matched more than one connection (names the ARNs)
    └── AwsLookupError                an AWS call failed; carries the operation and AWS's code
        ├── ConnectionNotFound        ResourceNotFoundException, or no connection of that name
        ├── ConnectionAccessDenied    AccessDenied*: the caller lacks the IAM action
        ├── ConnectionUnavailable     ResourceUnavailableException
        ├── CredentialsNotFound       botocore found no credentials
        └── EndpointUnreachable       no answer from the endpoint (DNS, refused, timeouts)

Messages are for people: what was asked, what AWS said, what to do.
"""

from __future__ import annotations

__all__ = [
    "AmbiguousConnectionName",
    "AwsLookupError",
    "CodestarConnectionsError",
    "ConnectionAccessDenied",
    "ConnectionNotFound",
    "ConnectionUnavailable",
    "CredentialsNotFound",
    "EndpointUnreachable",
    "InvalidConnectionArn",
]


class CodestarConnectionsError(Exception):
    """Base class of every error this project raises on purpose."""


class InvalidConnectionArn(CodestarConnectionsError, ValueError):
    """A value that is not a CodeStar connection ARN; found before any API call."""


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
