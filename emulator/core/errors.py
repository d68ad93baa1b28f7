"""AWS errors the emulator can send, one class per AWS error code.

Every error is rendered the way the AWS JSON protocols send it: the HTTP status below, a body
``{"__type": <code>, "Message": <message>}`` and the header ``x-amzn-ErrorType: <code>``. botocore
turns the code into ``client.exceptions.<code>`` when the service model declares that shape.
Errors raised by AWS's front door (bad or expired credentials) name their text ``message``, as AWS
does (:attr:`AwsError.message_member`). The Query protocol (STS) sends the same error as XML,
under the code and status AWS's Query services use where they differ
(:attr:`AwsError.query_code`, :attr:`AwsError.query_status`: ValidationException is
ValidationError there, UnrecognizedClientException is InvalidClientTokenId 403).

Hierarchy::

    AwsError
    ├── ValidationException             400  request does not match the service model
    ├── SerializationException          400  body is not a JSON object
    ├── UnknownOperationException       400  X-Amz-Target names no operation
    ├── UnsupportedOperationException   400  operation exists in the model, not in the emulator
    ├── ResourceNotFoundException       400  no connection/host with that ARN here
    ├── ResourceUnavailableException    400  resource exists but cannot be used now
    ├── LimitExceededException          400  connection or tag quota reached
    ├── MissingAuthenticationTokenException  403  no Authorization header
    ├── IncompleteSignatureException    400  Authorization header without a credential scope
    ├── UnrecognizedClientException     400  credentials not valid here (opt-in region disabled)
    ├── ExpiredTokenException           400  issued session credentials past their expiry
    ├── InvalidActionException          400  Query protocol: no such Action (or Version)
    ├── MalformedQueryStringException   400  Query protocol: body is not a form
    ├── RequestEntityTooLargeException  413  body over the size limit
    └── InjectedFault                   any  produced by the fault-injection control API
"""

from __future__ import annotations

__all__ = [
    "AwsError",
    "ExpiredTokenException",
    "IncompleteSignatureException",
    "InjectedFault",
    "InvalidActionException",
    "LimitExceededException",
    "MalformedQueryStringException",
    "MissingAuthenticationTokenException",
    "RequestEntityTooLargeException",
    "ResourceNotFoundException",
    "ResourceUnavailableException",
    "SerializationException",
    "UnknownOperationException",
    "UnrecognizedClientException",
    "UnsupportedOperationException",
    "ValidationException",
]


class AwsError(Exception):
    """An error the AWS surface answers with instead of a result."""

    code: str = "InternalFailure"
    http_status: int = 500
    message_member: str = "Message"
    """The JSON member that carries the text (AWS's front door says ``message``)."""
    query_code: str | None = None
    """The code in a Query protocol answer, where it is not :attr:`code`."""
    query_status: int | None = None
    """The HTTP status of a Query protocol answer, where it is not :attr:`http_status`."""

    def __init__(self, message: str, **members: str) -> None:
        super().__init__(message)
        self.message = message
        self.members = members
        """Further members of the error shape (Organizations' ``Reason``), sent as they are."""


class ValidationException(AwsError):
    code = "ValidationException"
    http_status = 400
    query_code = "ValidationError"


class SerializationException(AwsError):
    code = "SerializationException"
    http_status = 400


class UnknownOperationException(AwsError):
    code = "UnknownOperationException"
    http_status = 400


class UnsupportedOperationException(AwsError):
    code = "UnsupportedOperationException"
    http_status = 400


class ResourceNotFoundException(AwsError):
    code = "ResourceNotFoundException"
    http_status = 400


class ResourceUnavailableException(AwsError):
    code = "ResourceUnavailableException"
    http_status = 400


class LimitExceededException(AwsError):
    code = "LimitExceededException"
    http_status = 400


class MissingAuthenticationTokenException(AwsError):
    code = "MissingAuthenticationTokenException"
    http_status = 403
    query_code = "MissingAuthenticationToken"


class IncompleteSignatureException(AwsError):
    code = "IncompleteSignatureException"
    http_status = 400
    query_code = "IncompleteSignature"


class UnrecognizedClientException(AwsError):
    code = "UnrecognizedClientException"
    http_status = 400
    message_member = "message"
    query_code = "InvalidClientTokenId"
    query_status = 403

    def __init__(
        self, message: str = "The security token included in the request is invalid."
    ) -> None:
        super().__init__(message)


class ExpiredTokenException(AwsError):
    code = "ExpiredTokenException"
    http_status = 400
    message_member = "message"
    query_code = "ExpiredToken"

    def __init__(
        self, message: str = "The security token included in the request is expired"
    ) -> None:
        super().__init__(message)


class InvalidActionException(AwsError):
    code = "InvalidAction"
    http_status = 400


class MalformedQueryStringException(AwsError):
    code = "MalformedQueryString"
    http_status = 400


class RequestEntityTooLargeException(AwsError):
    code = "RequestEntityTooLargeException"
    http_status = 413


class InjectedFault(AwsError):
    """An error chosen by a test through ``POST /_emulator/faults``; code and status are free."""

    def __init__(self, code: str, http_status: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.http_status = http_status
        # A test that asks for a code gets that code, whatever the protocol.
        self.query_code = code
        self.query_status = http_status
