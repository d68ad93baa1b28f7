"""A client for the emulator's control API (``/_emulator/...``), plus boto3 clients aimed at it.

Tests, the demo and the benchmarks use it to arrange AWS-side scenes the real service leaves to
humans (a connection already AVAILABLE, a throttled GetConnection, a dropped socket) and to read
the call log.
"""

from __future__ import annotations

import functools
import json
import os
import threading
import urllib.error
import urllib.request
from typing import TYPE_CHECKING, Any, Literal, overload

import boto3
import botocore.session
from botocore.config import Config

if TYPE_CHECKING:
    from mypy_boto3_codeconnections.client import CodeConnectionsClient
    from mypy_boto3_codestar_connections.client import CodeStarconnectionsClient

__all__ = ["FIXTURE_USER_AGENT", "NO_RETRIES", "EmulatorClient", "EmulatorControlError"]

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
    ) -> None:
        """Make the next ``count`` calls of ``operation`` (``*``: any) fail, stall or drop.

        ``count=-1`` keeps the fault until ``clear_faults()``. Latency alone only delays.
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
        """Forget every connection, host, fault and call."""
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
    ) -> CodeStarconnectionsClient: ...

    @overload
    def boto3_client(
        self,
        service: Literal["codeconnections"],
        region: str = ...,
        *,
        config: Config | None = ...,
    ) -> CodeConnectionsClient: ...

    def boto3_client(
        self,
        service: str = "codestar-connections",
        region: str = "us-east-1",
        *,
        config: Config | None = None,
    ) -> Any:
        """A real boto3 client for ``service`` aimed at the emulator, with dummy credentials."""
        return self._client(service, region, access_key="testing", config=config)

    def _client(
        self, service: str, region: str, *, access_key: str, config: Config | None = None
    ) -> Any:
        fixture_config = Config(user_agent_extra=FIXTURE_USER_AGENT)
        # boto3 sessions are not thread-safe; clients made from one are.
        with _session_lock:
            return _isolated_session().client(
                service,  # type: ignore[call-overload]
                region_name=region,
                endpoint_url=self.url,
                aws_access_key_id=access_key,
                aws_secret_access_key="testing",
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
