"""The records the emulator keeps: connections and hosts, as AWS describes them."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "CONNECTION_STATUSES",
    "HOST_PROVIDER_TYPES",
    "HOST_STATUSES",
    "Connection",
    "ConnectionSeed",
    "Host",
    "Scope",
    "VpcConfiguration",
]

Scope = tuple[str, str]
"""(account, region): AWS keeps connections and hosts apart per account and region."""

CONNECTION_STATUSES = ("PENDING", "AVAILABLE", "ERROR")

# AWS documents these host states; HostStatus is a free string in the service model.
HOST_STATUSES = (
    "PENDING",
    "AVAILABLE",
    "VPC_CONFIG_INITIALIZING",
    "VPC_CONFIG_FAILED_INITIALIZATION",
    "VPC_CONFIG_DELETING",
)

# Hosts stand for self-managed installations; the SaaS providers have no hosts.
HOST_PROVIDER_TYPES = ("GitHubEnterpriseServer", "GitLabSelfManaged")


@dataclass(frozen=True)
class VpcConfiguration:
    vpc_id: str
    subnet_ids: tuple[str, ...]
    security_group_ids: tuple[str, ...]
    tls_certificate: str | None = None

    def to_json(self) -> dict[str, object]:
        """The API's (and the state file's) VpcConfiguration document."""
        return {
            "VpcId": self.vpc_id,
            "SubnetIds": list(self.subnet_ids),
            "SecurityGroupIds": list(self.security_group_ids),
            "TlsCertificate": self.tls_certificate,
        }


@dataclass
class Connection:
    connection_arn: str
    connection_name: str
    provider_type: str
    owner_account_id: str
    connection_status: str
    host_arn: str | None = None
    provider_endpoint: str | None = None
    tags: dict[str, str] = field(default_factory=dict)
    # Creation order; list operations page in this order and page tokens point into it.
    sequence: int = 0


@dataclass(frozen=True)
class ConnectionSeed:
    """A connection the control API asks for (checked already; no quota applies)."""

    scope: Scope
    service: str
    name: str
    provider_type: str | None
    host_arn: str | None = None
    tags: dict[str, str] | None = None
    status: str = "AVAILABLE"


@dataclass
class Host:
    host_arn: str
    name: str
    provider_type: str
    provider_endpoint: str
    status: str
    status_message: str | None = None
    vpc_configuration: VpcConfiguration | None = None
    tags: dict[str, str] = field(default_factory=dict)
    sequence: int = 0
