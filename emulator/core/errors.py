"""AWS errors the emulator can send, one class per AWS error code.

Every error is rendered the way the AWS JSON 1.0 protocol sends it: the HTTP status below, a body
``{"__type": <code>, "Message": <message>}`` and the header ``x-amzn-ErrorType: <code>``. botocore
turns the code into ``client.exceptions.<code>`` when the service model declares that shape.

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
    ├── RequestEntityTooLargeException  413  body over the size limit
    └── InjectedFault                   any  produced by the fault-injection control API
"""

from __future__ import annotations

__all__ = [
    "AwsError",
    "IncompleteSignatureException",
    "InjectedFault",
    "LimitExceededException",
    "MissingAuthenticationTokenException",
    "RequestEntityTooLargeException",
    "ResourceNotFoundException",
    "ResourceUnavailableException",
    "SerializationException",
    "UnknownOperationException",
    "UnsupportedOperationException",
    "ValidationException",
]


class AwsError(Exception):
    """An error the AWS surface answers with instead of a result."""

    code: str = "InternalFailure"
    http_status: int = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationException(AwsError):
    code = "ValidationException"
    http_status = 400


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


class IncompleteSignatureException(AwsError):
    code = "IncompleteSignatureException"
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
