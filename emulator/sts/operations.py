"""The supported STS operations: validated request members in, response members out."""

from __future__ import annotations

from collections.abc import Callable

from emulator.core.jsonfields import optional_int, optional_str, require_str
from emulator.core.service import RequestContext
from emulator.sts.issuer import TokenIssuer

__all__ = ["HANDLERS", "Handler"]

Handler = Callable[[TokenIssuer, RequestContext, dict[str, object]], dict[str, object]]


def _assume_role(
    issuer: TokenIssuer, context: RequestContext, params: dict[str, object]
) -> dict[str, object]:
    session_name = require_str(params, "RoleSessionName")
    role, session = issuer.assume_role(
        context.principal,
        region=context.region,
        role_arn=require_str(params, "RoleArn"),
        session_name=session_name,
        duration_seconds=optional_int(params, "DurationSeconds"),
        external_id=optional_str(params, "ExternalId"),
    )
    return {
        "Credentials": {
            "AccessKeyId": session.access_key_id,
            "SecretAccessKey": session.secret_access_key,
            "SessionToken": session.session_token,
            "Expiration": session.expires_at,
        },
        "AssumedRoleUser": {
            "AssumedRoleId": f"{role.role_id}:{session_name}",
            "Arn": session.arn,
        },
        "SourceIdentity": optional_str(params, "SourceIdentity"),
    }


def _get_caller_identity(
    issuer: TokenIssuer, context: RequestContext, params: dict[str, object]
) -> dict[str, object]:
    caller = context.principal
    return {"UserId": caller.user_id, "Account": caller.account, "Arn": caller.arn}


HANDLERS: dict[str, Handler] = {
    "AssumeRole": _assume_role,
    "GetCallerIdentity": _get_caller_identity,
}
