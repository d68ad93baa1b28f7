"""Organizations' errors, with the codes and wording AWS sends (HTTP 400 all)."""

from __future__ import annotations

from emulator.core.errors import AwsError

__all__ = [
    "AWSOrganizationsNotInUseException",
    "AccessDeniedException",
    "AccountNotFoundException",
    "InvalidInputException",
    "ParentNotFoundException",
]


class AccessDeniedException(AwsError):
    """A member account that is not a delegated administrator asked about the organization."""

    code = "AccessDeniedException"
    http_status = 400

    def __init__(self) -> None:
        super().__init__("You don't have permissions to access this resource.")


class AWSOrganizationsNotInUseException(AwsError):
    code = "AWSOrganizationsNotInUseException"
    http_status = 400

    def __init__(self) -> None:
        super().__init__("Your account is not a member of an organization.")


class ParentNotFoundException(AwsError):
    code = "ParentNotFoundException"
    http_status = 400

    def __init__(self) -> None:
        super().__init__("We can't find a root or OU with the ParentId that you specified.")


class AccountNotFoundException(AwsError):
    code = "AccountNotFoundException"
    http_status = 400

    def __init__(self) -> None:
        super().__init__("You specified an account that doesn't exist.")


class InvalidInputException(AwsError):
    code = "InvalidInputException"
    http_status = 400

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message, Reason=reason)
