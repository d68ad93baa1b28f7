"""What each engine step does to a ``Connections`` listing: every connection of one account and
region, ListConnections' filters applied (:class:`ListingSteps`, :data:`LISTING`).

The rules are :mod:`.steps`' (drift in a plain preview, the gate in Check, no write, Delete
without a call, Read never dropping state on an error); what is the listing's own:

- ``observed`` is ``{service, region, connections: {ARN: the connection's outputs}}``: keyed
  by ARN, so the engine's diff of the inputs names the connection that appeared
  (``+ arn:…``), disappeared (``- arn:…``) or changed (``~ arn:…: { ~ connectionStatus: … }``),
  wherever it sorts among the others.
- the outputs are a summary of it (:func:`..core.records.listing_outputs`): ``connections``
  (each with a ``Connection``'s outputs, sorted by ARN), ``byName``, ``ambiguousNames``,
  ``count``, ``statuses``, ``service``, ``region``, plus the inputs echoed.
- its identity, and id, is where it lists: service, region and the filters. Changing one
  replaces the resource; changing profile or role (another account, maybe) is an update.
- each Check and each Read makes one fresh ListConnections paging pass, then
  ListTagsForResource for each connection and GetHost for each distinct host; a failure of
  any of them fails Check (or raises in Read): no listing is ever recorded in part.
- ``requireStatus``: every connection must be in one of the statuses (an empty listing
  passes); each one that is not is named, in the words a ``Connection``'s gate uses.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from pulumi_codestar_connections.core.errors import CodestarConnectionsError
from pulumi_codestar_connections.core.records import (
    LISTING_FIELDS,
    ConnectionDetails,
    listing_outputs,
)
from pulumi_codestar_connections.core.rules import required_status_reason

from .inputs import (
    LISTING_INPUT_FIELDS,
    ListingSpec,
    RegionDefault,
    is_unknown,
    normalized,
    parse_listing,
    required_statuses,
)
from .naming import label
from .reader import ConnectionReader
from .steps import Failure, Steps

__all__ = ["CONNECTIONS_PROPERTY", "LISTING", "ListingSteps", "listing_id"]

CONNECTIONS_PROPERTY = "connections"
# What a missing region is missing for, in its message.
_SUBJECT = "listing the connections"


class ListingSteps(Steps[ListingSpec]):
    """``Connections``: every connection of one (service, region), with AWS's filters."""

    identity = ("region", "service", "providerTypeFilter", "hostArnFilter")
    output_fields = LISTING_FIELDS

    def given(self, news: Mapping[str, Any]) -> dict[str, Any]:
        return normalized(news, LISTING_INPUT_FIELDS)

    def parse(
        self, given: Mapping[str, Any], *, default_region: RegionDefault
    ) -> ListingSpec | None:
        if any(is_unknown(value) for value in given.values()):
            return None
        spec = parse_listing(given, default_region=default_region, subject=_SUBJECT)
        return dataclasses.replace(
            spec, require_status=required_statuses(given.get("requireStatus"))
        )

    def observe(
        self, reader: ConnectionReader, spec: ListingSpec, olds: Mapping[str, Any]
    ) -> dict[str, Any] | Failure:
        try:
            found = reader.survey(spec)
        except CodestarConnectionsError as error:
            return "", str(error)  # no one input is wrong: the listing failed as a whole
        refused = _refused(found, spec.require_status)
        if refused:
            return "requireStatus", refused
        return _snapshot(found, spec)

    def rendered(self, observed: Mapping[str, Any]) -> dict[str, Any]:
        return listing_outputs(
            observed[CONNECTIONS_PROPERTY].values(),
            service=observed["service"],
            region=observed["region"],
        )

    def id_of(self, outputs: Mapping[str, Any]) -> str:
        return listing_id(outputs)

    def reread(
        self, reader: ConnectionReader, id_: str, echoed: Mapping[str, Any]
    ) -> dict[str, Any]:
        """The listing again, where the outputs say it was made (they echo region and service).

        Never raises ConnectionNotFound: a listing is never gone, so refresh never drops it.
        """
        spec = parse_listing(echoed, default_region=None, subject=_SUBJECT)
        return _snapshot(reader.survey(spec), spec)


LISTING = ListingSteps()
"""The ``Connections`` resource's steps (both methods and rules: :class:`.steps.Steps`)."""


def listing_id(outputs: Mapping[str, Any]) -> str:
    """Where a listing lists, as its id: ``codestar-connections/eu-west-1``, and the filters
    given as a query (``?providerTypeFilter=GitHub``)."""
    filters = "&".join(
        f"{key}={outputs[key]}"
        for key in ("providerTypeFilter", "hostArnFilter")
        if outputs.get(key) is not None
    )
    return f"{outputs['service']}/{outputs['region']}" + (f"?{filters}" if filters else "")


def _snapshot(found: list[ConnectionDetails], spec: ListingSpec) -> dict[str, Any]:
    """What Check records as ``observed``: where it listed and each connection by ARN."""
    ordered = sorted(found, key=lambda details: details.connection.connection_arn)
    return {
        "service": spec.service,
        "region": spec.region,
        CONNECTIONS_PROPERTY: {d.connection.connection_arn: d.to_outputs() for d in ordered},
    }


def _refused(found: list[ConnectionDetails], required: tuple[str, ...]) -> str | None:
    """Why the gate refuses the listing: each connection not in a required status, or None."""
    field = label("requireStatus")
    reasons = [
        reason
        for details in sorted(found, key=lambda d: d.connection.connection_arn)
        if (reason := required_status_reason(details, required, field=field))
    ]
    if len(reasons) <= 1:
        return reasons[0] if reasons else None
    return f"{len(reasons)} of the {len(found)} connections are refused: " + "; ".join(reasons)
