"""``Connection`` and ``Connections``: the read-only Pulumi resources users write in programs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pulumi
import pulumi.dynamic

from pulumi_codestar_connections.core.records import (
    LISTING_FIELDS,
    OUTPUT_FIELDS,
    camel_to_snake,
    snake_to_camel,
    status_counts,
)

from .provider import ConnectionProvider, ConnectionsProvider

__all__ = ["Connection", "Connections"]

# hostArn is stored as "" instead of null (see core.records.NO_HOST); it lands in a private
# attribute so that the public property can give None. (``host`` stays a plain attribute, {}
# when there is none: the SDK renames nested dict keys too, and "host" is a plausible tag key.)
_PRIVATE = {"hostArn": "_host_arn"}
_PUBLIC = {value: key for key, value in _PRIVATE.items()}


class Connection(pulumi.dynamic.Resource, module="codestar", name="Connection"):
    """An existing AWS CodeStar connection, looked up by ARN or by name, never modified.

    ``pulumi preview`` shows a diff when the connection's status, host, tags, name or provider
    type changed in AWS since the last ``pulumi up``; ``require_status`` fails the preview when
    the connection is not in a status you accept; ``pulumi destroy`` forgets it without
    touching it. Example::

        github = Connection("github", connection_arn="arn:aws:codestar-connections:…")
        gitlab = Connection("gitlab", connection_name="gitlab-main", require_status="AVAILABLE")
        pulumi.export("connectionStatus", github.connection_status)
    """

    connection_arn: pulumi.Output[str]
    """The connection's ARN (also the resource id); for a name lookup, the one it resolved to."""
    connection_name: pulumi.Output[str]
    """The name given when the connection was created."""
    provider_type: pulumi.Output[str]
    """GitHub, GitLab, Bitbucket, GitHubEnterpriseServer, GitLabSelfManaged, AzureDevOps, …"""
    owner_account_id: pulumi.Output[str]
    """The AWS account that owns the connection."""
    connection_status: pulumi.Output[str]
    """PENDING (handshake not completed), AVAILABLE, or ERROR (the app lost access)."""
    tags: pulumi.Output[dict[str, str]]
    """The connection's tags (ListTagsForResource)."""
    service: pulumi.Output[str]
    """The API it was read through: codestar-connections or codeconnections."""
    region: pulumi.Output[str]
    """The region it lives in."""
    host: pulumi.Output[dict[str, Any]]
    """GetHost for GitHub Enterprise Server / GitLab self-managed connections: name, status,
    providerEndpoint and vpcConfiguration; {} for cloud providers."""
    _host_arn: pulumi.Output[
        str
    ]  # "" for cloud providers, as state holds it (core.records.NO_HOST)

    def __init__(
        self,
        resource_name: str,
        *,
        connection_arn: pulumi.Input[str] | None = None,
        connection_name: pulumi.Input[str] | None = None,
        provider_type: pulumi.Input[str] | None = None,
        host_arn: pulumi.Input[str] | None = None,
        require_status: pulumi.Input[str] | Sequence[pulumi.Input[str]] | None = None,
        region: pulumi.Input[str] | None = None,
        service: pulumi.Input[str] | None = None,
        profile: pulumi.Input[str] | None = None,
        assume_role_arn: pulumi.Input[str] | None = None,
        external_id: pulumi.Input[str] | None = None,
        session_name: pulumi.Input[str] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """Look up exactly one of ``connection_arn`` or ``connection_name``.

        :param connection_name: resolved with ListConnections in ``region`` (default: stack
            config ``aws:region``), narrowed by ``provider_type`` / ``host_arn``.
        :param require_status: a status or list of statuses to accept (e.g. "AVAILABLE");
            any other fails ``pulumi preview`` / ``up`` with what it means and where to fix it.
        :param profile: AWS profile (default: stack config ``aws:profile``, then the usual
            chain). ``assume_role_arn`` (+ ``external_id``, ``session_name``) reads through an
            STS role, e.g. in a shared tools account; temporary credentials are never stored.
        """
        # Every output and input is seeded so each attribute exists from construction on. Keys
        # are Python names; translate_input_property turns them into state names (camelCase).
        props: dict[str, object] = dict.fromkeys(
            _PRIVATE.get(key) or camel_to_snake(key) for key in OUTPUT_FIELDS
        )
        props.update(
            connection_arn=connection_arn,
            connection_name=connection_name,
            _host_arn=host_arn,
            provider_type=provider_type,
            require_status=require_status,
            region=region,
            service=service,
            profile=profile,
            assume_role_arn=assume_role_arn,
            external_id=external_id,
            session_name=session_name,
        )
        super().__init__(ConnectionProvider(), resource_name, props, opts)

    @staticmethod
    def get(
        resource_name: str,
        id: pulumi.Input[str],
        opts: pulumi.ResourceOptions | None = None,
        **access: Any,
    ) -> Connection:
        """Adopt an existing connection by ARN as a read resource, like pulumi-aws's ``get``.

        ``access`` takes ``profile``, ``assume_role_arn``, ``external_id``, ``session_name``.
        """
        return Connection(
            resource_name,
            connection_arn=id,
            opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(id=id)),
            **access,
        )

    @property
    def host_arn(self) -> pulumi.Output[str | None]:
        """The host of a GitHub Enterprise Server / GitLab self-managed connection, else None."""
        return self._host_arn.apply(lambda value: value or None)

    def translate_output_property(self, prop: str) -> str:
        return _PRIVATE.get(prop) or camel_to_snake(prop)

    def translate_input_property(self, prop: str) -> str:
        return _PUBLIC.get(prop) or snake_to_camel(prop)


# Numbers reach a dynamic resource as floats: these two are derived from `connections` instead,
# as ints (state and stack outputs hold them too, with the same values).
_DERIVED = ("count", "statuses")


class Connections(pulumi.dynamic.Resource, module="codestar", name="Connections"):
    """Every AWS CodeStar connection of one account and region, listed, never modified.

    ``pulumi preview`` shows a diff when a connection appeared, disappeared or changed (status,
    name, host, tags) in AWS since the last ``pulumi up``, naming it by its ARN:
    drift for a whole account. ``require_status`` fails the preview when any connection is not
    in a status you accept; ``pulumi destroy`` forgets the listing without touching anything.
    Each ``pulumi preview`` and ``up`` phase makes one ListConnections paging pass, plus
    ListTagsForResource for each connection (and GetHost for each host). Example::

        every = Connections("every", region="eu-west-1", require_status="AVAILABLE")
        github = Connections("github", provider_type_filter="GitHub")
        pulumi.export("githubArn", github.by_name["github-main"])
        pulumi.export("connectionStatuses", every.statuses)

    Names: AWS lets connections share one. ``by_name`` maps each name that exactly one
    connection holds to its ARN; ``ambiguous_names`` maps each name several hold to all their
    ARNs. Every connection is under its name in one of the two, never dropped.
    """

    connections: pulumi.Output[list[dict[str, Any]]]
    """Each connection, sorted by ARN, with a ``Connection``'s outputs by their Python names:
    ``connection_arn``, ``connection_name``, ``provider_type``, ``owner_account_id``,
    ``connection_status``, ``host_arn`` ("" for cloud providers, as state holds it), ``tags``,
    ``host``, ``service``, ``region``. (State and stack outputs name them in camelCase.)"""
    by_name: pulumi.Output[dict[str, str]]
    """Name → ARN, for each name exactly one of the connections holds."""
    ambiguous_names: pulumi.Output[dict[str, list[str]]]
    """Name → ARNs (sorted), for each name that several of the connections share; {} if none."""
    service: pulumi.Output[str]
    """The API listed: codestar-connections or codeconnections."""
    region: pulumi.Output[str]
    """The region listed."""

    def __init__(
        self,
        resource_name: str,
        *,
        provider_type_filter: pulumi.Input[str] | None = None,
        host_arn_filter: pulumi.Input[str] | None = None,
        require_status: pulumi.Input[str] | Sequence[pulumi.Input[str]] | None = None,
        region: pulumi.Input[str] | None = None,
        service: pulumi.Input[str] | None = None,
        profile: pulumi.Input[str] | None = None,
        assume_role_arn: pulumi.Input[str] | None = None,
        external_id: pulumi.Input[str] | None = None,
        session_name: pulumi.Input[str] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """List every connection in ``region`` (default: stack config ``aws:region``).

        :param provider_type_filter: only connections of this provider type (ListConnections'
            ProviderTypeFilter); ``host_arn_filter``: only those to this host.
        :param require_status: a status or list of statuses to accept (e.g. "AVAILABLE"); a
            connection in any other fails ``pulumi preview`` / ``up``, each one named with what
            its status means and where to fix it. An empty listing passes.
        :param service: the API to list: codestar-connections (default) or codeconnections
            (which alone lists AzureDevOps connections).
        :param profile: AWS profile (default: stack config ``aws:profile``, then the usual
            chain). ``assume_role_arn`` (+ ``external_id``, ``session_name``) lists through an
            STS role, e.g. in a shared tools account; temporary credentials are never stored.
        """
        props: dict[str, object] = dict.fromkeys(
            camel_to_snake(key) for key in LISTING_FIELDS if key not in _DERIVED
        )
        props.update(
            provider_type_filter=provider_type_filter,
            host_arn_filter=host_arn_filter,
            require_status=require_status,
            region=region,
            service=service,
            profile=profile,
            assume_role_arn=assume_role_arn,
            external_id=external_id,
            session_name=session_name,
        )
        super().__init__(ConnectionsProvider(), resource_name, props, opts)

    @property
    def count(self) -> pulumi.Output[int]:
        """How many connections were listed."""
        return self.connections.apply(len)

    @property
    def statuses(self) -> pulumi.Output[dict[str, int]]:
        """Status → how many connections are in it (every status, 0 included)."""
        return self.connections.apply(
            lambda listed: status_counts(c["connection_status"] for c in listed)
        )

    def translate_output_property(self, prop: str) -> str:
        # The SDK applies this to nested dict keys too (each connection's fields, its tags, the
        # names in by_name): see core.records for why that table holds no plausible tag or name.
        return camel_to_snake(prop)

    def translate_input_property(self, prop: str) -> str:
        return snake_to_camel(prop)
