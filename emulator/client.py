"""A client for the emulator's control API (``/_emulator/...``), plus boto3 clients aimed at it.

Tests, the demo and the benchmarks use it to arrange AWS-side scenes the real services leave to
humans (a connection already AVAILABLE, a throttled GetConnection, a dropped socket, an
organization of 200 accounts, a role with an ExternalId, an opt-in region enabled) and to read
the call log. boto3 clients can be signed as the default account, as a given account (moto's
convention: a 12-digit access key id stands for that account) or with credentials AssumeRole
issued.
"""

from __future__ import annotations

import functools
import json
import os
import threading
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, Required, TypedDict, overload

import boto3
import botocore.session
from botocore.config import Config

if TYPE_CHECKING:
    from mypy_boto3_codeconnections.client import CodeConnectionsClient
    from mypy_boto3_codestar_connections.client import CodeStarconnectionsClient
    from mypy_boto3_sts.client import STSClient

__all__ = [
    "FIXTURE_USER_AGENT",
    "NO_RETRIES",
    "AccountSpec",
    "ConnectionSpec",
    "EmulatorClient",
    "EmulatorControlError",
]

FIXTURE_USER_AGENT = "emulator-fixture"
"""Appended to the User-Agent of boto3 clients made here, so the call log can tell them apart."""


NO_RETRIES = Config(retries={"total_max_attempts": 1})
"""Exactly one attempt per call, so fault counts and the call log match what a test did.

Note ``retries={"max_attempts": 1}`` is not this: botocore reads it as one *retry* (two attempts).
"""

_session_lock = threading.Lock()


@functools.cache
def _isolated_session() -> boto3.session.Session:
    """One botocore session for every client made here: a fresh one costs ~0.2 s per client.

    It reads no AWS config or credentials file and no profile, so a developer's ~/.aws never
    leaks into tests; client options still come from the environment (e.g. AWS_MAX_ATTEMPTS).
    """
    # (config name, environment variable, default, converter): no source at all for a profile.
    core = botocore.session.Session(session_vars={"profile": (None, None, None, None)})
    core.set_config_variable("config_file", os.devnull)
    core.set_config_variable("credentials_file", os.devnull)
    return boto3.session.Session(botocore_session=core)


class AccountSpec(TypedDict, total=False):
    """An account for :meth:`EmulatorClient.create_accounts` (the control API's fields)."""

    Name: Required[str]
    Id: str
    Email: str
    Status: str
    """ACTIVE (default), SUSPENDED or PENDING_CLOSURE."""
    ParentId: str
    """The root (default) or an OU."""
    JoinedMethod: str
    """CREATED (default: the account gets OrganizationAccountAccessRole) or INVITED."""


class ConnectionSpec(TypedDict, total=False):
    """A connection for :meth:`EmulatorClient.create_connections` (the control API's fields)."""

    ConnectionName: Required[str]
    ProviderType: str
    HostArn: str
    Region: str
    Account: str
    ConnectionStatus: str
    Service: str
    Tags: dict[str, str]


class EmulatorControlError(Exception):
    """The control API refused a request."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message


class EmulatorClient:
    def __init__(self, url: str) -> None:
        self.url = url.rstrip("/")

    # Scene setting

    def create_connection(
        self,
        name: str,
        *,
        provider_type: str = "GitHub",
        host_arn: str | None = None,
        region: str = "us-east-1",
        status: str = "AVAILABLE",
        service: str = "codestar-connections",
        tags: dict[str, str] | None = None,
        account: str | None = None,
    ) -> str:
        """Seed a connection (no SigV4, no quota) and return its ARN.

        With ``host_arn`` the provider type comes from the host and ``provider_type`` is ignored.
        """
        body: dict[str, object] = {
            "ConnectionName": name,
            "Region": region,
            "ConnectionStatus": status,
            "Service": service,
        }
        if host_arn is None:
            body["ProviderType"] = provider_type
        else:
            body["HostArn"] = host_arn
        if tags is not None:
            body["Tags"] = tags
        if account is not None:
            body["Account"] = account
        return str(self._request("POST", "connections", body)["ConnectionArn"])

    def create_connections(self, connections: Sequence[ConnectionSpec]) -> list[str]:
        """Seed many connections in one request (all or none) and return their ARNs in order.

        Fields as the control API takes them; unlike :meth:`create_connection`, a missing
        ``ConnectionStatus`` means AVAILABLE and a missing ``Region`` us-east-1.
        """
        answer = self._request("POST", "connections/batch", {"Connections": list(connections)})
        return [str(arn) for arn in answer["ConnectionArns"]]

    def create_host(
        self,
        name: str = "ghes",
        *,
        provider_type: str = "GitHubEnterpriseServer",
        endpoint: str = "https://ghes.example",
        service: str = "codestar-connections",
    ) -> str:
        """Create a host through the API (CreateHost, as a fixture) and return its ARN."""
        client = self._client(service, "us-east-1", access_key="testing")
        answer = client.create_host(
            Name=name, ProviderType=provider_type, ProviderEndpoint=endpoint
        )
        return str(answer["HostArn"])

    def set_status(self, arn: str, status: str) -> None:
        self._request("POST", "status", {"ConnectionArn": arn, "ConnectionStatus": status})

    def set_host_status(self, arn: str, status: str) -> None:
        self._request("POST", "status", {"HostArn": arn, "HostStatus": status})

    def delete_connection(self, arn: str) -> None:
        """Delete through the AWS API, as a test's cleanup or an out-of-band deletion would."""
        _, _, service, region, account, _ = arn.split(":", 5)
        # A 12-digit access key id stands for that account in the emulator (as in moto).
        client = self._client(service, region, access_key=account)
        client.delete_connection(ConnectionArn=arn)

    # Organizations

    def organization(self) -> dict[str, str]:
        """``{"Id", "Arn", "RootId", "ManagementAccountId"}`` of the emulator's organization."""
        return {key: str(value) for key, value in self._request("GET", "organization").items()}

    def create_account(
        self,
        name: str,
        *,
        account_id: str | None = None,
        email: str | None = None,
        status: str = "ACTIVE",
        parent_id: str | None = None,
        joined_method: str = "CREATED",
    ) -> str:
        """Add an account to the organization (under the root unless ``parent_id``); its id."""
        spec: AccountSpec = {"Name": name, "Status": status, "JoinedMethod": joined_method}
        if account_id is not None:
            spec["Id"] = account_id
        if email is not None:
            spec["Email"] = email
        if parent_id is not None:
            spec["ParentId"] = parent_id
        return str(self._request("POST", "accounts", spec)["Id"])

    def create_accounts(self, accounts: Sequence[AccountSpec]) -> list[str]:
        """Add many accounts in one request (all or none); their ids, in order."""
        answer = self._request("POST", "accounts/batch", {"Accounts": list(accounts)})
        return [str(account_id) for account_id in answer["Ids"]]

    def create_organizational_unit(self, name: str, parent_id: str | None = None) -> str:
        """Add an OU under ``parent_id`` (the root when None); its id."""
        body: dict[str, object] = {"Name": name}
        if parent_id is not None:
            body["ParentId"] = parent_id
        return str(self._request("POST", "organizational-units", body)["Id"])

    def register_delegated_administrator(
        self, account_id: str, service_principal: str | None = None
    ) -> None:
        """Let a member account read the organization as a delegated administrator."""
        body: dict[str, object] = {"AccountId": account_id}
        if service_principal is not None:
            body["ServicePrincipal"] = service_principal
        self._request("POST", "delegated-administrators", body)

    # Identity

    def create_role(
        self,
        account: str,
        role_name: str,
        *,
        external_id: str | None = None,
        trusted_accounts: Sequence[str] | None = None,
    ) -> str:
        """Create (or replace) a role STS lets callers assume; its ARN.

        Without ``trusted_accounts`` it trusts the organization's accounts and the default one.
        """
        body: dict[str, object] = {"Account": account, "RoleName": role_name}
        if external_id is not None:
            body["ExternalId"] = external_id
        if trusted_accounts is not None:
            body["TrustedAccounts"] = list(trusted_accounts)
        return str(self._request("POST", "roles", body)["Arn"])

    def set_session_seconds(self, seconds: int | None) -> None:
        """Make AssumeRole grant ``seconds`` of life whatever it is asked (None: as asked)."""
        self._request("POST", "session-lifetime", {"Seconds": seconds})

    def set_region_enabled(
        self, region: str, enabled: bool = True, *, account: str | None = None
    ) -> None:
        """Enable (or disable) an opt-in region for ``account``, or for every account."""
        body: dict[str, object] = {"Region": region, "Enabled": enabled}
        if account is not None:
            body["Account"] = account
        self._request("POST", "regions", body)

    # Faults

    def add_fault(
        self,
        operation: str = "*",
        *,
        error_code: str | None = None,
        http_status: int | None = None,
        count: int = 1,
        latency_ms: int = 0,
        reset_connection: bool = False,
        message: str | None = None,
        probability: float | None = None,
        seed: int | None = None,
        rate_per_second: float | None = None,
    ) -> None:
        """Make the next ``count`` calls of ``operation`` (``*``: any) fail, stall or drop.

        ``count=-1`` keeps the fault until ``clear_faults()``. Latency alone only delays. With
        ``probability`` only that share of the matching calls is struck (``seed``: the same
        draws every run); with ``rate_per_second`` only the calls over that rate (a token bucket,
        as AWS throttles an API). Calls it spares do not count against ``count``.
        """
        body: dict[str, object] = {
            "Operation": operation,
            "Count": count,
            "LatencyMs": latency_ms,
            "ResetConnection": reset_connection,
        }
        if error_code is not None:
            body["ErrorCode"] = error_code
        if http_status is not None:
            body["HttpStatus"] = http_status
        if message is not None:
            body["Message"] = message
        if probability is not None:
            body["Probability"] = probability
        if seed is not None:
            body["Seed"] = seed
        if rate_per_second is not None:
            body["RatePerSecond"] = rate_per_second
        self._request("POST", "faults", body)

    def clear_faults(self) -> None:
        self._request("DELETE", "faults")

    # Call log and state

    def calls(self, operation: str | None = None) -> list[dict[str, Any]]:
        """Every AWS-surface request so far, oldest first; only ``operation``'s when given."""
        calls: list[dict[str, Any]] = self._request("GET", "calls")["Calls"]
        return [call for call in calls if operation is None or call["Operation"] == operation]

    def clear_calls(self) -> None:
        self._request("DELETE", "calls")

    def reset(self) -> None:
        """Forget every connection, host, account, OU, role, session, fault and call."""
        self._request("POST", "reset")

    def health(self) -> bool:
        try:
            return self._request("GET", "health").get("Status") == "ok"
        except (OSError, EmulatorControlError):
            return False

    # boto3

    @overload
    def boto3_client(
        self,
        service: Literal["codestar-connections"] = ...,
        region: str = ...,
        *,
        config: Config | None = ...,
        account: str | None = ...,
        credentials: Mapping[str, Any] | None = ...,
    ) -> CodeStarconnectionsClient: ...

    @overload
    def boto3_client(
        self,
        service: Literal["codeconnections"],
        region: str = ...,
        *,
        config: Config | None = ...,
        account: str | None = ...,
        credentials: Mapping[str, Any] | None = ...,
    ) -> CodeConnectionsClient: ...

    @overload
    def boto3_client(
        self,
        service: Literal["sts"],
        region: str = ...,
        *,
        config: Config | None = ...,
        account: str | None = ...,
        credentials: Mapping[str, Any] | None = ...,
    ) -> STSClient: ...

    @overload
    def boto3_client(
        self,
        service: Literal["organizations"],
        region: str = ...,
        *,
        config: Config | None = ...,
        account: str | None = ...,
        credentials: Mapping[str, Any] | None = ...,
    ) -> Any: ...

    def boto3_client(
        self,
        service: str = "codestar-connections",
        region: str = "us-east-1",
        *,
        config: Config | None = None,
        account: str | None = None,
        credentials: Mapping[str, Any] | None = None,
    ) -> Any:
        """A real boto3 client for ``service`` aimed at the emulator.

        Signed with dummy credentials (the default account), as ``account`` (its id as the
        access key id), or with ``credentials``: the ``Credentials`` AssumeRole answered.
        """
        if account is not None and credentials is not None:
            raise ValueError("give account or credentials, not both")
        if credentials is not None:
            return self._client(
                service,
                region,
                access_key=str(credentials["AccessKeyId"]),
                secret_key=str(credentials["SecretAccessKey"]),
                session_token=str(credentials["SessionToken"]),
                config=config,
            )
        return self._client(service, region, access_key=account or "testing", config=config)

    def _client(
        self,
        service: str,
        region: str,
        *,
        access_key: str,
        secret_key: str = "testing",
        session_token: str | None = None,
        config: Config | None = None,
    ) -> Any:
        fixture_config = Config(user_agent_extra=FIXTURE_USER_AGENT)
        # boto3 sessions are not thread-safe; clients made from one are.
        with _session_lock:
            return _isolated_session().client(
                service,  # type: ignore[call-overload]
                region_name=region,
                endpoint_url=self.url,
                aws_access_key_id=access_key,
                aws_secret_access_key=secret_key,
                aws_session_token=session_token,
                config=fixture_config if config is None else fixture_config.merge(config),
            )

    def _request(self, method: str, route: str, body: object = None) -> dict[str, Any]:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            f"{self.url}/_emulator/{route}",
            data=data,
            method=method,
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                decoded: dict[str, Any] = json.load(response)
                return decoded
        except urllib.error.HTTPError as error:
            with error:
                try:
                    detail = json.load(error)
                except ValueError:
                    detail = {}
            raise EmulatorControlError(
                error.code, str(detail.get("__type", "")), str(detail.get("Message", ""))
            ) from None
