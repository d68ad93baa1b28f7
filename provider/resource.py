"""``Connection``: the read-only Pulumi resource users write in their programs."""

from __future__ import annotations

import pulumi
import pulumi.dynamic

from .lifecycle import ConnectionProvider
from .model import OUTPUT_FIELDS, camel_to_snake, snake_to_camel

__all__ = ["Connection"]


class Connection(pulumi.dynamic.Resource, module="codestar", name="Connection"):
    """An existing AWS CodeStar connection, looked up by ARN and never modified.

    ``pulumi preview`` shows a diff when the connection's status, host, name or provider type
    changed in AWS since the last ``pulumi up``; ``pulumi destroy`` forgets it without touching
    it. Example::

        github = Connection("github", connection_arn="arn:aws:codestar-connections:…")
        pulumi.export("connectionStatus", github.connection_status)
    """

    connection_arn: pulumi.Output[str]
    """The connection's ARN (also the resource id)."""
    connection_name: pulumi.Output[str]
    """The name given when the connection was created."""
    provider_type: pulumi.Output[str]
    """GitHub, GitLab, Bitbucket, GitHubEnterpriseServer, GitLabSelfManaged, …"""
    owner_account_id: pulumi.Output[str]
    """The AWS account that owns the connection."""
    connection_status: pulumi.Output[str]
    """PENDING (handshake not completed), AVAILABLE, or ERROR."""
    _host_arn: pulumi.Output[str]  # "" for cloud providers, as state holds it (model.NO_HOST)

    def __init__(
        self,
        resource_name: str,
        *,
        connection_arn: pulumi.Input[str],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        # Seed every output so each attribute exists (as an Output) from construction on. Keys
        # are Python names; translate_input_property turns them into state names (camelCase).
        props: dict[str, object] = dict.fromkeys(
            _PRIVATE.get(key) or camel_to_snake(key) for key in OUTPUT_FIELDS
        )
        props["connection_arn"] = connection_arn
        super().__init__(ConnectionProvider(), resource_name, props, opts)

    @staticmethod
    def get(
        resource_name: str, id: pulumi.Input[str], opts: pulumi.ResourceOptions | None = None
    ) -> Connection:
        """Adopt an existing connection by ARN as a read resource, like pulumi-aws's ``get``."""
        return Connection(
            resource_name,
            connection_arn=id,
            opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(id=id)),
        )

    @property
    def host_arn(self) -> pulumi.Output[str | None]:
        """The host of a GitHub Enterprise Server / GitLab self-managed connection, else None."""
        return self._host_arn.apply(lambda value: value or None)

    def translate_output_property(self, prop: str) -> str:
        return _PRIVATE.get(prop) or camel_to_snake(prop)

    def translate_input_property(self, prop: str) -> str:
        return _PUBLIC.get(prop) or snake_to_camel(prop)


# hostArn lands in a private attribute, so that the public ``host_arn`` can turn "" into None.
_PRIVATE = {"hostArn": "_host_arn"}
_PUBLIC = {value: key for key, value in _PRIVATE.items()}
